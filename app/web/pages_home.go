package web

import (
	"github.com/gofiber/fiber/v2"

	"backoffice/app/audit"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

func (s *Server) showHomePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := httpx.CallerOf(c)
	var d views.HomeData
	var err error
	if d.Colleagues, err = s.users.CountUsers(ctx, u.OrganizationID); err != nil {
		return err
	}
	sessions, _, err := s.auth.Sessions().ForUser(ctx, u.ID, 0, 100)
	if err != nil {
		return err
	}
	tokens, _, err := s.auth.Tokens().ForUser(ctx, u.ID, 0, 100)
	if err != nil {
		return err
	}
	d.Sessions, d.Tokens = len(sessions), len(tokens)
	if s.kit.Can(c, "audit", "read") {
		entries, _, err := s.audit.List(ctx, u.Organization.ScopeProviderID(), 0, 5)
		if err != nil {
			return err
		}
		d.RecentActivity = append([]*audit.Entry{}, entries...)
	}
	return httpx.Render(c, fiber.StatusOK, views.HomePage(s.kit.Page(c, httpx.Tr(c).T("nav.home")), d))
}
