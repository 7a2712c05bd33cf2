package ticket_test

import (
	"testing"
	"time"

	"backoffice/app/ticket"
)

// While a ticket is unanswered its answer target follows its priority; an
// answered ticket keeps its due time. Subject and group are trimmed.
func TestDueFollowsPriorityUntilAnswered(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Leak")
		created := tk.CreatedAt
		f.clock.Advance(time.Hour)
		urgent, group, subject := "urgent", "  Field team  ", "  Leak in hall 2  "
		got := f.update(f.agent, tk.ID, ticket.Change{Priority: &urgent, Group: &group, Subject: &subject})
		if got.DueAt == nil || !got.DueAt.Equal(created.Add(ticket.Targets["urgent"])) {
			t.Fatalf("due %v, want created + 4 h", got.DueAt)
		}
		if got.GroupName != "Field team" || got.Subject != "Leak in hall 2" {
			t.Fatalf("not trimmed: %q %q", got.GroupName, got.Subject)
		}
		f.reply(f.agent, tk.ID, "On it.", false)
		low := "low"
		got = f.update(f.agent, tk.ID, ticket.Change{Priority: &low})
		if !got.DueAt.Equal(created.Add(ticket.Targets["urgent"])) {
			t.Fatalf("an answered ticket's due time moved to %v", got.DueAt)
		}
	})
}
