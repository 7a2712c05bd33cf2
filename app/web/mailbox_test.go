package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/uptrace/bun"

	"backoffice/app/db/dbtest"
	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
)

// Without SMTP, mail is not sent: the Mailbox shows it to administrators, as
// a development aid under a banner that says so.
func TestMailboxIsADevelopmentAid(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		h.browser().post("/password/forgot", "/password/forgot", url.Values{"email": {"a_member@a.test"}})
		admin := h.loggedIn("admin")
		resp, body := admin.get("/mailbox")
		wantStatus(t, resp, 200, body)
		wantContains(t, body, "Development aid", "email is not sent", "a_member@a.test")
		m, err := h.srv.outbox.LatestTo(context.Background(), "a_member@a.test")
		must(t, err)
		resp, body = admin.get("/mailbox/" + itoa64(m.ID))
		wantStatus(t, resp, 200, body)
		wantContains(t, body, "Development aid", "http://desk.test/password/set?token=pw_")
		_, body = admin.get("/")
		wantContains(t, body, `href="/mailbox"`)
		for _, name := range []string{"agent", "a_admin", "a_member"} {
			if resp, _ := h.loggedIn(name).get("/mailbox"); resp.StatusCode == 200 {
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
		h := newHarnessEnv(t, bdb, map[string]string{"BASE_URL": "http://desk.test", "SMTP_URL": smtp.URL()})
		h.browser().post("/password/forgot", "/password/forgot", url.Values{"email": {"a_member@a.test"}})
		queued, err := h.srv.outbox.LatestTo(ctx, "a_member@a.test")
		must(t, err)

		admin := h.loggedIn("admin")
		for _, p := range []string{"/mailbox", "/mailbox/" + itoa64(queued.ID)} {
			resp, body := admin.get(p)
			wantStatus(t, resp, 404, body)
			wantNotContains(t, body, "token=")
		}
		_, body := admin.get("/")
		wantNotContains(t, body, `href="/mailbox"`)

		mail := h.deliverMail(smtp, "a_member@a.test")
		link := mail.Link("http://desk.test/password/set?token=")
		kept, err := h.srv.outbox.LatestTo(ctx, "a_member@a.test")
		must(t, err)
		if kept.ID != queued.ID || kept.Status != notify.StatusSent {
			t.Fatalf("kept %+v", kept)
		}
		wantNotContains(t, kept.Subject+kept.BodyText+kept.BodyHTML, tokenOf(t, link))
		wantContains(t, kept.BodyText, "http://desk.test/password/set?token="+notify.RedactedLink)
		resp, body := h.browser().get(localPath(t, link))
		wantStatus(t, resp, 200, body)

		// Invitations likewise.
		resp, got := h.api("POST", "/api/v1/customers/"+itoa64(h.custA.ID)+"/invitations", h.token("agent"),
			map[string]any{"first_name": "Ida", "email": "ida@a.test", "language": "en", "role": "member"})
		if resp.StatusCode != 201 {
			t.Fatalf("invite: %d %v", resp.StatusCode, got)
		}
		link = h.deliverMail(smtp, "ida@a.test").Link("http://desk.test/accept-invitation?token=")
		kept, err = h.srv.outbox.LatestTo(ctx, "ida@a.test")
		must(t, err)
		wantNotContains(t, kept.Subject+kept.BodyText+kept.BodyHTML, tokenOf(t, link))
		wantContains(t, kept.BodyHTML, "/accept-invitation?token="+notify.RedactedLink)
		resp, body = h.browser().get(localPath(t, link))
		wantStatus(t, resp, 200, body)
	})
}
