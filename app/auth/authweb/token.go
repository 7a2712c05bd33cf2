package authweb

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/web/httpx"
)

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// APIIssueToken exchanges an email and password for a bearer token.
func (h *Handlers) APIIssueToken(c *fiber.Ctx) error {
	var body tokenRequest
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	plain, t, err := h.Auth.IssueToken(c.UserContext(), auth.Credentials{Email: body.Email, Password: body.Password, IP: httpx.ClientIP(c)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tokenResponse{Token: plain, ExpiresAt: t.ExpiresAt})
}

// APIRevokeCurrentToken revokes the bearer token the request came with.
func (h *Handlers) APIRevokeCurrentToken(c *fiber.Ctx) error {
	t := httpx.CurrentToken(c)
	if t == nil {
		return apperr.Invalid("authorization", "error.bearer_required")
	}
	if err := h.Auth.DeleteToken(c.UserContext(), httpx.CallerOf(c), t.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
