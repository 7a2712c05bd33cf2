package web

import (
	"context"
	"strings"
	"testing"

	"backoffice/app/notify/smtptest"
	"backoffice/app/ticket"
)

// A public agent reply reaches the requester by real SMTP, in their
// language, with the reply and a link that opens the ticket; an internal
// note sends nothing, and neither does a customer's own reply.
func TestAgentRepliesAreMailedToTheRequesterNotesNever(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		member := h.users["a_member"]
		_, err := h.db.NewUpdate().Table("users").Set("language = 'de'").Where("id = ?", member.ID).Exec(ctx)
		must(t, err)
		tk, err := h.srv.tickets.Create(ctx, member, ticket.NewTicket{Subject: "Kältemaschine Alarm", Description: "Seit heute früh."})
		must(t, err)
		agent := h.users["agent"]
		_, err = h.srv.tickets.Reply(ctx, agent, tk.ID, "INTERNAL: refrigerant low", true)
		must(t, err)
		_, err = h.srv.tickets.Reply(ctx, member, tk.ID, "Any news?", false)
		must(t, err)
		var n int64
		n, err = h.db.NewSelect().Table("outbox").Count(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("%d mails queued before any public agent reply", n)
		}
		_, err = h.srv.tickets.Reply(ctx, agent, tk.ID, "A technician comes tomorrow at 9.", false)
		must(t, err)

		smtp := smtptest.Start(t)
		mail := h.deliverMail(smtp, member.Email)
		wantContains(t, mail.Subject, "[#1001]", "Kältemaschine Alarm", "neue Antwort")
		wantContains(t, mail.Text, "A technician comes tomorrow at 9.", "Agent Tester")
		wantNotContains(t, mail.Text, "refrigerant")
		wantNotContains(t, mail.HTML, "refrigerant")
		link := mail.Link("http://desk.test/tickets/")
		if link == "" {
			t.Fatalf("no ticket link in the mail:\n%s", mail.Text)
		}
		resp, body := h.loggedIn("a_member").get(localPath(t, link))
		wantStatus(t, resp, 200, body)
		wantContains(t, body, "A technician comes tomorrow at 9.")
		n, err = h.db.NewSelect().Table("outbox").Count(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("%d mails queued, want exactly the one reply", n)
		}
		if len(mail.To) != 1 || !strings.EqualFold(mail.To[0], member.Email) {
			t.Fatalf("mail went to %v", mail.To)
		}
	})
}
