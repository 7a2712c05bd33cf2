package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/audit"
	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/org"
	"backoffice/rbac"
)

func creds(email, password string) auth.Credentials {
	return auth.Credentials{Email: email, Password: password, IP: "192.0.2.10"}
}

// audits counts the audit entries of action done by u.
func (f *fixture) audits(action string, u *org.User) int {
	f.t.Helper()
	return f.count("audit_log", "action = ? AND actor_id = ?", action, u.ID)
}

func tooMany(err error) bool {
	var tm *apperr.TooManyRequests
	return errors.As(err, &tm)
}

func TestAuthenticate(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Member)

		got, err := f.svc.Authenticate(f.ctx, creds("  Anna@Customer.TEST ", testPassword))
		if err != nil {
			t.Fatalf("right password: %v", err)
		}
		if got.ID != u.ID || got.Organization == nil || got.Organization.ID != f.customer.ID {
			t.Errorf("Authenticate = user %d organization %+v", got.ID, got.Organization)
		}

		wrong := []struct {
			name string
			c    auth.Credentials
		}{
			{"wrong password", creds(u.Email, "Wrong-Horse-7-Battery")},
			{"password in other case", creds(u.Email, strings.ToUpper(testPassword))},
			{"unknown email", creds("nobody@customer.test", testPassword)},
			{"password with NUL", creds(u.Email, testPassword+"\x00")},
			{"overlong password", creds(u.Email, strings.Repeat("x", 4*auth.MaxPasswordLen+1))},
		}
		for _, tt := range wrong {
			_, err := f.svc.Authenticate(f.ctx, tt.c)
			if !errors.Is(err, auth.ErrBadCredentials) || !errors.Is(err, apperr.ErrUnauthorized) {
				t.Errorf("%s: want ErrBadCredentials, got %v", tt.name, err)
			}
			if err != nil && err.Error() != auth.ErrBadCredentials.Error() {
				t.Errorf("%s: error %q differs from the unknown-user answer", tt.name, err)
			}
		}
		// Failures of a known account are audited, under the account's provider.
		if n := f.audits("auth.login_failed", u); n != 4 {
			t.Errorf("%d auth.login_failed entries, want 4", n)
		}
		if f.count("audit_log", "action = ? AND provider_id = ?", "auth.login_failed", f.provider.ID) != 4 {
			t.Error("failed sign-ins not scoped to the customer's provider")
		}

		_, err = f.svc.Authenticate(f.ctx, auth.Credentials{IP: "192.0.2.10"})
		wantFields(t, err, "email=error.required", "password=error.required")
	})
}

func TestAuthenticateUserWithoutPassword(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		invited := &org.User{OrganizationID: f.customer.ID, Email: "new@customer.test", FirstName: "New", Role: rbac.Member}
		if err := f.orgs.CreateUser(f.ctx, invited); err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{testPassword, "dummy"} {
			if _, err := f.svc.Authenticate(f.ctx, creds(invited.Email, pw)); !errors.Is(err, auth.ErrBadCredentials) {
				t.Errorf("invited user with %q: want ErrBadCredentials, got %v", pw, err)
			}
		}
	})
}

func TestAuthenticateDisabledUser(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		f.disable(u)

		_, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword))
		if !errors.Is(err, auth.ErrDisabled) || !errors.Is(err, apperr.ErrUnauthorized) {
			t.Errorf("disabled user, right password: want ErrDisabled, got %v", err)
		}
		// Without the password, a disabled account looks like any other.
		_, err = f.svc.Authenticate(f.ctx, creds(u.Email, "Wrong-Horse-7-Battery"))
		if !errors.Is(err, auth.ErrBadCredentials) || errors.Is(err, auth.ErrDisabled) {
			t.Errorf("disabled user, wrong password: want ErrBadCredentials, got %v", err)
		}
		if _, _, err := f.svc.Login(f.ctx, creds(u.Email, testPassword), "ua", ""); !errors.Is(err, auth.ErrDisabled) {
			t.Errorf("Login of a disabled user: want ErrDisabled, got %v", err)
		}
		if n := f.count("sessions", "user_id = ?", u.ID); n != 0 {
			t.Errorf("a disabled user got %d sessions", n)
		}
	})
}

