package ticketweb_test

import (
	"context"
	"strings"
	"testing"

	"backoffice/app/notify/smtptest"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A public agent reply reaches the requester by real SMTP, in their
// language, with the reply and a link that opens the ticket; an internal
// note sends nothing, and neither does a customer's own reply.
func TestAgentRepliesAreMailedToTheRequesterNotesNever(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		member := h.Users["a_member"]
		_, err := h.DB.NewUpdate().Table("users").Set("language = 'de'").Where("id = ?", member.ID).Exec(ctx)
		webtest.Must(t, err)
		tk, err := h.Svc.Tickets.Create(ctx, member, ticket.NewTicket{Subject: "Kältemaschine Alarm", Description: "Seit heute früh."})
		webtest.Must(t, err)
		agent := h.Users["agent"]
		_, err = h.Svc.Tickets.Reply(ctx, agent, tk.ID, "INTERNAL: refrigerant low", true)
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Reply(ctx, member, tk.ID, "Any news?", false)
		webtest.Must(t, err)
		var n int64
		n, err = h.DB.NewSelect().Table("outbox").Count(ctx)
		webtest.Must(t, err)
		if n != 0 {
			t.Fatalf("%d mails queued before any public agent reply", n)
		}
		_, err = h.Svc.Tickets.Reply(ctx, agent, tk.ID, "A technician comes tomorrow at 9.", false)
		webtest.Must(t, err)

		smtp := smtptest.Start(t)
		mail := h.DeliverMail(smtp, member.Email)
		webtest.WantContains(t, mail.Subject, "[#1001]", "Kältemaschine Alarm", "neue Antwort")
		webtest.WantContains(t, mail.Text, "A technician comes tomorrow at 9.", "Agent Tester")
		webtest.WantNotContains(t, mail.Text, "refrigerant")
		webtest.WantNotContains(t, mail.HTML, "refrigerant")
		link := mail.Link("http://desk.test/tickets/")
		if link == "" {
			t.Fatalf("no ticket link in the mail:\n%s", mail.Text)
		}
		resp, body := h.LoggedIn("a_member").Get(webtest.LocalPath(t, link))
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "A technician comes tomorrow at 9.")
		n, err = h.DB.NewSelect().Table("outbox").Count(ctx)
		webtest.Must(t, err)
		if n != 1 {
			t.Fatalf("%d mails queued, want exactly the one reply", n)
		}
		if len(mail.To) != 1 || !strings.EqualFold(mail.To[0], member.Email) {
			t.Fatalf("mail went to %v", mail.To)
		}
	})
}
