package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// The requester rates a ticket once it is resolved; nobody else can, and
// bad scores are field errors.
func TestRequesterRatesAResolvedTicket(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		tk, err := h.Svc.Tickets.Create(context.Background(), h.Users["a_member"], ticket.NewTicket{Subject: "Noise", Description: "Loud fan."})
		webtest.Must(t, err)
		path := "/api/v1/tickets/" + webtest.Itoa64(tk.ID) + "/rating"
		member := h.Token("a_member")
		resp, _ := h.API("POST", path, member, map[string]any{"score": 5})
		webtest.WantStatus(t, resp, 403, "") // not resolved yet
		resp, _ = h.API("PATCH", "/api/v1/tickets/"+webtest.Itoa64(tk.ID), h.Token("agent"), map[string]any{"status": "resolved"})
		webtest.WantStatus(t, resp, 200, "")
		for _, bad := range []any{map[string]any{"score": 0}, map[string]any{"score": 6}, map[string]any{}, map[string]any{"score": "5"}} {
			resp, m := h.API("POST", path, member, bad)
			webtest.WantStatus(t, resp, 422, "")
			if errs, _ := m["errors"].([]any); len(errs) == 0 {
				t.Fatalf("%v: no field error", bad)
			}
		}
		resp, _ = h.API("POST", path, h.Token("a_moderator"), map[string]any{"score": 1})
		webtest.WantStatus(t, resp, 403, "") // not the requester
		resp, _ = h.API("POST", path, h.Token("b_member"), map[string]any{"score": 1})
		webtest.WantStatus(t, resp, 404, "")
		resp, _ = h.API("POST", path, h.Token("agent"), map[string]any{"score": 1})
		webtest.WantStatus(t, resp, 403, "") // staff do not rate
		resp, m := h.API("POST", path, member, map[string]any{"score": 4, "comment": "Quick fix."})
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "Ticket", m)
		if m["rating"] != float64(4) {
			t.Fatalf("rating %v", m["rating"])
		}
		// The page form replaces it; the page shows it.
		b := h.LoggedIn("a_member")
		page := "/tickets/" + webtest.Itoa64(tk.ID)
		resp, body := b.Post(page, page+"/rating", url.Values{"score": {"9"}})
		webtest.WantStatus(t, resp, 422, body)
		resp, body = b.Post(page, page+"/rating", url.Values{"score": {"5"}, "comment": {"Great <b>service</b>"}})
		webtest.WantStatus(t, resp, 303, body)
		_, body = b.Get(page)
		webtest.WantContains(t, body, "5 of 5", "Great &lt;b&gt;service&lt;/b&gt;")
	})
}
