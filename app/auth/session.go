package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/org"
)

// Session is a signed-in browser. The cookie carries the token; the table
// keeps its hash.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID         int64 `bun:",pk,autoincrement"`
	TokenHash  string
	UserID     int64
	IP         string
	UserAgent  string
	LastSeenAt time.Time
	ExpiresAt  time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	User *org.User `bun:"rel:belongs-to,join:user_id=id"`
}

// SessionStore keeps sessions in the database, so that several instances can
// serve one site and a user's sessions can all be ended at once.
type SessionStore struct {
	db    bun.IDB
	clock clock.Clock
	idle  time.Duration // a session unused this long ends
	max   time.Duration // a session ends this long after sign-in, used or not
}

// touchEvery bounds how often last_seen_at is written for one session.
const touchEvery = time.Minute

// NewSessionStore returns a session store with the idle and absolute timeouts.
func NewSessionStore(db bun.IDB, c clock.Clock, idle, max time.Duration) *SessionStore {
	return &SessionStore{db: db, clock: c, idle: idle, max: max}
}

// conn is the connection of one call: the transaction of ctx, if any.
func (s *SessionStore) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

// Create starts a session for userID and returns its token for the cookie.
func (s *SessionStore) Create(ctx context.Context, userID int64, ip, userAgent string) (string, *Session, error) {
	plain, hash := NewToken("")
	now := s.clock.Now()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	sess := &Session{TokenHash: hash, UserID: userID, IP: ip, UserAgent: userAgent,
		LastSeenAt: now, ExpiresAt: now.Add(s.max), CreatedAt: now, UpdatedAt: now}
	if _, err := s.conn(ctx).NewInsert().Model(sess).Exec(ctx); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return plain, sess, nil
}

// Lookup finds the live session of a cookie token with its enabled user and
// the user's organization, and records that it was used. An expired, idle,
// unknown or disabled user's session is ErrUnauthorized.
func (s *SessionStore) Lookup(ctx context.Context, token string) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, apperr.ErrUnauthorized
	}
	now := s.clock.Now()
	sess := new(Session)
	err := s.conn(ctx).NewSelect().Model(sess).
		Relation("User").Relation("User.Organization").
		Where("s.token_hash = ?", HashToken(token)).
		Where("s.expires_at > ?", now).
		Where("s.last_seen_at > ?", now.Add(-s.idle)).
		Where("? IS NULL", bun.Ident("user.disabled_at")).
		Scan(ctx)
	if db.NoRows(err) {
		return nil, apperr.ErrUnauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if _, err := s.conn(ctx).NewUpdate().Model((*Session)(nil)).
			Set("last_seen_at = ?", now).Set("updated_at = ?", now).
			Where("id = ?", sess.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return sess, nil
}

// Delete ends one session.
func (s *SessionStore) Delete(ctx context.Context, id int64) error {
	if _, err := s.conn(ctx).NewDelete().Model((*Session)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	return nil
}

// DeleteByToken ends the session of a cookie token, if any.
func (s *SessionStore) DeleteByToken(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if _, err := s.conn(ctx).NewDelete().Model((*Session)(nil)).Where("token_hash = ?", HashToken(token)).Exec(ctx); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteForUser ends every session of userID except keepID (0 keeps none)
// and returns how many ended.
func (s *SessionStore) DeleteForUser(ctx context.Context, userID, keepID int64) (int, error) {
	res, err := s.conn(ctx).NewDelete().Model((*Session)(nil)).
		Where("user_id = ?", userID).Where("id <> ?", keepID).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteOne ends one session of userID; another user's session is ErrNotFound.
func (s *SessionStore) DeleteOne(ctx context.Context, userID, id int64) error {
	res, err := s.conn(ctx).NewDelete().Model((*Session)(nil)).Where("id = ?", id).Where("user_id = ?", userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("session %d: %w", id, apperr.ErrNotFound)
	}
	return nil
}

// ForUser lists the live sessions of userID, newest first: up to limit
// sessions older than the session before (0 for the newest), and whether
// more follow.
func (s *SessionStore) ForUser(ctx context.Context, userID, before int64, limit int) ([]*Session, bool, error) {
	now := s.clock.Now()
	var out []*Session
	q := s.conn(ctx).NewSelect().Model(&out).
		Where("user_id = ?", userID).
		Where("expires_at > ?", now).
		Where("last_seen_at > ?", now.Add(-s.idle))
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if err := q.Order("id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("list sessions of user %d: %w", userID, err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// DeleteExpired removes sessions that can no longer be used.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int, error) {
	now := s.clock.Now()
	res, err := s.conn(ctx).NewDelete().Model((*Session)(nil)).
		WhereOr("expires_at <= ?", now).WhereOr("last_seen_at <= ?", now.Add(-s.idle)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