func TestAuthenticateThrottlesAccount(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)

		// A success does not count, but leaves the window's failures standing.
		for i := range auth.AccountLimit.Max - 1 {
			f.clock.Advance(time.Second)
			c := creds(u.Email, "Wrong-Horse-7-Battery")
			c.IP = fmt.Sprintf("198.51.100.%d", i) // spread over addresses
			if _, err := f.svc.Authenticate(f.ctx, c); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		for range 3 {
			if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword)); err != nil {
				t.Fatalf("right password below the limit: %v", err)
			}
		}
		if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, "Wrong-Horse-7-Battery")); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("last failure below the limit: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword)); !tooMany(err) {
			t.Fatalf("right password at the limit: want TooManyRequests, got %v", err)
		}
		f.clock.Advance(auth.AccountLimit.Window)

		// Max failures, in any letter case of the email, lock the account for
		// the window, even with the right password.
		for i := range auth.AccountLimit.Max {
			c := creds(strings.ToUpper(u.Email[:1])+u.Email[1:], "Wrong-Horse-7-Battery")
			c.IP = fmt.Sprintf("203.0.113.%d", i)
			if _, err := f.svc.Authenticate(f.ctx, c); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		_, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword))
		if !tooMany(err) {
			t.Fatalf("right password after %d failures: want TooManyRequests, got %v", auth.AccountLimit.Max, err)
		}
		if _, _, err := f.svc.Login(f.ctx, creds(u.Email, testPassword), "ua", ""); !tooMany(err) {
			t.Errorf("Login of a locked account: want TooManyRequests, got %v", err)
		}

		// An unknown account behaves the same, so throttling reveals nothing.
		for range auth.AccountLimit.Max {
			if _, err := f.svc.Authenticate(f.ctx, creds("ghost@provider.test", "Wrong-Horse-7-Battery")); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("unknown account: %v", err)
			}
		}
		if _, err := f.svc.Authenticate(f.ctx, creds("ghost@provider.test", "Wrong-Horse-7-Battery")); !tooMany(err) {
			t.Errorf("unknown account after %d failures: want TooManyRequests, got %v", auth.AccountLimit.Max, err)
		}

		f.clock.Advance(auth.AccountLimit.Window)
		if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword)); err != nil {
			t.Errorf("right password after the window: %v", err)
		}
	})
}

func TestAuthenticateThrottlesAddress(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		const attacker = "203.0.113.66"
		// One failure for each of many accounts stays under every account
		// limit but exhausts the address's.
		for i := range auth.AddressLimit.Max {
			c := auth.Credentials{Email: fmt.Sprintf("user%d@provider.test", i), Password: "Wrong-Horse-7-Battery", IP: attacker}
			if _, err := f.svc.Authenticate(f.ctx, c); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, err := f.svc.Authenticate(f.ctx, auth.Credentials{Email: u.Email, Password: testPassword, IP: attacker}); !tooMany(err) {
			t.Errorf("from the throttled address: want TooManyRequests, got %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, auth.Credentials{Email: u.Email, Password: testPassword, IP: "192.0.2.99"}); err != nil {
			t.Errorf("from another address: %v", err)
		}
	})
}

func TestAuthenticateRehashesOldParameters(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		old, err := auth.NewHasher(auth.Params{Memory: 2048, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 1).Hash(f.ctx, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.orgs.SetPasswordHash(f.ctx, u.ID, old); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword)); err != nil {
			t.Fatal(err)
		}
		stored := f.reload(u.ID).PasswordHash
		if !strings.HasPrefix(stored, "$argon2id$v=19$m=1024,t=1,p=1$") {
			t.Fatalf("hash not upgraded to the current parameters: %q", stored)
		}
		if ok, rehash, err := f.hasher.Verify(f.ctx, testPassword, stored); !ok || rehash || err != nil {
			t.Errorf("upgraded hash: Verify = %v, %v, %v", ok, rehash, err)
		}
		if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, testPassword)); err != nil {
			t.Errorf("sign-in after the upgrade: %v", err)
		}
	})
}

