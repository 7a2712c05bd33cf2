package ticket_test

import (
	"slices"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/ticket"
)

func TestTenantIsolation(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		a := f.web(f.member, "A's printer")
		aPhone := f.onBehalf(f.staff, f.customerA, f.member, ticket.ChannelPhone, "A's phone call")
		f.setStatus(aPhone.ID, ticket.StatusResolved) // so that Reopen would be allowed
		b := f.web(f.memberB, "B's printer")
		two := f.web(f.member2A, "Provider two's printer")

		// Every user of customer A sees A's tickets.
		for _, u := range []*caller.Caller{f.admin, f.mod, f.member, f.member2, f.staff, f.agent} {
			f.ticket(u, a.ID)
			f.ticket(u, aPhone.ID)
		}

		outsiders := []*caller.Caller{f.memberB, f.staff2, f.member2A}
		for _, u := range outsiders {
			for _, tk := range []*ticket.Ticket{a, aPhone} {
				_, err := f.svc.Ticket(f.ctx, u, tk.ID)
				wantIs(t, err, apperr.ErrNotFound)
				_, _, err = f.svc.Messages(f.ctx, u, tk.ID, 0, 100)
				wantIs(t, err, apperr.ErrNotFound)
				_, err = f.svc.Reply(f.ctx, u, tk.ID, "let me in", false)
				wantIs(t, err, apperr.ErrNotFound)
				_, err = f.svc.Reply(f.ctx, u, tk.ID, "let me in", true)
				wantIs(t, err, apperr.ErrNotFound)
				_, err = f.svc.Close(f.ctx, u, tk.ID)
				wantIs(t, err, apperr.ErrNotFound)
				_, err = f.svc.Reopen(f.ctx, u, tk.ID)
				wantIs(t, err, apperr.ErrNotFound)
				_, err = f.svc.Update(f.ctx, u, tk.ID, ticket.Change{Subject: ptr("Mine now"), Priority: ptr("urgent"),
					Status: ptr(ticket.StatusClosed), AssigneeID: ptr[*int64](nil)})
				wantIs(t, err, apperr.ErrNotFound)
			}
		}
		// An unknown ticket is not found either.
		_, err := f.svc.Ticket(f.ctx, f.staff, 987654)
		wantIs(t, err, apperr.ErrNotFound)

		// Nothing changed.
		if got := f.ticket(f.staff, a.ID); got.Subject != a.Subject || got.Status != ticket.StatusNew || got.Priority != "normal" ||
			!got.UpdatedAt.Equal(a.UpdatedAt) {
			t.Errorf("A's ticket changed by outsiders: %+v", got)
		}
		if got := f.ticket(f.staff, aPhone.ID); got.Status != ticket.StatusResolved {
			t.Errorf("A's phone ticket %s, want resolved", got.Status)
		}
		if n := f.count("ticket_messages", "1 = 1"); n != 4 {
			t.Errorf("%d messages, want the 4 descriptions", n)
		}

		// Lists and counts hold only what each may see.
		for _, c := range []struct {
			u    *caller.Caller
			want []int64
			flt  ticket.Filter
		}{
			{f.member, []int64{a.ID, aPhone.ID}, ticket.Filter{}},
			{f.admin, []int64{a.ID, aPhone.ID}, ticket.Filter{}},
			{f.memberB, []int64{b.ID}, ticket.Filter{}},
			{f.memberB, []int64{b.ID}, ticket.Filter{CustomerID: f.customerA.ID}},
			{f.memberB, nil, ticket.Filter{Query: "A's"}},
			{f.memberB, nil, ticket.Filter{Query: "#1001"}},
			{f.member2A, []int64{two.ID}, ticket.Filter{}},
			{f.staff, []int64{a.ID, aPhone.ID, b.ID}, ticket.Filter{}},
			{f.staff, nil, ticket.Filter{CustomerID: f.customer2A.ID}},
			{f.staff2, []int64{two.ID}, ticket.Filter{}},
			{f.staff2, nil, ticket.Filter{CustomerID: f.customerA.ID}},
			{f.staff2, []int64{two.ID}, ticket.Filter{Query: "1001"}},
		} {
			var got []int64
			for _, tk := range f.listAll(c.u, c.flt, "created_at") {
				got = append(got, tk.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s lists %v with %+v, want %v", c.u.Email, got, c.flt, c.want)
			}
		}
		for _, c := range []struct {
			u    *caller.Caller
			want map[string]int
		}{
			{f.member, map[string]int{"new": 1, "resolved": 1}},
			{f.memberB, map[string]int{"new": 1}},
			{f.member2A, map[string]int{"new": 1}},
			{f.staff, map[string]int{"new": 2, "resolved": 1}},
			{f.staff2, map[string]int{"new": 1}},
		} {
			if got := f.counts(c.u); !mapsEqual(got, c.want) {
				t.Errorf("%s counts %v, want %v", c.u.Email, got, c.want)
			}
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestInternalNotes(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Printer")
		note := f.reply(f.agent, tk.ID, "Customer is on the old firmware", true)
		if !note.Internal || !note.AuthorStaff || note.AuthorID == nil || *note.AuthorID != f.agent.ID {
			t.Errorf("note %+v, want internal by the agent", note)
		}
		answer := f.reply(f.agent, tk.ID, "Please update the firmware", false)
		if answer.Internal {
			t.Errorf("public reply stored internal")
		}
		// A customer cannot write an internal note: the flag is ignored.
		own := f.reply(f.member, tk.ID, "Secret?", true)
		if own.Internal || own.AuthorStaff {
			t.Errorf("customer's message %+v, want public and not staff", own)
		}
		if n := f.count("ticket_messages", "ticket_id = ? AND internal = ?", tk.ID, true); n != 1 {
			t.Errorf("%d internal rows, want 1", n)
		}

		all := []string{"About Printer", "Customer is on the old firmware", "Please update the firmware", "Secret?"}
		public := []string{"About Printer", "Please update the firmware", "Secret?"}
		for _, u := range []*caller.Caller{f.staff, f.agent} {
			if got := bodies(f.messages(u, tk.ID)); !slices.Equal(got, all) {
				t.Errorf("%s reads %q, want %q", u.Email, got, all)
			}
		}
		for _, u := range []*caller.Caller{f.member, f.mod, f.admin, f.member2} {
			if got := bodies(f.messages(u, tk.ID)); !slices.Equal(got, public) {
				t.Errorf("%s reads %q, want %q", u.Email, got, public)
			}
		}

		// Paging one by one never yields the note to a customer.
		var got []string
		var after int64
		for range 10 {
			ms, more, err := f.svc.Messages(f.ctx, f.member, tk.ID, after, 1)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, bodies(ms)...)
			if !more {
				break
			}
			after = ms[len(ms)-1].ID
		}
		if !slices.Equal(got, public) {
			t.Errorf("customer pages %q, want %q", got, public)
		}
	})
}

