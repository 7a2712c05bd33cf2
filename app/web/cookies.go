package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
	"backoffice/app/web/httpx"
)

// Cookie names.
const (
	cookieSession = "bo_session"
	cookieLang    = "bo_lang"
	cookieDevice  = "bo_device"
)

// deviceCookieAge is how long a browser stays known after a sign-in.
const deviceCookieAge = 365 * 24 * time.Hour

// knownDevice returns this browser's id when it signed in to email before
// (the signed device cookie), or "".
func (s *Server) knownDevice(c *fiber.Ctx, email string) string {
	id, mac, ok := strings.Cut(c.Cookies(cookieDevice), ".")
	if !ok || !s.kit.Verify("device:"+org.NormalizeEmail(email), id, mac) {
		return ""
	}
	return id
}

// rememberDevice marks this browser as one that signed in to email, so that
// a lockout by others' wrong guesses does not keep it out.
func (s *Server) rememberDevice(c *fiber.Ctx, email string) {
	id := s.knownDevice(c, email)
	if id == "" {
		id = httpx.RandomString()
	}
	s.kit.SetCookie(c, cookieDevice, id+"."+s.kit.Sign("device:"+email, id), deviceCookieAge)
}
