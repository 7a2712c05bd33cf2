package ticket_test

import (
	"testing"

	"backoffice/app/ticket"
)

// Within one request the permissions and fields are read once, and a
// change made through the service in that request is seen at once.
func TestRequestCacheFollowsChanges(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := ticket.WithCache(f.ctx)
		p, err := f.svc.PermsOf(ctx, f.member)
		if err != nil || !p.SeeAll {
			t.Fatalf("member's permissions %+v, %v: want see all (the default)", p, err)
		}
		if _, err := f.svc.SetCompanyPerms(ctx, f.staff, f.customerA.ID, ticket.PermChoices{"see_all": "deny"}); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.svc.PermsOf(ctx, f.member); p.SeeAll {
			t.Error("the permissions of before the change are kept")
		}
		before, err := f.svc.Fields(ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveField(ctx, f.staff, 0, ticket.FieldInput{Label: "Room", Kind: "text", Shown: true}); err != nil {
			t.Fatal(err)
		}
		if after, _ := f.svc.Fields(ctx, f.staff); len(after) != len(before)+1 {
			t.Errorf("fields %d after adding one to %d: the list of before is kept", len(after), len(before))
		}
	})
}
