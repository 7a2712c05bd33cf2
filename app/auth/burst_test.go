package auth_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/rbac"
)

// burstResult is what a burst of parallel sign-ins came to.
type burstResult struct {
	evaluated int  // wrong passwords verified (each leaves an audit event)
	accepted  bool // the right password got in
}

// signInBurst sends wrong parallel sign-ins to email, the right one among
// them, all from ip, released at once.
func signInBurst(t *testing.T, f *fixture, email, ip string, wrong int, known string) burstResult {
	t.Helper()
	before := f.count("audit_log", "action = 'auth.login_failed'")
	var accepted atomic.Bool
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, wrong+1)
	try := func(password string) {
		<-start
		u, err := f.svc.Authenticate(f.ctx, auth.Credentials{Email: email, Password: password, IP: ip, KnownDevice: known})
		var tm *apperr.TooManyRequests
		switch {
		case err == nil && u != nil:
			accepted.Store(true)
		case errors.Is(err, auth.ErrBadCredentials), errors.As(err, &tm):
		default:
			errs <- err
		}
	}
	for i := range wrong {
		wg.Go(func() { try("wrong-guess-" + string(rune('a'+i%26))) })
	}
	wg.Go(func() { try(testPassword) })
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("unexpected sign-in error: %v", err)
	}
	return burstResult{evaluated: f.count("audit_log", "action = 'auth.login_failed'") - before, accepted: accepted.Load()}
}

// The hostile test's burst: 100 parallel wrong passwords and the right one.
// At most the account limit is evaluated, and while the limit holds the right
// password is refused.
func TestAuthenticateBurstEvaluatesAtMostTheLimit(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		f.user(f.customer, "mara@customer.test", rbac.Member)

		r := signInBurst(t, f, "mara@customer.test", "192.0.2.60", 100, "")
		t.Logf("burst of 100 wrong and the right password: %d wrong evaluated, right accepted: %v", r.evaluated, r.accepted)
		if r.evaluated > auth.AccountLimit.Max {
			t.Errorf("%d wrong passwords of the burst evaluated, limit %d", r.evaluated, auth.AccountLimit.Max)
		}
		// However the burst interleaved, the limit holds now: the right
		// password is refused, from any address.
		_, err := f.svc.Authenticate(f.ctx, auth.Credentials{Email: "mara@customer.test", Password: testPassword, IP: "192.0.2.61"})
		var tm *apperr.TooManyRequests
		if !errors.As(err, &tm) {
			t.Errorf("right password after the burst: %v, want TooManyRequests", err)
		}
	})
}

// Address limit: a burst spread over many accounts from one address is
// evaluated no further than the address limit.
func TestAuthenticateBurstAcrossAccounts(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		f.user(f.customer, "mara@customer.test", rbac.Member)
		var wg sync.WaitGroup
		var evaluated atomic.Int32
		start := make(chan struct{})
		for i := range 150 {
			wg.Go(func() {
				<-start
				// Three guesses per account stay under the account limit.
				email := "mara@customer.test"
				if i%50 != 0 {
					email = "nobody" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@customer.test"
				}
				_, err := f.svc.Authenticate(f.ctx, auth.Credentials{Email: email, Password: "wrong-guess", IP: "192.0.2.70"})
				if errors.Is(err, auth.ErrBadCredentials) {
					evaluated.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if n := int(evaluated.Load()); n > auth.AddressLimit.Max {
			t.Errorf("%d of 150 attempts from one address evaluated, limit %d", n, auth.AddressLimit.Max)
		}
	})
}

// A browser that signed in before has its own count: others' wrong guesses
// lock the account for everyone else, not for that browser, and guesses made
// with the browser's mark are limited too.
func TestAuthenticateKnownDeviceWhileLocked(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		f.user(f.customer, "mara@customer.test", rbac.Member)
		creds := func(password, device string) auth.Credentials {
			return auth.Credentials{Email: "mara@customer.test", Password: password, IP: "192.0.2.80", KnownDevice: device}
		}
		for range auth.AccountLimit.Max {
			if _, err := f.svc.Authenticate(f.ctx, creds("wrong-guess", "")); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("wrong guess: %v", err)
			}
		}
		var tm *apperr.TooManyRequests
		if _, err := f.svc.Authenticate(f.ctx, creds(testPassword, "")); !errors.As(err, &tm) {
			t.Fatalf("locked account, unknown browser: %v, want TooManyRequests", err)
		}
		if u, err := f.svc.Authenticate(f.ctx, creds(testPassword, "device-1")); err != nil || u == nil {
			t.Fatalf("locked account, known browser: %v, want signed in", err)
		}
		// The known browser's own guesses are limited like the account's.
		r := signInBurst(t, f, "mara@customer.test", "192.0.2.81", 40, "device-2")
		if r.evaluated > auth.AccountLimit.Max {
			t.Errorf("%d guesses evaluated with one browser mark, limit %d", r.evaluated, auth.AccountLimit.Max)
		}
	})
}
