package ticket_test

import (
	"slices"
	"testing"
	"time"

	"backoffice/app/caller"
	"backoffice/app/ticket"
)

// The staff queue's saved views hold exactly their tickets, their counts
// agree with the lists, and customers get no views.
func TestSavedViews(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		mine := f.onBehalf(f.staff, f.customerA, f.member, ticket.ChannelPhone, "Mine")
		f.update(f.staff, mine.ID, ticket.Change{AssigneeID: ptr(&f.agent.ID)})
		unassigned := f.web(f.member, "Nobody's")
		waiting := f.web(f.member, "Waiting")
		f.reply(f.agent, waiting.ID, "Which model is it?", false)
		f.setStatus(waiting.ID, ticket.StatusPending)
		done := f.web(f.member, "Done")
		f.setStatus(done.ID, ticket.StatusResolved)
		f.web(f.member2A, "Other provider") // never in our views

		// Past the normal target: the unanswered open ones are overdue,
		// the answered one is not.
		f.clock.Advance(ticket.Targets["normal"] + time.Hour)
		answered := f.web(f.member, "Fresh") // new, not yet due

		want := map[string][]int64{
			ticket.ViewMine:       {mine.Number},
			ticket.ViewUnassigned: {unassigned.Number, waiting.Number, answered.Number},
			ticket.ViewOverdue:    {mine.Number, unassigned.Number},
			ticket.ViewWaiting:    {waiting.Number},
			ticket.ViewOpen:       {mine.Number, unassigned.Number, waiting.Number, answered.Number},
		}
		counts, err := f.svc.ViewCounts(f.ctx, f.agent, f.counts(f.agent))
		if err != nil {
			t.Fatal(err)
		}
		for view, wanted := range want {
			got := numbers(f.listAll(f.agent, ticket.Filter{View: view}, "-updated_at"))
			slices.Sort(got)
			slices.Sort(wanted)
			if !slices.Equal(got, wanted) {
				t.Errorf("view %s lists %v, want %v", view, got, wanted)
			}
			if counts[view] != len(wanted) {
				t.Errorf("view %s counts %d, lists %d", view, counts[view], len(wanted))
			}
		}
		// A view combines with the other filters.
		if got := f.listAll(f.agent, ticket.Filter{View: ticket.ViewOpen, Query: "Waiting"}, "-updated_at"); len(got) != 1 || got[0].ID != waiting.ID {
			t.Errorf("open view searched for Waiting: %v", numbers(got))
		}
		// Customers have no views: the list is theirs unfiltered.
		if got, all := f.listAll(f.member, ticket.Filter{View: ticket.ViewMine}, "-updated_at"), f.listAll(f.member, ticket.Filter{}, "-updated_at"); len(got) != len(all) {
			t.Errorf("a customer's view filtered the list: %d of %d", len(got), len(all))
		}
		if c, err := f.svc.ViewCounts(f.ctx, f.member, nil); err != nil || c != nil {
			t.Errorf("customer view counts %v %v", c, err)
		}
		if _, err := f.svc.List(f.ctx, f.agent, ticket.Filter{View: "everything"}, "-updated_at", nil, 10); err == nil {
			t.Error("an unknown view was taken")
		} else {
			wantFields(t, err, "view")
		}
		// The answer target states.
		now := f.clock.Now()
		for _, c := range []struct {
			tk    *ticket.Ticket
			state string
		}{{f.ticket(f.agent, mine.ID), "overdue"}, {f.ticket(f.agent, waiting.ID), "answered"},
			{f.ticket(f.agent, answered.ID), "due"}, {f.ticket(f.agent, done.ID), ""}} {
			if got := ticket.DueOf(c.tk, now); got.State != c.state {
				t.Errorf("%s: due state %q, want %q", c.tk.Subject, got.State, c.state)
			}
		}
		soon := f.ticket(f.agent, answered.ID)
		if got := ticket.DueOf(soon, soon.DueAt.Add(-time.Hour)); got.State != "at_risk" || got.In != time.Hour {
			t.Errorf("an hour before the target: %+v", got)
		}
	})
}

