// Package httpx is the kit the web handlers of every domain share with the
// shell in app/web: typed getters of what the shell resolved for the request
// (user, session, translator, client address), page data and rendering,
// flash messages and signed cookies, form and JSON binding, paging and
// cursors, path ids, and the types of the route table.
package httpx

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backoffice/app/clock"
	"backoffice/app/org"
	"backoffice/rbac"
	"backoffice/views"
)

// Kit holds what handlers need of the running application besides their
// domain services: the clock, the enforcer, the cookie secret and the
// navigation. The shell builds one and hands it to every domain's handlers.
type Kit struct {
	Clock          clock.Clock
	RBAC           *rbac.Enforcer
	Secret         []byte // signs cookies and CSRF tokens
	SecureCookies  bool   // cookies are Secure (BASE_URL is https)
	InvitationDays int    // how long an invitation link lasts, shown on pages
	// Nav is the navigation a user sees on the page of a route.
	Nav func(u *org.User, routePath string) []views.NavItem
}

// Page builds the data every page needs: translator, user, CSRF token,
// flash messages and the navigation the user's role allows. Handlers add
// only their own data.
func (k *Kit) Page(c *fiber.Ctx, title string) *views.Page {
	u := CurrentUser(c)
	p := &views.Page{
		Title:   title,
		Tr:      Tr(c),
		User:    u,
		CSRF:    k.CSRFToken(c),
		Flashes: k.takeFlash(c),
		Path:    RoutePath(c),
		Now:     k.Clock.Now(),
	}
	if u != nil {
		p.Area = "office"
		if u.IsStaff() {
			p.Area = "staff"
		}
		p.Nav = k.Nav(u, p.Path)
		p.Can = func(obj, act string) bool { return k.Can(c, obj, act) }
		p.InvitationDays = k.InvitationDays
	}
	return p
}

// Can reports whether the caller of the request may do act on obj: the one
// permission check of handlers and pages (the route table's guard asks the
// same question before the handler runs).
func (k *Kit) Can(c *fiber.Ctx, obj, act string) bool {
	who := CallerOf(c)
	return who != nil && k.RBAC.Can(who.Subject, obj, act)
}

// UserNow is the time in the signed-in user's time zone.
func (k *Kit) UserNow(c *fiber.Ctx) time.Time {
	return k.Clock.Now().In(CurrentUser(c).Location())
}

// Render writes a component as the HTML response.
func Render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	// Rendering needs no deadline, and an error page may be rendered after
	// the request context has ended.
	return comp.Render(context.WithoutCancel(c.UserContext()), c.Response().BodyWriter())
}

// SetCookie sets an HttpOnly, SameSite=Lax cookie for the whole site.
func (k *Kit) SetCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		Secure:   k.SecureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// ClearCookie removes a cookie set by SetCookie.
func (k *Kit) ClearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		Expires:  time.Unix(0, 0),
		Secure:   k.SecureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// Sign returns an HMAC of value under the application secret for purpose.
func (k *Kit) Sign(purpose, value string) string {
	m := hmac.New(sha256.New, k.Secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Verify reports whether mac is Sign(purpose, value), in constant time.
func (k *Kit) Verify(purpose, value, mac string) bool {
	return subtle.ConstantTimeCompare([]byte(k.Sign(purpose, value)), []byte(mac)) == 1
}

// RandomString is 256 bits from crypto/rand, URL-safe.
func RandomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
