package authweb

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
	"backoffice/app/web/httpx"
)

// cookieDevice marks a browser that signed in before.
const cookieDevice = "bo_device"

// deviceCookieAge is how long a browser stays known after a sign-in.
const deviceCookieAge = 365 * 24 * time.Hour

// knownDevice returns this browser's id when it signed in to email before
// (the signed device cookie), or "".
func (h *Handlers) knownDevice(c *fiber.Ctx, email string) string {
	id, mac, ok := strings.Cut(c.Cookies(cookieDevice), ".")
	if !ok || !h.Kit.Verify("device:"+org.NormalizeEmail(email), id, mac) {
		return ""
	}
	return id
}

// rememberDevice marks this browser as one that signed in to email, so that
// a lockout by others' wrong guesses does not keep it out.
func (h *Handlers) rememberDevice(c *fiber.Ctx, email string) {
	id := h.knownDevice(c, email)
	if id == "" {
		id = httpx.RandomString()
	}
	h.Kit.SetCookie(c, cookieDevice, id+"."+h.Kit.Sign("device:"+email, id), deviceCookieAge)
}
