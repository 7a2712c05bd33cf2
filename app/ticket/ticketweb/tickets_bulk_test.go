package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// Staff assign and change the status of several tickets at once from the
// queue; customers cannot reach it.
func TestQueueBulkAssignAndStatus(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		var ids []string
		for _, name := range []string{"a_member", "b_member", "a_admin"} {
			tk, err := h.Svc.Tickets.Create(ctx, h.Users[name], ticket.NewTicket{Subject: "T " + name, Description: "d"})
			webtest.Must(t, err)
			ids = append(ids, webtest.Itoa64(tk.ID))
		}
		agent := h.Users["agent"]
		b := h.LoggedIn("agent")
		_, body := b.Get("/tickets")
		webtest.WantContains(t, body, `action="/tickets/bulk"`, `form="bulk-form"`)
		resp, body := b.Post("/tickets", "/tickets/bulk", url.Values{"id": {ids[0], ids[1], "999999"}, "assignee_id": {webtest.Itoa64(agent.ID)}, "status": {"pending"}})
		webtest.WantStatus(t, resp, 303, body)
		_, body = b.Get("/tickets")
		webtest.WantContains(t, body, "2 tickets changed")
		for i, want := range []string{"pending", "pending", "new"} {
			_, m := h.API("GET", "/api/v1/tickets/"+ids[i], h.Token("agent"), nil)
			if m["status"] != want {
				t.Fatalf("ticket %d: status %v, want %s", i, m["status"], want)
			}
			assigned := m["assignee_id"] == float64(agent.ID)
			if assigned != (i < 2) {
				t.Fatalf("ticket %d: assignee %v", i, m["assignee_id"])
			}
		}
		// A customer user as assignee is refused and changes nothing.
		resp, body = b.Post("/tickets", "/tickets/bulk", url.Values{"id": {ids[2]}, "assignee_id": {webtest.Itoa64(h.Users["a_member"].ID)}})
		webtest.WantStatus(t, resp, 303, body)
		_, m := h.API("GET", "/api/v1/tickets/"+ids[2], h.Token("agent"), nil)
		if m["assignee_id"] != nil {
			t.Fatal("a customer user was assigned")
		}
		resp, body = h.LoggedIn("a_admin").Post("/tickets", "/tickets/bulk", url.Values{"id": {ids[0]}, "status": {"closed"}})
		webtest.WantStatus(t, resp, 404, body)
	})
}
