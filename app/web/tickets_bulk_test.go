package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
)

// Staff assign and change the status of several tickets at once from the
// queue; customers cannot reach it.
func TestQueueBulkAssignAndStatus(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		var ids []string
		for _, name := range []string{"a_member", "b_member", "a_admin"} {
			tk, err := h.srv.tickets.Create(ctx, h.users[name], ticket.NewTicket{Subject: "T " + name, Description: "d"})
			must(t, err)
			ids = append(ids, itoa64(tk.ID))
		}
		agent := h.users["agent"]
		b := h.loggedIn("agent")
		_, body := b.get("/tickets")
		wantContains(t, body, `action="/tickets/bulk"`, `form="bulk-form"`)
		resp, body := b.post("/tickets", "/tickets/bulk", url.Values{"id": {ids[0], ids[1], "999999"}, "assignee_id": {itoa64(agent.ID)}, "status": {"pending"}})
		wantStatus(t, resp, 303, body)
		_, body = b.get("/tickets")
		wantContains(t, body, "2 tickets changed")
		for i, want := range []string{"pending", "pending", "new"} {
			_, m := h.api("GET", "/api/v1/tickets/"+ids[i], h.token("agent"), nil)
			if m["status"] != want {
				t.Fatalf("ticket %d: status %v, want %s", i, m["status"], want)
			}
			assigned := m["assignee_id"] == float64(agent.ID)
			if assigned != (i < 2) {
				t.Fatalf("ticket %d: assignee %v", i, m["assignee_id"])
			}
		}
		// A customer user as assignee is refused and changes nothing.
		resp, body = b.post("/tickets", "/tickets/bulk", url.Values{"id": {ids[2]}, "assignee_id": {itoa64(h.users["a_member"].ID)}})
		wantStatus(t, resp, 303, body)
		_, m := h.api("GET", "/api/v1/tickets/"+ids[2], h.token("agent"), nil)
		if m["assignee_id"] != nil {
			t.Fatal("a customer user was assigned")
		}
		resp, body = h.loggedIn("a_admin").post("/tickets", "/tickets/bulk", url.Values{"id": {ids[0]}, "status": {"closed"}})
		wantStatus(t, resp, 404, body)
	})
}
