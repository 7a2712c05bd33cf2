package authweb

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/app/org"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// profileData loads what the profile page shows, with the given forms (nil
// for fresh ones).
func (h *Handlers) profileData(c *fiber.Ctx, profile, password, token *views.Form) (views.ProfileData, error) {
	ctx := c.UserContext()
	u := httpx.CallerOf(c)
	if profile == nil {
		profile = views.NewForm()
		profile.Values = map[string]string{"first_name": u.FirstName, "last_name": u.LastName, "language": u.Language, "time_zone": u.TimeZone}
	}
	if password == nil {
		password = views.NewForm()
	}
	if token == nil {
		token = views.NewForm()
		token.Values["expires_in_days"] = "90"
	}
	d := views.ProfileData{Profile: profile, Password: password, Token: token}
	var err error
	if d.Sessions, _, err = h.Auth.Sessions().ForUser(ctx, u.ID, 0, 100); err != nil {
		return d, err
	}
	if d.Tokens, _, err = h.Auth.Tokens().ForUser(ctx, u.ID, 0, 100); err != nil {
		return d, err
	}
	if sess := httpx.CurrentSession(c); sess != nil {
		d.CurrentSessionID = sess.ID
	}
	return d, nil
}

func (h *Handlers) renderProfile(c *fiber.Ctx, status int, d views.ProfileData) error {
	return httpx.Render(c, status, views.ProfilePage(h.Kit.Page(c, httpx.Tr(c).T("profile.title")), d))
}

// ShowProfilePage is the profile with the user's sessions and tokens.
func (h *Handlers) ShowProfilePage(c *fiber.Ctx) error {
	d, err := h.profileData(c, nil, nil, nil)
	if err != nil {
		return err
	}
	return h.renderProfile(c, fiber.StatusOK, d)
}

// SaveProfile saves name, language and time zone.
func (h *Handlers) SaveProfile(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "first_name", "last_name", "language", "time_zone")
	in := org.ProfileInput{FirstName: f.Value("first_name"), LastName: f.Value("last_name"),
		Language: f.Value("language"), TimeZone: f.Value("time_zone")}
	u := httpx.CallerOf(c)
	if err := h.Auth.UpdateProfile(c.UserContext(), u, in); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		d, err := h.profileData(c, f, nil, nil)
		if err != nil {
			return err
		}
		return h.renderProfile(c, status, d)
	}
	h.Kit.Flash(c, "success", "flash.profile_saved", nil)
	return c.Redirect("/profile", fiber.StatusSeeOther)
}

// ChangePassword changes the password from the profile.
func (h *Handlers) ChangePassword(c *fiber.Ctx) error {
	f := views.NewForm()
	in := auth.PasswordChange{Current: c.FormValue("current_password"), New: c.FormValue("new_password"),
		Confirm: c.FormValue("confirm_password"), ConfirmRequired: true}
	res, err := h.Auth.ChangePassword(c.UserContext(), httpx.CallerOf(c), in, httpx.KeepOf(c))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		d, err := h.profileData(c, nil, f, nil)
		if err != nil {
			return err
		}
		return h.renderProfile(c, status, d)
	}
	h.Kit.Flash(c, "success", "flash.password_changed", map[string]any{"Sessions": res.Sessions, "Tokens": res.Tokens})
	return c.Redirect("/profile", fiber.StatusSeeOther)
}

// EndSession ends one of the user's sessions from the profile.
func (h *Handlers) EndSession(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if sess := httpx.CurrentSession(c); sess != nil && sess.ID == id {
		return fiber.ErrNotFound // signing out is done with the sign-out button
	}
	if err := h.Auth.EndSession(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	h.Kit.Flash(c, "success", "flash.session_ended", nil)
	return c.Redirect("/profile#security", fiber.StatusSeeOther)
}

// EndOtherSessions ends every session of the user but this one.
func (h *Handlers) EndOtherSessions(c *fiber.Ctx) error {
	n, err := h.Auth.EndOtherSessions(c.UserContext(), httpx.CallerOf(c), httpx.SessionID(c))
	if err != nil {
		return err
	}
	h.Kit.Flash(c, "success", "flash.sessions_ended", map[string]any{"Count": n})
	return c.Redirect("/profile#security", fiber.StatusSeeOther)
}

// CreateToken creates an API token from the profile.
func (h *Handlers) CreateToken(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "name", "expires_in_days")
	days, _ := strconv.Atoi(f.Value("expires_in_days"))
	if days == 0 {
		days = -1 // not a number: let validation say so
	}
	plain, _, err := h.Auth.CreateToken(c.UserContext(), httpx.CallerOf(c), auth.TokenInput{Name: f.Value("name"), ExpiresInDays: days})
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		d, err := h.profileData(c, nil, nil, f)
		if err != nil {
			return err
		}
		return h.renderProfile(c, status, d)
	}
	// The token is shown once, in this response, and never again.
	d, err := h.profileData(c, nil, nil, nil)
	if err != nil {
		return err
	}
	d.NewToken = plain
	return h.renderProfile(c, fiber.StatusCreated, d)
}

// DeleteToken revokes an API token from the profile.
func (h *Handlers) DeleteToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := h.Auth.DeleteToken(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	h.Kit.Flash(c, "success", "flash.token_deleted", nil)
	return c.Redirect("/profile#security", fiber.StatusSeeOther)
}
