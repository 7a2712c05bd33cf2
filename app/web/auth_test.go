package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/app/org"
	"backoffice/app/web/httpx"
)

func TestLoginShowsAreaAndNavigationByRole(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		cases := []struct {
			user     string
			area     string
			org      string
			auditNav bool
		}{
			{"admin", "Staff area", "Provider Ltd", true},
			{"agent", "Staff area", "Provider Ltd", false},
			{"a_admin", "Back office", "Customer A", false},
			{"a_moderator", "Back office", "Customer A", false},
			{"a_member", "Back office", "Customer A", false},
		}
		for _, tc := range cases {
			b := h.loggedIn(tc.user)
			resp, body := b.get("/")
			wantStatus(t, resp, 200, body)
			wantContains(t, body, "Welcome, "+h.users[tc.user].FirstName, tc.area, tc.org, h.users[tc.user].Email)
			if got := strings.Contains(body, `href="/audit"`); got != tc.auditNav {
				t.Errorf("%s: audit link shown = %v, want %v", tc.user, got, tc.auditNav)
			}
		}
	})
}

func TestLoginRejectsBadCredentialsWithOneMessage(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.browser()
		wrong := url.Values{"email": {h.users["a_member"].Email}, "password": {"not-the-password"}}
		resp, bodyWrong := b.post("/login", "/login", wrong)
		wantStatus(t, resp, 422, bodyWrong)
		wantContains(t, bodyWrong, "The email address or password is not correct.", `value="a_member@a.test"`)
		wantNotContains(t, bodyWrong, "not-the-password")

		unknown := url.Values{"email": {"nobody@nowhere.test"}, "password": {"whatever-it-is"}}
		resp, bodyUnknown := b.post("/login", "/login", unknown)
		wantStatus(t, resp, 422, bodyUnknown)
		wantContains(t, bodyUnknown, "The email address or password is not correct.")

		// Empty fields are field errors, not a 500.
		resp, body := b.post("/login", "/login", url.Values{"email": {""}, "password": {""}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, "This field is required.")

		// Hostile input is refused cleanly.
		resp, body = b.post("/login", "/login", url.Values{"email": {"a\x00b@x.test"}, "password": {strings.Repeat("x", 5000)}})
		if resp.StatusCode >= 500 {
			t.Fatalf("hostile login gave %d\n%s", resp.StatusCode, body)
		}
		if _, ok := b.cookies[cookieSession]; ok {
			t.Fatal("a failed login set a session cookie")
		}
	})
}

func TestLoginRotatesSessionAndEmailIsCaseInsensitive(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.browser()
		b.cookies[cookieSession] = "planted-by-an-attacker-0123456789"
		csrfBefore := b.csrf("/login")
		resp, body := b.post("/login", "/login", url.Values{"_csrf": {csrfBefore},
			"email": {"  A_Member@A.TEST "}, "password": {testPassword}})
		wantStatus(t, resp, 303, body)
		sess := b.cookies[cookieSession]
		if sess == "" || sess == "planted-by-an-attacker-0123456789" {
			t.Fatalf("session cookie not replaced at login: %q", sess)
		}
		if got := b.csrf("/"); got == csrfBefore {
			t.Fatal("CSRF token not renewed at login")
		}
		// A second login gives another session id.
		b2 := h.loggedIn("a_member")
		if b2.cookies[cookieSession] == sess {
			t.Fatal("two logins share a session id")
		}
		u, err := h.srv.users.User(context.Background(), h.users["a_member"].ID)
		must(t, err)
		if u.LastLoginAt == nil {
			t.Fatal("last_login_at not recorded")
		}
	})
}

