package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
)

func TestSessionsExpireWhenIdleAndAtTheAbsoluteLimit(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_admin")
		h.Clock.Advance(29 * time.Minute)
		resp, _ := b.Get("/")
		webtest.WantStatus(t, resp, 200, "")
		h.Clock.Advance(31 * time.Minute)
		resp, _ = b.Get("/")
		webtest.WantStatus(t, resp, 303, "")

		// Used every 20 minutes, a session still ends after 12 hours.
		b = h.LoggedIn("a_admin")
		for i := 0; i < 40; i++ {
			h.Clock.Advance(20 * time.Minute)
			resp, _ = b.Get("/")
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
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_member")
		for _, path := range []string{"/profile", "/profile/password", "/profile/tokens", "/logout", "/login"} {
			for name, form := range map[string]url.Values{
				"missing": {"first_name": {"X"}},
				"forged":  {"first_name": {"X"}, "_csrf": {"forged-token"}},
			} {
				req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, body := b.Send(req)
				webtest.WantStatus(t, resp, 403, body)
				webtest.WantContains(t, body, "This form has expired")
				_ = name
			}
		}
		// A token from another browser does not fit this browser's cookie.
		other := h.Browser()
		foreign := other.CSRF("/login")
		resp, body := b.Post("/profile", "/profile", url.Values{"_csrf": {foreign}, "first_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}})
		webtest.WantStatus(t, resp, 403, body)
		// A cross-site request is refused even with a valid token.
		form := url.Values{"_csrf": {b.CSRF("/profile")}, "first_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}}
		req := httptest.NewRequest("POST", "/profile", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		resp, _ = b.Send(req)
		webtest.WantStatus(t, resp, 403, "")
		// The API with a bearer token needs no CSRF token.
		r, _ := h.API("PATCH", "/api/v1/me", h.Token("a_member"), map[string]string{"first_name": "Api"})
		if r.StatusCode != 200 {
			t.Fatalf("bearer PATCH: %d", r.StatusCode)
		}
		// The API with the session cookie does.
		req = httptest.NewRequest("PATCH", "/api/v1/me", strings.NewReader(`{"first_name":"Cookie"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, body = b.Send(req)
		webtest.WantStatus(t, resp, 403, body)
		req = httptest.NewRequest("PATCH", "/api/v1/me", strings.NewReader(`{"first_name":"Cookie"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.CSRF("/"))
		resp, body = b.Send(req)
		webtest.WantStatus(t, resp, 200, body)
	})
}

// A signed-in browser's CSRF token belongs to its session: a token taken
// from the attacker's session is refused in the victim's, even when the
// attacker also plants their CSRF cookie there (cookie tossing beat the
// cookie-bound token). Sign-in keeps its cookie-bound token.
func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		attacker, victim := h.LoggedIn("b_member"), h.LoggedIn("a_member")
		stolen := attacker.CSRF("/profile")
		planted := h.Browser()
		for k, v := range victim.Cookies {
			planted.Cookies[k] = v
		}
		planted.Cookies[httpx.CookieCSRF] = attacker.Cookies[httpx.CookieCSRF]
		form := url.Values{"_csrf": {stolen}, "first_name": {"Forged"}, "last_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}}
		for name, b := range map[string]*webtest.Browser{"victim's cookies": victim, "attacker's CSRF cookie planted": planted} {
			resp, body := b.Post("/profile", "/profile", form)
			if resp.StatusCode != 403 {
				t.Fatalf("%s: status %d, want 403\n%s", name, resp.StatusCode, body)
			}
			req := httptest.NewRequest("PATCH", "/api/v1/me", strings.NewReader(`{"first_name":"Forged"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", stolen)
			if resp, body := b.Send(req); resp.StatusCode != 403 {
				t.Fatalf("%s, API: status %d, want 403\n%s", name, resp.StatusCode, body)
			}
		}
		if u, err := h.Svc.Users.User(context.Background(), h.Users["a_member"].ID); err != nil || u.FirstName == "Forged" {
			t.Fatalf("the victim's profile changed: %v %v", u, err)
		}
		// The victim's own token works; so does signing in afresh.
		resp, body := victim.Post("/profile", "/profile", url.Values{"first_name": {"Own"}, "last_name": {"X"}, "language": {"en"}, "time_zone": {"UTC"}})
		webtest.WantStatus(t, resp, 303, body)
		h.LoggedIn("a_member")
	})
}

func TestLanguageFollowsUserThenCookieThenBrowser(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.Browser()
		b.Lang = "de-DE,de;q=0.9"
		_, body := b.Get("/login")
		webtest.WantContains(t, body, `<html lang="de">`, "Anmelden")
		_, body = b.Get("/login?lang=ru")
		webtest.WantContains(t, body, `<html lang="ru">`, "Вход")
		_, body = b.Get("/login")
		webtest.WantContains(t, body, `<html lang="ru">`) // the choice is kept in a cookie
		// Signed in, the user's own language wins.
		b.Login("a_member")
		_, body = b.Get("/")
		webtest.WantContains(t, body, `<html lang="en">`, "Overview")
	})
}

func TestSecurityHeaders(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		resp, _ := h.Browser().Get("/login")
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
