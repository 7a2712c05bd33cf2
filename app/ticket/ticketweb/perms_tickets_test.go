package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// Every customer permission set by the provider administrator visibly
// changes what a customer user sees or can do; a user's own setting wins
// over the company's. Only provider administrators configure them.
func TestTicketPermissionsChangeWhatCustomersSeeAndDo(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		mine, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "Mine", Description: "m"})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Create(ctx, h.Users["a_admin"], ticket.NewTicket{Subject: "Colleague's", Description: "c"})
		webtest.Must(t, err)
		admin, member := h.Token("admin"), h.Token("a_member")
		company := "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID) + "/ticket-permissions"
		user := "/api/v1/users/" + webtest.Itoa64(h.Users["a_member"].ID) + "/ticket-permissions"
		count := func() int {
			_, m := h.API("GET", "/api/v1/tickets", member, nil)
			return len(m["items"].([]any))
		}
		get := func() map[string]any {
			_, m := h.API("GET", "/api/v1/tickets/"+webtest.Itoa64(mine.ID), member, nil)
			return m
		}

		// Defaults: all company tickets, priority shown but not settable.
		resp, m := h.API("GET", company, admin, nil)
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "CompanyPermissions", m)
		if count() != 2 || get()["priority"] != "normal" {
			t.Fatal("defaults: the member should see both tickets and the priority")
		}
		// Company: only own tickets; priority settable; type hidden; no closing.
		resp, m = h.API("PUT", company, admin, map[string]any{"see_all": "deny", "edit_priority": "allow", "view_type": "deny", "close": "deny"})
		webtest.WantStatus(t, resp, 200, "")
		if m["effective"].(map[string]any)["member"].(map[string]any)["see_all"] != false {
			t.Fatalf("effective after PUT: %v", m["effective"])
		}
		if count() != 1 {
			t.Fatal("see_all denied: the member still sees the colleague's ticket")
		}
		if _, ok := get()["type"]; ok {
			t.Fatal("view_type denied: type still shown")
		}
		resp, m = h.API("PATCH", "/api/v1/tickets/"+webtest.Itoa64(mine.ID), member, map[string]any{"priority": "high"})
		webtest.WantStatus(t, resp, 200, "")
		if m["priority"] != "high" {
			t.Fatalf("edit_priority allowed: priority %v", m["priority"])
		}
		resp, _ = h.API("POST", "/api/v1/tickets/"+webtest.Itoa64(mine.ID)+"/close", member, nil)
		webtest.WantStatus(t, resp, 403, "")
		// The user's own setting wins over the company's.
		resp, m = h.API("PUT", user, admin, map[string]any{"see_all": "allow", "close": "allow"})
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "UserPermissions", m)
		if count() != 2 {
			t.Fatal("user-level see_all allowed: the member should see both again")
		}
		resp, _ = h.API("POST", "/api/v1/tickets/"+webtest.Itoa64(mine.ID)+"/close", member, nil)
		webtest.WantStatus(t, resp, 200, "")
		// Other members of the company keep the company's settings.
		_, m = h.API("GET", "/api/v1/tickets", h.Token("a_moderator"), nil)
		if n := len(m["items"].([]any)); n != 0 {
			t.Fatalf("the moderator requested nothing and may not see all: %d", n)
		}
		// Back to inherit.
		resp, _ = h.API("PUT", user, admin, map[string]any{"see_all": "inherit"})
		webtest.WantStatus(t, resp, 200, "")
		if count() != 1 {
			t.Fatal("inherit: the company's deny applies again")
		}

		// Bad settings are field errors; nobody else configures.
		resp, _ = h.API("PUT", company, admin, map[string]any{"see_all": "maybe", "fly": "allow"})
		webtest.WantStatus(t, resp, 422, "")
		resp, _ = h.API("PUT", company, h.Token("agent"), map[string]any{"see_all": "allow"})
		webtest.WantStatus(t, resp, 403, "")
		for _, name := range []string{"a_admin", "b_admin"} {
			resp, _ = h.API("GET", company, h.Token(name), nil)
			webtest.WantStatus(t, resp, 404, "")
		}
		resp, _ = h.API("GET", "/api/v1/users/"+webtest.Itoa64(h.Users["agent"].ID)+"/ticket-permissions", admin, nil)
		webtest.WantStatus(t, resp, 404, "") // staff have no customer permissions

		// The pages: the form saves, the customer page links to it.
		b := h.LoggedIn("admin")
		page := "/customers/" + webtest.Itoa64(h.CustA.ID) + "/ticket-permissions"
		resp, body := b.Get(page)
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "See all company tickets", `/users/`+webtest.Itoa64(h.Users["a_member"].ID)+`/ticket-permissions`)
		resp, body = b.Post(page, page, url.Values{"see_all": {"allow"}})
		webtest.WantStatus(t, resp, 303, body)
		if count() != 2 {
			t.Fatal("the page's allow did not apply")
		}
		_, body = b.Get("/customers/" + webtest.Itoa64(h.CustA.ID))
		webtest.WantContains(t, body, page)
		resp, body = b.Get("/users/" + webtest.Itoa64(h.Users["a_member"].ID) + "/ticket-permissions")
		webtest.WantStatus(t, resp, 200, body)
	})
}
