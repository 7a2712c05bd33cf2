package people_test

import (
	"slices"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/rbac"
)

func customerNames(t *testing.T, f *fixture, a *caller.Caller, query string) []string {
	t.Helper()
	page, err := f.svc.Customers(f.ctx, a, query, "", 0, 100)
	must(t, err)
	var out []string
	for _, o := range page.Items {
		out = append(out, o.Name)
	}
	return out
}

// A provider creates, lists, changes and deletes its own customers; another
// provider's customers do not exist for it.
func TestCustomersBelongToTheirProvider(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin, rival := f.as(f.admin), f.as(f.rAdmin)
		o, err := f.svc.CreateCustomer(f.ctx, admin, org.CustomerInput{Name: "  Acme Works ", EmailDomains: []string{"@ACME.test", "acme.test"},
			Phone: "+49 30 1234"})
		must(t, err)
		if o.Name != "Acme Works" || o.ProviderID == nil || *o.ProviderID != f.provider.ID {
			t.Fatalf("created %+v, want Acme Works of the provider", o)
		}
		got, err := f.svc.Customer(f.ctx, admin, o.ID)
		must(t, err)
		if names := got.DomainNames(); !slices.Equal(names, []string{"acme.test"}) {
			t.Errorf("domains %v, want [acme.test] (trimmed, lower-cased, once)", names)
		}
		if names := customerNames(t, f, admin, ""); !slices.Equal(names, []string{"Acme Works", "Customer A", "Customer B"}) {
			t.Errorf("provider's customers %v", names)
		}
		if names := customerNames(t, f, admin, "acme"); !slices.Equal(names, []string{"Acme Works"}) {
			t.Errorf("search acme: %v", names)
		}
		if names := customerNames(t, f, rival, ""); !slices.Equal(names, []string{"Customer R"}) {
			t.Errorf("rival's customers %v", names)
		}

		// The rival cannot read, change or delete it: it does not exist for them.
		_, err = f.svc.Customer(f.ctx, rival, o.ID)
		wantErr(t, err, apperr.ErrNotFound, "rival reads")
		_, err = f.svc.UpdateCustomer(f.ctx, rival, o.ID, org.CustomerInput{Name: "Taken"})
		wantErr(t, err, apperr.ErrNotFound, "rival updates")
		wantErr(t, f.svc.DeleteCustomer(f.ctx, rival, o.ID), apperr.ErrNotFound, "rival deletes")
		_, err = f.svc.MakeIndependent(f.ctx, rival, o.ID)
		wantErr(t, err, apperr.ErrNotFound, "rival makes independent")
		// Nor is a provider its own customer.
		_, err = f.svc.Customer(f.ctx, admin, f.provider.ID)
		wantErr(t, err, apperr.ErrNotFound, "provider as its own customer")

		up, err := f.svc.UpdateCustomer(f.ctx, admin, o.ID, org.CustomerInput{Name: "Acme Group", EmailDomains: []string{"acme-group.test"}})
		must(t, err)
		if up.Name != "Acme Group" {
			t.Errorf("updated name %q", up.Name)
		}
		got, err = f.svc.Customer(f.ctx, admin, o.ID)
		must(t, err)
		if got.Name != "Acme Group" || !slices.Equal(got.DomainNames(), []string{"acme-group.test"}) {
			t.Errorf("after update: %q %v", got.Name, got.DomainNames())
		}

		must(t, f.svc.DeleteCustomer(f.ctx, admin, o.ID))
		_, err = f.svc.Customer(f.ctx, admin, o.ID)
		wantErr(t, err, apperr.ErrNotFound, "deleted customer")
	})
}

// A customer needs a name, and an email domain belongs to one organization.
func TestCustomerInputIsChecked(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin := f.as(f.admin)
		_, err := f.svc.CreateCustomer(f.ctx, admin, org.CustomerInput{Name: "  "})
		wantField(t, err, "name", "error.required")
		_, err = f.svc.CreateCustomer(f.ctx, admin, org.CustomerInput{Name: "Copycat", EmailDomains: []string{"A.test"}})
		wantField(t, err, "email_domains", "error.domain_taken")
		wantErr(t, err, apperr.ErrConflict, "a domain of customer A")
		_, err = f.svc.UpdateCustomer(f.ctx, admin, f.custB.ID, org.CustomerInput{Name: "Customer B", EmailDomains: []string{"a.test"}})
		wantField(t, err, "email_domains", "error.domain_taken")
		if names := customerNames(t, f, admin, ""); !slices.Equal(names, []string{"Customer A", "Customer B"}) {
			t.Errorf("customers after refused creates: %v", names)
		}
	})
}

