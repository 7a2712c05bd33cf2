package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/auth"
)

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// apiIssueToken exchanges an email and password for a bearer token.
func (s *Server) apiIssueToken(c *fiber.Ctx) error {
	var body tokenRequest
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	plain, t, err := s.auth.IssueToken(c.UserContext(), auth.Credentials{Email: body.Email, Password: body.Password, IP: clientIP(c)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tokenResponse{Token: plain, ExpiresAt: t.ExpiresAt})
}

// apiRevokeCurrentToken revokes the bearer token the request came with.
func (s *Server) apiRevokeCurrentToken(c *fiber.Ctx) error {
	t := currentToken(c)
	if t == nil {
		return apperr.Invalid("authorization", "error.bearer_required")
	}
	if err := s.auth.DeleteToken(c.UserContext(), currentUser(c), t.ID, clientIP(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
