package authweb

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// ShowLoginPage is the sign-in form; a signed-in user goes on to next.
func (h *Handlers) ShowLoginPage(c *fiber.Ctx) error {
	if httpx.CallerOf(c) != nil {
		return c.Redirect(firstNonEmpty(httpx.SafeNext(c.Query("next")), "/"), fiber.StatusSeeOther)
	}
	return httpx.Render(c, fiber.StatusOK, views.LoginPage(h.Kit.Page(c, httpx.Tr(c).T("login.title")), views.NewForm(), httpx.SafeNext(c.Query("next"))))
}

// Login signs in with the form: a new session, a remembered browser, a new CSRF cookie.
func (h *Handlers) Login(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "email")
	next := httpx.SafeNext(c.FormValue("next"))
	email := c.FormValue("email")
	token, u, err := h.Auth.Login(c.UserContext(), auth.Credentials{
		Email: email, Password: c.FormValue("password"), IP: httpx.ClientIP(c), KnownDevice: h.knownDevice(c, email),
	}, c.Get(fiber.HeaderUserAgent), c.Cookies(httpx.CookieSession))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		if errors.Is(err, auth.ErrBadCredentials) {
			status = fiber.StatusUnprocessableEntity
		}
		return httpx.Render(c, status, views.LoginPage(h.Kit.Page(c, httpx.Tr(c).T("login.title")), f, next))
	}
	h.Kit.SetCookie(c, httpx.CookieSession, token, h.SessionMax)
	h.rememberDevice(c, u.Email)
	h.Kit.RenewCSRF(c)
	return c.Redirect(firstNonEmpty(next, "/"), fiber.StatusSeeOther)
}

// Logout ends the session of the browser.
func (h *Handlers) Logout(c *fiber.Ctx) error {
	if u, sess := httpx.CallerOf(c), httpx.CurrentSession(c); u != nil && sess != nil {
		if err := h.Auth.Logout(c.UserContext(), u, sess); err != nil {
			return err
		}
	}
	h.Kit.ClearCookie(c, httpx.CookieSession)
	h.Kit.RenewCSRF(c)
	h.Kit.Flash(c, "success", "flash.signed_out", nil)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