// A staff reply moves the ticket on in the same step; a status that is no
// reply's, or a customer's, is refused with nothing saved.
func TestReplyAndSet(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Leaking valve")
		if _, err := f.svc.ReplyAndSet(f.ctx, f.agent, tk.ID, "Please send a photo.", false, nil, ticket.StatusPending); err != nil {
			t.Fatal(err)
		}
		got := f.ticket(f.agent, tk.ID)
		if got.Status != ticket.StatusPending || got.FirstResponseAt == nil {
			t.Fatalf("after send-and-wait: status %s, first response %v", got.Status, got.FirstResponseAt)
		}
		if _, err := f.svc.ReplyAndSet(f.ctx, f.agent, tk.ID, "Fixed remotely.", false, nil, ticket.StatusResolved); err != nil {
			t.Fatal(err)
		}
		if got := f.ticket(f.agent, tk.ID); got.Status != ticket.StatusResolved || got.ResolvedAt == nil {
			t.Fatalf("after send-and-resolve: %s %v", got.Status, got.ResolvedAt)
		}
		before := len(f.messages(f.agent, tk.ID))
		for _, c := range []struct {
			who    string
			u      *caller.Caller
			status string
		}{{"agent, closed", f.agent, ticket.StatusClosed}, {"agent, made up", f.agent, "done"}, {"customer", f.member, ticket.StatusResolved}} {
			_, err := f.svc.ReplyAndSet(f.ctx, c.u, tk.ID, "Again", false, nil, c.status)
			wantProblem(t, err, "status", "error.reply_status")
		}
		if n := len(f.messages(f.agent, tk.ID)); n != before {
			t.Fatalf("a refused reply was saved: %d messages, had %d", n, before)
		}
		// Without a status it is a plain reply: the customer's reopens.
		if _, err := f.svc.ReplyAndSet(f.ctx, f.member, tk.ID, "Still dripping.", false, nil, ""); err != nil {
			t.Fatal(err)
		}
		if got := f.ticket(f.agent, tk.ID); got.Status != ticket.StatusOpen {
			t.Fatalf("a customer's reply left the ticket %s", got.Status)
		}
	})
}

// The thread shows every status change and the changes of the parameters
// the reader may see, with who made them.
func TestActivityOfShowsWhatTheReaderMaySee(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Conveyor belt slips")
		f.update(f.agent, tk.ID, ticket.Change{Priority: ptr("high"), AssigneeID: ptr(&f.agent.ID), Group: ptr("Mechanics")})
		f.setStatus(tk.ID, ticket.StatusPending)
		f.update(f.agent, tk.ID, ticket.Change{AssigneeID: ptr((*int64)(nil))})

		whats := func(acts []ticket.Activity) []string {
			var out []string
			for _, a := range acts {
				out = append(out, a.What+"="+a.To)
			}
			return out
		}
		staff, err := f.svc.ActivityOf(f.ctx, f.agent, f.ticket(f.agent, tk.ID))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"priority=high", "assignee=" + f.agent.Name(), "group=Mechanics", "status=pending", "assignee="}
		if got := whats(staff); !slices.Equal(got, want) {
			t.Fatalf("staff activity %v, want %v", got, want)
		}
		if staff[0].Who != f.agent.Name() || staff[3].Who != f.staff.Name() {
			t.Errorf("who: %q, %q", staff[0].Who, staff[3].Who)
		}
		// The member's company hides the assignee: its changes are left out.
		if _, err := f.svc.SetCompanyPerms(f.ctx, f.staff, f.customerA.ID, ticket.PermChoices{"see_assignee": "deny"}); err != nil {
			t.Fatal(err)
		}
		member, err := f.svc.ActivityOf(f.ctx, f.member, f.ticket(f.member, tk.ID))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := whats(member), []string{"priority=high", "status=pending"}; !slices.Equal(got, want) {
			t.Fatalf("member activity %v, want %v", got, want)
		}
	})
}
