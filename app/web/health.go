package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/db"
)

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says whether the instance can serve: the database answers and every
// migration is applied.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := fiber.Map{"database": "ok", "migrations": "ok"}
	ready := true
	if err := s.db.PingContext(ctx); err != nil {
		checks["database"], ready = "unreachable", false
	} else if n, err := db.Pending(ctx, s.db); err != nil {
		checks["migrations"], ready = "unknown", false
	} else if n > 0 {
		checks["migrations"], ready = "pending", false
	}
	if !ready {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": checks})
	}
	return c.JSON(fiber.Map{"status": "ready", "checks": checks})
}