func TestLogin(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		f.clock.Advance(time.Hour)

		token, got, err := f.svc.Login(f.ctx, creds(u.Email, testPassword), "Firefox", "")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID {
			t.Errorf("Login returned user %d", got.ID)
		}
		sess, err := f.sessions.Lookup(f.ctx, token)
		if err != nil {
			t.Fatalf("the new session does not sign in: %v", err)
		}
		if sess.UserID != u.ID || sess.IP != "192.0.2.10" || sess.UserAgent != "Firefox" {
			t.Errorf("session = %+v", sess)
		}
		if last := f.reload(u.ID).LastLoginAt; last == nil || !last.Equal(f.clock.Now()) {
			t.Errorf("last_login_at = %v, want %s", last, f.clock.Now())
		}
		e := new(audit.Entry)
		if err := bdb.NewSelect().Model(e).Where("action = ?", "auth.login").Scan(f.ctx); err != nil {
			t.Fatalf("no auth.login audit entry: %v", err)
		}
		if e.ActorID == nil || *e.ActorID != u.ID || e.ProviderID == nil || *e.ProviderID != f.provider.ID ||
			e.OrganizationID == nil || *e.OrganizationID != f.customer.ID || e.IP != "192.0.2.10" || !e.CreatedAt.Equal(f.clock.Now()) {
			t.Errorf("audit entry = %+v", e)
		}

		// Signing in again from the same browser replaces its session.
		f.clock.Advance(time.Minute)
		token2, _, err := f.svc.Login(f.ctx, creds(u.Email, testPassword), "Firefox", token)
		if err != nil {
			t.Fatal(err)
		}
		if token2 == token || f.live(token) || !f.live(token2) {
			t.Errorf("old session live %v, new live %v", f.live(token), f.live(token2))
		}
		if n := f.count("sessions", "user_id = ?", u.ID); n != 1 {
			t.Errorf("%d sessions after signing in twice from one browser", n)
		}
		if n := f.audits("auth.login", u); n != 2 {
			t.Errorf("%d auth.login entries, want 2", n)
		}

		// A failed sign-in keeps the browser's session and creates none.
		if _, _, err := f.svc.Login(f.ctx, creds(u.Email, "Wrong-Horse-7-Battery"), "Firefox", token2); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if !f.live(token2) || f.count("sessions", "user_id = ?", u.ID) != 1 || f.audits("auth.login", u) != 2 {
			t.Error("a failed sign-in changed sessions or logged a sign-in")
		}
	})
}

func TestLogout(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		token, _, err := f.svc.Login(f.ctx, creds(u.Email, testPassword), "ua", "")
		if err != nil {
			t.Fatal(err)
		}
		other, _ := f.session(u)
		sess, err := f.sessions.Lookup(f.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Logout(f.ctx, caller.Of(sess.User, "192.0.2.10"), sess); err != nil {
			t.Fatal(err)
		}
		if f.live(token) || !f.live(other) || f.audits("auth.logout", u) != 1 {
			t.Error("Logout did not end exactly its session with an audit entry")
		}
	})
}

// passwordWorld is a user with three sessions and two API tokens, and
// another user with one of each.
type passwordWorld struct {
	u                *org.User
	keep, end1, end2 string
	keepID           int64
	tok1, tok2       string
	other            *org.User
	otherSess        string
	otherTok         string
}

func newPasswordWorld(f *fixture) *passwordWorld {
	w := &passwordWorld{u: f.user(f.customer, "anna.schmidt@customer.test", rbac.Administrator)}
	var s *auth.Session
	w.keep, s = f.session(w.u)
	w.keepID = s.ID
	w.end1, _ = f.session(w.u)
	w.end2, _ = f.session(w.u)
	w.tok1, _ = f.apiToken(w.u.ID, "one", time.Hour)
	w.tok2, _ = f.apiToken(w.u.ID, "two", time.Hour)
	w.other = f.user(f.customer, "bob@customer.test", rbac.Member)
	w.otherSess, _ = f.session(w.other)
	w.otherTok, _ = f.apiToken(w.other.ID, "bob's", time.Hour)
	return w
}

