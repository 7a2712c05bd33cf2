package web

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"backoffice/app/ticket"
)

// Staff export the filtered queue as CSV: formula-like cells neutralised,
// no message (so no internal note) in it; customers never reach it.
func TestTicketExportIsNeutralisedAndHoldsNoNotes(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		a, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "=HYPERLINK(\"http://evil\")", Description: "x"})
		must(t, err)
		_, err = h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: ";=1+2;", Description: "x"})
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
		if len(rows) != 3 || rows[0][0] != "number" {
			t.Fatalf("want a header and A's two tickets, got %v", rows)
		}
		if rows[2][1] != `'=HYPERLINK("http://evil")` || rows[1][1] != ";'=1+2;" {
			t.Fatalf("subject cells %q, %q are not neutralised", rows[2][1], rows[1][1])
		}
		wantContains(t, body, `";'=1+2;"`)
		wantNoFormulaCells(t, body)
		wantNotContains(t, body, "secret internal note", "B's problem")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, body = h.loggedIn(name).get("/tickets/export")
			wantStatus(t, resp, 404, body)
		}
	})
}

// wantNoFormulaCells reads an export as a spreadsheet that splits on ','
// does, and as one that splits on ';' (German or Russian settings, quotes
// ignored where they do not open a cell), and finds no cell that starts a
// formula.
func wantNoFormulaCells(t *testing.T, body string) {
	t.Helper()
	for _, comma := range []rune{',', ';'} {
		r := csv.NewReader(strings.NewReader(body))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
		rows, err := r.ReadAll()
		must(t, err)
		for _, row := range rows {
			for _, cell := range row {
				if c, _ := utf8.DecodeRuneInString(cell); strings.ContainsRune("=+-@\t\r", c) {
					t.Errorf("read with %q, the export has the formula cell %q", comma, cell)
				}
			}
		}
	}
}
