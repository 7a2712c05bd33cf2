package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/views"
)

func (s *Server) showLoginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(firstNonEmpty(safeNext(c.Query("next")), "/"), fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, views.LoginPage(s.page(c, tr(c).T("login.title")), views.NewForm(), safeNext(c.Query("next"))))
}

func (s *Server) login(c *fiber.Ctx) error {
	f := formFrom(c, "email")
	next := safeNext(c.FormValue("next"))
	email := c.FormValue("email")
	token, u, err := s.auth.Login(c.UserContext(), auth.Credentials{
		Email: email, Password: c.FormValue("password"), IP: clientIP(c), KnownDevice: s.knownDevice(c, email),
	}, c.Get(fiber.HeaderUserAgent), c.Cookies(cookieSession))
	if err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		if errors.Is(err, auth.ErrBadCredentials) {
			status = fiber.StatusUnprocessableEntity
		}
		return s.render(c, status, views.LoginPage(s.page(c, tr(c).T("login.title")), f, next))
	}
	s.setCookie(c, cookieSession, token, s.cfg.SessionMax)
	s.rememberDevice(c, u.Email)
	s.renewCSRF(c)
	return c.Redirect(firstNonEmpty(next, "/"), fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if u, sess := currentUser(c), currentSession(c); u != nil && sess != nil {
		if err := s.auth.Logout(c.UserContext(), u, sess, clientIP(c)); err != nil {
			return err
		}
	}
	s.clearCookie(c, cookieSession)
	s.renewCSRF(c)
	s.flash(c, "success", "flash.signed_out", nil)
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
