package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// Agents keep reply templates and insert them on a ticket; customers never
// see templates (404), another provider's are 404 too, bad input is a
// field error.
func TestReplyTemplates(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		resp, _ := h.API("POST", "/api/v1/templates", agent, map[string]any{"name": "", "body": ""})
		webtest.WantStatus(t, resp, 422, "")
		resp, m := h.API("POST", "/api/v1/templates", agent, map[string]any{"name": "Technician visit", "body": "A technician comes tomorrow at 9."})
		webtest.WantStatus(t, resp, 201, "")
		webtest.CheckSchema(t, "Template", m)
		path := "/api/v1/templates/" + webtest.Itoa64(int64(m["id"].(float64)))
		resp, m = h.API("PATCH", path, agent, map[string]any{"body": "A technician comes tomorrow at 8."})
		webtest.WantStatus(t, resp, 200, "")
		if m["name"] != "Technician visit" || m["body"] != "A technician comes tomorrow at 8." {
			t.Fatalf("PATCH: %v", m)
		}
		for _, name := range []string{"a_admin", "a_moderator", "a_member"} {
			for _, p := range []string{"/api/v1/templates", path} {
				resp, _ = h.API("GET", p, h.Token(name), nil)
				webtest.WantStatus(t, resp, 404, "")
			}
			resp, body := h.LoggedIn(name).Get("/templates")
			webtest.WantStatus(t, resp, 404, body)
		}
		// The ticket page inserts it into the reply.
		tk, err := h.Svc.Tickets.Create(context.Background(), h.Users["a_member"], ticket.NewTicket{Subject: "Leak", Description: "Water."})
		webtest.Must(t, err)
		b := h.LoggedIn("agent")
		_, body := b.Get("/tickets/" + webtest.Itoa64(tk.ID) + "?template=" + path[len("/api/v1/templates/"):])
		webtest.WantContains(t, body, `name="template"`, ">A technician comes tomorrow at 8.</textarea>")
		_, body = h.LoggedIn("a_member").Get("/tickets/" + webtest.Itoa64(tk.ID) + "?template=" + path[len("/api/v1/templates/"):])
		webtest.WantNotContains(t, body, "technician")
		// Pages: create with an error, then delete.
		resp, body = b.Post("/templates", "/templates", url.Values{"name": {"x"}, "body": {""}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, `id="err-body"`)
		resp, body = b.Post("/templates", path[len("/api/v1"):]+"/delete", nil)
		webtest.WantStatus(t, resp, 303, body)
		resp, _ = h.API("GET", path, agent, nil)
		webtest.WantStatus(t, resp, 404, "")
	})
}
