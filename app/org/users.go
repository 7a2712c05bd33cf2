package org

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/db"
	"backoffice/rbac"
)

// UserFilter says whose users to list: the users of one organization, or
// (with ProviderID) those of a provider and all its customers.
type UserFilter struct {
	OrganizationID int64
	ProviderID     int64
	Query          string // part of a name or email
}

// UserCursor is the keyset to continue a user list after.
type UserCursor struct {
	LastName  string `json:"l"`
	FirstName string `json:"f"`
	ID        int64  `json:"i"`
}

// ListUsers lists users by last name, first name and id, after cursor
// (nil for the first page). It returns the cursor of the next page, or nil.
// users_organization_name_idx matches the filter and order for one organization.
func (s *Store) ListUsers(ctx context.Context, f UserFilter, after *UserCursor, limit int) ([]*User, *UserCursor, error) {
	var out []*User
	q, err := s.usersIn(ctx, &out, f)
	if err != nil {
		return nil, nil, err
	}
	q.OrderExpr("u.last_name, u.first_name, u.id").Limit(int64(limit + 1))
	if f.Query != "" {
		like := db.Containing(NormalizeEmail(f.Query))
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("lower(u.email) LIKE ? ESCAPE '\\'", like).
				WhereOr("lower(u.first_name) LIKE ? ESCAPE '\\'", like).
				WhereOr("lower(u.last_name) LIKE ? ESCAPE '\\'", like)
		})
	}
	if after != nil {
		q.Where("(u.last_name > ? OR (u.last_name = ? AND u.first_name > ?) OR (u.last_name = ? AND u.first_name = ? AND u.id > ?))",
			after.LastName, after.LastName, after.FirstName, after.LastName, after.FirstName, after.ID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("list users: %w", err)
	}
	if len(out) <= limit {
		return out, nil, nil
	}
	out = out[:limit]
	last := out[limit-1]
	return out, &UserCursor{LastName: last.LastName, FirstName: last.FirstName, ID: last.ID}, nil
}

// usersIn starts every query of users in scope f (Query aside): the users
// of one organization, or (ProviderID) those of a provider and all its
// customers. A scope is required: no query reads all users.
func (s *Store) usersIn(ctx context.Context, model any, f UserFilter) (*bun.SelectQuery, error) {
	q := s.conn(ctx).NewSelect().Model(model).Relation("Organization")
	switch {
	case f.OrganizationID > 0:
		return q.Where("u.organization_id = ?", f.OrganizationID), nil
	case f.ProviderID > 0:
		return q.Where("u.organization_id IN (SELECT id FROM organizations WHERE id = ? OR provider_id = ?)", f.ProviderID, f.ProviderID), nil
	}
	return nil, errors.New("users: no scope given")
}

// UserIn loads user id, with their organization, if they are in scope f
// (Query aside); anyone else is ErrNotFound, like a missing user.
func (s *Store) UserIn(ctx context.Context, f UserFilter, id int64) (*User, error) {
	u := new(User)
	q, err := s.usersIn(ctx, u, f)
	if err != nil {
		return nil, err
	}
	err = q.Where("u.id = ?", id).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("user %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	return u, nil
}

// UpdateUser saves the fields an administrator may change about a user.
func (s *Store) UpdateUser(ctx context.Context, u *User) error {
	u.UpdatedAt = s.clock.Now()
	res, err := s.conn(ctx).NewUpdate().Model(u).
		Column("first_name", "last_name", "role", "language", "time_zone", "updated_at").WherePK().Exec(ctx)
	return affectedOne(res, err, "update user %d", u.ID)
}

// SetDisabled disables (true) or enables (false) a user.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	now := s.clock.Now()
	q := s.conn(ctx).NewUpdate().Model((*User)(nil)).Set("updated_at = ?", now).Where("id = ?", id)
	if disabled {
		q.Set("disabled_at = ?", now)
	} else {
		q.Set("disabled_at = NULL")
	}
	res, err := q.Exec(ctx)
	return affectedOne(res, err, "set user %d disabled=%t", id, disabled)
}

// DeleteUser deletes a user; their sessions, API tokens and password links
// go with them. A user created from an invitation is deleted by deleting
// the invitation, so that it does not linger without its user.
func (s *Store) DeleteUser(ctx context.Context, u *User) error {
	if u.InvitationID != nil {
		return s.DeleteInvitation(ctx, *u.InvitationID)
	}
	res, err := s.conn(ctx).NewDelete().Model((*User)(nil)).Where("id = ?", u.ID).Exec(ctx)
	return affectedOne(res, err, "delete user %d", u.ID)
}

// CountActiveAdmins counts the enabled users of an organization holding
// role (administrator for a customer, provider_admin for a provider).
func (s *Store) CountActiveAdmins(ctx context.Context, orgID int64, role rbac.Role) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*User)(nil)).
		Where("organization_id = ?", orgID).Where("role = ?", role).Where("disabled_at IS NULL").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count administrators of %d: %w", orgID, err)
	}
	return int(n), nil
}
