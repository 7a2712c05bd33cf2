package org

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
)

// Store holds the SQL of organizations and users.
type Store struct {
	db    bun.IDB
	clock clock.Clock
}

// NewStore returns a store on db (a *bun.DB or a transaction).
func NewStore(db bun.IDB, c clock.Clock) *Store { return &Store{db: db, clock: c} }

// conn is the connection of one call: the transaction of ctx, if any.
func (s *Store) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

// CreateOrganization inserts o with its email domains.
func (s *Store) CreateOrganization(ctx context.Context, o *Organization, domains []string) error {
	now := s.clock.Now()
	o.CreatedAt, o.UpdatedAt = now, now
	if _, err := s.conn(ctx).NewInsert().Model(o).Exec(ctx); err != nil {
		return fmt.Errorf("create organization %q: %w", o.Name, err)
	}
	return s.addDomains(ctx, o, domains)
}

func (s *Store) addDomains(ctx context.Context, o *Organization, domains []string) error {
	now := s.clock.Now()
	for _, d := range domains {
		dom := &Domain{OrganizationID: o.ID, Domain: strings.ToLower(strings.TrimSpace(d)), CreatedAt: now, UpdatedAt: now}
		if _, err := s.conn(ctx).NewInsert().Model(dom).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return &apperr.Conflict{Field: "email_domains", Message: "error.domain_taken"}
			}
			return fmt.Errorf("add domain %q: %w", d, err)
		}
		o.Domains = append(o.Domains, dom)
	}
	return nil
}

// Organization loads one organization with its domains.
func (s *Store) Organization(ctx context.Context, id int64) (*Organization, error) {
	o := new(Organization)
	err := s.conn(ctx).NewSelect().Model(o).Relation("Domains").Where("o.id = ?", id).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("organization %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load organization %d: %w", id, err)
	}
	return o, nil
}

// FirstProvider returns the oldest provider organization.
func (s *Store) FirstProvider(ctx context.Context) (*Organization, error) {
	o := new(Organization)
	err := s.conn(ctx).NewSelect().Model(o).Where("provider_id IS NULL").Order("id").Limit(1).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("provider organization: %w", apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load provider organization: %w", err)
	}
	return o, nil
}

// Empty reports whether the database holds no organization yet.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	exists, err := s.conn(ctx).NewSelect().Model((*Organization)(nil)).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("check for organizations: %w", err)
	}
	return !exists, nil
}

// CreateUser inserts u, storing its email normalized. A taken email is a
// Conflict at the field "email".
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	now := s.clock.Now()
	u.Email = NormalizeEmail(u.Email)
	u.CreatedAt, u.UpdatedAt = now, now
	if u.Language == "" {
		u.Language = "en"
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if _, err := s.conn(ctx).NewInsert().Model(u).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return &apperr.Conflict{Field: "email", Message: "error.email_taken"}
		}
		return fmt.Errorf("create user %q: %w", u.Email, err)
	}
	return nil
}

func (s *Store) userQuery(ctx context.Context, u *User) *bun.SelectQuery {
	return s.conn(ctx).NewSelect().Model(u).Relation("Organization")
}

// User loads a user with their organization.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	err := s.userQuery(ctx, u).Where("u.id = ?", id).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("user %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail loads a user by email, compared case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := s.userQuery(ctx, u).Where("lower(u.email) = ?", NormalizeEmail(email)).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("user by email: %w", apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user by email: %w", err)
	}
	return u, nil
}

// UpdateProfile saves the fields a user may change about themselves.
func (s *Store) UpdateProfile(ctx context.Context, userID int64, in ProfileInput) error {
	res, err := s.conn(ctx).NewUpdate().Model((*User)(nil)).
		Set("first_name = ?", in.FirstName).
		Set("last_name = ?", in.LastName).
		Set("language = ?", in.Language).
		Set("time_zone = ?", in.TimeZone).
		Set("updated_at = ?", s.clock.Now()).
		Where("id = ?", userID).Exec(ctx)
	return affectedOne(res, err, "update profile of user %d", userID)
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := s.conn(ctx).NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).
		Set("updated_at = ?", s.clock.Now()).
		Where("id = ?", userID).Exec(ctx)
	return affectedOne(res, err, "set password of user %d", userID)
}

// RecordLogin stores the time of a successful sign-in.
func (s *Store) RecordLogin(ctx context.Context, userID int64) error {
	_, err := s.conn(ctx).NewUpdate().Model((*User)(nil)).
		Set("last_login_at = ?", s.clock.Now()).
		Where("id = ?", userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record login of user %d: %w", userID, err)
	}
	return nil
}

// CountUsers counts the users of an organization (bounded to one tenant).
func (s *Store) CountUsers(ctx context.Context, orgID int64) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*User)(nil)).Where("organization_id = ?", orgID).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count users of organization %d: %w", orgID, err)
	}
	return int(n), nil
}

func affectedOne(res interface{ RowsAffected() (int64, error) }, err error, format string, args ...any) error {
	if err != nil {
		return fmt.Errorf(format+": %w", append(args, err)...)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf(format+": %w", append(args, apperr.ErrNotFound)...)
	}
	return nil
}
