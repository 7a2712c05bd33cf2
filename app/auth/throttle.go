package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
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

// Throttle counts failed sign-ins per subject ("account:<email>",
// "ip:<address>") in the database, so that every instance shares the count.
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

// Check returns TooManyRequests when subject has used up limit.
func (t *Throttle) Check(ctx context.Context, subject string, limit Limit) error {
	row := new(throttleRow)
	err := t.db.NewSelect().Model(row).Where("subject = ?", subject).Scan(ctx)
	if db.NoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read sign-in throttle: %w", err)
	}
	now := t.clock.Now()
	end := row.WindowStart.Add(limit.Window)
	if row.Failures >= limit.Max && now.Before(end) {
		return &apperr.TooManyRequests{RetryAfter: end.Sub(now), Message: "error.too_many_attempts"}
	}
	return nil
}

// Fail counts one failure for subject; a window that has passed starts over.
func (t *Throttle) Fail(ctx context.Context, subject string, limit Limit) error {
	now := t.clock.Now()
	windowOpen := now.Add(-limit.Window)
	_, err := t.db.NewInsert().Model(&throttleRow{Subject: subject, Failures: 1, WindowStart: now, CreatedAt: now, UpdatedAt: now}).
		On("CONFLICT (subject) DO UPDATE").
		Set("failures = CASE WHEN lt.window_start <= ? THEN 1 ELSE lt.failures + 1 END", windowOpen).
		Set("window_start = CASE WHEN lt.window_start <= ? THEN EXCLUDED.window_start ELSE lt.window_start END", windowOpen).
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("count failed sign-in: %w", err)
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
