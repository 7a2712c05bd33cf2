package ticket_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/caller"
	"backoffice/app/ticket"
)

func TestCreateByCustomer(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// Everything a customer may not choose is sent and must be ignored.
		tk := f.create(f.member, ticket.NewTicket{
			Subject: "  Printer jams  ", Description: "It jams\r\nevery day  \n\n",
			Priority: "urgent", Type: "incident", Tags: []string{"VIP"},
			CustomerID: f.customerB.ID, RequesterID: f.staff.ID, Channel: ticket.ChannelPhone,
			DeviceID: f.devA.ID,
		})
		if tk.Number != 1001 {
			t.Errorf("number %d, want 1001", tk.Number)
		}
		if tk.ProviderID != f.provider.ID || tk.CustomerID != f.customerA.ID {
			t.Errorf("provider %d customer %d, want %d %d", tk.ProviderID, tk.CustomerID, f.provider.ID, f.customerA.ID)
		}
		if tk.Channel != ticket.ChannelWeb {
			t.Errorf("channel %q, want web", tk.Channel)
		}
		if tk.RequesterID == nil || *tk.RequesterID != f.member.ID || tk.RequesterName != f.member.Name() ||
			tk.RequesterEmail != f.member.Email {
			t.Errorf("requester %s %q %q, want the member", fmtID(tk.RequesterID), tk.RequesterName, tk.RequesterEmail)
		}
		if tk.Requester == nil || tk.Requester.ID != f.member.ID {
			t.Errorf("requester relation not loaded: %+v", tk.Requester)
		}
		if tk.Subject != "Printer jams" || tk.Status != ticket.StatusNew {
			t.Errorf("subject %q status %q", tk.Subject, tk.Status)
		}
		if tk.Priority != "normal" || tk.PriorityRank != 2 || tk.Type != "question" || tk.Tags != "" || len(tk.TagList()) != 0 {
			t.Errorf("priority %q (%d) type %q tags %q: a customer's choices must be ignored",
				tk.Priority, tk.PriorityRank, tk.Type, tk.Tags)
		}
		if tk.DeviceID == nil || *tk.DeviceID != f.devA.ID || tk.Device == nil || tk.Device.ID != f.devA.ID {
			t.Errorf("device %s, want %d", fmtID(tk.DeviceID), f.devA.ID)
		}
		if tk.AssigneeID != nil || tk.FirstResponseAt != nil || tk.ResolvedAt != nil || tk.ClosedAt != nil {
			t.Errorf("new ticket has assignee %s first response %s resolved %s closed %s",
				fmtID(tk.AssigneeID), fmtTime(tk.FirstResponseAt), fmtTime(tk.ResolvedAt), fmtTime(tk.ClosedAt))
		}
		if want := start.Add(ticket.Targets["normal"]); tk.DueAt == nil || !tk.DueAt.Equal(want) {
			t.Errorf("due %s, want %s", fmtTime(tk.DueAt), want)
		}
		if !tk.CreatedAt.Equal(start) || !tk.UpdatedAt.Equal(start) {
			t.Errorf("created %s updated %s, want %s", tk.CreatedAt, tk.UpdatedAt, start)
		}

		// The description is the first message, by the member, public.
		ms := f.messages(f.member, tk.ID)
		if len(ms) != 1 {
			t.Fatalf("%d messages, want 1", len(ms))
		}
		m := ms[0]
		if m.Body != "It jams\nevery day" || m.AuthorID == nil || *m.AuthorID != f.member.ID ||
			m.AuthorName != f.member.Name() || m.AuthorStaff || m.Internal || m.TicketID != tk.ID {
			t.Errorf("first message %+v", m)
		}

		// Reloaded, it is the same ticket.
		again := f.ticket(f.member, tk.ID)
		if again.Number != 1001 || again.Priority != "normal" || again.Channel != ticket.ChannelWeb || !sameTime(again.DueAt, tk.DueAt) {
			t.Errorf("reloaded %+v", again)
		}

		// Numbers go on per provider: staff's tickets share the sequence, a
		// second provider starts its own at 1001.
		f.clock.Advance(time.Minute)
		if n := f.web(f.mod, "Second").Number; n != 1002 {
			t.Errorf("second ticket of the provider #%d, want 1002", n)
		}
		if n := f.onBehalf(f.agent, f.customerB, nil, "", "Third").Number; n != 1003 {
			t.Errorf("third ticket of the provider #%d, want 1003", n)
		}
		if n := f.web(f.member2A, "Other provider").Number; n != 1001 {
			t.Errorf("first ticket of provider two #%d, want 1001", n)
		}
		if n := f.onBehalf(f.staff2, f.customer2A, nil, "", "Other provider 2").Number; n != 1002 {
			t.Errorf("second ticket of provider two #%d, want 1002", n)
		}
		if n := f.web(f.memberB, "Fourth").Number; n != 1004 {
			t.Errorf("fourth ticket of the provider #%d, want 1004", n)
		}
	})
}

