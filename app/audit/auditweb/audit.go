package auditweb

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/audit"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

const auditPageSize = 50

// ShowAuditPage is the audit log of the provider, newest first, in pages.
func (h *Handlers) ShowAuditPage(c *fiber.Ctx) error {
	u := httpx.CallerOf(c)
	before, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || before < 0 {
		before = 0
	}
	entries, more, err := h.Audit.List(c.UserContext(), u.Organization.ScopeProviderID(), before, auditPageSize)
	if err != nil {
		return err
	}
	older := ""
	if more {
		older = "/audit?before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return httpx.Render(c, fiber.StatusOK, views.AuditPage(h.Kit.Page(c, httpx.Tr(c).T("audit.title")), entries, older, before == 0))
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

// APIAudit lists the audit log of the provider, newest first.
func (h *Handlers) APIAudit(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	entries, more, err := h.Audit.List(c.UserContext(), httpx.CallerOf(c).Organization.ScopeProviderID(), p.After, p.Limit)
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