func (f *fixture) tokenLive(plain string) bool {
	f.t.Helper()
	_, err := f.tokens.Authenticate(f.ctx, plain)
	if err != nil && !errors.Is(err, apperr.ErrUnauthorized) {
		f.t.Fatal(err)
	}
	return err == nil
}

func TestChangePasswordRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		w := newPasswordWorld(f)
		const newPassword = "Brand-New-Stapler-42"
		tests := []struct {
			name string
			in   auth.PasswordChange
			want []string
		}{
			{"wrong current", auth.PasswordChange{Current: "Wrong-Horse-7-Battery", New: newPassword},
				[]string{"current_password=error.current_password_wrong"}},
			{"no current", auth.PasswordChange{New: newPassword},
				[]string{"current_password=error.required"}},
			{"confirmation differs", auth.PasswordChange{Current: testPassword, New: newPassword, Confirm: newPassword + "!", ConfirmRequired: true},
				[]string{"confirm_password=error.password_mismatch"}},
			{"confirmation missing", auth.PasswordChange{Current: testPassword, New: newPassword, ConfirmRequired: true},
				[]string{"confirm_password=error.password_mismatch"}},
			{"too short", auth.PasswordChange{Current: testPassword, New: "short"},
				[]string{"new_password=error.password_too_short"}},
			{"common", auth.PasswordChange{Current: testPassword, New: "qwertyuiop"},
				[]string{"new_password=error.password_common"}},
			{"contains the email", auth.PasswordChange{Current: testPassword, New: "I-am-Anna.Schmidt-42"},
				[]string{"new_password=error.password_contains_email"}},
			{"unchanged", auth.PasswordChange{Current: testPassword, New: testPassword},
				[]string{"new_password=error.password_unchanged"}},
			{"everything", auth.PasswordChange{New: "short", Confirm: "other", ConfirmRequired: true},
				[]string{"current_password=error.required", "new_password=error.password_too_short", "confirm_password=error.password_mismatch"}},
		}
		hash := w.u.PasswordHash
		for _, tt := range tests {
			res, err := f.svc.ChangePassword(f.ctx, caller.Of(w.u, "192.0.2.10"), tt.in, auth.Keep{SessionID: w.keepID})
			if got := fieldErrors(t, err); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("%s: field errors %q, want %q", tt.name, got, tt.want)
			}
			if res != (auth.PasswordChanged{}) {
				t.Errorf("%s: result %+v", tt.name, res)
			}
		}
		// Nothing changed.
		if w.u.PasswordHash != hash || f.reload(w.u.ID).PasswordHash != hash {
			t.Error("a refused change replaced the password hash")
		}
		if !f.live(w.end1) || !f.live(w.end2) || !f.tokenLive(w.tok1) {
			t.Error("a refused change ended sessions or tokens")
		}
		if n := f.audits("auth.password_changed", w.u); n != 0 {
			t.Errorf("%d password_changed entries after refusals", n)
		}
	})
}