func TestCreateDueFollowsPriority(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, p := range ticket.Priorities {
			tk := f.create(f.staff, ticket.NewTicket{Subject: "Due " + p, Description: "x", CustomerID: f.customerA.ID, Priority: p})
			if want := start.Add(ticket.Targets[p]); tk.DueAt == nil || !tk.DueAt.Equal(want) {
				t.Errorf("%s: due %s, want %s", p, fmtTime(tk.DueAt), want)
			}
			if tk.Priority != p || tk.PriorityRank != ticket.PriorityRank(p) {
				t.Errorf("%s: priority %q rank %d", p, tk.Priority, tk.PriorityRank)
			}
		}
	})
}

func TestCreateValidation(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		valid := func() ticket.NewTicket { return ticket.NewTicket{Subject: "Subject", Description: "Description"} }
		for _, c := range []struct {
			name           string
			edit           func(*ticket.NewTicket)
			field, message string
		}{
			{"empty subject", func(in *ticket.NewTicket) { in.Subject = "" }, "subject", "error.required"},
			{"blank subject", func(in *ticket.NewTicket) { in.Subject = " \t " }, "subject", "error.required"},
			{"subject too long", func(in *ticket.NewTicket) { in.Subject = strings.Repeat("é", 201) }, "subject", "error.too_long"},
			{"subject with line break", func(in *ticket.NewTicket) { in.Subject = "one\ntwo" }, "subject", "error.invalid_chars"},
			{"subject with NUL", func(in *ticket.NewTicket) { in.Subject = "a\x00b" }, "subject", "error.invalid_chars"},
			{"subject with bell", func(in *ticket.NewTicket) { in.Subject = "a\x07b" }, "subject", "error.invalid_chars"},
			{"empty description", func(in *ticket.NewTicket) { in.Description = "" }, "description", "error.required"},
			{"blank description", func(in *ticket.NewTicket) { in.Description = " \r\n\t " }, "description", "error.required"},
			{"description too long", func(in *ticket.NewTicket) { in.Description = strings.Repeat("é", 20001) }, "description", "error.too_long"},
			{"description with NUL", func(in *ticket.NewTicket) { in.Description = "a\x00b" }, "description", "error.invalid_chars"},
			{"description with escape", func(in *ticket.NewTicket) { in.Description = "a\x1b[31mb" }, "description", "error.invalid_chars"},
			{"device of another customer", func(in *ticket.NewTicket) { in.DeviceID = f.devB.ID }, "device_id", "error.device_unknown"},
			{"device of another provider", func(in *ticket.NewTicket) { in.DeviceID = f.dev2.ID }, "device_id", "error.device_unknown"},
			{"unknown device", func(in *ticket.NewTicket) { in.DeviceID = 987654 }, "device_id", "error.device_unknown"},
		} {
			in := valid()
			c.edit(&in)
			_, err := f.svc.Create(f.ctx, f.member, in)
			if err == nil {
				t.Errorf("%s: created", c.name)
				continue
			}
			wantProblem(t, err, c.field, c.message)
		}
		if n := f.count("tickets", "1 = 1"); n != 0 {
			t.Errorf("%d tickets after refused creations", n)
		}

		// The limits themselves are fine (counted in characters, not bytes),
		// and refusals took no number.
		in := valid()
		in.Subject = strings.Repeat("é", 200)
		in.Description = strings.Repeat("é", 20000)
		tk := f.create(f.member, in)
		if tk.Number != 1001 {
			t.Errorf("first ticket after refusals #%d, want 1001", tk.Number)
		}
		if ms := f.messages(f.member, tk.ID); len(ms) != 1 || ms[0].Body != in.Description {
			t.Errorf("description of 20000 characters not stored whole")
		}
		// Line breaks and tabs are fine in a description.
		in = valid()
		in.Description = "line 1\n\tline 2"
		f.create(f.member, in)
	})
}

