package auditweb_test

import (
	"testing"

	"backoffice/app/web/webtest"
)

func TestAuditLogRecordsAndIsScopedToTheProvider(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		h.LoggedIn("a_member")
		h.LoggedIn("agent")
		resp, body := h.API("GET", "/api/v1/audit", h.Token("admin"), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("audit: %d %v", resp.StatusCode, body)
		}
		webtest.CheckSchema(t, "AuditList", body)
		items := body["items"].([]any)
		if len(items) < 2 || items[0].(map[string]any)["action"] != "auth.login" || items[0].(map[string]any)["actor_email"] != "agent@provider.test" {
			t.Fatalf("audit items: %v", items)
		}
		b := h.LoggedIn("admin")
		_, page := b.Get("/audit")
		webtest.WantContains(t, page, "Signed in", "a_member@a.test", "agent@provider.test")
		// Agents may not read it (403); customers do not know it exists (404).
		for name, want := range map[string]int{"agent": 403, "a_admin": 404, "a_member": 404} {
			if r, _ := h.API("GET", "/api/v1/audit", h.Token(name), nil); r.StatusCode != want {
				t.Errorf("%s: audit API %d, want %d", name, r.StatusCode, want)
			}
			r, _ := h.LoggedIn(name).Get("/audit")
			if r.StatusCode != want {
				t.Errorf("%s: audit page %d, want %d", name, r.StatusCode, want)
			}
		}
	})
}
