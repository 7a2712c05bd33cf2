package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/web/httpx"
	"backoffice/views"
)

const auditPageSize = 50

func (s *Server) showAuditPage(c *fiber.Ctx) error {
	u := httpx.CurrentUser(c)
	before, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || before < 0 {
		before = 0
	}
	entries, more, err := s.audit.List(c.UserContext(), u.Organization.ScopeProviderID(), before, auditPageSize)
	if err != nil {
		return err
	}
	older := ""
	if more {
		older = "/audit?before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return httpx.Render(c, fiber.StatusOK, views.AuditPage(s.kit.Page(c, httpx.Tr(c).T("audit.title")), entries, older, before == 0))
}
