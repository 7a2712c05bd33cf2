package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/ticket"
)

// Agents keep reply templates and insert them on a ticket; customers never
// see templates (404), another provider's are 404 too, bad input is a
// field error.
func TestReplyTemplates(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		agent := h.token("agent")
		resp, _ := h.api("POST", "/api/v1/templates", agent, map[string]any{"name": "", "body": ""})
		wantStatus(t, resp, 422, "")
		resp, m := h.api("POST", "/api/v1/templates", agent, map[string]any{"name": "Technician visit", "body": "A technician comes tomorrow at 9."})
		wantStatus(t, resp, 201, "")
		checkSchema(t, h, "Template", m)
		path := "/api/v1/templates/" + itoa64(int64(m["id"].(float64)))
		resp, m = h.api("PATCH", path, agent, map[string]any{"body": "A technician comes tomorrow at 8."})
		wantStatus(t, resp, 200, "")
		if m["name"] != "Technician visit" || m["body"] != "A technician comes tomorrow at 8." {
			t.Fatalf("PATCH: %v", m)
		}
		for _, name := range []string{"a_admin", "a_moderator", "a_member"} {
			for _, p := range []string{"/api/v1/templates", path} {
				resp, _ = h.api("GET", p, h.token(name), nil)
				wantStatus(t, resp, 404, "")
			}
			resp, body := h.loggedIn(name).get("/templates")
			wantStatus(t, resp, 404, body)
		}
		// The ticket page inserts it into the reply.
		tk, err := h.srv.tickets.Create(context.Background(), h.users["a_member"], ticket.NewTicket{Subject: "Leak", Description: "Water."})
		must(t, err)
		b := h.loggedIn("agent")
		_, body := b.get("/tickets/" + itoa64(tk.ID) + "?template=" + path[len("/api/v1/templates/"):])
		wantContains(t, body, `name="template"`, ">A technician comes tomorrow at 8.</textarea>")
		_, body = h.loggedIn("a_member").get("/tickets/" + itoa64(tk.ID) + "?template=" + path[len("/api/v1/templates/"):])
		wantNotContains(t, body, "technician")
		// Pages: create with an error, then delete.
		resp, body = b.post("/templates", "/templates", url.Values{"name": {"x"}, "body": {""}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, `id="err-body"`)
		resp, body = b.post("/templates", path[len("/api/v1"):]+"/delete", nil)
		wantStatus(t, resp, 303, body)
		resp, _ = h.api("GET", path, agent, nil)
		wantStatus(t, resp, 404, "")
	})
}
