package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/uptrace/bun"

	"backoffice/app/db/dbtest"
	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
	"backoffice/app/web/webtest"
)

// Without SMTP, mail is not sent: the Mailbox shows it to administrators, as
// a development aid under a banner that says so.
func TestMailboxIsADevelopmentAid(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		h.Browser().Post("/password/forgot", "/password/forgot", url.Values{"email": {"a_member@a.test"}})
		admin := h.LoggedIn("admin")
		resp, body := admin.Get("/mailbox")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "Development aid", "email is not sent", "a_member@a.test")
		m, err := h.Svc.Outbox.LatestTo(context.Background(), "a_member@a.test")
		webtest.Must(t, err)
		resp, body = admin.Get("/mailbox/" + webtest.Itoa64(m.ID))
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "Development aid", "http://desk.test/password/set?token=pw_")
		_, body = admin.Get("/")
		webtest.WantContains(t, body, `href="/mailbox"`)
		for _, name := range []string{"agent", "a_admin", "a_member"} {
			if resp, _ := h.LoggedIn(name).Get("/mailbox"); resp.StatusCode == 200 {
				t.Errorf("%s opens the mailbox", name)
			}
		}
	})
}

// With SMTP set, provider staff cannot take over a customer's account
// through the mail sent to it: request a member's reset, open the mail as the
// provider administrator, sign in as the member. The Mailbox is gone (404,
// not in the navigation) and a delivered mail is kept without its token,
// while the member's own mail still holds a working link.
func TestNoCustomerLinkForStaffWhenMailIsSent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		h := webtest.NewEnv(t, bdb, map[string]string{"BASE_URL": "http://desk.test", "SMTP_URL": smtp.URL()})
		h.Browser().Post("/password/forgot", "/password/forgot", url.Values{"email": {"a_member@a.test"}})
		queued, err := h.Svc.Outbox.LatestTo(ctx, "a_member@a.test")
		webtest.Must(t, err)

		admin := h.LoggedIn("admin")
		for _, p := range []string{"/mailbox", "/mailbox/" + webtest.Itoa64(queued.ID)} {
			resp, body := admin.Get(p)
			webtest.WantStatus(t, resp, 404, body)
			webtest.WantNotContains(t, body, "token=")
		}
		_, body := admin.Get("/")
		webtest.WantNotContains(t, body, `href="/mailbox"`)

		mail := h.DeliverMail(smtp, "a_member@a.test")
		link := mail.Link("http://desk.test/password/set?token=")
		kept, err := h.Svc.Outbox.LatestTo(ctx, "a_member@a.test")
		webtest.Must(t, err)
		if kept.ID != queued.ID || kept.Status != notify.StatusSent {
			t.Fatalf("kept %+v", kept)
		}
		webtest.WantNotContains(t, kept.Subject+kept.BodyText+kept.BodyHTML, webtest.TokenOf(t, link))
		webtest.WantContains(t, kept.BodyText, "http://desk.test/password/set?token="+notify.RedactedLink)
		resp, body := h.Browser().Get(webtest.LocalPath(t, link))
		webtest.WantStatus(t, resp, 200, body)

		// Invitations likewise.
		resp, got := h.API("POST", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", h.Token("agent"),
			map[string]any{"first_name": "Ida", "email": "ida@a.test", "language": "en", "role": "member"})
		if resp.StatusCode != 201 {
			t.Fatalf("invite: %d %v", resp.StatusCode, got)
		}
		link = h.DeliverMail(smtp, "ida@a.test").Link("http://desk.test/accept-invitation?token=")
		kept, err = h.Svc.Outbox.LatestTo(ctx, "ida@a.test")
		webtest.Must(t, err)
		webtest.WantNotContains(t, kept.Subject+kept.BodyText+kept.BodyHTML, webtest.TokenOf(t, link))
		webtest.WantContains(t, kept.BodyHTML, "/accept-invitation?token="+notify.RedactedLink)
		resp, body = h.Browser().Get(webtest.LocalPath(t, link))
		webtest.WantStatus(t, resp, 200, body)
	})
}
