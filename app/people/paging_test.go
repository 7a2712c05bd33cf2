package people_test

import (
	"fmt"
	"slices"
	"testing"

	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/rbac"
)

// Customer and user lists come in pages that together hold every row once,
// in order, and stay within the actor's scope.
func TestListsPageThroughEveryRowOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin := f.as(f.admin)
		for i := range 5 {
			_, err := f.svc.CreateCustomer(f.ctx, admin, org.CustomerInput{Name: fmt.Sprintf("Paged %d", i)})
			must(t, err)
		}
		var names []string
		afterName, afterID := "", int64(0)
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("customer pages do not end")
			}
			page, err := f.svc.Customers(f.ctx, admin, "", afterName, afterID, 2)
			must(t, err)
			for _, o := range page.Items {
				names = append(names, o.Name)
			}
			if page.NextID == 0 {
				break
			}
			afterName, afterID = page.NextName, page.NextID
		}
		want := []string{"Customer A", "Customer B", "Paged 0", "Paged 1", "Paged 2", "Paged 3", "Paged 4"}
		if !slices.Equal(names, want) {
			t.Errorf("customers page by page: %v, want %v", names, want)
		}

		for i := range 4 {
			_, _, err := f.svc.CreateUser(f.ctx, f.as(f.aAdmin), 0, person(fmt.Sprintf("paged%d@a.test", i), rbac.Member))
			must(t, err)
		}
		var seen []string
		var after *org.UserCursor
		for pages := 0; ; pages++ {
			if pages > 6 {
				t.Fatal("user pages do not end")
			}
			users, next, err := f.svc.Users(f.ctx, f.as(f.aMember), people.UserQuery{}, after, 2)
			must(t, err)
			seen = append(seen, emails(users)...)
			if next == nil {
				break
			}
			after = next
		}
		slices.Sort(seen)
		want = []string{"admin@a.test", "member@a.test", "paged0@a.test", "paged1@a.test", "paged2@a.test", "paged3@a.test"}
		if !slices.Equal(seen, want) {
			t.Errorf("customer A's users page by page: %v, want %v", seen, want)
		}
	})
}

// The provider changes its own details; another provider's stay.
func TestUpdateOrganization(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		o, err := f.svc.UpdateOrganization(f.ctx, f.as(f.admin), org.CustomerInput{Name: "Provider GmbH",
			EmailDomains: []string{"provider.test", "provider-gmbh.test"}, Phone: "+49 30 999"})
		must(t, err)
		if o.ID != f.provider.ID {
			t.Fatalf("changed organization %d, want the provider %d", o.ID, f.provider.ID)
		}
		got, err := f.svc.Organization(f.ctx, f.as(f.agent))
		must(t, err)
		if got.Name != "Provider GmbH" || got.Phone != "+49 30 999" || !slices.Equal(slices.Sorted(slices.Values(got.DomainNames())), []string{"provider-gmbh.test", "provider.test"}) {
			t.Errorf("provider after update: %q %q %v", got.Name, got.Phone, got.DomainNames())
		}
		rival, err := f.svc.Organization(f.ctx, f.as(f.rAdmin))
		must(t, err)
		if rival.Name != "Rival Ltd" {
			t.Errorf("the rival is now %q", rival.Name)
		}
		_, err = f.svc.UpdateOrganization(f.ctx, f.as(f.admin), org.CustomerInput{Name: "Provider GmbH", EmailDomains: []string{"r.test"}})
		wantField(t, err, "email_domains", "error.domain_taken")
	})
}