func TestChangePasswordThrottlesWrongCurrent(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		wrong := auth.PasswordChange{Current: "Wrong-Horse-7-Battery", New: "Brand-New-Stapler-42"}
		for i := range auth.AccountLimit.Max {
			if _, err := f.svc.ChangePassword(f.ctx, caller.Of(u, ""), wrong, auth.Keep{}); err == nil {
				t.Fatalf("attempt %d accepted", i)
			}
		}
		right := auth.PasswordChange{Current: testPassword, New: "Brand-New-Stapler-42"}
		if _, err := f.svc.ChangePassword(f.ctx, caller.Of(u, ""), right, auth.Keep{}); !tooMany(err) {
			t.Errorf("after %d wrong current passwords: want TooManyRequests, got %v", auth.AccountLimit.Max, err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		w := newPasswordWorld(f)
		const newPassword = "Brand-New-Stapler-42"

		res, err := f.svc.ChangePassword(f.ctx, caller.Of(w.u, "192.0.2.10"), auth.PasswordChange{
			Current: testPassword, New: newPassword, Confirm: newPassword, ConfirmRequired: true}, auth.Keep{SessionID: w.keepID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sessions != 2 || res.Tokens != 2 {
			t.Errorf("ended %d sessions and %d tokens, want 2 and 2", res.Sessions, res.Tokens)
		}
		if !f.live(w.keep) {
			t.Error("the session making the change was ended")
		}
		if f.live(w.end1) || f.live(w.end2) {
			t.Error("another session of the user survived the password change")
		}
		if f.tokenLive(w.tok1) || f.tokenLive(w.tok2) || f.count("api_tokens", "user_id = ?", w.u.ID) != 0 {
			t.Error("an API token of the user survived the password change")
		}
		if !f.live(w.otherSess) || !f.tokenLive(w.otherTok) {
			t.Error("another user's session or token was ended")
		}

		if _, err := f.svc.Authenticate(f.ctx, creds(w.u.Email, newPassword)); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, creds(w.u.Email, testPassword)); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("old password: want ErrBadCredentials, got %v", err)
		}
		if stored := f.reload(w.u.ID).PasswordHash; stored != w.u.PasswordHash {
			t.Error("the caller's user does not carry the new hash")
		}
		if n := f.audits("auth.password_changed", w.u); n != 1 {
			t.Errorf("%d auth.password_changed entries, want 1", n)
		}

		// From the API (no session, no confirmation) every session ends, and
		// every token but the one making the change.
		via, viaTok := f.apiToken(w.u.ID, "via", time.Hour)
		other, _ := f.apiToken(w.u.ID, "other", time.Hour)
		res, err = f.svc.ChangePassword(f.ctx, caller.Of(w.u, ""), auth.PasswordChange{Current: newPassword, New: "Third-Stapler-Of-2026", Confirm: "ignored"},
			auth.Keep{TokenID: viaTok.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sessions != 1 || f.live(w.keep) {
			t.Errorf("API change: ended %d sessions, kept session live %v", res.Sessions, f.live(w.keep))
		}
		if res.Tokens != 1 || !f.tokenLive(via) || f.tokenLive(other) {
			t.Errorf("API change: revoked %d tokens; calling token live %v, other token live %v", res.Tokens, f.tokenLive(via), f.tokenLive(other))
		}
	})
}

func TestServiceUpdateProfile(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Member)

		bad := org.ProfileInput{FirstName: "Anna", Language: "tlh", TimeZone: "Europe/Atlantis"}
		err := f.svc.UpdateProfile(f.ctx, caller.Of(u, ""), bad)
		wantFields(t, err, "language=error.language_unknown", "time_zone=error.time_zone_unknown")
		stored := f.reload(u.ID)
		if stored.FirstName != "Test" || stored.Language != "en" || stored.TimeZone != "UTC" || u.FirstName != "Test" || u.Language != "en" {
			t.Errorf("refused profile saved: stored %+v, caller's %+v", stored, u)
		}
		if n := f.audits("account.profile_updated", u); n != 0 {
			t.Errorf("%d audit entries for a refused update", n)
		}

		good := org.ProfileInput{FirstName: " Anna ", LastName: "Schmidt", Language: "ru", TimeZone: " Europe/Moscow "}
		if err := f.svc.UpdateProfile(f.ctx, caller.Of(u, "192.0.2.10"), good); err != nil {
			t.Fatal(err)
		}
		stored = f.reload(u.ID)
		if stored.FirstName != "Anna" || stored.LastName != "Schmidt" || stored.Language != "ru" || stored.TimeZone != "Europe/Moscow" {
			t.Errorf("stored profile %+v", stored)
		}
		if u.FirstName != "Anna" || u.TimeZone != "Europe/Moscow" {
			t.Errorf("caller's user not updated: %+v", u)
		}
		if n := f.audits("account.profile_updated", u); n != 1 {
			t.Errorf("%d account.profile_updated entries, want 1", n)
		}
	})
}

