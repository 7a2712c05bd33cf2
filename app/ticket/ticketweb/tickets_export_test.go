package ticketweb_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// Staff export the filtered queue as CSV: formula-like cells neutralised,
// no message (so no internal note) in it; customers never reach it.
func TestTicketExportIsNeutralisedAndHoldsNoNotes(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		a, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "=HYPERLINK(\"http://evil\")", Description: "x"})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: ";=1+2;", Description: "x"})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Create(ctx, h.Users["b_member"], ticket.NewTicket{Subject: "B's problem", Description: "y"})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Reply(ctx, h.Users["agent"], a.ID, "secret internal note", true)
		webtest.Must(t, err)

		b := h.LoggedIn("agent")
		resp, body := b.Get("/tickets/export?customer_id=" + webtest.Itoa64(h.CustA.ID))
		webtest.WantStatus(t, resp, 200, body)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %q", ct)
		}
		webtest.WantContains(t, resp.Header.Get("Content-Disposition"), "attachment", "tickets-")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		webtest.Must(t, err)
		if len(rows) != 3 || rows[0][0] != "number" {
			t.Fatalf("want a header and A's two tickets, got %v", rows)
		}
		if rows[2][1] != `'=HYPERLINK("http://evil")` || rows[1][1] != ";'=1+2;" {
			t.Fatalf("subject cells %q, %q are not neutralised", rows[2][1], rows[1][1])
		}
		webtest.WantContains(t, body, `";'=1+2;"`)
		webtest.WantNoFormulaCells(t, body)
		webtest.WantNotContains(t, body, "secret internal note", "B's problem")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, body = h.LoggedIn(name).Get("/tickets/export")
			webtest.WantStatus(t, resp, 404, body)
		}
	})
}
