package web

import (
	"crypto/subtle"
	"net/url"

	"backoffice/app/web/httpx"

	"github.com/gofiber/fiber/v2"
)

// CSRF protection needs no server-side storage, so any instance can check
// any form. A signed-in browser's forms carry an HMAC of its session's id
// under the application secret: a token taken from one session is worth
// nothing in another, even with that session's CSRF cookie planted beside
// it. Before sign-in (the sign-in and password-link forms) the token is the
// signed double submit of a random HttpOnly cookie, renewed at sign-in and
// sign-out. API requests authenticated with a bearer token, or with no
// credentials at all, carry nothing a forged request could use and are
// exempt; API requests made with the session cookie send X-CSRF-Token.

// ErrCSRF is returned for an unsafe request without a valid token.
var ErrCSRF = &fiber.Error{Code: fiber.StatusForbidden, Message: "csrf"}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// checkCSRF guards every unsafe request made with cookies.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if safeMethod(c.Method()) || httpx.CurrentToken(c) != nil {
		return c.Next()
	}
	// An API call without a session cookie carries no ambient credentials:
	// there is nothing for another site to ride on.
	if isAPI(c) && httpx.CurrentSession(c) == nil {
		return c.Next()
	}
	// Browsers say where a request comes from; refuse other sites outright.
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" {
		return ErrCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != "null" && !s.sameOrigin(origin) {
		return ErrCSRF
	}
	sent := c.Get("X-CSRF-Token")
	if sent == "" {
		sent = c.FormValue("_csrf")
	}
	want := ""
	if sess := httpx.CurrentSession(c); sess != nil {
		want = s.kit.SessionCSRF(sess.ID)
	} else if cookie := c.Cookies(httpx.CookieCSRF); cookie != "" {
		want = s.kit.Sign("csrf", cookie)
	}
	if want == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return ErrCSRF
	}
	return c.Next()
}

func (s *Server) sameOrigin(origin string) bool {
	o, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return o.Scheme == s.baseURL.Scheme && o.Host == s.baseURL.Host
}

// isCSRF reports whether err is the CSRF refusal.
func isCSRF(err error) bool { return err == ErrCSRF }
