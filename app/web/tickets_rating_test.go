package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
)

// The requester rates a ticket once it is resolved; nobody else can, and
// bad scores are field errors.
func TestRequesterRatesAResolvedTicket(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		tk, err := h.srv.tickets.Create(context.Background(), h.users["a_member"], ticket.NewTicket{Subject: "Noise", Description: "Loud fan."})
		must(t, err)
		path := "/api/v1/tickets/" + itoa64(tk.ID) + "/rating"
		member := h.token("a_member")
		resp, _ := h.api("POST", path, member, map[string]any{"score": 5})
		wantStatus(t, resp, 403, "") // not resolved yet
		resp, _ = h.api("PATCH", "/api/v1/tickets/"+itoa64(tk.ID), h.token("agent"), map[string]any{"status": "resolved"})
		wantStatus(t, resp, 200, "")
		for _, bad := range []any{map[string]any{"score": 0}, map[string]any{"score": 6}, map[string]any{}, map[string]any{"score": "5"}} {
			resp, m := h.api("POST", path, member, bad)
			wantStatus(t, resp, 422, "")
			if errs, _ := m["errors"].([]any); len(errs) == 0 {
				t.Fatalf("%v: no field error", bad)
			}
		}
		resp, _ = h.api("POST", path, h.token("a_moderator"), map[string]any{"score": 1})
		wantStatus(t, resp, 403, "") // not the requester
		resp, _ = h.api("POST", path, h.token("b_member"), map[string]any{"score": 1})
		wantStatus(t, resp, 404, "")
		resp, _ = h.api("POST", path, h.token("agent"), map[string]any{"score": 1})
		wantStatus(t, resp, 403, "") // staff do not rate
		resp, m := h.api("POST", path, member, map[string]any{"score": 4, "comment": "Quick fix."})
		wantStatus(t, resp, 200, "")
		checkSchema(t, h, "Ticket", m)
		if m["rating"] != float64(4) {
			t.Fatalf("rating %v", m["rating"])
		}
		// The page form replaces it; the page shows it.
		b := h.loggedIn("a_member")
		page := "/tickets/" + itoa64(tk.ID)
		resp, body := b.post(page, page+"/rating", url.Values{"score": {"9"}})
		wantStatus(t, resp, 422, body)
		resp, body = b.post(page, page+"/rating", url.Values{"score": {"5"}, "comment": {"Great <b>service</b>"}})
		wantStatus(t, resp, 303, body)
		_, body = b.get(page)
		wantContains(t, body, "5 of 5", "Great &lt;b&gt;service&lt;/b&gt;")
	})
}
