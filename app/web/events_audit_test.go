package web_test

import (
	"fmt"
	"testing"

	"backoffice/app/web/webtest"
)

// Every domain's changes are events, and the audit log subscribes to all
// of them: one change per domain, read back through the audit API.
func TestAuditLogShowsEveryDomain(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, admin := h.Token("agent"), h.Token("admin")
		id := func(m map[string]any) string { return fmt.Sprint(int64(m["id"].(float64))) }
		// Accounts (the auth domain).
		if resp, got := h.API("PATCH", "/api/v1/me", h.Token("b_member"), map[string]any{"first_name": "Bea"}); resp.StatusCode != 200 {
			t.Fatalf("update profile: %d %v", resp.StatusCode, got)
		}
		// Customers.
		resp, cust := h.API("POST", "/api/v1/customers", admin, map[string]any{"name": "Gamma Works"})
		if resp.StatusCode != 201 {
			t.Fatalf("create customer: %d %v", resp.StatusCode, cust)
		}
		// Invitations.
		if resp, got := h.API("POST", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", agent,
			map[string]any{"email": "new.person@a.test", "first_name": "New", "last_name": "Person", "role": "member"}); resp.StatusCode != 201 {
			t.Fatalf("invite: %d %v", resp.StatusCode, got)
		}
		// Users.
		if resp, got := h.API("PATCH", "/api/v1/users/"+webtest.Itoa64(h.Users["a_member"].ID), admin,
			map[string]any{"first_name": "Renamed"}); resp.StatusCode != 200 {
			t.Fatalf("update user: %d %v", resp.StatusCode, got)
		}
		// Devices and codes.
		resp, dev := h.API("POST", "/api/v1/devices", agent, map[string]any{"name": "Boiler", "serial_number": "B-1",
			"customer_id": h.CustA.ID})
		if resp.StatusCode != 201 {
			t.Fatalf("create device: %d %v", resp.StatusCode, dev)
		}
		if resp, got := h.API("POST", "/api/v1/codes", agent, map[string]any{"count": 2}); resp.StatusCode != 201 {
			t.Fatalf("create codes: %d %v", resp.StatusCode, got)
		}
		// Tickets: opened by a customer, answered and closed by staff.
		resp, tk := h.API("POST", "/api/v1/tickets", h.Token("a_member"), map[string]any{"subject": "Leak", "description": "Water"})
		if resp.StatusCode != 201 {
			t.Fatalf("create ticket: %d %v", resp.StatusCode, tk)
		}
		if resp, got := h.API("POST", "/api/v1/tickets/"+id(tk)+"/messages", agent, map[string]any{"body": "On our way"}); resp.StatusCode != 201 {
			t.Fatalf("reply: %d %v", resp.StatusCode, got)
		}
		if resp, got := h.API("POST", "/api/v1/tickets/"+id(tk)+"/close", agent, nil); resp.StatusCode != 200 {
			t.Fatalf("close: %d %v", resp.StatusCode, got)
		}

		resp, body := h.API("GET", "/api/v1/audit?limit=100", admin, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("audit: %d %v", resp.StatusCode, body)
		}
		webtest.CheckSchema(t, "AuditList", body)
		seen := map[string]map[string]any{}
		for _, it := range body["items"].([]any) {
			e := it.(map[string]any)
			if _, ok := seen[e["action"].(string)]; !ok {
				seen[e["action"].(string)] = e
			}
		}
		for action, want := range map[string]struct{ actor, target string }{
			"customer.created":        {"admin@provider.test", "organization"},
			"invitation.created":      {"agent@provider.test", "invitation"},
			"user.updated":            {"admin@provider.test", "user"},
			"device.created":          {"agent@provider.test", "device"},
			"code.created":            {"agent@provider.test", ""},
			"ticket.created":          {"a_member@a.test", "ticket"},
			"ticket.replied":          {"agent@provider.test", "ticket"},
			"ticket.status_changed":   {"agent@provider.test", "ticket"},
			"account.profile_updated": {"b_member@b.test", "user"},
		} {
			e, ok := seen[action]
			if !ok {
				t.Errorf("no %s in the audit log; have %v", action, keys(seen))
				continue
			}
			if want.actor != "" && e["actor_email"] != want.actor || e["target_type"] != want.target {
				t.Errorf("%s: actor %v, target %v; want %s, %q", action, e["actor_email"], e["target_type"], want.actor, want.target)
			}
		}
		if e := seen["ticket.status_changed"]; e != nil && e["detail"] != "#1001 Leak: open → closed" {
			t.Errorf("status change detail %q", e["detail"])
		}
		// Another provider's staff would see none of it; a customer never sees the log.
		if r, _ := h.API("GET", "/api/v1/audit", h.Token("a_admin"), nil); r.StatusCode != 404 {
			t.Errorf("customer reads the audit log: %d", r.StatusCode)
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Every event type the audit page lists has its words (it showed the raw
// key organization.updated).
func TestAuditPageNamesOrganizationChanges(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		resp, got := h.API("PATCH", "/api/v1/organization", h.Token("admin"), map[string]any{"phone": "+49 40 1234"})
		if resp.StatusCode != 200 {
			t.Fatalf("update organization: %d %v", resp.StatusCode, got)
		}
		resp2, body := h.LoggedIn("admin").Get("/audit")
		webtest.WantStatus(t, resp2, 200, body)
		webtest.WantContains(t, body, "Organization details changed")
		webtest.WantNotContains(t, body, "audit.action.")
	})
}
