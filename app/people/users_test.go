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

func emails(users []*org.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	slices.Sort(out)
	return out
}

// A customer sees the users of its own company only; staff see their
// provider's and its customers', or one customer's.
func TestUsersAreScopedToTheActor(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		list := func(a *caller.Caller, q people.UserQuery) ([]string, error) {
			users, _, err := f.svc.Users(f.ctx, a, q, nil, 100)
			return emails(users), err
		}
		got, err := list(f.as(f.aMember), people.UserQuery{})
		must(t, err)
		if !slices.Equal(got, []string{"admin@a.test", "member@a.test"}) {
			t.Errorf("customer A's member sees %v", got)
		}
		_, err = list(f.as(f.aAdmin), people.UserQuery{CustomerID: f.custB.ID})
		wantErr(t, err, apperr.ErrNotFound, "customer A lists customer B's users")
		got, err = list(f.as(f.admin), people.UserQuery{})
		must(t, err)
		if !slices.Equal(got, []string{"admin@a.test", "admin@b.test", "admin@provider.test", "agent@provider.test", "member@a.test"}) {
			t.Errorf("the provider sees %v", got)
		}
		got, err = list(f.as(f.admin), people.UserQuery{CustomerID: f.custB.ID})
		must(t, err)
		if !slices.Equal(got, []string{"admin@b.test"}) {
			t.Errorf("the provider's list of customer B: %v", got)
		}
		got, err = list(f.as(f.admin), people.UserQuery{Query: "member"})
		must(t, err)
		if !slices.Equal(got, []string{"member@a.test"}) {
			t.Errorf("the provider's search for member: %v", got)
		}
		_, err = list(f.as(f.admin), people.UserQuery{CustomerID: f.custR.ID})
		wantErr(t, err, apperr.ErrNotFound, "the provider lists the rival's customer")

		_, err = f.svc.User(f.ctx, f.as(f.aAdmin), f.bAdmin.ID)
		wantErr(t, err, apperr.ErrNotFound, "customer A reads customer B's user")
		_, err = f.svc.User(f.ctx, f.as(f.rAdmin), f.aMember.ID)
		wantErr(t, err, apperr.ErrNotFound, "the rival reads customer A's user")
		u, err := f.svc.User(f.ctx, f.as(f.agent), f.aMember.ID)
		must(t, err)
		if u.Email != "member@a.test" {
			t.Errorf("the agent reads %s", u.Email)
		}
	})
}

// A customer administrator creates users in its own company (never in
// another, whatever organization it names), with a set-password link valid
// 24 hours.
func TestCustomerAdministratorCreatesUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		u, warnings, err := f.svc.CreateUser(f.ctx, f.as(f.aAdmin), f.custB.ID, person("Colleague@A.test", rbac.Moderator))
		must(t, err)
		if len(warnings) != 0 {
			t.Errorf("warnings for an address in the company's domain: %v", warnings)
		}
		if u.OrganizationID != f.custA.ID || u.Email != "colleague@a.test" || u.InvitationID != nil {
			t.Fatalf("created %+v: want colleague@a.test in customer A, with no invitation", u)
		}
		if got := f.reload(u); got.Status() != org.StatusInvited || got.Role != rbac.Moderator || got.Language != "de" {
			t.Errorf("created user: status %s, role %s, language %s", got.Status(), got.Role, got.Language)
		}
		m := f.mailTo("colleague@a.test")
		path, token := m.link(t)
		if path != "/password/set" {
			t.Errorf("set-password link to %s", path)
		}
		f.clock.Advance(people.SetPasswordTTL)
		_, err = f.svc.SetPassword(f.ctx, token, newPassword, "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "set-password link after 24 hours")

		// A customer cannot give a staff role, nor create in another company.
		_, _, err = f.svc.CreateUser(f.ctx, f.as(f.aAdmin), 0, person("boss@a.test", rbac.ProviderAdmin))
		wantField(t, err, "role", "error.role_invalid")
		_, _, err = f.svc.CreateUser(f.ctx, f.as(f.aAdmin), 0, person("MEMBER@a.test", rbac.Member))
		wantField(t, err, "email", "error.email_taken")
		wantErr(t, err, apperr.ErrConflict, "a taken address in another case")
		if n := f.mails("boss@a.test"); n != 0 {
			t.Error("a refused create sent mail")
		}
	})
}

