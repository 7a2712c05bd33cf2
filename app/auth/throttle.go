package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
)

// Limit allows Max failures per Window for one subject.
type Limit struct {
	Max    int
	Window time.Duration
}

// Default sign-in limits: per account and per client address.
var (
	AccountLimit = Limit{Max: 5, Window: 15 * time.Minute}
	AddressLimit = Limit{Max: 30, Window: 15 * time.Minute}
)

type throttleRow struct {
	bun.BaseModel `bun:"table:login_throttles,alias:lt"`

	ID          int64 `bun:",pk,autoincrement"`
	Subject     string
	Failures    int
	WindowStart time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Throttle counts attempts per subject ("account:<email>", "ip:<address>",
// PINs, password links, reports) in the database, so that every instance
// shares the count.
// Counting by the email typed, not by user, makes unknown and known accounts
// behave the same.
type Throttle struct {
	db    bun.IDB
	clock clock.Clock
}

// NewThrottle returns a throttle on db.
func NewThrottle(db bun.IDB, c clock.Clock) *Throttle { return &Throttle{db: db, clock: c} }

// AccountKey and AddressKey name the two subjects of a sign-in.
func AccountKey(email string) string { return "account:" + email }
func AddressKey(ip string) string    { return "ip:" + ip }

// Reserve counts one attempt for subject before the attempt is evaluated, and
// refuses it with TooManyRequests when it is beyond limit. Counting and reading
// the count are one statement, so attempts made in parallel cannot all pass a
// check that none of them has counted yet. A refused attempt counts too; a
// window that has passed starts over. Give back the attempt with Release or
// Reset when it turns out to be no failure.
func (t *Throttle) Reserve(ctx context.Context, subject string, limit Limit) error {
	now := t.clock.Now()
	windowOpen := now.Add(-limit.Window)
	row := &throttleRow{Subject: subject, Failures: 1, WindowStart: now, CreatedAt: now, UpdatedAt: now}
	err := t.db.NewInsert().Model(row).
		On("CONFLICT (subject) DO UPDATE").
		Set("failures = CASE WHEN lt.window_start <= ? THEN 1 ELSE lt.failures + 1 END", windowOpen).
		Set("window_start = CASE WHEN lt.window_start <= ? THEN EXCLUDED.window_start ELSE lt.window_start END", windowOpen).
		Set("updated_at = EXCLUDED.updated_at").
		Returning("failures, window_start").
		Scan(ctx)
	if err != nil {
		return fmt.Errorf("count attempt: %w", err)
	}
	if row.Failures > limit.Max {
		end := row.WindowStart.Add(limit.Window)
		return &apperr.TooManyRequests{RetryAfter: end.Sub(now), Message: "error.too_many_attempts"}
	}
	return nil
}

// Release gives back one attempt reserved for subject that was no failure.
func (t *Throttle) Release(ctx context.Context, subject string) error {
	_, err := t.db.NewUpdate().Model((*throttleRow)(nil)).
		Set("failures = failures - 1").
		Where("subject = ?", subject).Where("failures > 0").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("release attempt: %w", err)
	}
	return nil
}

// Reset forgets the failures of subject (after a successful sign-in).
func (t *Throttle) Reset(ctx context.Context, subject string) error {
	if _, err := t.db.NewDelete().Model((*throttleRow)(nil)).Where("subject = ?", subject).Exec(ctx); err != nil {
		return fmt.Errorf("reset sign-in throttle: %w", err)
	}
	return nil
}

// DeleteStale removes counters whose window ended long ago.
func (t *Throttle) DeleteStale(ctx context.Context, olderThan time.Duration) (int, error) {
	res, err := t.db.NewDelete().Model((*throttleRow)(nil)).Where("updated_at < ?", t.clock.Now().Add(-olderThan)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete stale throttles: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
