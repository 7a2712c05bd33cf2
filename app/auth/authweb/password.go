package authweb

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

func (h *Handlers) linkInvalid(c *fiber.Ctx) error {
	return httpx.Render(c, fiber.StatusNotFound, views.LinkInvalidPage(h.Kit.Page(c, httpx.Tr(c).T("password.link_invalid_title"))))
}

// ShowAcceptInvitation is the page of an invitation link (the token is used on POST).
func (h *Handlers) ShowAcceptInvitation(c *fiber.Ctx) error {
	token := c.Query("token")
	inv, err := h.People.PendingInvitation(c.UserContext(), token)
	if errors.Is(err, people.ErrLinkInvalid) {
		return h.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	return h.renderAccept(c, fiber.StatusOK, views.NewForm(), token, inv.User.Email, inv.User.Organization.Name)
}

func (h *Handlers) renderAccept(c *fiber.Ctx, status int, f *views.Form, token, email, company string) error {
	t := httpx.Tr(c)
	return httpx.Render(c, status, views.SetPasswordPage(h.Kit.Page(c, t.T("password.accept_title")), f, "/accept-invitation", token,
		t.T("password.accept_title"), t.T("password.accept_lead", map[string]any{"Company": company}), email))
}

// AcceptInvitation sets the password of an invited user and signs them in.
func (h *Handlers) AcceptInvitation(c *fiber.Ctx) error {
	token, password := c.FormValue("token"), c.FormValue("password")
	inv, err := h.People.PendingInvitation(c.UserContext(), token)
	if errors.Is(err, people.ErrLinkInvalid) {
		return h.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	f := views.NewForm()
	if password != c.FormValue("confirm_password") {
		f.Errors["confirm_password"] = httpx.Tr(c).T("error.password_mismatch")
		return h.renderAccept(c, fiber.StatusUnprocessableEntity, f, token, inv.User.Email, inv.User.Organization.Name)
	}
	u, err := h.People.AcceptInvitation(c.UserContext(), token, password, httpx.ClientIP(c))
	if errors.Is(err, people.ErrLinkInvalid) {
		return h.linkInvalid(c)
	}
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderAccept(c, status, f, token, inv.User.Email, inv.User.Organization.Name)
	}
	return h.signInAfterLink(c, u.Email, password, "flash.welcome")
}

// signInAfterLink starts a session with the password just set.
func (h *Handlers) signInAfterLink(c *fiber.Ctx, email, password, flash string) error {
	token, u, err := h.Auth.Login(c.UserContext(), auth.Credentials{Email: email, Password: password, IP: httpx.ClientIP(c),
		KnownDevice: h.knownDevice(c, email)}, c.Get(fiber.HeaderUserAgent), c.Cookies(httpx.CookieSession))
	if err != nil {
		h.Kit.Flash(c, "info", "flash.password_set_sign_in", nil)
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	h.Kit.SetCookie(c, httpx.CookieSession, token, h.SessionMax)
	h.rememberDevice(c, u.Email)
	h.Kit.RenewCSRF(c)
	h.Kit.Flash(c, "success", flash, nil)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// ShowPasswordLinkRequest is the form that asks for a password link.
func (h *Handlers) ShowPasswordLinkRequest(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values["email"] = c.Query("email")
	return httpx.Render(c, fiber.StatusOK, views.PasswordLinkRequestPage(h.Kit.Page(c, httpx.Tr(c).T("password.forgot_title")), f, c.Query("new") != "", false))
}

// RequestPasswordLink sends a password link; the answer is the same for unknown addresses.
func (h *Handlers) RequestPasswordLink(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "email")
	newLink := c.FormValue("new") != ""
	err := h.People.RequestPasswordLink(c.UserContext(), f.Value("email"), httpx.ClientIP(c))
	status := fiber.StatusOK
	if err != nil {
		var ok bool
		if status, ok = httpx.FormErrors(c, f, err); !ok {
			return err
		}
	}
	return httpx.Render(c, status, views.PasswordLinkRequestPage(h.Kit.Page(c, httpx.Tr(c).T("password.forgot_title")), f, newLink, err == nil))
}

// ShowSetPassword is the page of a password link.
func (h *Handlers) ShowSetPassword(c *fiber.Ctx) error {
	token := c.Query("token")
	u, _, err := h.People.PasswordLink(c.UserContext(), token)
	if errors.Is(err, apperr.ErrNotFound) {
		return h.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	return h.renderSetPassword(c, fiber.StatusOK, views.NewForm(), token, u.Email, u.PasswordHash == "")
}

func (h *Handlers) renderSetPassword(c *fiber.Ctx, status int, f *views.Form, token, email string, first bool) error {
	t := httpx.Tr(c)
	title, lead := t.T("password.reset_title"), t.T("password.reset_lead")
	if first {
		title, lead = t.T("password.set_title"), t.T("password.set_lead")
	}
	return httpx.Render(c, status, views.SetPasswordPage(h.Kit.Page(c, title), f, "/password/set", token, title, lead, email))
}

// SetPassword sets the password from a link and signs the user in.
func (h *Handlers) SetPassword(c *fiber.Ctx) error {
	token, password := c.FormValue("token"), c.FormValue("password")
	u, _, err := h.People.PasswordLink(c.UserContext(), token)
	if errors.Is(err, apperr.ErrNotFound) {
		return h.linkInvalid(c)
	}
	if err != nil {
		return err
	}
	f := views.NewForm()
	first := u.PasswordHash == ""
	if password != c.FormValue("confirm_password") {
		f.Errors["confirm_password"] = httpx.Tr(c).T("error.password_mismatch")
		return h.renderSetPassword(c, fiber.StatusUnprocessableEntity, f, token, u.Email, first)
	}
	if _, err := h.People.SetPassword(c.UserContext(), token, password, httpx.ClientIP(c)); err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return h.linkInvalid(c)
		}
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderSetPassword(c, status, f, token, u.Email, first)
	}
	return h.signInAfterLink(c, u.Email, password, "flash.password_set")
}
