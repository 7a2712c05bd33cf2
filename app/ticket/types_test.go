package ticket_test

import (
	"testing"

	"backoffice/app/ticket"
)

// The provider's list of ticket types: built-in until changed; added types
// are chosen on new and existing tickets; retired types are no longer
// offered but tickets keep them and lists still filter by them; another
// provider's list is its own.
func TestTicketTypeList(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		keys := func(l ticket.TypeList) []string {
			var out []string
			for _, t := range l {
				out = append(out, t.Key)
			}
			return out
		}
		types, err := f.svc.Types(f.ctx, f.member)
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(types); len(got) != 4 || got[0] != "question" || !types.Find("incident").Active {
			t.Fatalf("built-in list: %v", got)
		}
		onsite, err := f.svc.AddType(f.ctx, f.staff, "  On-site visit ")
		if err != nil {
			t.Fatal(err)
		}
		if onsite.Key != "on_site_visit" || onsite.Label != "On-site visit" || !onsite.Active || onsite.Position != 4 {
			t.Fatalf("added: %+v", onsite)
		}
		again, err := f.svc.AddType(f.ctx, f.staff, "Ремонт")
		if err != nil {
			t.Fatal(err)
		}
		if again.Key != "type_2" {
			t.Fatalf("key of a label without ASCII letters: %q", again.Key)
		}
		_, err = f.svc.AddType(f.ctx, f.staff, "on-site VISIT")
		wantProblem(t, err, "label", "error.type_exists")
		_, err = f.svc.AddType(f.ctx, f.staff, " ")
		wantFields(t, err, "label")
		if n := f.count("ticket_types", "provider_id = ?", f.provider.ID); n != 6 {
			t.Fatalf("%d stored types, want the 4 built-in and 2 added", n)
		}

		// Customers allowed to set the type choose the new one; a retired
		// type is refused for new choices, kept where it is.
		if _, err := f.svc.SetCompanyPerms(f.ctx, f.staff, f.customerA.ID, ticket.PermChoices{"edit_type": "allow"}); err != nil {
			t.Fatal(err)
		}
		tk := f.create(f.member, ticket.NewTicket{Subject: "Valve", Description: "leaks", Type: "on_site_visit"})
		if tk.Type != "on_site_visit" {
			t.Fatalf("new ticket type %q", tk.Type)
		}
		old := f.create(f.member, ticket.NewTicket{Subject: "Pump", Description: "noise", Type: "maintenance"})
		if _, err := f.svc.UpdateType(f.ctx, f.staff, "maintenance", ticket.TypeInput{Active: ptr(false), Label: ptr("Servicing")}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Create(f.ctx, f.member, ticket.NewTicket{Subject: "Pump", Description: "noise", Type: "maintenance"})
		wantProblem(t, err, "type", "error.ticket_type")
		_, err = f.svc.Update(f.ctx, f.member, tk.ID, ticket.Change{Type: ptr("maintenance")})
		wantProblem(t, err, "type", "error.ticket_type")
		_, err = f.svc.Update(f.ctx, f.member, tk.ID, ticket.Change{Type: ptr("no_such_type")})
		wantProblem(t, err, "type", "error.ticket_type")
		if got := f.update(f.member, old.ID, ticket.Change{Type: ptr("maintenance"), Tags: nil}); got.Type != "maintenance" {
			t.Fatalf("a ticket keeps its retired type: %q", got.Type)
		}
		if got := numbers(f.listAll(f.staff, ticket.Filter{Type: "maintenance"}, "")); len(got) != 1 || got[0] != old.Number {
			t.Fatalf("filter by a retired type: %v", got)
		}
		_, err = f.svc.List(f.ctx, f.staff, ticket.Filter{Type: "no_such_type"}, "", nil, 10)
		wantFields(t, err, "type")
		types, _ = f.svc.Types(f.ctx, f.member)
		if m := types.Find("maintenance"); m.Active || m.Label != "Servicing" {
			t.Fatalf("retired and renamed: %+v", m)
		}
		// Without a type of its own choosing, a ticket gets the first one offered.
		if _, err := f.svc.UpdateType(f.ctx, f.staff, "question", ticket.TypeInput{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if got := f.web(f.member2, "Default"); got.Type != "incident" {
			t.Fatalf("default type %q, want the first offered", got.Type)
		}
		// A built-in type's own label can be cleared; an added one's cannot.
		if got, err := f.svc.UpdateType(f.ctx, f.staff, "maintenance", ticket.TypeInput{Label: ptr("")}); err != nil || got.Label != "" {
			t.Fatalf("clearing a built-in label: %v %+v", err, got)
		}
		_, err = f.svc.UpdateType(f.ctx, f.staff, "on_site_visit", ticket.TypeInput{Label: ptr(" ")})
		wantProblem(t, err, "label", "error.required")
		// One type stays offered.
		for _, k := range []string{"incident", "service_request", "on_site_visit"} {
			if _, err := f.svc.UpdateType(f.ctx, f.staff, k, ticket.TypeInput{Active: ptr(false)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.svc.UpdateType(f.ctx, f.staff, "type_2", ticket.TypeInput{Active: ptr(false)})
		wantProblem(t, err, "active", "error.type_last")

		// Only staff change the list, only their own; provider two keeps the built-in list.
		if _, err := f.svc.AddType(f.ctx, f.admin, "Mine"); !isNotFound(err) {
			t.Fatalf("customer added a type: %v", err)
		}
		if _, err := f.svc.UpdateType(f.ctx, f.staff2, "on_site_visit", ticket.TypeInput{Active: ptr(true)}); !isNotFound(err) {
			t.Fatalf("provider two changed our type: %v", err)
		}
		two, _ := f.svc.Types(f.ctx, f.member2A)
		if got := keys(two); len(got) != 4 || !two.Find("question").Active {
			t.Fatalf("provider two's list: %v", got)
		}
		_, err = f.svc.Create(f.ctx, f.staff2, ticket.NewTicket{Subject: "x", Description: "y", CustomerID: f.customer2A.ID, Type: "on_site_visit"})
		wantProblem(t, err, "type", "error.ticket_type")
	})
}
