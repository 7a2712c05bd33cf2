package web

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"backoffice/app/ticket"
)

// Staff export the filtered queue as CSV: formula-like cells neutralised,
// no message (so no internal note) in it; customers never reach it.
func TestTicketExportIsNeutralisedAndHoldsNoNotes(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		a, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "=HYPERLINK(\"http://evil\")", Description: "x"})
		must(t, err)
		_, err = h.srv.tickets.Create(ctx, h.users["b_member"], ticket.NewTicket{Subject: "B's problem", Description: "y"})
		must(t, err)
		_, err = h.srv.tickets.Reply(ctx, h.users["agent"], a.ID, "secret internal note", true)
		must(t, err)

		b := h.loggedIn("agent")
		resp, body := b.get("/tickets/export?customer_id=" + itoa64(h.custA.ID))
		wantStatus(t, resp, 200, body)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %q", ct)
		}
		wantContains(t, resp.Header.Get("Content-Disposition"), "attachment", "tickets-")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		must(t, err)
		if len(rows) != 2 || rows[0][0] != "number" {
			t.Fatalf("want a header and A's one ticket, got %v", rows)
		}
		if rows[1][1] != `'=HYPERLINK("http://evil")` {
			t.Fatalf("subject cell %q is not neutralised", rows[1][1])
		}
		wantNotContains(t, body, "secret internal note", "B's problem")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, body = h.loggedIn(name).get("/tickets/export")
			wantStatus(t, resp, 404, body)
		}
	})
}