func TestCreateToken(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		day := 24 * time.Hour
		tests := []struct {
			name   string
			in     auth.TokenInput
			want   []string
			ttl    time.Duration
			stored string
		}{
			{"default lifetime", auth.TokenInput{Name: "CI"}, nil, 30 * day, "CI"},
			{"one day", auth.TokenInput{Name: "short", ExpiresInDays: 1}, nil, day, "short"},
			{"a year", auth.TokenInput{Name: "long", ExpiresInDays: 365}, nil, 365 * day, "long"},
			{"trimmed name", auth.TokenInput{Name: "  deploy  "}, nil, 30 * day, "deploy"},
			{"366 days", auth.TokenInput{Name: "too long", ExpiresInDays: 366}, []string{"expires_in_days=error.token_days"}, 0, ""},
			{"negative", auth.TokenInput{Name: "past", ExpiresInDays: -1}, []string{"expires_in_days=error.token_days"}, 0, ""},
			{"no name", auth.TokenInput{Name: "   "}, []string{"name=error.required"}, 0, ""},
			{"control in name", auth.TokenInput{Name: "CI\nadmin"}, []string{"name=error.invalid_chars"}, 0, ""},
			{"long name", auth.TokenInput{Name: strings.Repeat("n", 101)}, []string{"name=error.too_long"}, 0, ""},
			{"both", auth.TokenInput{ExpiresInDays: 1000}, []string{"name=error.required", "expires_in_days=error.token_days"}, 0, ""},
		}
		for _, tt := range tests {
			before := f.count("api_tokens", "user_id = ?", u.ID)
			plain, tok, err := f.svc.CreateToken(f.ctx, caller.Of(u, "192.0.2.10"), tt.in)
			if tt.want != nil {
				if got := fieldErrors(t, err); strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("%s: field errors %q, want %q", tt.name, got, tt.want)
				}
				if plain != "" || tok != nil || f.count("api_tokens", "user_id = ?", u.ID) != before {
					t.Errorf("%s: a refused token was issued", tt.name)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if !tok.ExpiresAt.Equal(f.clock.Now().Add(tt.ttl)) || tok.Name != tt.stored {
				t.Errorf("%s: name %q expires %s, want %q and %s", tt.name, tok.Name, tok.ExpiresAt, tt.stored, f.clock.Now().Add(tt.ttl))
			}
			if got, err := f.tokens.Authenticate(f.ctx, plain); err != nil || got.ID != tok.ID {
				t.Errorf("%s: new token does not authenticate: %v", tt.name, err)
			}
			if f.count("audit_log", "action = ? AND target_id = ?", "apitoken.created", tok.ID) != 1 {
				t.Errorf("%s: no apitoken.created audit entry", tt.name)
			}
		}
	})
}

func TestIssueToken(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)

		plain, tok, err := f.svc.IssueToken(f.ctx, creds("ANNA@customer.test", testPassword))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(plain, auth.APITokenPrefix) || tok.UserID != u.ID {
			t.Errorf("IssueToken = %q for user %d", plain, tok.UserID)
		}
		if tok.Name != "API sign-in 2026-11-23 09:00" || !tok.ExpiresAt.Equal(start.Add(auth.DefaultTokenTTL)) {
			t.Errorf("token name %q expires %s", tok.Name, tok.ExpiresAt)
		}
		got, err := f.tokens.Authenticate(f.ctx, plain)
		if err != nil || got.User.ID != u.ID {
			t.Fatalf("issued token does not authenticate: %v", err)
		}

		before := f.count("api_tokens", "1 = 1")
		for _, c := range []auth.Credentials{creds(u.Email, "Wrong-Horse-7-Battery"), creds("nobody@customer.test", testPassword)} {
			if _, _, err := f.svc.IssueToken(f.ctx, c); !errors.Is(err, auth.ErrBadCredentials) {
				t.Errorf("IssueToken(%s): want ErrBadCredentials, got %v", c.Email, err)
			}
		}
		f.disable(u)
		if _, _, err := f.svc.IssueToken(f.ctx, creds(u.Email, testPassword)); !errors.Is(err, auth.ErrDisabled) {
			t.Errorf("IssueToken for a disabled user: want ErrDisabled, got %v", err)
		}
		if n := f.count("api_tokens", "1 = 1"); n != before {
			t.Errorf("refused IssueToken calls stored %d tokens", n-before)
		}
	})
}

func TestServiceDeleteTokenAndEndSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		other := f.user(f.customer, "bob@customer.test", rbac.Member)
		_, theirTok := f.apiToken(other.ID, "bob's", time.Hour)
		mine, myTok := f.apiToken(u.ID, "mine", time.Hour)
		theirSess, theirSessRow := f.session(other)
		keep, keepRow := f.session(u)
		end1, end1Row := f.session(u)
		end2, _ := f.session(u)

		if err := f.svc.DeleteToken(f.ctx, caller.Of(u, ""), theirTok.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("DeleteToken(another user's): want ErrNotFound, got %v", err)
		}
		if err := f.svc.DeleteToken(f.ctx, caller.Of(u, ""), myTok.ID); err != nil || f.tokenLive(mine) {
			t.Errorf("DeleteToken(own) = %v, token live %v", err, f.tokenLive(mine))
		}
		if err := f.svc.EndSession(f.ctx, caller.Of(u, ""), theirSessRow.ID); !errors.Is(err, apperr.ErrNotFound) || !f.live(theirSess) {
			t.Errorf("EndSession(another user's) = %v, session live %v", err, f.live(theirSess))
		}
		if err := f.svc.EndSession(f.ctx, caller.Of(u, ""), end1Row.ID); err != nil || f.live(end1) {
			t.Errorf("EndSession(own) = %v, session live %v", err, f.live(end1))
		}
		n, err := f.svc.EndOtherSessions(f.ctx, caller.Of(u, ""), keepRow.ID)
		if err != nil || n != 1 || f.live(end2) || !f.live(keep) || !f.live(theirSess) {
			t.Errorf("EndOtherSessions = %d, %v", n, err)
		}
		for _, action := range []string{"apitoken.deleted", "session.ended", "session.ended_others"} {
			if f.audits(action, u) != 1 {
				t.Errorf("no single %s audit entry", action)
			}
		}
		// Refused actions leave no audit entry behind (the transaction rolled back).
		if n := f.count("audit_log", "actor_id = ?", u.ID); n != 3 {
			t.Errorf("%d audit entries, want 3", n)
		}
	})
}

func TestServiceCleanup(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		f.session(u)
		if _, err := f.svc.Authenticate(f.ctx, creds("ghost@provider.test", "Wrong-Horse-7-Battery")); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatal(err)
		}
		f.clock.Advance(25 * time.Hour)
		live, _ := f.session(u)
		if err := f.svc.Cleanup(context.Background()); err != nil {
			t.Fatal(err)
		}
		if f.count("sessions", "1 = 1") != 1 || !f.live(live) {
			t.Error("Cleanup did not remove exactly the expired session")
		}
		if n := f.count("login_throttles", "1 = 1"); n != 0 {
			t.Errorf("Cleanup left %d stale throttle counters", n)
		}
	})
}

// An operator's reset gives a new password, ends every session and token of
// the user, and is in the audit log; bad input is refused at the field.
func TestResetPassword(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "mara@customer.test", rbac.Member)
		token, _ := f.session(u)
		if _, err := f.svc.ResetPassword(f.ctx, "nobody@customer.test", "Another-Pass-42"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown email: %v", err)
		}
		_, err := f.svc.ResetPassword(f.ctx, u.Email, "short")
		wantFields(t, err, "password=error.password_too_short")
		res, err := f.svc.ResetPassword(f.ctx, "Mara@Customer.test", "Another-Pass-42")
		if err != nil || res.Sessions != 1 {
			t.Fatalf("reset: %+v, %v", res, err)
		}
		if f.live(token) {
			t.Error("the user's session survived the reset")
		}
		if _, err := f.svc.Authenticate(f.ctx, creds(u.Email, "Another-Pass-42")); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
		if n := f.count("audit_log", "action = 'auth.password_reset' AND target_id = ?", u.ID); n != 1 {
			t.Errorf("%d audit entries of the reset, want 1", n)
		}
	})
}
