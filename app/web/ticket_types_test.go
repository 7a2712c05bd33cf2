package web

import (
	"net/url"
	"testing"
)

// The provider administrator edits the list of ticket types on the data
// fields page and through the API; customers choose from it and never
// change it.
func TestTicketTypesEditableList(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		admin, member := h.token("admin"), h.token("a_member")
		resp, m := h.api("GET", "/api/v1/ticket-types", member, nil)
		wantStatus(t, resp, 200, "")
		checkSchema(t, h, "TicketTypeList", m)
		if items := m["items"].([]any); len(items) != 4 || items[1].(map[string]any)["name"] != "Incident" {
			t.Fatalf("built-in types: %v", items)
		}
		resp, m = h.api("POST", "/api/v1/ticket-types", admin, map[string]any{"label": "On-site visit"})
		wantStatus(t, resp, 201, "")
		checkSchema(t, h, "TicketType", m)
		if m["key"] != "on_site_visit" || m["name"] != "On-site visit" {
			t.Fatalf("added: %v", m)
		}
		resp, m = h.api("POST", "/api/v1/ticket-types", admin, map[string]any{"label": ""})
		wantProblem(t, resp, m, 422, "label")
		resp, m = h.api("PATCH", "/api/v1/ticket-types/maintenance", admin, map[string]any{"active": "no"})
		wantProblem(t, resp, m, 422, "active")
		resp, _ = h.api("PATCH", "/api/v1/ticket-types/nothing", admin, map[string]any{"active": false})
		wantStatus(t, resp, 404, "")
		for name, want := range map[string]int{"agent": 403, "a_admin": 404, "b_admin": 404} {
			resp, _ = h.api("POST", "/api/v1/ticket-types", h.token(name), map[string]any{"label": "Mine"})
			wantStatus(t, resp, want, name)
			resp, _ = h.api("PATCH", "/api/v1/ticket-types/incident", h.token(name), map[string]any{"active": false})
			wantStatus(t, resp, want, name)
		}
		// Another provider's customers keep the built-in list.
		otherProvider(t, h)
		resp, m = h.api("GET", "/api/v1/ticket-types", h.token("x_agent"), nil)
		wantStatus(t, resp, 200, "")
		if n := len(m["items"].([]any)); n != 4 {
			t.Fatalf("the other provider sees %d types", n)
		}

		// Agents set it; members filter by it; the page shows its label.
		resp, m = h.api("POST", "/api/v1/tickets", h.token("agent"), map[string]any{"subject": "Cooling", "description": "warm",
			"customer_id": h.custA.ID, "type": "on_site_visit"})
		wantStatus(t, resp, 201, "")
		id := itoa64(int64(m["id"].(float64)))
		_, m = h.api("GET", "/api/v1/tickets?type=on_site_visit", member, nil)
		if n := len(m["items"].([]any)); n != 1 {
			t.Fatalf("filter by the new type: %d", n)
		}
		resp, m = h.api("GET", "/api/v1/tickets?type=nope", member, nil)
		wantProblem(t, resp, m, 422, "type")
		b := h.loggedIn("a_member")
		_, body := b.get("/tickets/" + id)
		wantContains(t, body, "On-site visit")
		_, body = b.get("/tickets")
		wantContains(t, body, `<option value="on_site_visit"`)

		// The settings page: add, rename, retire.
		a := h.loggedIn("admin")
		_, body = a.get("/settings/fields")
		wantContains(t, body, "Ticket types", `action="/settings/ticket-types/on_site_visit"`)
		resp, body = a.post("/settings/fields", "/settings/ticket-types", url.Values{"type_label": {"Inspection"}})
		wantStatus(t, resp, 303, body)
		resp, body = a.post("/settings/fields", "/settings/ticket-types/question", url.Values{"label": {"Enquiry"}})
		wantStatus(t, resp, 303, body)
		resp, body = a.post("/settings/fields", "/settings/ticket-types/incident", url.Values{"active": {"0"}})
		wantStatus(t, resp, 303, body)
		resp, body = a.post("/settings/fields", "/settings/ticket-types", url.Values{"type_label": {"inspection"}})
		wantStatus(t, resp, 303, body)
		_, body = a.get("/settings/fields")
		wantContains(t, body, "There is a type of that name already.", `value="Enquiry"`, `value="Inspection"`, "Retired")
		_, m = h.api("GET", "/api/v1/ticket-types", member, nil)
		names := map[string]bool{}
		for _, it := range m["items"].([]any) {
			it := it.(map[string]any)
			names[it["name"].(string)] = it["active"].(bool)
		}
		if !names["Enquiry"] || !names["Inspection"] || names["Incident"] {
			t.Fatalf("after the page: %v", names)
		}
		// Staff's new-ticket form offers the active types only.
		_, body = a.get("/tickets/new?customer_id=" + itoa64(h.custA.ID))
		wantContains(t, body, `<option value="inspection"`)
		wantNotContains(t, body, `<option value="incident"`)
		resp, _ = h.loggedIn("a_admin").post("/tickets", "/settings/ticket-types", url.Values{"type_label": {"Mine"}})
		wantStatus(t, resp, 404, "")
	})
}
