package ticket_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/ticket"
)

func TestFirstStaffReplyOpensTicket(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Printer")

		// An internal note is no response.
		f.clock.Advance(time.Hour)
		f.reply(f.agent, tk.ID, "looking", true)
		got := f.ticket(f.staff, tk.ID)
		if got.Status != ticket.StatusNew || got.FirstResponseAt != nil {
			t.Errorf("after a note: status %s first response %s, want new and none", got.Status, fmtTime(got.FirstResponseAt))
		}
		// Nor is the customer's own follow-up.
		f.reply(f.member, tk.ID, "any news?", false)
		got = f.ticket(f.staff, tk.ID)
		if got.Status != ticket.StatusNew || got.FirstResponseAt != nil {
			t.Errorf("after the customer's reply: status %s first response %s, want new and none", got.Status, fmtTime(got.FirstResponseAt))
		}

		f.clock.Advance(time.Hour)
		answered := f.clock.Now()
		f.reply(f.agent, tk.ID, "Please restart it", false)
		got = f.ticket(f.staff, tk.ID)
		if got.Status != ticket.StatusOpen || !sameTime(got.FirstResponseAt, &answered) || !got.UpdatedAt.Equal(answered) {
			t.Errorf("after the first reply: status %s first response %s updated %s, want open at %s",
				got.Status, fmtTime(got.FirstResponseAt), got.UpdatedAt, answered)
		}

		// Later replies keep the first response time.
		f.clock.Advance(time.Hour)
		f.reply(f.staff, tk.ID, "Did it help?", false)
		got = f.ticket(f.staff, tk.ID)
		if got.Status != ticket.StatusOpen || !sameTime(got.FirstResponseAt, &answered) {
			t.Errorf("after a second reply: status %s first response %s", got.Status, fmtTime(got.FirstResponseAt))
		}

		// A staff reply to a pending ticket keeps it pending.
		f.setStatus(tk.ID, ticket.StatusPending)
		f.reply(f.staff, tk.ID, "Waiting for you", false)
		if got := f.ticket(f.staff, tk.ID); got.Status != ticket.StatusPending {
			t.Errorf("staff reply changed pending to %s", got.Status)
		}
	})
}

func TestCustomerReplyReopens(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, status := range []string{ticket.StatusPending, ticket.StatusResolved, ticket.StatusClosed} {
			tk := f.web(f.member, "Reply on "+status)
			f.reply(f.staff, tk.ID, "answer", false)
			f.clock.Advance(time.Minute)
			set := f.setStatus(tk.ID, status)
			if status == ticket.StatusResolved && set.ResolvedAt == nil {
				t.Errorf("resolved without resolved_at")
			}
			if status == ticket.StatusClosed && set.ClosedAt == nil {
				t.Errorf("closed without closed_at")
			}
			f.clock.Advance(time.Minute)
			f.reply(f.mod, tk.ID, "still broken", false)
			got := f.ticket(f.member, tk.ID)
			if got.Status != ticket.StatusOpen || got.ResolvedAt != nil || got.ClosedAt != nil || !got.UpdatedAt.Equal(f.clock.Now()) {
				t.Errorf("%s, then a customer reply: status %s resolved %s closed %s updated %s", status, got.Status,
					fmtTime(got.ResolvedAt), fmtTime(got.ClosedAt), got.UpdatedAt)
			}
		}
		// On an open ticket a customer reply changes nothing but the time.
		tk := f.web(f.member, "Open")
		f.reply(f.staff, tk.ID, "answer", false)
		f.reply(f.member, tk.ID, "thanks", false)
		if got := f.ticket(f.member, tk.ID); got.Status != ticket.StatusOpen {
			t.Errorf("open ticket became %s", got.Status)
		}
	})
}

