package org

import (
	"context"
	"fmt"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/db"
)

// CreateInvitation inserts inv and the invited user u (without a password),
// linked so that deleting the invitation deletes the user. Run it in a
// transaction.
func (s *Store) CreateInvitation(ctx context.Context, inv *Invitation, u *User) error {
	now := s.clock.Now()
	inv.CreatedAt, inv.UpdatedAt = now, now
	if inv.SentCount == 0 {
		inv.SentCount = 1
	}
	if _, err := s.conn(ctx).NewInsert().Model(inv).Exec(ctx); err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	u.OrganizationID = inv.OrganizationID
	u.InvitationID = &inv.ID
	if err := s.CreateUser(ctx, u); err != nil {
		return err
	}
	inv.User = u
	return nil
}

// ListInvitations returns an organization's invitations with their users,
// newest first, before the id before (0 for the first page).
func (s *Store) ListInvitations(ctx context.Context, orgID, before int64, limit int) ([]*Invitation, bool, error) {
	var out []*Invitation
	q := s.conn(ctx).NewSelect().Model(&out).Relation("User").
		Where("i.organization_id = ?", orgID).OrderExpr("i.id DESC").Limit(int64(limit + 1))
	if before > 0 {
		q.Where("i.id < ?", before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("list invitations of %d: %w", orgID, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Invitation loads invitation id with its user and organization, if it
// belongs to an organization served by providerID (the provider itself or
// one of its customers). Anything else is ErrNotFound.
func (s *Store) Invitation(ctx context.Context, providerID, id int64) (*Invitation, *Organization, error) {
	inv := new(Invitation)
	err := s.conn(ctx).NewSelect().Model(inv).Relation("User").Where("i.id = ?", id).Scan(ctx)
	if db.NoRows(err) {
		return nil, nil, fmt.Errorf("invitation %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load invitation %d: %w", id, err)
	}
	o, err := s.Organization(ctx, inv.OrganizationID)
	if err != nil {
		return nil, nil, err
	}
	if o.ID != providerID && (o.ProviderID == nil || *o.ProviderID != providerID) {
		return nil, nil, fmt.Errorf("invitation %d: %w", id, apperr.ErrNotFound)
	}
	return inv, o, nil
}

// InvitationByToken loads the invitation whose token hashes to hash, with its
// user, whatever its state.
func (s *Store) InvitationByToken(ctx context.Context, hash string) (*Invitation, error) {
	inv := new(Invitation)
	err := s.conn(ctx).NewSelect().Model(inv).Relation("User").Where("i.token_hash = ?", hash).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("invitation by token: %w", apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load invitation by token: %w", err)
	}
	return inv, nil
}

// RenewInvitation replaces the token of a not yet accepted invitation, so
// the old link stops working.
func (s *Store) RenewInvitation(ctx context.Context, id int64, hash string, expires time.Time) error {
	res, err := s.conn(ctx).NewUpdate().Model((*Invitation)(nil)).
		Set("token_hash = ?", hash).Set("expires_at = ?", expires).
		Set("sent_count = sent_count + 1").Set("updated_at = ?", s.clock.Now()).
		Where("id = ?", id).Where("accepted_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("renew invitation %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("invitation %d was already accepted: %w", id, apperr.ErrConflict)
	}
	return nil
}

// ClaimInvitation marks the pending invitation with token hash as accepted
// and returns it. Of two concurrent claims exactly one succeeds; an unknown,
// used or expired token is ErrNotFound.
func (s *Store) ClaimInvitation(ctx context.Context, hash string) (*Invitation, error) {
	now := s.clock.Now()
	res, err := s.conn(ctx).NewUpdate().Model((*Invitation)(nil)).
		Set("accepted_at = ?", now).Set("updated_at = ?", now).
		Where("token_hash = ?", hash).Where("accepted_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("claim invitation: %w", apperr.ErrNotFound)
	}
	return s.InvitationByToken(ctx, hash)
}

// MarkInvitationAccepted records that the user of invitation id has set a
// password by another way (a set-password link).
func (s *Store) MarkInvitationAccepted(ctx context.Context, id int64) error {
	now := s.clock.Now()
	_, err := s.conn(ctx).NewUpdate().Model((*Invitation)(nil)).
		Set("accepted_at = ?", now).Set("updated_at = ?", now).
		Where("id = ?", id).Where("accepted_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark invitation %d accepted: %w", id, err)
	}
	return nil
}

// DeleteInvitation deletes an invitation; the database deletes the user
// created from it, with their sessions and API tokens.
func (s *Store) DeleteInvitation(ctx context.Context, id int64) error {
	res, err := s.conn(ctx).NewDelete().Model((*Invitation)(nil)).Where("id = ?", id).Exec(ctx)
	return affectedOne(res, err, "delete invitation %d", id)
}

// CreatePasswordToken stores a set-password or reset link for a user.
func (s *Store) CreatePasswordToken(ctx context.Context, t *PasswordToken) error {
	now := s.clock.Now()
	t.CreatedAt, t.UpdatedAt = now, now
	if _, err := s.conn(ctx).NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("create password token: %w", err)
	}
	return nil
}

// PasswordToken loads a valid (unused, unexpired) password token by hash.
func (s *Store) PasswordToken(ctx context.Context, hash string) (*PasswordToken, error) {
	t := new(PasswordToken)
	err := s.conn(ctx).NewSelect().Model(t).Where("token_hash = ?", hash).
		Where("used_at IS NULL").Where("expires_at > ?", s.clock.Now()).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("password token: %w", apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load password token: %w", err)
	}
	return t, nil
}

// ClaimPasswordToken marks a valid password token used and returns it. Of
// two concurrent claims exactly one succeeds; others get ErrNotFound.
func (s *Store) ClaimPasswordToken(ctx context.Context, hash string) (*PasswordToken, error) {
	now := s.clock.Now()
	res, err := s.conn(ctx).NewUpdate().Model((*PasswordToken)(nil)).
		Set("used_at = ?", now).Set("updated_at = ?", now).
		Where("token_hash = ?", hash).Where("used_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim password token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("claim password token: %w", apperr.ErrNotFound)
	}
	t := new(PasswordToken)
	if err := s.conn(ctx).NewSelect().Model(t).Where("token_hash = ?", hash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load claimed password token: %w", err)
	}
	return t, nil
}

// RetirePasswordTokens marks every open password token of a user used, so
// only the newest link works.
func (s *Store) RetirePasswordTokens(ctx context.Context, userID int64) error {
	now := s.clock.Now()
	_, err := s.conn(ctx).NewUpdate().Model((*PasswordToken)(nil)).
		Set("used_at = ?", now).Set("updated_at = ?", now).
		Where("user_id = ?", userID).Where("used_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("retire password tokens of %d: %w", userID, err)
	}
	return nil
}