// The email-domain rules of users a customer creates itself: an address in
// another organization's domains is refused (that organization could not add
// the person any more); one outside the company's domains is accepted with
// a warning. Staff may create anyone at a customer.
func TestEmailDomainRules(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		a := f.as(f.aAdmin)
		for _, email := range []string{"someone@b.test", "someone@provider.test", "someone@r.test"} {
			_, _, err := f.svc.CreateUser(f.ctx, a, 0, person(email, rbac.Member))
			wantField(t, err, "email", "error.email_other_organization")
		}
		u, warnings, err := f.svc.CreateUser(f.ctx, a, 0, person("freelancer@mail.test", rbac.Member))
		must(t, err)
		if len(warnings) != 1 || warnings[0].Field != "email" || warnings[0].Message != "warning.email_outside_domains" ||
			warnings[0].Data["Domains"] != "a.test" {
			t.Errorf("outside the company's domains: warnings %+v", warnings)
		}
		if u.OrganizationID != f.custA.ID {
			t.Errorf("created in organization %d", u.OrganizationID)
		}
		// Staff creating a user at customer B: no domain rule.
		u, warnings, err = f.svc.CreateUser(f.ctx, f.as(f.admin), f.custB.ID, person("contractor@a.test", rbac.Member))
		must(t, err)
		if u.OrganizationID != f.custB.ID || len(warnings) != 0 {
			t.Errorf("staff's user at customer B: organization %d, warnings %v", u.OrganizationID, warnings)
		}
		// But not at another provider's customer.
		_, _, err = f.svc.CreateUser(f.ctx, f.as(f.admin), f.custR.ID, person("x@r.test", rbac.Member))
		wantErr(t, err, apperr.ErrNotFound, "staff create at the rival's customer")
	})
}

// Updating a user changes what it says; the last administrator of a
// company keeps their role.
func TestUpdateUserKeepsTheLastAdministrator(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		a := f.as(f.aAdmin)
		first, member, admin := "Maria", rbac.Member, rbac.Administrator
		u, err := f.svc.UpdateUser(f.ctx, a, f.aMember.ID, org.UserUpdate{FirstName: &first})
		must(t, err)
		if u.FirstName != "Maria" || f.reload(f.aMember).FirstName != "Maria" {
			t.Errorf("first name %q", f.reload(f.aMember).FirstName)
		}
		staff := rbac.ProviderAgent
		_, err = f.svc.UpdateUser(f.ctx, a, f.aMember.ID, org.UserUpdate{Role: &staff})
		wantField(t, err, "role", "error.role_invalid")
		_, err = f.svc.UpdateUser(f.ctx, a, f.bAdmin.ID, org.UserUpdate{FirstName: &first})
		wantErr(t, err, apperr.ErrNotFound, "customer A updates customer B's user")

		_, err = f.svc.UpdateUser(f.ctx, a, f.aAdmin.ID, org.UserUpdate{Role: &member})
		wantErr(t, err, people.ErrLastAdmin, "demote the last administrator")
		if f.reload(f.aAdmin).Role != rbac.Administrator {
			t.Fatal("the last administrator lost their role")
		}
		// With a second administrator, the first may step down.
		_, err = f.svc.UpdateUser(f.ctx, a, f.aMember.ID, org.UserUpdate{Role: &admin})
		must(t, err)
		_, err = f.svc.UpdateUser(f.ctx, f.as(f.admin), f.aAdmin.ID, org.UserUpdate{Role: &member})
		must(t, err)
		if f.reload(f.aAdmin).Role != rbac.Member {
			t.Error("demotion with another administrator left did not happen")
		}
		// The provider keeps its last provider administrator too.
		agent := rbac.ProviderAgent
		_, err = f.svc.UpdateUser(f.ctx, f.as(f.admin), f.admin.ID, org.UserUpdate{Role: &agent})
		wantErr(t, err, people.ErrLastAdmin, "demote the last provider administrator")
	})
}

