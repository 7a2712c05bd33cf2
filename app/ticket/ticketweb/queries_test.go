package ticketweb_test

import (
	"context"
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A customer's ticket page and ticket list read each thing once: no query
// runs twice, and each page stays within its number of queries: the
// session, the permission layers (one query), the ticket or the page of
// tickets, the people and customers they name (each id once, the caller's
// own company not at all), the status counts, the types, the thread (its
// messages, their files, its changes); the device filter loads nothing.
func TestTicketPagesReadEachThingOnce(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		tk, err := h.Svc.Tickets.Create(context.Background(), h.Users["a_member"], ticket.NewTicket{Subject: "Pump", Description: "noise"})
		webtest.Must(t, err)
		b := h.LoggedIn("a_member")
		rec := dbtest.Record(h.DB, func(string) bool { return true })
		for _, page := range []struct {
			path string
			max  int
		}{{"/tickets/" + webtest.Itoa64(tk.ID), 8}, {"/tickets", 6}} {
			rec.Take()
			resp, body := b.Get(page.path)
			webtest.WantStatus(t, resp, 200, body)
			queries := rec.Take()
			seen := map[string]bool{}
			for _, q := range queries {
				if seen[q] {
					t.Errorf("%s runs a query twice: %.200s", page.path, q)
				}
				seen[q] = true
			}
			if len(queries) > page.max {
				t.Errorf("%s: %d queries, at most %d", page.path, len(queries), page.max)
				for _, q := range queries {
					t.Logf("  %.200s", q)
				}
			}
			t.Logf("%s: %d queries", page.path, len(queries))
		}
	})
}
