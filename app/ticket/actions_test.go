package ticket_test

import (
	"fmt"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/ticket"
)

// The actions a page offers are exactly those the service then carries out:
// for every caller, channel and status, ActionsFor allows an act if and only
// if the service does it (each on a fresh ticket).
func TestActionsForAgreeWithTheService(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// A company that may not close its tickets: the close permission is
		// part of the rule.
		if _, err := f.svc.SetCompanyPerms(f.ctx, f.staff, f.customerB.ID, ticket.PermChoices{"close": "deny"}); err != nil {
			t.Fatal(err)
		}
		callers := map[string]*caller.Caller{"agent": f.agent, "requester": f.member, "colleague": f.member2,
			"moderator": f.mod, "no-close": f.memberB}
		acts := map[ticket.Act]func(u *caller.Caller, id int64) error{
			ticket.ActReply: func(u *caller.Caller, id int64) error {
				_, err := f.svc.Reply(f.ctx, u, id, "Any news?", false)
				return err
			},
			ticket.ActClose:  func(u *caller.Caller, id int64) error { _, err := f.svc.Close(f.ctx, u, id); return err },
			ticket.ActReopen: func(u *caller.Caller, id int64) error { _, err := f.svc.Reopen(f.ctx, u, id); return err },
			ticket.ActRate:   func(u *caller.Caller, id int64) error { _, err := f.svc.Rate(f.ctx, u, id, 4, ""); return err },
		}
		offered := func(a ticket.Actions, act ticket.Act) bool {
			return map[ticket.Act]bool{ticket.ActReply: a.Reply, ticket.ActClose: a.Close, ticket.ActReopen: a.Reopen, ticket.ActRate: a.Rate}[act]
		}
		everything := func(string) bool { return true }
		checked := 0
		for name, u := range callers {
			requester := f.member
			customer := f.customerA
			if u == f.memberB {
				requester, customer = f.memberB, f.customerB
			}
			for _, channel := range []string{ticket.ChannelWeb, ticket.ChannelPhone} {
				for _, status := range []string{ticket.StatusOpen, ticket.StatusResolved, ticket.StatusClosed} {
					for act, do := range acts {
						tk := f.onBehalf(f.staff, customer, requester, channel, fmt.Sprintf("%s %s %s %s", name, channel, status, act))
						if status != tk.Status {
							f.setStatus(tk.ID, status)
						}
						seen := f.ticket(u, tk.ID)
						perms, err := f.svc.PermsOf(f.ctx, u)
						if err != nil {
							t.Fatal(err)
						}
						a := ticket.ActionsFor(perms, u, seen, everything)
						err = do(u, tk.ID)
						if offered(a, act) != (err == nil) {
							t.Errorf("%s on a %s ticket, %s: offered %v, service says %v", act, channel, status, offered(a, act), err)
						}
						if (a.ReadOnly == nil) != a.Reply {
							t.Errorf("%s on a %s ticket: reply %v but read-only reason %v", name, channel, a.Reply, a.ReadOnly)
						}
						checked++
					}
				}
			}
		}
		if checked != 5*2*3*4 {
			t.Fatalf("checked %d combinations", checked)
		}
	})
}

// What the role may not do is not offered, whatever the ticket allows.
func TestActionsForAskTheRole(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Leak")
		f.setStatus(tk.ID, ticket.StatusResolved)
		seen := f.ticket(f.member, tk.ID)
		perms, _ := f.svc.PermsOf(f.ctx, f.member)
		all := ticket.ActionsFor(perms, f.member, seen, func(string) bool { return true })
		if !all.Reply || !all.Close || !all.Reopen || !all.Rate {
			t.Fatalf("the requester of a resolved web ticket may do everything: %+v", all)
		}
		none := ticket.ActionsFor(perms, f.member, seen, func(string) bool { return false })
		if none.Reply || none.Close || none.Reopen || none.Rate || none.Note {
			t.Fatalf("a role without ticket permissions is offered %+v", none)
		}
		staff := ticket.ActionsFor(ticket.Perms{}, f.agent, f.ticket(f.agent, tk.ID), func(string) bool { return true })
		if !staff.Note || !staff.Edit.Status || !staff.Edit.Subject || staff.Rate {
			t.Fatalf("staff: %+v", staff)
		}
		if member := all.Edit; member.Status || member.Subject || member.Device || all.Note {
			t.Fatalf("a customer is offered staff edits: %+v (note %v)", member, all.Note)
		}
	})
}

// Redaction leaves out exactly the parameters the permissions hide, and the
// redactor also the data field values a customer is not shown.
func TestRedactLeavesOutWhatIsHidden(t *testing.T) {
	full := &ticket.Ticket{Priority: "high", PriorityRank: 3, Type: "fault", Tags: "a,b", GroupName: "Field",
		AssigneeID: ptr(int64(7)), Subject: "Pump", Status: ticket.StatusOpen}
	r := ticket.Redact(ticket.Perms{}, full)
	if r.Priority != "" || r.PriorityRank != 0 || r.Type != "" || r.Tags != "" || r.GroupName != "" || r.AssigneeID != nil || r.Assignee != nil {
		t.Fatalf("nothing may be seen, got %+v", r)
	}
	if r.Subject != "Pump" || r.Status != ticket.StatusOpen || full.Priority != "high" {
		t.Fatalf("redaction changed what is always shown or the original: %+v / %+v", r, full)
	}
	seen := ticket.Redact(ticket.Perms{ViewPriority: true, ViewType: true, ViewTags: true, SeeAssignee: true, SeeGroup: true}, full)
	if *seen != *full {
		t.Fatalf("everything may be seen, got %+v", seen)
	}
}
