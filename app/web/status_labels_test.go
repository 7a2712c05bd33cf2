package web

import (
	"context"
	"testing"

	"backoffice/app/ticket"
)

// A ticket waiting for the customer's answer says so to each reader: to
// staff it waits for the customer, to the customer it waits for them.
func TestPendingStatusIsWordedForTheReader(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		tk, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "Pump", Description: "noise"})
		must(t, err)
		pending := ticket.StatusPending
		_, err = h.srv.tickets.Update(ctx, h.users["agent"], tk.ID, ticket.Change{Status: &pending})
		must(t, err)
		page := "/tickets/" + itoa64(tk.ID)
		for name, want := range map[string]string{"agent": "Waiting for customer", "a_member": "Waiting for you"} {
			b := h.loggedIn(name)
			for _, p := range []string{"/tickets", page} {
				resp, body := b.get(p)
				wantStatus(t, resp, 200, body)
				wantContains(t, body, want)
			}
		}
		b := h.loggedIn("agent")
		_, body := b.get(page)
		wantNotContains(t, body, "Waiting for you")
	})
}
