package ticket_test

import (
	"testing"

	"backoffice/app/caller"
	"backoffice/app/db/dbtest"
	"backoffice/app/ticket"
)

// Within one request the caller's permissions and fields are read once, a
// change the caller makes through the service in that request is seen at
// once, and the next request sees what others changed.
func TestRequestCallerReadsOnceAndFollowsChanges(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		rec := dbtest.Record(f.db, func(string) bool { return true })
		member := caller.Request(f.member.User, "")
		p, err := f.svc.PermsOf(f.ctx, member)
		if err != nil || !p.SeeAll {
			t.Fatalf("member's permissions %+v, %v: want see all (the default)", p, err)
		}
		if n := len(rec.Take()); n == 0 {
			t.Fatal("the first question read nothing")
		}
		if _, err := f.svc.PermsOf(f.ctx, member); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Fields(f.ctx, member); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Fields(f.ctx, member); err != nil {
			t.Fatal(err)
		}
		if q := rec.Take(); len(q) != 1 {
			t.Errorf("asked twice for permissions and fields, the request read %d queries, want 1 (the fields): %q", len(q), q)
		}

		if _, err := f.svc.SetCompanyPerms(f.ctx, f.staff, f.customerA.ID, ticket.PermChoices{"see_all": "deny"}); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.svc.PermsOf(f.ctx, caller.Request(f.member.User, "")); p.SeeAll {
			t.Error("the next request keeps the permissions of before the change")
		}

		staff := caller.Request(f.staff.User, "")
		before, err := f.svc.Fields(f.ctx, staff)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveField(f.ctx, staff, 0, ticket.FieldInput{Label: "Room", Kind: "text", Shown: true}); err != nil {
			t.Fatal(err)
		}
		if after, _ := f.svc.Fields(f.ctx, staff); len(after) != len(before)+1 {
			t.Errorf("fields %d after adding one to %d: the list of before is kept", len(after), len(before))
		}
	})
}
