package ticketweb_test

import (
	"net/url"
	"testing"

	"backoffice/app/web/webtest"
)

// The provider administrator edits the list of ticket types on the data
// fields page and through the API; customers choose from it and never
// change it.
func TestTicketTypesEditableList(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin, member := h.Token("admin"), h.Token("a_member")
		resp, m := h.API("GET", "/api/v1/ticket-types", member, nil)
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "TicketTypeList", m)
		if items := m["items"].([]any); len(items) != 4 || items[1].(map[string]any)["name"] != "Incident" {
			t.Fatalf("built-in types: %v", items)
		}
		resp, m = h.API("POST", "/api/v1/ticket-types", admin, map[string]any{"label": "On-site visit"})
		webtest.WantStatus(t, resp, 201, "")
		webtest.CheckSchema(t, "TicketType", m)
		if m["key"] != "on_site_visit" || m["name"] != "On-site visit" {
			t.Fatalf("added: %v", m)
		}
		resp, m = h.API("POST", "/api/v1/ticket-types", admin, map[string]any{"label": ""})
		webtest.WantProblem(t, resp, m, 422, "label")
		resp, m = h.API("PATCH", "/api/v1/ticket-types/maintenance", admin, map[string]any{"active": "no"})
		webtest.WantProblem(t, resp, m, 422, "active")
		resp, _ = h.API("PATCH", "/api/v1/ticket-types/nothing", admin, map[string]any{"active": false})
		webtest.WantStatus(t, resp, 404, "")
		for name, want := range map[string]int{"agent": 403, "a_admin": 404, "b_admin": 404} {
			resp, _ = h.API("POST", "/api/v1/ticket-types", h.Token(name), map[string]any{"label": "Mine"})
			webtest.WantStatus(t, resp, want, name)
			resp, _ = h.API("PATCH", "/api/v1/ticket-types/incident", h.Token(name), map[string]any{"active": false})
			webtest.WantStatus(t, resp, want, name)
		}
		// Another provider's customers keep the built-in list.
		webtest.OtherProvider(t, h)
		resp, m = h.API("GET", "/api/v1/ticket-types", h.Token("x_agent"), nil)
		webtest.WantStatus(t, resp, 200, "")
		if n := len(m["items"].([]any)); n != 4 {
			t.Fatalf("the other provider sees %d types", n)
		}

		// Agents set it; members filter by it; the page shows its label.
		resp, m = h.API("POST", "/api/v1/tickets", h.Token("agent"), map[string]any{"subject": "Cooling", "description": "warm",
			"customer_id": h.CustA.ID, "type": "on_site_visit"})
		webtest.WantStatus(t, resp, 201, "")
		id := webtest.Itoa64(int64(m["id"].(float64)))
		_, m = h.API("GET", "/api/v1/tickets?type=on_site_visit", member, nil)
		if n := len(m["items"].([]any)); n != 1 {
			t.Fatalf("filter by the new type: %d", n)
		}
		resp, m = h.API("GET", "/api/v1/tickets?type=nope", member, nil)
		webtest.WantProblem(t, resp, m, 422, "type")
		b := h.LoggedIn("a_member")
		_, body := b.Get("/tickets/" + id)
		webtest.WantContains(t, body, "On-site visit")
		_, body = b.Get("/tickets")
		webtest.WantContains(t, body, `<option value="on_site_visit"`)

		// The settings page: add, rename, retire.
		a := h.LoggedIn("admin")
		_, body = a.Get("/settings/fields")
		webtest.WantContains(t, body, "Ticket types", `action="/settings/ticket-types/on_site_visit"`)
		resp, body = a.Post("/settings/fields", "/settings/ticket-types", url.Values{"type_label": {"Inspection"}})
		webtest.WantStatus(t, resp, 303, body)
		resp, body = a.Post("/settings/fields", "/settings/ticket-types/question", url.Values{"label": {"Enquiry"}})
		webtest.WantStatus(t, resp, 303, body)
		resp, body = a.Post("/settings/fields", "/settings/ticket-types/incident", url.Values{"active": {"0"}})
		webtest.WantStatus(t, resp, 303, body)
		resp, body = a.Post("/settings/fields", "/settings/ticket-types", url.Values{"type_label": {"inspection"}})
		webtest.WantStatus(t, resp, 303, body)
		_, body = a.Get("/settings/fields")
		webtest.WantContains(t, body, "There is a type of that name already.", `value="Enquiry"`, `value="Inspection"`, "Retired")
		_, m = h.API("GET", "/api/v1/ticket-types", member, nil)
		names := map[string]bool{}
		for _, it := range m["items"].([]any) {
			it := it.(map[string]any)
			names[it["name"].(string)] = it["active"].(bool)
		}
		if !names["Enquiry"] || !names["Inspection"] || names["Incident"] {
			t.Fatalf("after the page: %v", names)
		}
		// Staff's new-ticket form offers the active types only.
		_, body = a.Get("/tickets/new?customer_id=" + webtest.Itoa64(h.CustA.ID))
		webtest.WantContains(t, body, `<option value="inspection"`)
		webtest.WantNotContains(t, body, `<option value="incident"`)
		resp, _ = h.LoggedIn("a_admin").Post("/tickets", "/settings/ticket-types", url.Values{"type_label": {"Mine"}})
		webtest.WantStatus(t, resp, 404, "")
	})
}
