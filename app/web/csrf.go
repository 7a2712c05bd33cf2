package web

import (
	"crypto/subtle"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

// CSRF protection is the signed double-submit pattern: the browser holds a
// random HttpOnly cookie, and every unsafe form carries an HMAC of it under
// the application secret. It needs no server-side storage, so any instance
// can check any form, and it protects the sign-in form too. The cookie is
// renewed at sign-in. API requests authenticated with a bearer token, or with
// no credentials at all, carry nothing a forged request could use and are
// exempt; API requests made with the session cookie send X-CSRF-Token.

const csrfCookieAge = 24 * time.Hour

// ErrCSRF is returned for an unsafe request without a valid token.
var ErrCSRF = &fiber.Error{Code: fiber.StatusForbidden, Message: "csrf"}

// csrfToken returns the token for the browser's CSRF cookie, setting the
// cookie first when the browser has none.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	v, _ := c.Locals("bo.csrf").(string)
	if v == "" {
		v = c.Cookies(cookieCSRF)
	}
	if len(v) < 32 || len(v) > 64 {
		v = randomString()
		s.setCookie(c, cookieCSRF, v, csrfCookieAge)
	}
	c.Locals("bo.csrf", v)
	return s.sign("csrf", v)
}

// renewCSRF replaces the browser's CSRF cookie (at sign-in and sign-out).
func (s *Server) renewCSRF(c *fiber.Ctx) {
	v := randomString()
	s.setCookie(c, cookieCSRF, v, csrfCookieAge)
	c.Locals("bo.csrf", v)
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// checkCSRF guards every unsafe request made with cookies.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	if safeMethod(c.Method()) || currentToken(c) != nil {
		return c.Next()
	}
	// An API call without a session cookie carries no ambient credentials:
	// there is nothing for another site to ride on.
	if isAPI(c) && currentSession(c) == nil {
		return c.Next()
	}
	// Browsers say where a request comes from; refuse other sites outright.
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" {
		return ErrCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != "null" && !s.sameOrigin(origin) {
		return ErrCSRF
	}
	cookie := c.Cookies(cookieCSRF)
	sent := c.Get("X-CSRF-Token")
	if sent == "" {
		sent = c.FormValue("_csrf")
	}
	if cookie == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(s.sign("csrf", cookie))) != 1 {
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
