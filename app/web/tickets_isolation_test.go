package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/rbac"
)

// The ticket pages, and the provider's configuration (templates, data
// fields, customer permissions), answer 404 to users of another customer or
// of another provider, exactly as for a record that does not exist.
func TestTicketPagesAndConfigurationAreTenantIsolated(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		otherProvider(t, h)
		// An administrator at the other provider.
		xa := &org.User{OrganizationID: h.users["x_agent"].OrganizationID, Email: "x_admin@rival.test", FirstName: "X", LastName: "Admin",
			Role: rbac.ProviderAdmin, PasswordHash: h.users["agent"].PasswordHash, Language: "en", TimeZone: "Europe/Berlin"}
		must(t, h.srv.users.CreateUser(ctx, xa))
		xa, err := h.srv.users.User(ctx, xa.ID)
		must(t, err)
		h.users["x_admin"] = xa

		tk, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "A's own", Description: "private",
			Files: []ticket.Upload{{Name: "a.txt", Data: []byte("A's file\n")}}})
		must(t, err)
		msgs, _, err := h.srv.tickets.Messages(ctx, h.users["agent"], tk.ID, 0, 10)
		must(t, err)
		att := msgs[0].Attachments[0].ID
		tpl, err := h.srv.tickets.CreateTemplate(ctx, h.users["agent"], ticket.TemplateInput{Name: "Ours", Body: "x"})
		must(t, err)
		fld, err := h.srv.tickets.SaveField(ctx, h.users["admin"], 0, ticket.FieldInput{Label: "Ours", Kind: "text", Shown: true})
		must(t, err)

		page := "/tickets/" + itoa64(tk.ID)
		for _, name := range []string{"b_member", "b_admin"} {
			b := h.loggedIn(name)
			for _, p := range []string{page, page + "/attachments/" + itoa64(att)} {
				resp, body := b.get(p)
				wantStatus(t, resp, 404, body)
			}
			for _, p := range []string{page, page + "/messages", page + "/close", page + "/reopen", page + "/rating", page + "/fields"} {
				resp, body := b.post("/tickets", p, url.Values{"body": {"hi"}, "score": {"5"}})
				wantStatus(t, resp, 404, body)
			}
		}
		x := h.token("x_admin")
		for _, r := range []struct{ method, path string }{
			{"GET", "/api/v1/templates/" + itoa64(tpl.ID)},
			{"PATCH", "/api/v1/templates/" + itoa64(tpl.ID)},
			{"DELETE", "/api/v1/templates/" + itoa64(tpl.ID)},
			{"PATCH", "/api/v1/ticket-fields/" + itoa64(fld.ID)},
			{"DELETE", "/api/v1/ticket-fields/" + itoa64(fld.ID)},
			{"GET", "/api/v1/customers/" + itoa64(h.custA.ID) + "/ticket-permissions"},
			{"PUT", "/api/v1/customers/" + itoa64(h.custA.ID) + "/ticket-permissions"},
			{"GET", "/api/v1/users/" + itoa64(h.users["a_member"].ID) + "/ticket-permissions"},
			{"GET", "/api/v1/tickets/" + itoa64(tk.ID) + "/attachments/" + itoa64(att)},
		} {
			var body any
			if r.method == "PATCH" || r.method == "PUT" {
				body = map[string]any{"name": "theirs", "label": "theirs", "see_all": "deny"}
			}
			resp, _ := h.api(r.method, r.path, x, body)
			wantStatus(t, resp, 404, "")
		}
		// Their lists hold none of ours.
		_, m := h.api("GET", "/api/v1/templates", x, nil)
		_, f := h.api("GET", "/api/v1/ticket-fields", x, nil)
		if len(m["items"].([]any)) != 0 || len(f["items"].([]any)) != 0 {
			t.Fatal("another provider lists our templates or fields")
		}
		// And ours are unchanged.
		got, err := h.srv.tickets.Template(ctx, h.users["agent"], tpl.ID)
		must(t, err)
		if got.Name != "Ours" {
			t.Fatal("another provider changed our template")
		}
	})
}