func TestCloseAndReopen(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Printer")

		// Reopening what is not closed is a conflict.
		_, err := f.svc.Reopen(f.ctx, f.member, tk.ID)
		wantIs(t, err, apperr.ErrConflict)
		wantIs(t, err, ticket.ErrNotClosed)

		f.clock.Advance(time.Hour)
		closedAt := f.clock.Now()
		closed, err := f.svc.Close(f.ctx, f.member, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != ticket.StatusClosed || !sameTime(closed.ClosedAt, &closedAt) || !closed.UpdatedAt.Equal(closedAt) {
			t.Errorf("closed: status %s closed_at %s updated %s, want closed at %s", closed.Status, fmtTime(closed.ClosedAt),
				closed.UpdatedAt, closedAt)
		}
		if got := f.ticket(f.staff, tk.ID); got.Status != ticket.StatusClosed || !sameTime(got.ClosedAt, &closedAt) {
			t.Errorf("reloaded: status %s closed_at %s", got.Status, fmtTime(got.ClosedAt))
		}

		// Closing twice is a conflict, for customers and staff alike, and
		// keeps the first close time.
		f.clock.Advance(time.Hour)
		for _, u := range []*caller.Caller{f.member, f.staff} {
			_, err = f.svc.Close(f.ctx, u, tk.ID)
			wantIs(t, err, apperr.ErrConflict)
			wantIs(t, err, ticket.ErrClosed)
		}
		if got := f.ticket(f.staff, tk.ID); !sameTime(got.ClosedAt, &closedAt) {
			t.Errorf("second close moved closed_at to %s", fmtTime(got.ClosedAt))
		}

		reopened, err := f.svc.Reopen(f.ctx, f.member2, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if reopened.Status != ticket.StatusOpen || reopened.ClosedAt != nil || reopened.ResolvedAt != nil {
			t.Errorf("reopened: status %s closed %s resolved %s", reopened.Status, fmtTime(reopened.ClosedAt), fmtTime(reopened.ResolvedAt))
		}
		_, err = f.svc.Reopen(f.ctx, f.member, tk.ID)
		wantIs(t, err, apperr.ErrConflict)

		// A resolved ticket can be reopened too, clearing resolved_at.
		f.clock.Advance(time.Hour)
		resolvedAt := f.clock.Now()
		resolved := f.setStatus(tk.ID, ticket.StatusResolved)
		if resolved.Status != ticket.StatusResolved || !sameTime(resolved.ResolvedAt, &resolvedAt) || resolved.ClosedAt != nil {
			t.Errorf("resolved: status %s resolved_at %s closed_at %s, want resolved at %s", resolved.Status,
				fmtTime(resolved.ResolvedAt), fmtTime(resolved.ClosedAt), resolvedAt)
		}
		reopened, err = f.svc.Reopen(f.ctx, f.member, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if reopened.Status != ticket.StatusOpen || reopened.ResolvedAt != nil {
			t.Errorf("reopened resolved: status %s resolved %s", reopened.Status, fmtTime(reopened.ResolvedAt))
		}

		// Staff status changes keep the timestamps consistent.
		set := f.setStatus(tk.ID, ticket.StatusClosed)
		if set.ClosedAt == nil || set.ResolvedAt != nil {
			t.Errorf("staff closed: closed %s resolved %s", fmtTime(set.ClosedAt), fmtTime(set.ResolvedAt))
		}
		set = f.setStatus(tk.ID, ticket.StatusResolved)
		if set.ClosedAt != nil || set.ResolvedAt == nil {
			t.Errorf("staff resolved a closed ticket: closed %s resolved %s", fmtTime(set.ClosedAt), fmtTime(set.ResolvedAt))
		}
		set = f.setStatus(tk.ID, ticket.StatusPending)
		if set.ClosedAt != nil || set.ResolvedAt != nil || set.Status != ticket.StatusPending {
			t.Errorf("staff set pending: status %s closed %s resolved %s", set.Status, fmtTime(set.ClosedAt), fmtTime(set.ResolvedAt))
		}
		// Reopening a pending ticket is a conflict.
		_, err = f.svc.Reopen(f.ctx, f.staff, tk.ID)
		wantIs(t, err, apperr.ErrConflict)
	})
}

// checkCounts compares the rolled-up counts every viewer sees with a live
// count of the table.
func (f *fixture) checkCounts(step string) {
	f.t.Helper()
	for _, c := range []struct {
		u     *caller.Caller
		where string
		arg   int64
	}{
		{f.mod, "customer_id = ?", f.customerA.ID},
		{f.member, "customer_id = ?", f.customerA.ID},
		{f.memberB, "customer_id = ?", f.customerB.ID},
		{f.member2A, "customer_id = ?", f.customer2A.ID},
		{f.staff, "provider_id = ?", f.provider.ID},
		{f.agent, "provider_id = ?", f.provider.ID},
		{f.staff2, "provider_id = ?", f.provider2.ID},
	} {
		got, want := f.counts(c.u), f.liveCounts(c.where, c.arg)
		if !mapsEqual(got, want) {
			f.t.Errorf("%s: %s counts %v, live %v", step, c.u.Email, got, want)
		}
	}
}

func TestCountsFollowEveryChange(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.checkCounts("empty")
		a1 := f.web(f.member, "A1")
		a2 := f.web(f.mod, "A2")
		a3 := f.onBehalf(f.staff, f.customerA, f.member, ticket.ChannelPhone, "A3")
		b1 := f.web(f.memberB, "B1")
		b2 := f.onBehalf(f.agent, f.customerB, nil, ticket.ChannelEmail, "B2")
		p2 := f.web(f.member2A, "P2")
		f.checkCounts("created")

		steps := []struct {
			name string
			do   func() error
		}{
			{"staff answers A1", func() error { _, err := f.svc.Reply(f.ctx, f.agent, a1.ID, "hi", false); return err }},
			{"note on A2", func() error { _, err := f.svc.Reply(f.ctx, f.agent, a2.ID, "hm", true); return err }},
			{"customer replies to new A2", func() error { _, err := f.svc.Reply(f.ctx, f.mod, a2.ID, "hello?", false); return err }},
			{"A1 pending", func() error {
				_, err := f.svc.Update(f.ctx, f.staff, a1.ID, ticket.Change{Status: ptr("pending")})
				return err
			}},
			{"customer answers pending A1", func() error { _, err := f.svc.Reply(f.ctx, f.member, a1.ID, "here", false); return err }},
			{"member closes A2", func() error { _, err := f.svc.Close(f.ctx, f.member, a2.ID); return err }},
			{"A2 closed twice", func() error { _, err := f.svc.Close(f.ctx, f.mod, a2.ID); return ignore(err, apperr.ErrConflict) }},
			{"customer reopens A2", func() error { _, err := f.svc.Reopen(f.ctx, f.mod, a2.ID); return err }},
			{"A2 reopened twice", func() error { _, err := f.svc.Reopen(f.ctx, f.mod, a2.ID); return ignore(err, apperr.ErrConflict) }},
			{"customer cannot close phone A3", func() error {
				_, err := f.svc.Close(f.ctx, f.member, a3.ID)
				return ignore(err, apperr.ErrForbidden)
			}},
			{"A3 resolved", func() error {
				_, err := f.svc.Update(f.ctx, f.agent, a3.ID, ticket.Change{Status: ptr("resolved")})
				return err
			}},
			{"A3 resolved again", func() error {
				_, err := f.svc.Update(f.ctx, f.agent, a3.ID, ticket.Change{Status: ptr("resolved")})
				return err
			}},
			{"refused update of A3 rolls back", func() error {
				_, err := f.svc.Update(f.ctx, f.staff, a3.ID, ticket.Change{Status: ptr("closed"), AssigneeID: ptr(&f.member.ID)})
				return ignore(err, nil)
			}},
			{"staff closes B1", func() error { _, err := f.svc.Close(f.ctx, f.staff, b1.ID); return err }},
			{"customer replies to closed B1", func() error { _, err := f.svc.Reply(f.ctx, f.memberB, b1.ID, "again", false); return err }},
			{"B2 closed by an update", func() error {
				_, err := f.svc.Update(f.ctx, f.staff, b2.ID, ticket.Change{Status: ptr("closed")})
				return err
			}},
			{"B2 new", func() error {
				_, err := f.svc.Update(f.ctx, f.staff, b2.ID, ticket.Change{Status: ptr("new")})
				return err
			}},
			{"staff reopens nothing on B2", func() error { _, err := f.svc.Reopen(f.ctx, f.staff, b2.ID); return ignore(err, apperr.ErrConflict) }},
			{"provider two resolves P2", func() error {
				_, err := f.svc.Update(f.ctx, f.staff2, p2.ID, ticket.Change{Status: ptr("resolved")})
				return err
			}},
			{"customer reopens P2", func() error { _, err := f.svc.Reopen(f.ctx, f.member2A, p2.ID); return err }},
			{"more tickets", func() error {
				f.web(f.member2, "A4")
				f.onBehalf(f.staff, f.customerB, f.memberB, "", "B3")
				return nil
			}},
			{"A1 closed by staff", func() error { _, err := f.svc.Close(f.ctx, f.agent, a1.ID); return err }},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			f.checkCounts(s.name)
		}

		// The end state, spelled out.
		want := map[string]int{"open": 2, "resolved": 1, "closed": 1, "new": 3}
		if got := f.counts(f.staff); !mapsEqual(got, want) {
			t.Errorf("final provider counts %v, want %v", got, want)
		}
	})
}

