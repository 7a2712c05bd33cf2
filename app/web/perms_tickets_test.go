package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
)

// Every customer permission set by the provider administrator visibly
// changes what a customer user sees or can do; a user's own setting wins
// over the company's. Only provider administrators configure them.
func TestTicketPermissionsChangeWhatCustomersSeeAndDo(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		mine, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "Mine", Description: "m"})
		must(t, err)
		_, err = h.srv.tickets.Create(ctx, h.users["a_admin"], ticket.NewTicket{Subject: "Colleague's", Description: "c"})
		must(t, err)
		admin, member := h.token("admin"), h.token("a_member")
		company := "/api/v1/customers/" + itoa64(h.custA.ID) + "/ticket-permissions"
		user := "/api/v1/users/" + itoa64(h.users["a_member"].ID) + "/ticket-permissions"
		count := func() int {
			_, m := h.api("GET", "/api/v1/tickets", member, nil)
			return len(m["items"].([]any))
		}
		get := func() map[string]any {
			_, m := h.api("GET", "/api/v1/tickets/"+itoa64(mine.ID), member, nil)
			return m
		}

		// Defaults: all company tickets, priority shown but not settable.
		resp, m := h.api("GET", company, admin, nil)
		wantStatus(t, resp, 200, "")
		checkSchema(t, h, "CompanyPermissions", m)
		if count() != 2 || get()["priority"] != "normal" {
			t.Fatal("defaults: the member should see both tickets and the priority")
		}
		// Company: only own tickets; priority settable; type hidden; no closing.
		resp, m = h.api("PUT", company, admin, map[string]any{"see_all": "deny", "edit_priority": "allow", "view_type": "deny", "close": "deny"})
		wantStatus(t, resp, 200, "")
		if m["effective"].(map[string]any)["member"].(map[string]any)["see_all"] != false {
			t.Fatalf("effective after PUT: %v", m["effective"])
		}
		if count() != 1 {
			t.Fatal("see_all denied: the member still sees the colleague's ticket")
		}
		if _, ok := get()["type"]; ok {
			t.Fatal("view_type denied: type still shown")
		}
		resp, m = h.api("PATCH", "/api/v1/tickets/"+itoa64(mine.ID), member, map[string]any{"priority": "high"})
		wantStatus(t, resp, 200, "")
		if m["priority"] != "high" {
			t.Fatalf("edit_priority allowed: priority %v", m["priority"])
		}
		resp, _ = h.api("POST", "/api/v1/tickets/"+itoa64(mine.ID)+"/close", member, nil)
		wantStatus(t, resp, 403, "")
		// The user's own setting wins over the company's.
		resp, m = h.api("PUT", user, admin, map[string]any{"see_all": "allow", "close": "allow"})
		wantStatus(t, resp, 200, "")
		checkSchema(t, h, "UserPermissions", m)
		if count() != 2 {
			t.Fatal("user-level see_all allowed: the member should see both again")
		}
		resp, _ = h.api("POST", "/api/v1/tickets/"+itoa64(mine.ID)+"/close", member, nil)
		wantStatus(t, resp, 200, "")
		// Other members of the company keep the company's settings.
		_, m = h.api("GET", "/api/v1/tickets", h.token("a_moderator"), nil)
		if n := len(m["items"].([]any)); n != 0 {
			t.Fatalf("the moderator requested nothing and may not see all: %d", n)
		}
		// Back to inherit.
		resp, _ = h.api("PUT", user, admin, map[string]any{"see_all": "inherit"})
		wantStatus(t, resp, 200, "")
		if count() != 1 {
			t.Fatal("inherit: the company's deny applies again")
		}

		// Bad settings are field errors; nobody else configures.
		resp, _ = h.api("PUT", company, admin, map[string]any{"see_all": "maybe", "fly": "allow"})
		wantStatus(t, resp, 422, "")
		resp, _ = h.api("PUT", company, h.token("agent"), map[string]any{"see_all": "allow"})
		wantStatus(t, resp, 403, "")
		for _, name := range []string{"a_admin", "b_admin"} {
			resp, _ = h.api("GET", company, h.token(name), nil)
			wantStatus(t, resp, 404, "")
		}
		resp, _ = h.api("GET", "/api/v1/users/"+itoa64(h.users["agent"].ID)+"/ticket-permissions", admin, nil)
		wantStatus(t, resp, 404, "") // staff have no customer permissions

		// The pages: the form saves, the customer page links to it.
		b := h.loggedIn("admin")
		page := "/customers/" + itoa64(h.custA.ID) + "/ticket-permissions"
		resp, body := b.get(page)
		wantStatus(t, resp, 200, body)
		wantContains(t, body, "See all company tickets", `/users/`+itoa64(h.users["a_member"].ID)+`/ticket-permissions`)
		resp, body = b.post(page, page, url.Values{"see_all": {"allow"}})
		wantStatus(t, resp, 303, body)
		if count() != 2 {
			t.Fatal("the page's allow did not apply")
		}
		_, body = b.get("/customers/" + itoa64(h.custA.ID))
		wantContains(t, body, page)
		resp, body = b.get("/users/" + itoa64(h.users["a_member"].ID) + "/ticket-permissions")
		wantStatus(t, resp, 200, body)
	})
}