func TestLoginRedirectsToSafeNext(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.browser()
		resp, _ := b.get("/profile")
		wantStatus(t, resp, 303, "")
		if loc := resp.Header.Get("Location"); loc != "/login?next=%2Fprofile" {
			t.Fatalf("redirect to %q", loc)
		}
		for next, want := range map[string]string{
			"/profile":             "/profile",
			"//evil.example/x":     "/",
			"https://evil.example": "/",
			"/\\evil.example":      "/",
			"/login":               "/",
		} {
			b := h.browser()
			resp, body := b.post("/login", "/login", url.Values{"email": {h.users["agent"].Email}, "password": {testPassword}, "next": {next}})
			wantStatus(t, resp, 303, body)
			if loc := resp.Header.Get("Location"); loc != want {
				t.Errorf("next=%q: redirected to %q, want %q", next, loc, want)
			}
		}
	})
}

func TestLoginIsThrottledPerAccountAndPerAddress(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.browser()
		email := h.users["a_member"].Email
		for i := 0; i < 5; i++ {
			resp, body := b.post("/login", "/login", url.Values{"email": {email}, "password": {"wrong-password-1"}})
			wantStatus(t, resp, 422, body)
		}
		// The right password no longer helps within the window.
		resp, body := b.post("/login", "/login", url.Values{"email": {email}, "password": {testPassword}})
		wantStatus(t, resp, 429, body)
		wantContains(t, body, "Too many failed sign-in attempts")
		if resp.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After header")
		}
		// The same limit holds for the API, from another address.
		req := httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(`{"email":"`+email+`","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		r := h.do(req)
		if r.StatusCode != 429 {
			t.Fatalf("API token while throttled: %d", r.StatusCode)
		}
		// An unknown account is throttled the same way (no enumeration).
		for i := 0; i < 5; i++ {
			b.post("/login", "/login", url.Values{"email": {"ghost@a.test"}, "password": {"wrong-password-1"}})
		}
		resp, body = b.post("/login", "/login", url.Values{"email": {"ghost@a.test"}, "password": {"wrong-password-1"}})
		wantStatus(t, resp, 429, body)

		// After the window the account can sign in again.
		h.clock.Advance(16 * time.Minute)
		b.login("a_member")

		// Per address: 30 failures across accounts lock out the address.
		h.clock.Advance(16 * time.Minute)
		attacker := h.browser()
		attacker.ip = "203.0.113.9"
		for i := 0; i < 30; i++ {
			attacker.post("/login", "/login", url.Values{"email": {"user" + string(rune('a'+i%26)) + "@x.test"}, "password": {"wrong-password-1"}})
		}
		resp, body = attacker.post("/login", "/login", url.Values{"email": {h.users["b_member"].Email}, "password": {testPassword}})
		wantStatus(t, resp, 429, body)
		// Others are not affected.
		h.loggedIn("b_member")
	})
}

func TestDisabledUserIsRefusedAndLosesSessionsAndTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_moderator")
		token := h.token("a_moderator")
		if resp, _ := h.api("GET", "/api/v1/me", token, nil); resp.StatusCode != 200 {
			t.Fatalf("token before disable: %d", resp.StatusCode)
		}
		now := h.clock.Now()
		_, err := h.db.NewUpdate().Model((*org.User)(nil)).Set("disabled_at = ?", now).Where("id = ?", h.users["a_moderator"].ID).Exec(context.Background())
		must(t, err)

		resp, _ := b.get("/")
		wantStatus(t, resp, 303, "")
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("disabled user's session redirected to %q", loc)
		}
		resp, problem := h.api("GET", "/api/v1/me", token, nil)
		if resp.StatusCode != 401 || problem["status"] != float64(401) {
			t.Fatalf("disabled user's token: %d %v", resp.StatusCode, problem)
		}
		b2 := h.browser()
		resp, body := b2.post("/login", "/login", url.Values{"email": {h.users["a_moderator"].Email}, "password": {testPassword}})
		wantStatus(t, resp, 403, body)
		wantContains(t, body, "Your account has been disabled.")
		resp, problem = h.api("POST", "/api/v1/auth/token", "", map[string]string{"email": h.users["a_moderator"].Email, "password": testPassword})
		if resp.StatusCode != 403 {
			t.Fatalf("disabled user got a token: %d %v", resp.StatusCode, problem)
		}
	})
}

func TestLogoutEndsTheSession(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("agent")
		old := b.cookies[cookieSession]
		resp, body := b.post("/", "/logout", nil)
		wantStatus(t, resp, 303, body)
		if resp.Header.Get("Location") != "/login" {
			t.Fatalf("logout redirected to %q", resp.Header.Get("Location"))
		}
		_, body = b.get("/login")
		wantContains(t, body, "You have been signed out.")
		// Replaying the old cookie does not work.
		replay := h.browser()
		replay.cookies[cookieSession] = old
		resp, _ = replay.get("/")
		wantStatus(t, resp, 303, "")
	})
}

func TestSessionsExpireWhenIdleAndAtTheAbsoluteLimit(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_admin")
		h.clock.Advance(29 * time.Minute)
		resp, _ := b.get("/")
		wantStatus(t, resp, 200, "")
		h.clock.Advance(31 * time.Minute)
		resp, _ = b.get("/")
		wantStatus(t, resp, 303, "")

		// Used every 20 minutes, a session still ends after 12 hours.
		b = h.loggedIn("a_admin")
		for i := 0; i < 40; i++ {
			h.clock.Advance(20 * time.Minute)
			resp, _ = b.get("/")
			if resp.StatusCode != 200 {
				break
			}
		}
		if resp.StatusCode != 303 {
			t.Fatal("an active session outlived the absolute limit")
		}
	})
}

func TestCSRFProtectsEveryUnsafeForm(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_member")
		for _, path := range []string{"/profile", "/profile/password", "/profile/tokens", "/logout", "/login"} {
			for name, form := range map[string]url.Values{
				"missing": {"first_name": {"X"}},
				"forged":  {"first_name": {"X"}, "_csrf": {"forged-token"}},
			} {
				req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, body := b.send(req)
				wantStatus(t, resp, 403, body)
				wantContains(t, body, "This form has expired")
				_ = name
			}
		}
		// A token from another browser does not fit this browser's cookie.
		other := h.browser()
		foreign := other.csrf("/login")
		resp, body := b.post("/profile", "/profile", url.Values{"_csrf": {foreign}, "first_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}})
		wantStatus(t, resp, 403, body)
		// A cross-site request is refused even with a valid token.
		form := url.Values{"_csrf": {b.csrf("/profile")}, "first_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}}
		req := httptest.NewRequest("POST", "/profile", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		resp, _ = b.send(req)
		wantStatus(t, resp, 403, "")
		// The API with a bearer token needs no CSRF token.
		r, _ := h.api("PATCH", "/api/v1/me", h.token("a_member"), map[string]string{"first_name": "Api"})
		if r.StatusCode != 200 {
			t.Fatalf("bearer PATCH: %d", r.StatusCode)
		}
		// The API with the session cookie does.
		req = httptest.NewRequest("PATCH", "/api/v1/me", strings.NewReader(`{"first_name":"Cookie"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, body = b.send(req)
		wantStatus(t, resp, 403, body)
		req = httptest.NewRequest("PATCH", "/api/v1/me", strings.NewReader(`{"first_name":"Cookie"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.csrf("/"))
		resp, body = b.send(req)
		wantStatus(t, resp, 200, body)
	})
}

// A signed-in browser's CSRF token belongs to its session: a token taken
// from the attacker's session is refused in the victim's, even when the
// attacker also plants their CSRF cookie there (cookie tossing beat the
// cookie-bound token). Sign-in keeps its cookie-bound token.
func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		attacker, victim := h.loggedIn("b_member"), h.loggedIn("a_member")
		stolen := attacker.csrf("/profile")
		planted := h.browser()
		for k, v := range victim.cookies {
			planted.cookies[k] = v
		}
		planted.cookies[httpx.CookieCSRF] = attacker.cookies[httpx.CookieCSRF]
		form := url.Values{"_csrf": {stolen}, "first_name": {"Forged"}, "last_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}}
		for name, b := range map[string]*browser{"victim's cookies": victim, "attacker's CSRF cookie planted": planted} {
			resp, body := b.post("/profile", "/profile", form)
			if resp.StatusCode != 403 {
				t.Fatalf("%s: status %d, want 403\n%s", name, resp.StatusCode, body)
			}
			req := httptest.NewRequest("PATCH", "/api/v1/me", strings.NewReader(`{"first_name":"Forged"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", stolen)
			if resp, body := b.send(req); resp.StatusCode != 403 {
				t.Fatalf("%s, API: status %d, want 403\n%s", name, resp.StatusCode, body)
			}
		}
		if u, err := h.srv.users.User(context.Background(), h.users["a_member"].ID); err != nil || u.FirstName == "Forged" {
			t.Fatalf("the victim's profile changed: %v %v", u, err)
		}
		// The victim's own token works; so does signing in afresh.
		resp, body := victim.post("/profile", "/profile", url.Values{"first_name": {"Own"}, "last_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}})
		wantStatus(t, resp, 303, body)
		h.loggedIn("a_member")
	})
}

func TestLanguageFollowsUserThenCookieThenBrowser(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.browser()
		b.lang = "de-DE,de;q=0.9"
		_, body := b.get("/login")
		wantContains(t, body, `<html lang="de">`, "Anmelden")
		_, body = b.get("/login?lang=ru")
		wantContains(t, body, `<html lang="ru">`, "Вход")
		_, body = b.get("/login")
		wantContains(t, body, `<html lang="ru">`) // the choice is kept in a cookie
		// Signed in, the user's own language wins.
		b.login("a_member")
		_, body = b.get("/")
		wantContains(t, body, `<html lang="en">`, "Overview")
	})
}

func TestSecurityHeaders(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		resp, _ := h.browser().get("/login")
		for k, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'self'",
			"X-Frame-Options":         "SAMEORIGIN",
			"Referrer-Policy":         "same-origin",
		} {
			if got := resp.Header.Get(k); !strings.Contains(got, want) {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP allows inline code: %s", csp)
		}
		for _, c := range resp.Cookies() {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", c.Name, c.HttpOnly, c.SameSite)
			}
		}
		if id := resp.Header.Get("X-Request-ID"); len(id) < 8 {
			t.Errorf("X-Request-ID = %q", id)
		}
	})
}

