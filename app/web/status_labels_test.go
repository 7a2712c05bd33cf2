package web_test

import (
	"context"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A ticket waiting for the customer's answer says so to each reader: to
// staff it waits for the customer, to the customer it waits for them.
func TestPendingStatusIsWordedForTheReader(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		tk, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "Pump", Description: "noise"})
		webtest.Must(t, err)
		pending := ticket.StatusPending
		_, err = h.Svc.Tickets.Update(ctx, h.Users["agent"], tk.ID, ticket.Change{Status: &pending})
		webtest.Must(t, err)
		page := "/tickets/" + webtest.Itoa64(tk.ID)
		for name, want := range map[string]string{"agent": "Waiting for customer", "a_member": "Waiting for you"} {
			b := h.LoggedIn(name)
			for _, p := range []string{"/tickets", page} {
				resp, body := b.Get(p)
				webtest.WantStatus(t, resp, 200, body)
				webtest.WantContains(t, body, want)
			}
		}
		b := h.LoggedIn("agent")
		_, body := b.Get(page)
		webtest.WantNotContains(t, body, "Waiting for you")
	})
}
