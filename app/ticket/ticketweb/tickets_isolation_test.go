package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
	"backoffice/rbac"
)

// The ticket pages, and the provider's configuration (templates, data
// fields, customer permissions), answer 404 to users of another customer or
// of another provider, exactly as for a record that does not exist.
func TestTicketPagesAndConfigurationAreTenantIsolated(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		webtest.OtherProvider(t, h)
		// An administrator at the other provider.
		xa := &org.User{OrganizationID: h.Users["x_agent"].OrganizationID, Email: "x_admin@rival.test", FirstName: "X", LastName: "Admin",
			Role: rbac.ProviderAdmin, PasswordHash: h.Users["agent"].PasswordHash, Language: "en", TimeZone: "Europe/Berlin"}
		webtest.Must(t, h.Svc.Users.CreateUser(ctx, xa))
		xa, err := h.Svc.Users.User(ctx, xa.ID)
		webtest.Must(t, err)
		h.Users["x_admin"] = caller.Of(xa, "")

		tk, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "A's own", Description: "private",
			Files: []ticket.Upload{{Name: "a.txt", Data: []byte("A's file\n")}}})
		webtest.Must(t, err)
		msgs, _, err := h.Svc.Tickets.Messages(ctx, h.Users["agent"], tk.ID, 0, 10)
		webtest.Must(t, err)
		att := msgs[0].Attachments[0].ID
		tpl, err := h.Svc.Tickets.CreateTemplate(ctx, h.Users["agent"], ticket.TemplateInput{Name: "Ours", Body: "x"})
		webtest.Must(t, err)
		fld, err := h.Svc.Tickets.SaveField(ctx, h.Users["admin"], 0, ticket.FieldInput{Label: "Ours", Kind: "text", Shown: true})
		webtest.Must(t, err)

		page := "/tickets/" + webtest.Itoa64(tk.ID)
		for _, name := range []string{"b_member", "b_admin"} {
			b := h.LoggedIn(name)
			for _, p := range []string{page, page + "/attachments/" + webtest.Itoa64(att)} {
				resp, body := b.Get(p)
				webtest.WantStatus(t, resp, 404, body)
			}
			for _, p := range []string{page, page + "/messages", page + "/close", page + "/reopen", page + "/rating", page + "/fields"} {
				resp, body := b.Post("/tickets", p, url.Values{"body": {"hi"}, "score": {"5"}})
				webtest.WantStatus(t, resp, 404, body)
			}
		}
		x := h.Token("x_admin")
		for _, r := range []struct{ method, path string }{
			{"GET", "/api/v1/templates/" + webtest.Itoa64(tpl.ID)},
			{"PATCH", "/api/v1/templates/" + webtest.Itoa64(tpl.ID)},
			{"DELETE", "/api/v1/templates/" + webtest.Itoa64(tpl.ID)},
			{"PATCH", "/api/v1/ticket-fields/" + webtest.Itoa64(fld.ID)},
			{"DELETE", "/api/v1/ticket-fields/" + webtest.Itoa64(fld.ID)},
			{"GET", "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID) + "/ticket-permissions"},
			{"PUT", "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID) + "/ticket-permissions"},
			{"GET", "/api/v1/users/" + webtest.Itoa64(h.Users["a_member"].ID) + "/ticket-permissions"},
			{"GET", "/api/v1/tickets/" + webtest.Itoa64(tk.ID) + "/attachments/" + webtest.Itoa64(att)},
		} {
			var body any
			if r.method == "PATCH" || r.method == "PUT" {
				body = map[string]any{"name": "theirs", "label": "theirs", "see_all": "deny"}
			}
			resp, _ := h.API(r.method, r.path, x, body)
			webtest.WantStatus(t, resp, 404, "")
		}
		// Their lists hold none of ours.
		_, m := h.API("GET", "/api/v1/templates", x, nil)
		_, f := h.API("GET", "/api/v1/ticket-fields", x, nil)
		if len(m["items"].([]any)) != 0 || len(f["items"].([]any)) != 0 {
			t.Fatal("another provider lists our templates or fields")
		}
		// And ours are unchanged.
		got, err := h.Svc.Tickets.Template(ctx, h.Users["agent"], tpl.ID)
		webtest.Must(t, err)
		if got.Name != "Ours" {
			t.Fatal("another provider changed our template")
		}
	})
}
