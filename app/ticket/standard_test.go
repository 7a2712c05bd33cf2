package ticket_test

import (
	"errors"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/ticket"
)

// The provider's switches of the standard fields priority, assignee and
// group decide, for all of its customers, what they see and may change;
// a company's or a user's own setting wins; another provider's customers
// are untouched; editing needs seeing.
func TestStandardFieldSwitches(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		get := func() ticket.Perms {
			p, err := f.svc.PermsOf(f.ctx, f.member)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}

		// Never switched: the role defaults, marked as not stored.
		sf, err := f.svc.StandardFields(f.ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][2]bool{}
		for _, s := range sf {
			if s.Stored() {
				t.Errorf("%s is stored before anyone switched it", s.Name)
			}
			got[s.Name] = [2]bool{s.Shown, s.Editable}
		}
		want := map[string][2]bool{"priority": {true, false}, "assignee": {true, false}, "group": {false, false}}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("default of %s: %v, want %v", k, got[k], v)
			}
		}
		if p := get(); !p.ViewPriority || p.EditPriority || !p.SeeAssignee || p.EditAssignee || p.SeeGroup || p.EditGroup {
			t.Fatalf("defaults: %+v", p)
		}

		// Switched by the provider administrator.
		for _, c := range []struct {
			name            string
			shown, editable bool
		}{{"priority", false, true}, {"assignee", true, true}, {"group", true, true}} {
			if _, err := f.svc.SetStandardField(f.ctx, f.staff, c.name, c.shown, c.editable); err != nil {
				t.Fatal(err)
			}
		}
		p := get()
		if p.ViewPriority || p.EditPriority {
			t.Errorf("priority not shown: neither seen nor edited (editable needs shown): %+v", p)
		}
		if !p.SeeAssignee || !p.EditAssignee || !p.SeeGroup || !p.EditGroup {
			t.Errorf("assignee and group shown and editable: %+v", p)
		}
		if p2, _ := f.svc.PermsOf(f.ctx, f.member2A); !p2.ViewPriority || p2.SeeGroup || p2.EditAssignee {
			t.Errorf("another provider's customer follows our switches: %+v", p2)
		}
		sf, _ = f.svc.StandardFields(f.ctx, f.staff)
		if !sf[0].Stored() || sf[0].Name != "priority" || sf[0].Shown || sf[0].Editable {
			t.Errorf("stored priority: %+v", sf[0])
		}
		// Switching again replaces the row.
		if _, err := f.svc.SetStandardField(f.ctx, f.staff, "priority", true, false); err != nil {
			t.Fatal(err)
		}
		if p := get(); !p.ViewPriority || p.EditPriority {
			t.Errorf("priority shown again, not editable: %+v", p)
		}
		if n := f.count("ticket_standard_fields", "provider_id = ?", f.provider.ID); n != 3 {
			t.Errorf("%d rows of switches, want 3", n)
		}

		// The company's and the user's settings win over the provider's.
		if _, err := f.svc.SetCompanyPerms(f.ctx, f.staff, f.customerA.ID, ticket.PermChoices{"edit_group": "deny", "edit_priority": "allow"}); err != nil {
			t.Fatal(err)
		}
		if p := get(); p.EditGroup || !p.EditPriority || !p.SeeGroup {
			t.Errorf("company settings over the provider's: %+v", p)
		}
		if _, err := f.svc.SetUserPerms(f.ctx, f.staff, f.member.ID, ticket.PermChoices{"edit_group": "allow", "see_assignee": "deny"}); err != nil {
			t.Fatal(err)
		}
		if p := get(); !p.EditGroup || p.SeeAssignee || p.EditAssignee {
			t.Errorf("user settings over the company's: %+v (an unseen assignee is not editable)", p)
		}
		if p, _ := f.svc.PermsOf(f.ctx, f.member2); p.EditGroup || !p.EditAssignee {
			t.Errorf("a colleague keeps the company's and provider's settings: %+v", p)
		}

		// Only staff switch, only the known fields, only their provider's.
		if _, err := f.svc.SetStandardField(f.ctx, f.admin, "group", true, true); !isNotFound(err) {
			t.Errorf("customer admin switched a standard field: %v", err)
		}
		if _, err := f.svc.StandardFields(f.ctx, f.member); !isNotFound(err) {
			t.Errorf("customer read the switches: %v", err)
		}
		if _, err := f.svc.SetStandardField(f.ctx, f.staff, "subject", true, true); !isNotFound(err) {
			t.Errorf("unknown standard field: %v", err)
		}
		sf2, _ := f.svc.StandardFields(f.ctx, f.staff2)
		for _, s := range sf2 {
			if s.Stored() {
				t.Errorf("provider two sees our switch of %s", s.Name)
			}
		}
	})
}