func TestCreateByStaff(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		base := func() ticket.NewTicket {
			return ticket.NewTicket{Subject: "Call about the printer", Description: "Customer called.", CustomerID: f.customerA.ID}
		}
		for _, c := range []struct {
			name           string
			edit           func(*ticket.NewTicket)
			field, message string
		}{
			{"no customer", func(in *ticket.NewTicket) { in.CustomerID = 0 }, "customer_id", "error.required"},
			{"customer of another provider", func(in *ticket.NewTicket) { in.CustomerID = f.customer2A.ID }, "customer_id", "error.customer_unknown"},
			{"the provider itself", func(in *ticket.NewTicket) { in.CustomerID = f.provider.ID }, "customer_id", "error.customer_unknown"},
			{"another provider", func(in *ticket.NewTicket) { in.CustomerID = f.provider2.ID }, "customer_id", "error.customer_unknown"},
			{"unknown customer", func(in *ticket.NewTicket) { in.CustomerID = 987654 }, "customer_id", "error.customer_unknown"},
			{"requester of another customer", func(in *ticket.NewTicket) { in.RequesterID = f.memberB.ID }, "requester_id", "error.requester_unknown"},
			{"requester of another provider", func(in *ticket.NewTicket) { in.RequesterID = f.member2A.ID }, "requester_id", "error.requester_unknown"},
			{"staff as requester", func(in *ticket.NewTicket) { in.RequesterID = f.agent.ID }, "requester_id", "error.requester_unknown"},
			{"unknown requester", func(in *ticket.NewTicket) { in.RequesterID = 987654 }, "requester_id", "error.requester_unknown"},
			{"qr channel", func(in *ticket.NewTicket) { in.Channel = ticket.ChannelQR }, "channel", "error.ticket_channel"},
			{"video channel", func(in *ticket.NewTicket) { in.Channel = ticket.ChannelVideo }, "channel", "error.ticket_channel"},
			{"unknown channel", func(in *ticket.NewTicket) { in.Channel = "fax" }, "channel", "error.ticket_channel"},
			{"unknown priority", func(in *ticket.NewTicket) { in.Priority = "critical" }, "priority", "error.ticket_priority"},
			{"unknown type", func(in *ticket.NewTicket) { in.Type = "complaint" }, "type", "error.ticket_type"},
			{"too many tags", func(in *ticket.NewTicket) {
				for i := range 21 {
					in.Tags = append(in.Tags, strings.Repeat("t", i+1))
				}
			}, "tags", "error.too_many_tags"},
			{"tag with comma", func(in *ticket.NewTicket) { in.Tags = []string{"a,b"} }, "tags", "error.tag_invalid"},
			{"tag too long", func(in *ticket.NewTicket) { in.Tags = []string{strings.Repeat("t", 41)} }, "tags", "error.tag_invalid"},
			{"device of another customer", func(in *ticket.NewTicket) { in.DeviceID = f.devB.ID }, "device_id", "error.device_unknown"},
			{"device of another provider", func(in *ticket.NewTicket) {
				in.CustomerID, in.DeviceID = f.customerA.ID, f.dev2.ID
			}, "device_id", "error.device_unknown"},
		} {
			in := base()
			c.edit(&in)
			_, err := f.svc.Create(f.ctx, f.staff, in)
			if err == nil {
				t.Errorf("%s: created", c.name)
				continue
			}
			wantProblem(t, err, c.field, c.message)
		}
		if n := f.count("tickets", "1 = 1"); n != 0 {
			t.Errorf("%d tickets after refused creations", n)
		}

		// Without a channel it is a phone ticket, with no requester.
		tk := f.create(f.staff, base())
		if tk.Channel != ticket.ChannelPhone || tk.RequesterID != nil || tk.RequesterName != "" || tk.CustomerID != f.customerA.ID ||
			tk.ProviderID != f.provider.ID || tk.Number != 1001 {
			t.Errorf("default ticket: channel %q requester %s %q customer %d provider %d #%d",
				tk.Channel, fmtID(tk.RequesterID), tk.RequesterName, tk.CustomerID, tk.ProviderID, tk.Number)
		}
		if ms := f.messages(f.staff, tk.ID); len(ms) != 1 || ms[0].AuthorID == nil || *ms[0].AuthorID != f.staff.ID ||
			!ms[0].AuthorStaff || ms[0].Internal || ms[0].Body != "Customer called." {
			t.Errorf("first message of a staff ticket: %+v", ms)
		}

		// Staff choose requester, channel, priority, type, tags and device.
		in := base()
		in.RequesterID, in.Channel, in.Priority, in.Type = f.member.ID, ticket.ChannelEmail, "urgent", "incident"
		in.Tags, in.DeviceID = []string{"VIP", " vip ", "Network"}, f.devA.ID
		tk = f.create(f.agent, in)
		if tk.Channel != ticket.ChannelEmail || tk.Priority != "urgent" || tk.PriorityRank != 0 || tk.Type != "incident" ||
			tk.Tags != ",vip,network," || !slices.Equal(tk.TagList(), []string{"vip", "network"}) {
			t.Errorf("staff choices: channel %q priority %q (%d) type %q tags %q", tk.Channel, tk.Priority, tk.PriorityRank, tk.Type, tk.Tags)
		}
		if tk.RequesterID == nil || *tk.RequesterID != f.member.ID || tk.RequesterName != f.member.Name() || tk.RequesterEmail != f.member.Email {
			t.Errorf("requester %s %q %q, want the member", fmtID(tk.RequesterID), tk.RequesterName, tk.RequesterEmail)
		}
		if tk.DeviceID == nil || *tk.DeviceID != f.devA.ID {
			t.Errorf("device %s, want %d", fmtID(tk.DeviceID), f.devA.ID)
		}
		if want := start.Add(ticket.Targets["urgent"]); tk.DueAt == nil || !tk.DueAt.Equal(want) {
			t.Errorf("due %s, want %s", fmtTime(tk.DueAt), want)
		}
		// The customer sees it.
		if got := f.ticket(f.member, tk.ID); got.Number != tk.Number {
			t.Errorf("customer loads #%d, want #%d", got.Number, tk.Number)
		}

		// Every other channel is fine.
		for _, ch := range []string{ticket.ChannelWeb, ticket.ChannelPhone, ticket.ChannelMessenger} {
			in := base()
			in.Channel = ch
			if tk := f.create(f.staff, in); tk.Channel != ch {
				t.Errorf("channel %q stored as %q", ch, tk.Channel)
			}
		}
	})
}