func TestChannelRules(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, ch := range []string{ticket.ChannelPhone, ticket.ChannelMessenger} {
			tk := f.onBehalf(f.staff, f.customerA, f.member, ch, "Read-only "+ch)
			for _, u := range []*caller.Caller{f.member, f.mod, f.admin} {
				_, err := f.svc.Reply(f.ctx, u, tk.ID, "hello", false)
				wantIs(t, err, apperr.ErrForbidden)
				wantIs(t, err, ticket.ErrChannelReadOnly)
				_, err = f.svc.Close(f.ctx, u, tk.ID)
				wantIs(t, err, apperr.ErrForbidden)
				wantIs(t, err, ticket.ErrChannelReadOnly)
			}
			if got := f.ticket(f.member, tk.ID); got.Status != ticket.StatusNew || got.ClosedAt != nil {
				t.Errorf("%s: status %s after refused customer actions", ch, got.Status)
			}
			if got := f.messages(f.staff, tk.ID); len(got) != 1 {
				t.Errorf("%s: %d messages after refused customer replies, want 1", ch, len(got))
			}

			// Staff may do everything.
			f.reply(f.agent, tk.ID, "We are on it", false)
			if _, err := f.svc.Close(f.ctx, f.agent, tk.ID); err != nil {
				t.Fatalf("%s: staff close: %v", ch, err)
			}
			// A closed read-only ticket stays closed for the customer.
			_, err := f.svc.Reopen(f.ctx, f.member, tk.ID)
			wantIs(t, err, apperr.ErrForbidden)
			wantIs(t, err, ticket.ErrChannelReadOnly)
			_, err = f.svc.Reply(f.ctx, f.member, tk.ID, "still broken", false)
			wantIs(t, err, ticket.ErrChannelReadOnly)
			if got := f.ticket(f.member, tk.ID); got.Status != ticket.StatusClosed {
				t.Errorf("%s: status %s after the customer's refused reopen, want closed", ch, got.Status)
			}
			if _, err := f.svc.Reopen(f.ctx, f.staff, tk.ID); err != nil {
				t.Fatalf("%s: staff reopen: %v", ch, err)
			}
			// The customer can still read it.
			if got := bodies(f.messages(f.member, tk.ID)); len(got) != 2 {
				t.Errorf("%s: customer reads %q", ch, got)
			}
		}

		// Web and email tickets are the customer's to continue.
		email := f.onBehalf(f.staff, f.customerA, f.member, ticket.ChannelEmail, "By email")
		web := f.web(f.member2, "On the web")
		for _, tk := range []*ticket.Ticket{email, web} {
			f.reply(f.member, tk.ID, "more detail", false)
			closed, err := f.svc.Close(f.ctx, f.member, tk.ID)
			if err != nil {
				t.Fatalf("%s: customer close: %v", tk.Channel, err)
			}
			if closed.Status != ticket.StatusClosed {
				t.Errorf("%s: closed ticket is %s", tk.Channel, closed.Status)
			}
			reopened, err := f.svc.Reopen(f.ctx, f.mod, tk.ID)
			if err != nil {
				t.Fatalf("%s: customer reopen: %v", tk.Channel, err)
			}
			if reopened.Status != ticket.StatusOpen {
				t.Errorf("%s: reopened ticket is %s", tk.Channel, reopened.Status)
			}
		}

		if !ticket.CustomerWritable(ticket.ChannelWeb) || !ticket.CustomerWritable(ticket.ChannelEmail) {
			t.Error("web and email must be customer writable")
		}
		for _, ch := range []string{ticket.ChannelPhone, ticket.ChannelMessenger, ticket.ChannelQR, ticket.ChannelVideo, ""} {
			if ticket.CustomerWritable(ch) {
				t.Errorf("channel %q customer writable", ch)
			}
		}
	})
}