// Customers whom the switches let edit the assignee and the group set them
// on their tickets and new tickets; the assignee must be an active agent of
// the provider. Without the switch the same input is ignored.
func TestCustomersEditAssigneeAndGroup(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Paper jam")
		// Not editable: ignored.
		got := f.update(f.member, tk.ID, ticket.Change{Group: ptr("Field service"), AssigneeID: ptr(&f.agent.ID)})
		if got.GroupName != "" || got.AssigneeID != nil {
			t.Fatalf("not editable, yet changed: group %q assignee %v", got.GroupName, fmtID(got.AssigneeID))
		}
		for _, name := range []string{"assignee", "group"} {
			if _, err := f.svc.SetStandardField(f.ctx, f.staff, name, true, true); err != nil {
				t.Fatal(err)
			}
		}
		got = f.update(f.member, tk.ID, ticket.Change{Group: ptr("  Field service "), AssigneeID: ptr(&f.agent.ID)})
		if got.GroupName != "Field service" || got.AssigneeID == nil || *got.AssigneeID != f.agent.ID {
			t.Fatalf("editable: group %q assignee %v", got.GroupName, fmtID(got.AssigneeID))
		}
		// Unassign.
		got = f.update(f.member, tk.ID, ticket.Change{AssigneeID: ptr[*int64](nil)})
		if got.AssigneeID != nil {
			t.Fatalf("unassign: %v", fmtID(got.AssigneeID))
		}
		// Not an agent of the provider: a customer user, another provider's staff, a missing id.
		for _, id := range []int64{f.member.ID, f.staff2.ID, 999999} {
			_, err := f.svc.Update(f.ctx, f.member, tk.ID, ticket.Change{AssigneeID: ptr(&id)})
			wantProblem(t, err, "assignee_id", "error.assignee_unknown")
		}
		_, err := f.svc.Update(f.ctx, f.member, tk.ID, ticket.Change{Group: ptr(string(make([]byte, 101)))})
		wantFields(t, err, "group")
		if again := f.ticket(f.member, tk.ID); again.GroupName != "Field service" {
			t.Fatalf("a refused change lost the group: %q", again.GroupName)
		}

		// On a new ticket.
		nt := f.create(f.member, ticket.NewTicket{Subject: "Toner", Description: "Empty", Group: "Supplies", AssigneeID: f.agent.ID})
		if nt.GroupName != "Supplies" || nt.AssigneeID == nil || *nt.AssigneeID != f.agent.ID {
			t.Fatalf("new ticket: group %q assignee %v", nt.GroupName, fmtID(nt.AssigneeID))
		}
		_, err = f.svc.Create(f.ctx, f.member, ticket.NewTicket{Subject: "Toner", Description: "Empty", AssigneeID: f.staff2.ID})
		wantProblem(t, err, "assignee_id", "error.assignee_unknown")
		// A member of another provider's customer is not affected by our switches.
		other := f.create(f.member2A, ticket.NewTicket{Subject: "Toner", Description: "Empty", Group: "Supplies"})
		if other.GroupName != "" {
			t.Fatalf("provider two's customer set the group: %q", other.GroupName)
		}
	})
}

func isNotFound(err error) bool { return errors.Is(err, apperr.ErrNotFound) }