func TestConcurrentCreationNumbersAreDistinct(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// Two rounds: the first races for the provider's counter row that
		// does not exist yet, the second for one that does.
		creators := []*caller.Caller{f.staff, f.agent, f.member, f.mod, f.memberB}
		var want []int64
		var got []int64
		for round := range 2 {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range 10 {
				u := creators[i%len(creators)]
				in := ticket.NewTicket{Subject: "Concurrent", Description: "x"}
				if u.IsStaff() {
					in.CustomerID = f.customerA.ID
				}
				wg.Go(func() {
					tk, err := f.svc.Create(f.ctx, u, in)
					if err != nil {
						t.Errorf("round %d, creation %d: %v", round, i, err)
						return
					}
					mu.Lock()
					got = append(got, tk.Number)
					mu.Unlock()
				})
			}
			wg.Wait()
			for n := range 10 {
				want = append(want, int64(1001+round*10+n))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("numbers %v, want %v", got, want)
		}
		if n := f.count("tickets", "provider_id = ?", f.provider.ID); n != 20 {
			t.Errorf("%d tickets, want 20", n)
		}
		if n := f.count("ticket_messages", "1 = 1"); n != 20 {
			t.Errorf("%d messages, want 20", n)
		}
		if c := f.counts(f.staff); c[ticket.StatusNew] != 20 || len(c) != 1 {
			t.Errorf("provider counts %v, want 20 new", c)
		}
		live := f.liveCounts("customer_id = ?", f.customerB.ID)
		if c := f.counts(f.memberB); c[ticket.StatusNew] != live[ticket.StatusNew] || len(c) != 1 {
			t.Errorf("customer B counts %v, want %v", c, live)
		}
	})
}
