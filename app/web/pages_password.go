package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/people"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// Links from emails: GET shows a page (mail scanners follow GETs), POST
// consumes the token.

func (s *Server) linkInvalid(c *fiber.Ctx) error {
	return httpx.Render(c, fiber.StatusNotFound, views.LinkInvalidPage(s.kit.Page(c, httpx.Tr(c).T("password.link_invalid_title"))))
}

func (s *Server) showAcceptInvitation(c *fiber.Ctx) error {
	token := c.Query("token")
	inv, err := s.people.PendingInvitation(c.UserContext(), token)
	if errors.Is(err, people.ErrLinkInvalid) {
		return s.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	return s.renderAccept(c, fiber.StatusOK, views.NewForm(), token, inv.User.Email, inv.User.Organization.Name)
}

func (s *Server) renderAccept(c *fiber.Ctx, status int, f *views.Form, token, email, company string) error {
	t := httpx.Tr(c)
	return httpx.Render(c, status, views.SetPasswordPage(s.kit.Page(c, t.T("password.accept_title")), f, "/accept-invitation", token,
		t.T("password.accept_title"), t.T("password.accept_lead", map[string]any{"Company": company}), email))
}

func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	token, password := c.FormValue("token"), c.FormValue("password")
	inv, err := s.people.PendingInvitation(c.UserContext(), token)
	if errors.Is(err, people.ErrLinkInvalid) {
		return s.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	f := views.NewForm()
	if password != c.FormValue("confirm_password") {
		f.Errors["confirm_password"] = httpx.Tr(c).T("error.password_mismatch")
		return s.renderAccept(c, fiber.StatusUnprocessableEntity, f, token, inv.User.Email, inv.User.Organization.Name)
	}
	u, err := s.people.AcceptInvitation(c.UserContext(), token, password, httpx.ClientIP(c))
	if errors.Is(err, people.ErrLinkInvalid) {
		return s.linkInvalid(c)
	}
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderAccept(c, status, f, token, inv.User.Email, inv.User.Organization.Name)
	}
	return s.signInAfterLink(c, u.Email, password, "flash.welcome")
}

// signInAfterLink starts a session with the password just set.
func (s *Server) signInAfterLink(c *fiber.Ctx, email, password, flash string) error {
	token, u, err := s.auth.Login(c.UserContext(), auth.Credentials{Email: email, Password: password, IP: httpx.ClientIP(c),
		KnownDevice: s.knownDevice(c, email)}, c.Get(fiber.HeaderUserAgent), c.Cookies(cookieSession))
	if err != nil {
		s.kit.Flash(c, "info", "flash.password_set_sign_in", nil)
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	s.kit.SetCookie(c, cookieSession, token, s.cfg.SessionMax)
	s.rememberDevice(c, u.Email)
	s.kit.RenewCSRF(c)
	s.kit.Flash(c, "success", flash, nil)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) showPasswordLinkRequest(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values["email"] = c.Query("email")
	return httpx.Render(c, fiber.StatusOK, views.PasswordLinkRequestPage(s.kit.Page(c, httpx.Tr(c).T("password.forgot_title")), f, c.Query("new") != "", false))
}

func (s *Server) requestPasswordLink(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "email")
	newLink := c.FormValue("new") != ""
	err := s.people.RequestPasswordLink(c.UserContext(), f.Value("email"), httpx.ClientIP(c))
	status := fiber.StatusOK
	if err != nil {
		var ok bool
		if status, ok = httpx.FormErrors(c, f, err); !ok {
			return err
		}
	}
	return httpx.Render(c, status, views.PasswordLinkRequestPage(s.kit.Page(c, httpx.Tr(c).T("password.forgot_title")), f, newLink, err == nil))
}

func (s *Server) showSetPassword(c *fiber.Ctx) error {
	token := c.Query("token")
	u, _, err := s.people.PasswordLink(c.UserContext(), token)
	if errors.Is(err, apperr.ErrNotFound) {
		return s.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	return s.renderSetPassword(c, fiber.StatusOK, views.NewForm(), token, u.Email, u.PasswordHash == "")
}

func (s *Server) renderSetPassword(c *fiber.Ctx, status int, f *views.Form, token, email string, first bool) error {
	t := httpx.Tr(c)
	title, lead := t.T("password.reset_title"), t.T("password.reset_lead")
	if first {
		title, lead = t.T("password.set_title"), t.T("password.set_lead")
	}
	return httpx.Render(c, status, views.SetPasswordPage(s.kit.Page(c, title), f, "/password/set", token, title, lead, email))
}

func (s *Server) setPassword(c *fiber.Ctx) error {
	token, password := c.FormValue("token"), c.FormValue("password")
	u, _, err := s.people.PasswordLink(c.UserContext(), token)
	if errors.Is(err, apperr.ErrNotFound) {
		return s.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	f := views.NewForm()
	first := u.PasswordHash == ""
	if password != c.FormValue("confirm_password") {
		f.Errors["confirm_password"] = httpx.Tr(c).T("error.password_mismatch")
		return s.renderSetPassword(c, fiber.StatusUnprocessableEntity, f, token, u.Email, first)
	}
	if _, err := s.people.SetPassword(c.UserContext(), token, password, httpx.ClientIP(c)); err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return s.linkInvalid(c)
		}
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderSetPassword(c, status, f, token, u.Email, first)
	}
	return s.signInAfterLink(c, u.Email, password, "flash.password_set")
}
