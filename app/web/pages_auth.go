package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

func (s *Server) showLoginPage(c *fiber.Ctx) error {
	if httpx.CurrentUser(c) != nil {
		return c.Redirect(firstNonEmpty(httpx.SafeNext(c.Query("next")), "/"), fiber.StatusSeeOther)
	}
	return httpx.Render(c, fiber.StatusOK, views.LoginPage(s.kit.Page(c, httpx.Tr(c).T("login.title")), views.NewForm(), httpx.SafeNext(c.Query("next"))))
}

func (s *Server) login(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "email")
	next := httpx.SafeNext(c.FormValue("next"))
	email := c.FormValue("email")
	token, u, err := s.auth.Login(c.UserContext(), auth.Credentials{
		Email: email, Password: c.FormValue("password"), IP: httpx.ClientIP(c), KnownDevice: s.knownDevice(c, email),
	}, c.Get(fiber.HeaderUserAgent), c.Cookies(cookieSession))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		if errors.Is(err, auth.ErrBadCredentials) {
			status = fiber.StatusUnprocessableEntity
		}
		return httpx.Render(c, status, views.LoginPage(s.kit.Page(c, httpx.Tr(c).T("login.title")), f, next))
	}
	s.kit.SetCookie(c, cookieSession, token, s.cfg.SessionMax)
	s.rememberDevice(c, u.Email)
	s.kit.RenewCSRF(c)
	return c.Redirect(firstNonEmpty(next, "/"), fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if u, sess := httpx.CurrentUser(c), httpx.CurrentSession(c); u != nil && sess != nil {
		if err := s.auth.Logout(c.UserContext(), u, sess, httpx.ClientIP(c)); err != nil {
			return err
		}
	}
	s.kit.ClearCookie(c, cookieSession)
	s.kit.RenewCSRF(c)
	s.kit.Flash(c, "success", "flash.signed_out", nil)
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
