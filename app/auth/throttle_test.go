package auth_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
)

var testLimit = auth.Limit{Max: 3, Window: 10 * time.Minute}

// reserve reserves one attempt and returns its TooManyRequests, or nil when
// the attempt may go on.
func reserve(t *testing.T, f *fixture, th *auth.Throttle, subject string) *apperr.TooManyRequests {
	t.Helper()
	err := th.Reserve(f.ctx, subject, testLimit)
	if err == nil {
		return nil
	}
	var tm *apperr.TooManyRequests
	if !errors.As(err, &tm) {
		t.Fatalf("Reserve(%s): want *apperr.TooManyRequests, got %T: %v", subject, err, err)
	}
	return tm
}

func fail(t *testing.T, f *fixture, th *auth.Throttle, subject string, times int) {
	t.Helper()
	for range times {
		if tm := reserve(t, f, th, subject); tm != nil {
			t.Fatalf("attempt refused: %v", tm)
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

func TestThrottleLimitsAttempts(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		th := auth.NewThrottle(bdb, f.clock)
		subject := auth.AccountKey("anna@provider.test")

		fail(t, f, th, subject, 2)
		f.clock.Advance(4 * time.Minute)
		fail(t, f, th, subject, 1) // the third attempt, 4 minutes into the window
		tm := reserve(t, f, th, subject)
		if tm == nil {
			t.Fatal("fourth attempt not refused")
		}
		// The window started with the first attempt: 6 of its 10 minutes remain.
		if tm.RetryAfter != 6*time.Minute || tm.Message != "error.too_many_attempts" {
			t.Errorf("RetryAfter = %s message %q, want 6m0s", tm.RetryAfter, tm.Message)
		}
		// Refused attempts keep counting inside the window, not restart it.
		f.clock.Advance(5 * time.Minute)
		if tm := reserve(t, f, th, subject); tm == nil || tm.RetryAfter != time.Minute {
			t.Errorf("a minute before the window ends: %v, want RetryAfter 1m", tm)
		}
		if n := failures(t, f, subject); n != 5 {
			t.Errorf("failures = %d, want 5", n)
		}

		// When the window has passed, the next attempt starts a new window
		// with a count of 1.
		f.clock.Advance(time.Minute)
		fail(t, f, th, subject, 1)
		if n := failures(t, f, subject); n != 1 {
			t.Errorf("failures after the window = %d, want 1", n)
		}
		fail(t, f, th, subject, 2)
		if tm := reserve(t, f, th, subject); tm == nil || tm.RetryAfter != testLimit.Window {
			t.Errorf("new window beyond the limit: %v, want RetryAfter %s", tm, testLimit.Window)
		}
	})
}

func TestThrottleRelease(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		th := auth.NewThrottle(bdb, f.clock)
		subject := auth.AddressKey("192.0.2.7")
		// Attempts given back do not count: many successes stay allowed.
		for range 2 * testLimit.Max {
			if tm := reserve(t, f, th, subject); tm != nil {
				t.Fatalf("released attempts still counted: %v", tm)
			}
			if err := th.Release(f.ctx, subject); err != nil {
				t.Fatal(err)
			}
		}
		if n := failures(t, f, subject); n != 0 {
			t.Errorf("failures = %d after releasing every attempt", n)
		}
		if err := th.Release(f.ctx, subject); err != nil || failures(t, f, subject) != 0 {
			t.Errorf("Release below zero: %v, failures %d", err, failures(t, f, subject))
		}
		if err := th.Release(f.ctx, "ip:unknown"); err != nil {
			t.Errorf("Release of a subject without attempts: %v", err)
		}
	})
}

// A burst of parallel attempts cannot pass together: exactly Max of them are
// allowed, whatever the interleaving.
func TestThrottleReserveBurst(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		th := auth.NewThrottle(bdb, f.clock)
		const burst = 100
		var allowed atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, burst)
		for range burst {
			wg.Go(func() {
				err := th.Reserve(f.ctx, "account:burst@provider.test", testLimit)
				var tm *apperr.TooManyRequests
				switch {
				case err == nil:
					allowed.Add(1)
				case !errors.As(err, &tm):
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := allowed.Load(); n != int32(testLimit.Max) {
			t.Errorf("%d of %d parallel attempts allowed, want %d", n, burst, testLimit.Max)
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
		fail(t, f, th, ip, 1)
		if reserve(t, f, th, anna) == nil {
			t.Fatal("anna not throttled")
		}
		if tm := reserve(t, f, th, bob); tm != nil {
			t.Errorf("bob throttled by anna's failures: %v", tm)
		}
		if tm := reserve(t, f, th, ip); tm != nil {
			t.Errorf("address throttled below its limit: %v", tm)
		}

		if err := th.Reset(f.ctx, anna); err != nil {
			t.Fatal(err)
		}
		if n := f.count("login_throttles", "subject = ?", anna); n != 0 {
			t.Errorf("Reset left %d rows", n)
		}
		if tm := reserve(t, f, th, anna); tm != nil {
			t.Errorf("anna throttled after Reset: %v", tm)
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
