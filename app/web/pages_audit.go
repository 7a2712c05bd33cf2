package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/views"
)

const auditPageSize = 50

func (s *Server) showAuditPage(c *fiber.Ctx) error {
	u := currentUser(c)
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
	return s.render(c, fiber.StatusOK, views.AuditPage(s.page(c, tr(c).T("audit.title")), entries, older, before == 0))
}