// Five wrong guesses by someone else lock the account, but not for a browser
// that signed in to it before; a device mark for another account is no help.
func TestKnownBrowserSignsInWhileAccountLocked(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		email := h.users["a_member"].Email
		owner := h.loggedIn("a_member")
		mark := owner.cookies[cookieDevice]
		if mark == "" {
			t.Fatal("sign-in set no device cookie")
		}
		resp, body := owner.post("/", "/logout", nil)
		wantStatus(t, resp, 303, body)

		attacker := h.browser()
		attacker.ip = "203.0.113.5"
		for range 5 {
			resp, body := attacker.post("/login", "/login", url.Values{"email": {email}, "password": {"wrong-password-1"}})
			wantStatus(t, resp, 422, body)
		}
		stranger := h.browser()
		resp, body = stranger.post("/login", "/login", url.Values{"email": {email}, "password": {testPassword}})
		wantStatus(t, resp, 429, body)

		// Another account's mark does not vouch for this one.
		other := h.loggedIn("a_admin")
		other.cookies = map[string]string{cookieDevice: other.cookies[cookieDevice]}
		resp, body = other.post("/login", "/login", url.Values{"email": {email}, "password": {testPassword}})
		wantStatus(t, resp, 429, body)
		// Nor does a forged one.
		forged := h.browser()
		forged.cookies[cookieDevice] = "x" + mark
		resp, body = forged.post("/login", "/login", url.Values{"email": {email}, "password": {testPassword}})
		wantStatus(t, resp, 429, body)

		resp, body = owner.post("/login", "/login", url.Values{"email": {email}, "password": {testPassword}})
		wantStatus(t, resp, 303, body)
		if owner.cookies[cookieDevice] != mark {
			t.Error("the device mark changed on a known browser")
		}
	})
}
