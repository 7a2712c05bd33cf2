package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// The provider administrator defines data fields; a field hidden from the
// back office never reaches customers, customers set only the editable
// ones, and values are checked against the field's kind.
func TestDataFieldsShownAndEditableByCustomers(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin := h.Token("admin")
		mk := func(body map[string]any) string {
			t.Helper()
			resp, m := h.API("POST", "/api/v1/ticket-fields", admin, body)
			webtest.WantStatus(t, resp, 201, "")
			webtest.CheckSchema(t, "Field", m)
			return m["key"].(string)
		}
		site := mk(map[string]any{"label": "Room on site", "kind": "text", "shown": true, "editable": true})
		cost := mk(map[string]any{"label": "Internal cost", "kind": "number", "shown": false})
		shift := mk(map[string]any{"label": "Shift", "kind": "select", "options": []string{"early", "late"}, "shown": true, "editable": false})
		resp, _ := h.API("POST", "/api/v1/ticket-fields", admin, map[string]any{"label": "Bad", "kind": "select"})
		webtest.WantStatus(t, resp, 422, "")
		resp, _ = h.API("POST", "/api/v1/ticket-fields", admin, map[string]any{"label": "", "kind": "colour"})
		webtest.WantStatus(t, resp, 422, "")

		// Staff set every field; a value that does not fit is a field error.
		agent := h.Token("agent")
		resp, m := h.API("POST", "/api/v1/tickets", agent, map[string]any{"subject": "Door", "description": "stuck", "customer_id": h.CustA.ID,
			"requester_id": h.Users["a_member"].ID, "channel": "email", "fields": map[string]any{site: "B2.14", cost: 120.5, shift: "late"}})
		webtest.WantStatus(t, resp, 201, "")
		id := webtest.Itoa64(int64(m["id"].(float64)))
		if f := m["fields"].(map[string]any); f[cost] != "120.5" || f[shift] != "late" {
			t.Fatalf("staff fields %v", f)
		}
		resp, m = h.API("PATCH", "/api/v1/tickets/"+id, agent, map[string]any{"fields": map[string]any{cost: "lots"}})
		webtest.WantStatus(t, resp, 422, "")
		resp, _ = h.API("PATCH", "/api/v1/tickets/"+id, agent, map[string]any{"fields": map[string]any{shift: "night"}})
		webtest.WantStatus(t, resp, 422, "")

		// The member sees the shown fields only, in the ticket, the list and the page.
		member := h.Token("a_member")
		_, m = h.API("GET", "/api/v1/tickets/"+id, member, nil)
		f := m["fields"].(map[string]any)
		if _, leaked := f[cost]; leaked || f[site] != "B2.14" || f[shift] != "late" {
			t.Fatalf("member sees fields %v", f)
		}
		_, m = h.API("GET", "/api/v1/tickets", member, nil)
		if _, leaked := m["items"].([]any)[0].(map[string]any)["fields"].(map[string]any)[cost]; leaked {
			t.Fatal("the list shows a hidden field to a customer")
		}
		_, body := h.LoggedIn("a_member").Get("/tickets/" + id)
		webtest.WantContains(t, body, "Room on site", "B2.14")
		webtest.WantNotContains(t, body, "Internal cost", "120.5")

		// The member sets the editable field; others are ignored.
		resp, m = h.API("PATCH", "/api/v1/tickets/"+id, member, map[string]any{"fields": map[string]any{site: "B2.15", shift: "early", cost: 1}})
		webtest.WantStatus(t, resp, 200, "")
		f = m["fields"].(map[string]any)
		if f[site] != "B2.15" || f[shift] != "late" {
			t.Fatalf("after the member's PATCH: %v", f)
		}
		_, m = h.API("GET", "/api/v1/tickets/"+id, agent, nil)
		if m["fields"].(map[string]any)[cost] != "120.5" {
			t.Fatal("the member changed a hidden field")
		}
		// And through the page form.
		b := h.LoggedIn("a_member")
		resp, body = b.Post("/tickets/"+id, "/tickets/"+id+"/fields", url.Values{site: {"C1"}, shift: {"early"}})
		webtest.WantStatus(t, resp, 303, body)
		tk, err := h.Svc.Tickets.Ticket(context.Background(), h.Users["agent"], int64(m["id"].(float64)))
		webtest.Must(t, err)
		if v := tk.Values(); v[site] != "C1" || v[shift] != "late" {
			t.Fatalf("after the page form: %v", v)
		}
		// A member creating a ticket may fill in the editable field only.
		resp, m = h.API("POST", "/api/v1/tickets", member, map[string]any{"subject": "Light", "description": "off",
			"fields": map[string]any{site: "A1", cost: 5}})
		webtest.WantStatus(t, resp, 201, "")
		created, err := h.Svc.Tickets.Ticket(context.Background(), h.Users["agent"], int64(m["id"].(float64)))
		webtest.Must(t, err)
		if v := created.Values(); v[site] != "A1" || v[cost] != "" {
			t.Fatalf("member's create stored %v", v)
		}
		_ = ticket.FieldValues{}

		// Only the provider administrator defines fields; customers get 404.
		resp, _ = h.API("GET", "/api/v1/ticket-fields", agent, nil)
		webtest.WantStatus(t, resp, 403, "")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, _ = h.API("GET", "/api/v1/ticket-fields", h.Token(name), nil)
			webtest.WantStatus(t, resp, 404, "")
			resp, body = h.LoggedIn(name).Get("/settings/fields")
			webtest.WantStatus(t, resp, 404, body)
		}
		resp, body = h.LoggedIn("admin").Get("/settings/fields")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "Internal cost", "Room on site")
	})
}

// The new-ticket page offers a customer the editable fields only and stores
// what they fill in.
func TestNewTicketFormCarriesEditableFields(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		room, err := h.Svc.Tickets.SaveField(ctx, h.Users["admin"], 0, ticket.FieldInput{Label: "Room on site", Kind: "text", Shown: true, Editable: true})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.SaveField(ctx, h.Users["admin"], 0, ticket.FieldInput{Label: "Cost centre", Kind: "text", Shown: true})
		webtest.Must(t, err)
		b := h.LoggedIn("a_member")
		_, body := b.Get("/tickets/new")
		webtest.WantContains(t, body, "Room on site")
		webtest.WantNotContains(t, body, "Cost centre")
		resp, body := b.Post("/tickets/new", "/tickets", url.Values{"subject": {"Heater"}, "description": {"cold"}, room.Key(): {"Lab 3"}})
		webtest.WantStatus(t, resp, 303, body)
		page, err := h.Svc.Tickets.List(ctx, h.Users["agent"], ticket.Filter{}, "-created_at", nil, 1)
		webtest.Must(t, err)
		if v := page.Items[0].Values(); v[room.Key()] != "Lab 3" {
			t.Fatalf("stored %v", v)
		}
	})
}
