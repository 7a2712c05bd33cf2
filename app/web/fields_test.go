package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
)

// The provider administrator defines data fields; a field hidden from the
// back office never reaches customers, customers set only the editable
// ones, and values are checked against the field's kind.
func TestDataFieldsShownAndEditableByCustomers(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		admin := h.token("admin")
		mk := func(body map[string]any) string {
			t.Helper()
			resp, m := h.api("POST", "/api/v1/ticket-fields", admin, body)
			wantStatus(t, resp, 201, "")
			checkSchema(t, h, "Field", m)
			return m["key"].(string)
		}
		site := mk(map[string]any{"label": "Room on site", "kind": "text", "shown": true, "editable": true})
		cost := mk(map[string]any{"label": "Internal cost", "kind": "number", "shown": false})
		shift := mk(map[string]any{"label": "Shift", "kind": "select", "options": []string{"early", "late"}, "shown": true, "editable": false})
		resp, _ := h.api("POST", "/api/v1/ticket-fields", admin, map[string]any{"label": "Bad", "kind": "select"})
		wantStatus(t, resp, 422, "")
		resp, _ = h.api("POST", "/api/v1/ticket-fields", admin, map[string]any{"label": "", "kind": "colour"})
		wantStatus(t, resp, 422, "")

		// Staff set every field; a value that does not fit is a field error.
		agent := h.token("agent")
		resp, m := h.api("POST", "/api/v1/tickets", agent, map[string]any{"subject": "Door", "description": "stuck", "customer_id": h.custA.ID,
			"requester_id": h.users["a_member"].ID, "channel": "email", "fields": map[string]any{site: "B2.14", cost: 120.5, shift: "late"}})
		wantStatus(t, resp, 201, "")
		id := itoa64(int64(m["id"].(float64)))
		if f := m["fields"].(map[string]any); f[cost] != "120.5" || f[shift] != "late" {
			t.Fatalf("staff fields %v", f)
		}
		resp, m = h.api("PATCH", "/api/v1/tickets/"+id, agent, map[string]any{"fields": map[string]any{cost: "lots"}})
		wantStatus(t, resp, 422, "")
		resp, _ = h.api("PATCH", "/api/v1/tickets/"+id, agent, map[string]any{"fields": map[string]any{shift: "night"}})
		wantStatus(t, resp, 422, "")

		// The member sees the shown fields only, in the ticket, the list and the page.
		member := h.token("a_member")
		_, m = h.api("GET", "/api/v1/tickets/"+id, member, nil)
		f := m["fields"].(map[string]any)
		if _, leaked := f[cost]; leaked || f[site] != "B2.14" || f[shift] != "late" {
			t.Fatalf("member sees fields %v", f)
		}
		_, m = h.api("GET", "/api/v1/tickets", member, nil)
		if _, leaked := m["items"].([]any)[0].(map[string]any)["fields"].(map[string]any)[cost]; leaked {
			t.Fatal("the list shows a hidden field to a customer")
		}
		_, body := h.loggedIn("a_member").get("/tickets/" + id)
		wantContains(t, body, "Room on site", "B2.14")
		wantNotContains(t, body, "Internal cost", "120.5")

		// The member sets the editable field; others are ignored.
		resp, m = h.api("PATCH", "/api/v1/tickets/"+id, member, map[string]any{"fields": map[string]any{site: "B2.15", shift: "early", cost: 1}})
		wantStatus(t, resp, 200, "")
		f = m["fields"].(map[string]any)
		if f[site] != "B2.15" || f[shift] != "late" {
			t.Fatalf("after the member's PATCH: %v", f)
		}
		_, m = h.api("GET", "/api/v1/tickets/"+id, agent, nil)
		if m["fields"].(map[string]any)[cost] != "120.5" {
			t.Fatal("the member changed a hidden field")
		}
		// And through the page form.
		b := h.loggedIn("a_member")
		resp, body = b.post("/tickets/"+id, "/tickets/"+id+"/fields", url.Values{site: {"C1"}, shift: {"early"}})
		wantStatus(t, resp, 303, body)
		tk, err := h.srv.tickets.Ticket(context.Background(), h.users["agent"], int64(m["id"].(float64)))
		must(t, err)
		if v := tk.Values(); v[site] != "C1" || v[shift] != "late" {
			t.Fatalf("after the page form: %v", v)
		}
		// A member creating a ticket may fill in the editable field only.
		resp, m = h.api("POST", "/api/v1/tickets", member, map[string]any{"subject": "Light", "description": "off",
			"fields": map[string]any{site: "A1", cost: 5}})
		wantStatus(t, resp, 201, "")
		created, err := h.srv.tickets.Ticket(context.Background(), h.users["agent"], int64(m["id"].(float64)))
		must(t, err)
		if v := created.Values(); v[site] != "A1" || v[cost] != "" {
			t.Fatalf("member's create stored %v", v)
		}
		_ = ticket.FieldValues{}

		// Only the provider administrator defines fields; customers get 404.
		resp, _ = h.api("GET", "/api/v1/ticket-fields", agent, nil)
		wantStatus(t, resp, 403, "")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, _ = h.api("GET", "/api/v1/ticket-fields", h.token(name), nil)
			wantStatus(t, resp, 404, "")
			resp, body = h.loggedIn(name).get("/settings/fields")
			wantStatus(t, resp, 404, body)
		}
		resp, body = h.loggedIn("admin").get("/settings/fields")
		wantStatus(t, resp, 200, body)
		wantContains(t, body, "Internal cost", "Room on site")
	})
}

// The new-ticket page offers a customer the editable fields only and stores
// what they fill in.
func TestNewTicketFormCarriesEditableFields(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		room, err := h.srv.tickets.SaveField(ctx, h.users["admin"], 0, ticket.FieldInput{Label: "Room on site", Kind: "text", Shown: true, Editable: true})
		must(t, err)
		_, err = h.srv.tickets.SaveField(ctx, h.users["admin"], 0, ticket.FieldInput{Label: "Cost centre", Kind: "text", Shown: true})
		must(t, err)
		b := h.loggedIn("a_member")
		_, body := b.get("/tickets/new")
		wantContains(t, body, "Room on site")
		wantNotContains(t, body, "Cost centre")
		resp, body := b.post("/tickets/new", "/tickets", url.Values{"subject": {"Heater"}, "description": {"cold"}, room.Key(): {"Lab 3"}})
		wantStatus(t, resp, 303, body)
		page, err := h.srv.tickets.List(ctx, h.users["agent"], ticket.Filter{}, "-created_at", nil, 1)
		must(t, err)
		if v := page.Items[0].Values(); v[room.Key()] != "Lab 3" {
			t.Fatalf("stored %v", v)
		}
	})
}