// Disabling a user ends their sessions and API tokens at once and keeps
// their data; nobody disables themselves or the last administrator.
func TestDisableEndsSessionsAndKeepsData(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		a := f.as(f.aAdmin)
		session, token := f.session(f.aMember)
		u, err := f.svc.SetDisabled(f.ctx, a, f.aMember.ID, true)
		must(t, err)
		if !u.Disabled() || u.Status() != org.StatusDisabled {
			t.Errorf("status %s", u.Status())
		}
		if s, tk := f.live(session, token); s || tk {
			t.Errorf("session %v, API token %v still work for a disabled user", s, tk)
		}
		if f.signsIn("member@a.test", testPassword) {
			t.Error("a disabled user signs in")
		}
		if f.gone(f.aMember.ID) {
			t.Fatal("disabling deleted the user")
		}
		u, err = f.svc.SetDisabled(f.ctx, a, f.aMember.ID, false)
		must(t, err)
		if u.Disabled() || !f.signsIn("member@a.test", testPassword) {
			t.Error("an enabled user does not sign in with their password")
		}
		if s, tk := f.live(session, token); s || tk {
			t.Errorf("session %v, API token %v of before the disabling came back with the enabling", s, tk)
		}

		_, err = f.svc.SetDisabled(f.ctx, a, f.aAdmin.ID, true)
		wantErr(t, err, people.ErrSelf, "disable oneself")
		_, err = f.svc.SetDisabled(f.ctx, f.as(f.admin), f.aAdmin.ID, true)
		wantErr(t, err, people.ErrLastAdmin, "disable the last administrator")
		_, err = f.svc.SetDisabled(f.ctx, a, f.bAdmin.ID, true)
		wantErr(t, err, apperr.ErrNotFound, "customer A disables customer B's user")
		_, err = f.svc.SetDisabled(f.ctx, f.as(f.rAdmin), f.aMember.ID, true)
		wantErr(t, err, apperr.ErrNotFound, "the rival disables customer A's user")
		if f.reload(f.aAdmin).Disabled() || f.reload(f.bAdmin).Disabled() || f.reload(f.aMember).Disabled() {
			t.Error("a refused disable disabled someone")
		}
	})
}

// Deleting a user deletes their sessions and tokens; nobody deletes
// themselves, the last administrator, or a user of another company.
func TestDeleteUser(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		a := f.as(f.aAdmin)
		session, token := f.session(f.aMember)
		wantErr(t, f.svc.DeleteUser(f.ctx, a, f.bAdmin.ID), apperr.ErrNotFound, "customer A deletes customer B's user")
		wantErr(t, f.svc.DeleteUser(f.ctx, f.as(f.rAdmin), f.aMember.ID), apperr.ErrNotFound, "the rival deletes customer A's user")
		wantErr(t, f.svc.DeleteUser(f.ctx, a, f.aAdmin.ID), people.ErrSelf, "delete oneself")
		wantErr(t, f.svc.DeleteUser(f.ctx, f.as(f.agent), f.aAdmin.ID), people.ErrLastAdmin, "delete the last administrator")
		if f.gone(f.aMember.ID) || f.gone(f.bAdmin.ID) || f.gone(f.aAdmin.ID) {
			t.Fatal("a refused delete deleted someone")
		}

		must(t, f.svc.DeleteUser(f.ctx, a, f.aMember.ID))
		if !f.gone(f.aMember.ID) {
			t.Error("the deleted user still exists")
		}
		if s, tk := f.live(session, token); s || tk {
			t.Errorf("session %v, API token %v outlived their user", s, tk)
		}
		// The address is free again.
		_, _, err := f.svc.CreateUser(f.ctx, a, 0, person("member@a.test", rbac.Member))
		must(t, err)
	})
}
