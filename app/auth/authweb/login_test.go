package authweb_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/app/auth/authweb"
	"backoffice/app/org"
	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
)

func TestLoginShowsAreaAndNavigationByRole(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
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
			b := h.LoggedIn(tc.user)
			resp, body := b.Get("/")
			webtest.WantStatus(t, resp, 200, body)
			webtest.WantContains(t, body, "Welcome, "+h.Users[tc.user].FirstName, tc.area, tc.org, h.Users[tc.user].Email)
			if got := strings.Contains(body, `href="/audit"`); got != tc.auditNav {
				t.Errorf("%s: audit link shown = %v, want %v", tc.user, got, tc.auditNav)
			}
		}
	})
}

func TestLoginRejectsBadCredentialsWithOneMessage(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.Browser()
		wrong := url.Values{"email": {h.Users["a_member"].Email}, "password": {"not-the-password"}}
		resp, bodyWrong := b.Post("/login", "/login", wrong)
		webtest.WantStatus(t, resp, 422, bodyWrong)
		webtest.WantContains(t, bodyWrong, "The email address or password is not correct.", `value="a_member@a.test"`)
		webtest.WantNotContains(t, bodyWrong, "not-the-password")

		unknown := url.Values{"email": {"nobody@nowhere.test"}, "password": {"whatever-it-is"}}
		resp, bodyUnknown := b.Post("/login", "/login", unknown)
		webtest.WantStatus(t, resp, 422, bodyUnknown)
		webtest.WantContains(t, bodyUnknown, "The email address or password is not correct.")

		// Empty fields are field errors, not a 500.
		resp, body := b.Post("/login", "/login", url.Values{"email": {""}, "password": {""}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "This field is required.")

		// Hostile input is refused cleanly.
		resp, body = b.Post("/login", "/login", url.Values{"email": {"a\x00b@x.test"}, "password": {strings.Repeat("x", 5000)}})
		if resp.StatusCode >= 500 {
			t.Fatalf("hostile login gave %d\n%s", resp.StatusCode, body)
		}
		if _, ok := b.Cookies[httpx.CookieSession]; ok {
			t.Fatal("a failed login set a session cookie")
		}
	})
}

func TestLoginRotatesSessionAndEmailIsCaseInsensitive(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.Browser()
		b.Cookies[httpx.CookieSession] = "planted-by-an-attacker-0123456789"
		csrfBefore := b.CSRF("/login")
		resp, body := b.Post("/login", "/login", url.Values{"_csrf": {csrfBefore},
			"email": {"  A_Member@A.TEST "}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 303, body)
		sess := b.Cookies[httpx.CookieSession]
		if sess == "" || sess == "planted-by-an-attacker-0123456789" {
			t.Fatalf("session cookie not replaced at login: %q", sess)
		}
		if got := b.CSRF("/"); got == csrfBefore {
			t.Fatal("CSRF token not renewed at login")
		}
		// A second login gives another session id.
		b2 := h.LoggedIn("a_member")
		if b2.Cookies[httpx.CookieSession] == sess {
			t.Fatal("two logins share a session id")
		}
		u, err := h.Svc.Users.User(context.Background(), h.Users["a_member"].ID)
		webtest.Must(t, err)
		if u.LastLoginAt == nil {
			t.Fatal("last_login_at not recorded")
		}
	})
}

func TestLoginRedirectsToSafeNext(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.Browser()
		resp, _ := b.Get("/profile")
		webtest.WantStatus(t, resp, 303, "")
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
			b := h.Browser()
			resp, body := b.Post("/login", "/login", url.Values{"email": {h.Users["agent"].Email}, "password": {webtest.Password}, "next": {next}})
			webtest.WantStatus(t, resp, 303, body)
			if loc := resp.Header.Get("Location"); loc != want {
				t.Errorf("next=%q: redirected to %q, want %q", next, loc, want)
			}
		}
	})
}

