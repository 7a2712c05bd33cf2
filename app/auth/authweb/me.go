package authweb

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/app/org"
	"backoffice/app/web/httpx"
)

type apiToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Token      string     `json:"token,omitempty"` // only in the response that creates it
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

func toAPIToken(t *auth.APIToken) apiToken {
	return apiToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, CreatedAt: t.CreatedAt}
}

type apiSession struct {
	ID         int64     `json:"id"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	CreatedAt  time.Time `json:"created_at"`
}

// APIMe answers the signed-in user.
func (h *Handlers) APIMe(c *fiber.Ctx) error {
	return c.JSON(httpx.ToAPIUser(httpx.CurrentUser(c)))
}

type meUpdate struct {
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Language  *string `json:"language"`
	TimeZone  *string `json:"time_zone"`
}

// APIUpdateMe changes the signed-in user's name, language or time zone.
func (h *Handlers) APIUpdateMe(c *fiber.Ctx) error {
	var body meUpdate
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	u := httpx.CallerOf(c)
	in := org.ProfileInput{FirstName: u.FirstName, LastName: u.LastName, Language: u.Language, TimeZone: u.TimeZone}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.FirstName, body.FirstName)
	set(&in.LastName, body.LastName)
	set(&in.Language, body.Language)
	set(&in.TimeZone, body.TimeZone)
	if err := h.Auth.UpdateProfile(c.UserContext(), u, in); err != nil {
		return err
	}
	return c.JSON(httpx.ToAPIUser(u.User))
}

type passwordBody struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// APIChangePassword changes the password, ending every other session and token.
func (h *Handlers) APIChangePassword(c *fiber.Ctx) error {
	var body passwordBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	res, err := h.Auth.ChangePassword(c.UserContext(), httpx.CallerOf(c),
		auth.PasswordChange{Current: body.CurrentPassword, New: body.NewPassword}, httpx.KeepOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ended_sessions": res.Sessions, "revoked_tokens": res.Tokens})
}

// APISessions lists the live sessions of the signed-in user.
func (h *Handlers) APISessions(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	sessions, more, err := h.Auth.Sessions().ForUser(c.UserContext(), httpx.CallerOf(c).ID, p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiSession]{Items: make([]apiSession, 0, len(sessions))}
	for _, x := range sessions {
		out.Items = append(out.Items, apiSession{ID: x.ID, IP: x.IP, UserAgent: x.UserAgent, Current: x.ID == httpx.SessionID(c),
			LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt, CreatedAt: x.CreatedAt})
	}
	if more {
		out.NextCursor = httpx.CursorFor(sessions[len(sessions)-1].ID)
	}
	return c.JSON(out)
}

// APIEndSession ends one of the user's sessions.
func (h *Handlers) APIEndSession(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Auth.EndSession(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// APITokens lists the user's API tokens.
func (h *Handlers) APITokens(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	tokens, more, err := h.Auth.Tokens().ForUser(c.UserContext(), httpx.CallerOf(c).ID, p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiToken]{Items: make([]apiToken, 0, len(tokens))}
	for _, t := range tokens {
		out.Items = append(out.Items, toAPIToken(t))
	}
	if more {
		out.NextCursor = httpx.CursorFor(tokens[len(tokens)-1].ID)
	}
	return c.JSON(out)
}

type tokenBody struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"`
}

// APICreateToken creates an API token, shown only in this answer.
func (h *Handlers) APICreateToken(c *fiber.Ctx) error {
	var body tokenBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	plain, t, err := h.Auth.CreateToken(c.UserContext(), httpx.CallerOf(c), auth.TokenInput{Name: body.Name, ExpiresInDays: body.ExpiresInDays})
	if err != nil {
		return err
	}
	out := toAPIToken(t)
	out.Token = plain
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIDeleteToken revokes one of the user's API tokens.
func (h *Handlers) APIDeleteToken(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Auth.DeleteToken(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