// ignore returns nil when err is the expected refusal (any error when
// want is nil), else an error saying what happened.
func ignore(err, want error) error {
	switch {
	case err == nil:
		return errUnexpectedSuccess
	case want == nil || errors.Is(err, want):
		return nil
	default:
		return err
	}
}

var errUnexpectedSuccess = errors.New("succeeded, want a refusal")

func TestConcurrentChangesKeepCounts(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		var closing, open []*ticket.Ticket
		for i := range 5 {
			closing = append(closing, f.web(f.member, fmt.Sprint("Closing ", i)))
			tk := f.web(f.mod, fmt.Sprint("Open ", i))
			f.reply(f.agent, tk.ID, "answer", false)
			open = append(open, tk)
		}
		f.checkCounts("before")

		// Everyone closes the same tickets at once: one close each wins,
		// the others are told it is closed already.
		closers := []*caller.Caller{f.member, f.mod, f.admin, f.member2, f.staff, f.agent}
		var mu sync.Mutex
		won := map[int64]int{}
		var wg sync.WaitGroup
		for _, tk := range closing {
			for _, u := range closers {
				wg.Go(func() {
					_, err := f.svc.Close(f.ctx, u, tk.ID)
					switch {
					case err == nil:
						mu.Lock()
						won[tk.ID]++
						mu.Unlock()
					case !errors.Is(err, ticket.ErrClosed):
						t.Errorf("%s closing #%d: %v", u.Email, tk.Number, err)
					}
				})
			}
		}
		wg.Wait()
		for _, tk := range closing {
			if won[tk.ID] != 1 {
				t.Errorf("#%d closed %d times, want once", tk.Number, won[tk.ID])
			}
		}
		f.checkCounts("concurrent closes")

		// Opposite moves between the same two statuses of one customer at
		// once: customers reopen closed tickets by replying while staff
		// close open ones.
		for i := range closing {
			wg.Go(func() {
				if _, err := f.svc.Reply(f.ctx, f.member, closing[i].ID, "not fixed", false); err != nil {
					t.Errorf("reply to #%d: %v", closing[i].Number, err)
				}
			})
			wg.Go(func() {
				if _, err := f.svc.Close(f.ctx, f.agent, open[i].ID); err != nil {
					t.Errorf("close #%d: %v", open[i].Number, err)
				}
			})
		}
		wg.Wait()
		f.checkCounts("opposite moves")
		if c := f.counts(f.mod); c[ticket.StatusOpen] != 5 || c[ticket.StatusClosed] != 5 || len(c) != 2 {
			t.Errorf("counts %v, want 5 open and 5 closed", c)
		}
	})
}