// Deleting a customer deletes its users and invitations with it.
func TestDeletingACustomerDeletesItsPeople(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin := f.as(f.admin)
		inv, err := f.svc.Invite(f.ctx, admin, f.custA.ID, person("invited@a.test", rbac.Member))
		must(t, err)
		session, token := f.session(f.aMember)
		must(t, f.svc.DeleteCustomer(f.ctx, admin, f.custA.ID))
		for _, id := range []int64{f.aAdmin.ID, f.aMember.ID, inv.User.ID} {
			if !f.gone(id) {
				t.Errorf("user %d of the deleted customer still exists", id)
			}
		}
		if s, tk := f.live(session, token); s || tk {
			t.Errorf("session %v, API token %v still work after their customer was deleted", s, tk)
		}
		_, _, err = f.svc.Invitation(f.ctx, admin, inv.ID)
		wantErr(t, err, apperr.ErrNotFound, "invitation of the deleted customer")
		if f.gone(f.bAdmin.ID) {
			t.Error("deleting customer A deleted a user of customer B")
		}
	})
}

// An independent organization manages its own users: its former provider
// may no longer delete it, invite to it, or change its users; its
// administrator serves customers of its own.
func TestIndependentOrganizationManagesItsOwnUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin := f.as(f.admin)
		o, err := f.svc.MakeIndependent(f.ctx, admin, f.custA.ID)
		must(t, err)
		if !o.Independent {
			t.Fatal("not independent")
		}
		_, err = f.svc.MakeIndependent(f.ctx, admin, f.custA.ID)
		wantErr(t, err, apperr.ErrConflict, "independent twice")

		wantErr(t, f.svc.DeleteCustomer(f.ctx, admin, f.custA.ID), people.ErrIndependent, "provider deletes")
		_, err = f.svc.Invite(f.ctx, admin, f.custA.ID, person("new@a.test", rbac.Member))
		wantErr(t, err, people.ErrIndependent, "provider invites")
		_, _, err = f.svc.CreateUser(f.ctx, admin, f.custA.ID, person("new@a.test", rbac.Member))
		wantErr(t, err, people.ErrIndependent, "provider creates a user")
		name := "Renamed"
		_, err = f.svc.UpdateUser(f.ctx, admin, f.aMember.ID, org.UserUpdate{FirstName: &name})
		wantErr(t, err, people.ErrIndependent, "provider renames a user")
		_, err = f.svc.SetDisabled(f.ctx, admin, f.aMember.ID, true)
		wantErr(t, err, people.ErrIndependent, "provider disables a user")
		wantErr(t, f.svc.DeleteUser(f.ctx, admin, f.aMember.ID), people.ErrIndependent, "provider deletes a user")
		if f.reload(f.aMember).FirstName == name || f.reload(f.aMember).Disabled() {
			t.Error("the provider changed a user of an independent organization")
		}

		// Its administrator is now an independent admin, serving its own customers.
		ind := f.as(f.aAdmin)
		if ind.Subject != rbac.IndependentAdmin || !ind.ActsAsProvider() || ind.ProviderID != f.custA.ID {
			t.Fatalf("independent admin: subject %s, acts as provider %v, scope %d", ind.Subject, ind.ActsAsProvider(), ind.ProviderID)
		}
		own, err := f.svc.CreateCustomer(f.ctx, ind, org.CustomerInput{Name: "A's client", EmailDomains: []string{"client.test"}})
		must(t, err)
		if own.ProviderID == nil || *own.ProviderID != f.custA.ID {
			t.Fatalf("customer of the independent organization has provider %v", own.ProviderID)
		}
		if names := customerNames(t, f, ind, ""); !slices.Equal(names, []string{"A's client"}) {
			t.Errorf("independent admin's customers %v", names)
		}
		_, err = f.svc.Customer(f.ctx, ind, f.custB.ID)
		wantErr(t, err, apperr.ErrNotFound, "independent admin reads a customer of its former provider")
		_, err = f.svc.UpdateUser(f.ctx, ind, f.aMember.ID, org.UserUpdate{FirstName: &name})
		must(t, err)
	})
}

// CheckEmail tells whether an address is taken (whatever its case) and
// proposes the customer whose domain it has, among the actor's customers only.
func TestCheckEmailProposesTheActorsCustomer(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		res, err := f.svc.CheckEmail(f.ctx, f.as(f.admin), " Member@A.test ")
		must(t, err)
		if !res.Taken || res.Customer == nil || res.Customer.ID != f.custA.ID {
			t.Errorf("member@a.test for the provider: %+v", res)
		}
		res, err = f.svc.CheckEmail(f.ctx, f.as(f.admin), "someone.new@b.test")
		must(t, err)
		if res.Taken || res.Customer == nil || res.Customer.ID != f.custB.ID {
			t.Errorf("someone.new@b.test for the provider: %+v", res)
		}
		res, err = f.svc.CheckEmail(f.ctx, f.as(f.rAdmin), "someone.new@b.test")
		must(t, err)
		if res.Customer != nil {
			t.Errorf("the rival is proposed %s, a customer of another provider", res.Customer.Name)
		}
		res, err = f.svc.CheckEmail(f.ctx, f.as(f.aAdmin), "someone.new@b.test")
		must(t, err)
		if res.Customer != nil {
			t.Errorf("a customer is proposed customer %s", res.Customer.Name)
		}
	})
}
