package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/audit"
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

func (s *Server) apiMe(c *fiber.Ctx) error {
	return c.JSON(httpx.ToAPIUser(httpx.CurrentUser(c)))
}

type meUpdate struct {
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Language  *string `json:"language"`
	TimeZone  *string `json:"time_zone"`
}

func (s *Server) apiUpdateMe(c *fiber.Ctx) error {
	var body meUpdate
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	u := httpx.CurrentUser(c)
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
	if err := s.auth.UpdateProfile(c.UserContext(), u, in, httpx.ClientIP(c)); err != nil {
		return err
	}
	return c.JSON(httpx.ToAPIUser(u))
}

type passwordBody struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) apiChangePassword(c *fiber.Ctx) error {
	var body passwordBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	res, err := s.auth.ChangePassword(c.UserContext(), httpx.CurrentUser(c),
		auth.PasswordChange{Current: body.CurrentPassword, New: body.NewPassword}, httpx.KeepOf(c), httpx.ClientIP(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ended_sessions": res.Sessions, "revoked_tokens": res.Tokens})
}

func (s *Server) apiSessions(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	sessions, more, err := s.auth.Sessions().ForUser(c.UserContext(), httpx.CurrentUser(c).ID, p.After, p.Limit)
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

func (s *Server) apiEndSession(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.auth.EndSession(c.UserContext(), httpx.CurrentUser(c), id, httpx.ClientIP(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiTokens(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	tokens, more, err := s.auth.Tokens().ForUser(c.UserContext(), httpx.CurrentUser(c).ID, p.After, p.Limit)
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

func (s *Server) apiCreateToken(c *fiber.Ctx) error {
	var body tokenBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	plain, t, err := s.auth.CreateToken(c.UserContext(), httpx.CurrentUser(c), auth.TokenInput{Name: body.Name, ExpiresInDays: body.ExpiresInDays}, httpx.ClientIP(c))
	if err != nil {
		return err
	}
	out := toAPIToken(t)
	out.Token = plain
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) apiDeleteToken(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.auth.DeleteToken(c.UserContext(), httpx.CurrentUser(c), id, httpx.ClientIP(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type apiAuditEntry struct {
	ID             int64     `json:"id"`
	Action         string    `json:"action"`
	ActorID        *int64    `json:"actor_id"`
	ActorEmail     string    `json:"actor_email"`
	OrganizationID *int64    `json:"organization_id"`
	TargetType     string    `json:"target_type"`
	TargetID       *int64    `json:"target_id"`
	IP             string    `json:"ip"`
	Detail         string    `json:"detail"`
	CreatedAt      time.Time `json:"created_at"`
}

func toAPIAudit(e *audit.Entry) apiAuditEntry {
	return apiAuditEntry{ID: e.ID, Action: e.Action, ActorID: e.ActorID, ActorEmail: e.ActorEmail, OrganizationID: e.OrganizationID,
		TargetType: e.TargetType, TargetID: e.TargetID, IP: e.IP, Detail: e.Detail, CreatedAt: e.CreatedAt}
}

func (s *Server) apiAudit(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	entries, more, err := s.audit.List(c.UserContext(), httpx.CurrentUser(c).Organization.ScopeProviderID(), p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiAuditEntry]{Items: make([]apiAuditEntry, 0, len(entries))}
	for _, e := range entries {
		out.Items = append(out.Items, toAPIAudit(e))
	}
	if more {
		out.NextCursor = httpx.CursorFor(entries[len(entries)-1].ID)
	}
	return c.JSON(out)
}
