package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/org"
)

// APITokenPrefix starts every personal API token, so a leaked one is easy
// to recognise (and to scan for).
const APITokenPrefix = "bo_"

// APIToken is a personal API token. Only its hash is stored.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens,alias:t"`

	ID         int64 `bun:",pk,autoincrement"`
	UserID     int64
	Name       string
	TokenHash  string
	Prefix     string
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	User *org.User `bun:"rel:belongs-to,join:user_id=id"`
}

// TokenStore keeps API tokens.
type TokenStore struct {
	db    bun.IDB
	clock clock.Clock
}

// NewTokenStore returns a token store on db.
func NewTokenStore(db bun.IDB, c clock.Clock) *TokenStore { return &TokenStore{db: db, clock: c} }

// conn is the connection of one call: the transaction of ctx, if any.
func (s *TokenStore) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

// Create issues a token for userID valid for ttl, returning its plain text —
// shown once, never stored.
func (s *TokenStore) Create(ctx context.Context, userID int64, name string, ttl time.Duration) (string, *APIToken, error) {
	plain, hash := NewToken(APITokenPrefix)
	now := s.clock.Now()
	t := &APIToken{UserID: userID, Name: name, TokenHash: hash, Prefix: plain[:len(APITokenPrefix)+6],
		ExpiresAt: now.Add(ttl), CreatedAt: now, UpdatedAt: now}
	if _, err := s.conn(ctx).NewInsert().Model(t).Exec(ctx); err != nil {
		return "", nil, fmt.Errorf("create API token: %w", err)
	}
	return plain, t, nil
}

// Authenticate finds the live token of a bearer credential with its enabled
// user and organization, and records its use (at most once a minute).
func (s *TokenStore) Authenticate(ctx context.Context, plain string) (*APIToken, error) {
	if !strings.HasPrefix(plain, APITokenPrefix) || len(plain) > 100 {
		return nil, apperr.ErrUnauthorized
	}
	now := s.clock.Now()
	hash := HashToken(plain)
	t := new(APIToken)
	err := s.conn(ctx).NewSelect().Model(t).
		Relation("User").Relation("User.Organization").
		Where("t.token_hash = ?", hash).
		Where("t.expires_at > ?", now).
		Where("? IS NULL", bun.Ident("user.disabled_at")).
		Scan(ctx)
	if db.NoRows(err) {
		return nil, apperr.ErrUnauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("look up API token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(t.TokenHash), []byte(hash)) != 1 {
		return nil, apperr.ErrUnauthorized
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= time.Minute {
		if _, err := s.conn(ctx).NewUpdate().Model((*APIToken)(nil)).Set("last_used_at = ?", now).
			Where("id = ?", t.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("touch API token: %w", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}

// ForUser lists the live tokens of userID, newest first: up to limit tokens
// older than the token before (0 for the newest), and whether more follow.
func (s *TokenStore) ForUser(ctx context.Context, userID, before int64, limit int) ([]*APIToken, bool, error) {
	var out []*APIToken
	q := s.conn(ctx).NewSelect().Model(&out).Where("user_id = ?", userID).Where("expires_at > ?", s.clock.Now())
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if err := q.Order("id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("list API tokens of user %d: %w", userID, err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Delete revokes a token of userID; another user's token is ErrNotFound.
func (s *TokenStore) Delete(ctx context.Context, userID, id int64) (*APIToken, error) {
	t := new(APIToken)
	err := s.conn(ctx).NewSelect().Model(t).Where("id = ?", id).Where("user_id = ?", userID).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("API token %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load API token %d: %w", id, err)
	}
	if _, err := s.conn(ctx).NewDelete().Model((*APIToken)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete API token %d: %w", id, err)
	}
	return t, nil
}

// DeleteForUser revokes every token of userID but keepID (0 for none) and
// returns how many.
func (s *TokenStore) DeleteForUser(ctx context.Context, userID, keepID int64) (int, error) {
	res, err := s.conn(ctx).NewDelete().Model((*APIToken)(nil)).Where("user_id = ?", userID).Where("id <> ?", keepID).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete API tokens of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
