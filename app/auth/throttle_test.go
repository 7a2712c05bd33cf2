package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
)

var testLimit = auth.Limit{Max: 3, Window: 10 * time.Minute}

// throttled returns the TooManyRequests of Check, or nil when subject may go on.
func throttled(t *testing.T, f *fixture, th *auth.Throttle, subject string) *apperr.TooManyRequests {
	t.Helper()
	err := th.Check(f.ctx, subject, testLimit)
	if err == nil {
		return nil
	}
	var tm *apperr.TooManyRequests
	if !errors.As(err, &tm) {
		t.Fatalf("Check(%s): want *apperr.TooManyRequests, got %T: %v", subject, err, err)
	}
	return tm
}

func fail(t *testing.T, f *fixture, th *auth.Throttle, subject string, times int) {
	t.Helper()
	for range times {
		if err := th.Fail(f.ctx, subject, testLimit); err != nil {
			t.Fatal(err)
		}
	}
}

func failures(t *testing.T, f *fixture, subject string) int {
	t.Helper()
	var n int
	if err := f.db.NewSelect().Table("login_throttles").Column("failures").Where("subject = ?", subject).Scan(f.ctx, &n); err != nil {
		t.Fatalf("read failures of %s: %v", subject, err)
	}
	return n
}

func TestThrottleLimitsFailures(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		th := auth.NewThrottle(bdb, f.clock)
		subject := auth.AccountKey("anna@provider.test")

		if tm := throttled(t, f, th, subject); tm != nil {
			t.Fatalf("unknown subject throttled: %v", tm)
		}
		fail(t, f, th, subject, 2)
		f.clock.Advance(4 * time.Minute)
		if tm := throttled(t, f, th, subject); tm != nil {
			t.Fatalf("throttled below the limit: %v", tm)
		}
		fail(t, f, th, subject, 1) // the third failure, 4 minutes into the window
		tm := throttled(t, f, th, subject)
		if tm == nil {
			t.Fatal("not throttled at the limit")
		}
		// The window started with the first failure: 6 of its 10 minutes remain.
		if tm.RetryAfter != 6*time.Minute || tm.Message != "error.too_many_attempts" {
			t.Errorf("RetryAfter = %s message %q, want 6m0s", tm.RetryAfter, tm.Message)
		}
		// Further failures inside the window keep counting, not restart it.
		fail(t, f, th, subject, 1)
		f.clock.Advance(5 * time.Minute)
		if tm := throttled(t, f, th, subject); tm == nil || tm.RetryAfter != time.Minute {
			t.Errorf("a minute before the window ends: %v, want RetryAfter 1m", tm)
		}
		if n := failures(t, f, subject); n != 4 {
			t.Errorf("failures = %d, want 4", n)
		}

		// When the window has passed, Check lets the subject through and the
		// next failure starts a new window with a count of 1.
		f.clock.Advance(time.Minute)
		if tm := throttled(t, f, th, subject); tm != nil {
			t.Fatalf("still throttled when the window ended: %v", tm)
		}
		fail(t, f, th, subject, 1)
		if n := failures(t, f, subject); n != 1 {
			t.Errorf("failures after the window = %d, want 1", n)
		}
		if tm := throttled(t, f, th, subject); tm != nil {
			t.Errorf("throttled after one failure of a new window: %v", tm)
		}
		fail(t, f, th, subject, 2)
		if tm := throttled(t, f, th, subject); tm == nil || tm.RetryAfter != testLimit.Window {
			t.Errorf("new window at the limit: %v, want RetryAfter %s", tm, testLimit.Window)
		}
	})
}

func TestThrottleResetAndSubjects(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		th := auth.NewThrottle(bdb, f.clock)
		anna, bob := auth.AccountKey("anna@provider.test"), auth.AccountKey("bob@provider.test")
		ip := auth.AddressKey("192.0.2.1")
		if anna == ip || auth.AccountKey("192.0.2.1") == ip {
			t.Fatal("account and address subjects collide")
		}

		fail(t, f, th, anna, 3)
		fail(t, f, th, ip, 2)
		if throttled(t, f, th, anna) == nil {
			t.Fatal("anna not throttled")
		}
		if tm := throttled(t, f, th, bob); tm != nil {
			t.Errorf("bob throttled by anna's failures: %v", tm)
		}
		if tm := throttled(t, f, th, ip); tm != nil {
			t.Errorf("address throttled below its limit: %v", tm)
		}

		if err := th.Reset(f.ctx, anna); err != nil {
			t.Fatal(err)
		}
		if tm := throttled(t, f, th, anna); tm != nil {
			t.Errorf("anna throttled after Reset: %v", tm)
		}
		if n := f.count("login_throttles", "subject = ?", anna); n != 0 {
			t.Errorf("Reset left %d rows", n)
		}
		if n := failures(t, f, ip); n != 2 {
			t.Errorf("Reset of anna changed the address count to %d", n)
		}
		if err := th.Reset(f.ctx, bob); err != nil {
			t.Errorf("Reset of a subject without failures: %v", err)
		}
	})
}

func TestThrottleDeleteStale(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		th := auth.NewThrottle(bdb, f.clock)
		fail(t, f, th, "account:old", 1)
		f.clock.Advance(25 * time.Hour)
		fail(t, f, th, "account:new", 1)
		n, err := th.DeleteStale(f.ctx, 24*time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("DeleteStale = %d, %v; want 1", n, err)
		}
		if f.count("login_throttles", "subject = ?", "account:new") != 1 || f.count("login_throttles", "subject = ?", "account:old") != 0 {
			t.Error("DeleteStale removed the wrong counter")
		}
	})
}