func TestLoginIsThrottledPerAccountAndPerAddress(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.Browser()
		email := h.Users["a_member"].Email
		for i := 0; i < 5; i++ {
			resp, body := b.Post("/login", "/login", url.Values{"email": {email}, "password": {"wrong-password-1"}})
			webtest.WantStatus(t, resp, 422, body)
		}
		// The right password no longer helps within the window.
		resp, body := b.Post("/login", "/login", url.Values{"email": {email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 429, body)
		webtest.WantContains(t, body, "Too many failed sign-in attempts")
		if resp.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After header")
		}
		// The same limit holds for the API, from another address.
		req := httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(`{"email":"`+email+`","password":"`+webtest.Password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		r := h.Do(req)
		if r.StatusCode != 429 {
			t.Fatalf("API token while throttled: %d", r.StatusCode)
		}
		// An unknown account is throttled the same way (no enumeration).
		for i := 0; i < 5; i++ {
			b.Post("/login", "/login", url.Values{"email": {"ghost@a.test"}, "password": {"wrong-password-1"}})
		}
		resp, body = b.Post("/login", "/login", url.Values{"email": {"ghost@a.test"}, "password": {"wrong-password-1"}})
		webtest.WantStatus(t, resp, 429, body)

		// After the window the account can sign in again.
		h.Clock.Advance(16 * time.Minute)
		b.Login("a_member")

		// Per address: 30 failures across accounts lock out the address.
		h.Clock.Advance(16 * time.Minute)
		attacker := h.Browser()
		attacker.IP = "203.0.113.9"
		for i := 0; i < 30; i++ {
			attacker.Post("/login", "/login", url.Values{"email": {"user" + string(rune('a'+i%26)) + "@x.test"}, "password": {"wrong-password-1"}})
		}
		resp, body = attacker.Post("/login", "/login", url.Values{"email": {h.Users["b_member"].Email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 429, body)
		// Others are not affected.
		h.LoggedIn("b_member")
	})
}

func TestDisabledUserIsRefusedAndLosesSessionsAndTokens(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_moderator")
		token := h.Token("a_moderator")
		if resp, _ := h.API("GET", "/api/v1/me", token, nil); resp.StatusCode != 200 {
			t.Fatalf("token before disable: %d", resp.StatusCode)
		}
		now := h.Clock.Now()
		_, err := h.DB.NewUpdate().Model((*org.User)(nil)).Set("disabled_at = ?", now).Where("id = ?", h.Users["a_moderator"].ID).Exec(context.Background())
		webtest.Must(t, err)

		resp, _ := b.Get("/")
		webtest.WantStatus(t, resp, 303, "")
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("disabled user's session redirected to %q", loc)
		}
		resp, problem := h.API("GET", "/api/v1/me", token, nil)
		if resp.StatusCode != 401 || problem["status"] != float64(401) {
			t.Fatalf("disabled user's token: %d %v", resp.StatusCode, problem)
		}
		b2 := h.Browser()
		resp, body := b2.Post("/login", "/login", url.Values{"email": {h.Users["a_moderator"].Email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 403, body)
		webtest.WantContains(t, body, "Your account has been disabled.")
		resp, problem = h.API("POST", "/api/v1/auth/token", "", map[string]string{"email": h.Users["a_moderator"].Email, "password": webtest.Password})
		if resp.StatusCode != 403 {
			t.Fatalf("disabled user got a token: %d %v", resp.StatusCode, problem)
		}
	})
}

func TestLogoutEndsTheSession(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("agent")
		old := b.Cookies[httpx.CookieSession]
		resp, body := b.Post("/", "/logout", nil)
		webtest.WantStatus(t, resp, 303, body)
		if resp.Header.Get("Location") != "/login" {
			t.Fatalf("logout redirected to %q", resp.Header.Get("Location"))
		}
		_, body = b.Get("/login")
		webtest.WantContains(t, body, "You have been signed out.")
		// Replaying the old cookie does not work.
		replay := h.Browser()
		replay.Cookies[httpx.CookieSession] = old
		resp, _ = replay.Get("/")
		webtest.WantStatus(t, resp, 303, "")
	})
}

// Five wrong guesses by someone else lock the account, but not for a browser
// that signed in to it before; a device mark for another account is no help.
func TestKnownBrowserSignsInWhileAccountLocked(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		email := h.Users["a_member"].Email
		owner := h.LoggedIn("a_member")
		mark := owner.Cookies[authweb.CookieDevice]
		if mark == "" {
			t.Fatal("sign-in set no device cookie")
		}
		resp, body := owner.Post("/", "/logout", nil)
		webtest.WantStatus(t, resp, 303, body)

		attacker := h.Browser()
		attacker.IP = "203.0.113.5"
		for range 5 {
			resp, body := attacker.Post("/login", "/login", url.Values{"email": {email}, "password": {"wrong-password-1"}})
			webtest.WantStatus(t, resp, 422, body)
		}
		stranger := h.Browser()
		resp, body = stranger.Post("/login", "/login", url.Values{"email": {email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 429, body)

		// Another account's mark does not vouch for this one.
		other := h.LoggedIn("a_admin")
		other.Cookies = map[string]string{authweb.CookieDevice: other.Cookies[authweb.CookieDevice]}
		resp, body = other.Post("/login", "/login", url.Values{"email": {email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 429, body)
		// Nor does a forged one.
		forged := h.Browser()
		forged.Cookies[authweb.CookieDevice] = "x" + mark
		resp, body = forged.Post("/login", "/login", url.Values{"email": {email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 429, body)

		resp, body = owner.Post("/login", "/login", url.Values{"email": {email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 303, body)
		if owner.Cookies[authweb.CookieDevice] != mark {
			t.Error("the device mark changed on a known browser")
		}
	})
}
