package httpx

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// CSRF tokens need no server-side storage (the shell's checkCSRF says how
// they are checked). A signed-in browser's token is an HMAC of its session's
// id; before sign-in it is the signed double submit of a random HttpOnly
// cookie.

// Cookie names the shell and the sign-in handlers share.
const (
	CookieSession = "bo_session" // the browser session
	CookieCSRF    = "bo_csrf"    // the pre-sign-in CSRF token
)

const csrfCookieAge = 24 * time.Hour

// CSRFToken returns the token of the request's session or, before sign-in,
// of the browser's CSRF cookie, setting the cookie first when the browser
// has none.
func (k *Kit) CSRFToken(c *fiber.Ctx) string {
	if sess := CurrentSession(c); sess != nil {
		return k.SessionCSRF(sess.ID)
	}
	v, _ := c.Locals("bo.csrf").(string)
	if v == "" {
		v = c.Cookies(CookieCSRF)
	}
	if len(v) < 32 || len(v) > 64 {
		v = RandomString()
		k.SetCookie(c, CookieCSRF, v, csrfCookieAge)
	}
	c.Locals("bo.csrf", v)
	return k.Sign("csrf", v)
}

// RenewCSRF replaces the browser's CSRF cookie (at sign-in and sign-out).
func (k *Kit) RenewCSRF(c *fiber.Ctx) {
	v := RandomString()
	k.SetCookie(c, CookieCSRF, v, csrfCookieAge)
	c.Locals("bo.csrf", v)
}

// SessionCSRF is the CSRF token of session id.
func (k *Kit) SessionCSRF(id int64) string {
	return k.Sign("csrf-session", strconv.FormatInt(id, 10))
}
