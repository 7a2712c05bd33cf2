package people_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/rbac"
)

// An invitation creates the invited user without a password and mails a
// link in the invitee's language; accepting it sets the password once.
func TestInviteAndAccept(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		inv, err := f.svc.Invite(f.ctx, f.as(f.agent), f.custA.ID, person(" New.Person@A.test ", rbac.Moderator))
		must(t, err)
		u := inv.User
		if u == nil || u.Email != "new.person@a.test" || u.OrganizationID != f.custA.ID || u.Role != rbac.Moderator {
			t.Fatalf("invited user %+v", u)
		}
		if got := f.reload(u); got.Status() != org.StatusInvited || got.PasswordHash != "" {
			t.Errorf("invited user: status %s, has password %v", got.Status(), got.PasswordHash != "")
		}
		if inv.ExpiresAt != start.Add(people.DefaultInvitationTTL) || inv.State(f.clock.Now()) != org.InvitationPending {
			t.Errorf("invitation expires %v, state %s", inv.ExpiresAt, inv.State(f.clock.Now()))
		}
		m := f.mailTo("new.person@a.test")
		path, token := m.link(t)
		if path != "/accept-invitation" || !strings.Contains(m.subject, "Einladung") || !strings.Contains(m.subject, "Customer A") {
			t.Errorf("invitation mail %q with link %s: want German, naming the company, to /accept-invitation", m.subject, path)
		}
		if strings.Contains(inv.TokenHash, token) || len(token) < 22 {
			t.Errorf("token %q: stored in clear or too short", token)
		}

		pending, err := f.svc.PendingInvitation(f.ctx, token)
		must(t, err)
		if pending.ID != inv.ID || pending.User.Organization == nil || pending.User.Organization.ID != f.custA.ID {
			t.Fatalf("pending invitation %d of %v", pending.ID, pending.User.Organization)
		}
		// A weak password is refused and leaves the link usable.
		_, err = f.svc.AcceptInvitation(f.ctx, token, "short", "192.0.2.9")
		wantField(t, err, "password", "error.password_too_short")
		got, err := f.svc.AcceptInvitation(f.ctx, token, newPassword, "192.0.2.9")
		must(t, err)
		if got.ID != u.ID || !f.signsIn("new.person@a.test", newPassword) {
			t.Fatal("after accepting, the invitee does not sign in with the chosen password")
		}
		// Single use.
		_, err = f.svc.AcceptInvitation(f.ctx, token, "Another-Fine-Pass-9", "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "second accept")
		_, err = f.svc.PendingInvitation(f.ctx, token)
		wantErr(t, err, people.ErrLinkInvalid, "accepted link")
		if f.signsIn("new.person@a.test", "Another-Fine-Pass-9") {
			t.Error("a used invitation link changed the password")
		}
		after, _, err := f.svc.Invitation(f.ctx, f.as(f.admin), inv.ID)
		must(t, err)
		if after.State(f.clock.Now()) != org.InvitationAccepted {
			t.Errorf("invitation state %s after accepting", after.State(f.clock.Now()))
		}
		_, err = f.svc.ResendInvitation(f.ctx, f.as(f.admin), inv.ID)
		wantErr(t, err, people.ErrAccepted, "resend an accepted invitation")
	})
}

// Of two concurrent accepts of one link exactly one succeeds.
func TestConcurrentAcceptsSucceedOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		_, err := f.svc.Invite(f.ctx, f.as(f.admin), f.custA.ID, person("twice@a.test", rbac.Member))
		must(t, err)
		_, token := f.mailTo("twice@a.test").link(t)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = f.svc.AcceptInvitation(f.ctx, token, []string{newPassword, "Another-Fine-Pass-9"}[i], "192.0.2.9")
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				wantErr(t, err, people.ErrLinkInvalid, "the losing accept")
			}
		}
		if ok != 1 {
			t.Fatalf("%d accepts succeeded: %v", ok, errs)
		}
	})
}

// An invitation expires after its lifetime; resending gives a new link and
// a new lifetime, and the old link stops working.
func TestInvitationExpiresAndResendRenews(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		inv, err := f.svc.Invite(f.ctx, f.as(f.admin), f.custA.ID, person("late@a.test", rbac.Member))
		must(t, err)
		_, first := f.mailTo("late@a.test").link(t)

		f.clock.Advance(people.DefaultInvitationTTL - time.Minute)
		_, err = f.svc.PendingInvitation(f.ctx, first)
		must(t, err)
		f.clock.Advance(time.Minute)
		_, err = f.svc.PendingInvitation(f.ctx, first)
		wantErr(t, err, people.ErrLinkInvalid, "expired invitation")
		_, err = f.svc.AcceptInvitation(f.ctx, first, newPassword, "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "accept an expired invitation")
		got, _, err := f.svc.Invitation(f.ctx, f.as(f.admin), inv.ID)
		must(t, err)
		if got.State(f.clock.Now()) != org.InvitationExpired {
			t.Errorf("state %s, want expired", got.State(f.clock.Now()))
		}

		renewed, err := f.svc.ResendInvitation(f.ctx, f.as(f.agent), inv.ID)
		must(t, err)
		if renewed.SentCount != 2 || !renewed.ExpiresAt.Equal(f.clock.Now().Add(people.DefaultInvitationTTL)) {
			t.Errorf("resent: sent %d times, expires %v", renewed.SentCount, renewed.ExpiresAt)
		}
		if n := f.mails("late@a.test"); n != 2 {
			t.Errorf("%d mails to the invitee, want 2", n)
		}
		_, second := f.mailTo("late@a.test").link(t)
		if second == first {
			t.Fatal("resending mailed the same token")
		}
		_, err = f.svc.PendingInvitation(f.ctx, first)
		wantErr(t, err, people.ErrLinkInvalid, "the old link after resending")
		_, err = f.svc.AcceptInvitation(f.ctx, second, newPassword, "192.0.2.9")
		must(t, err)
		if !f.signsIn("late@a.test", newPassword) {
			t.Error("the resent link did not set the password")
		}
	})
}

// Invitations are for customers' roles at customers the actor serves; the
// address must be valid and unused, whatever its case.
func TestInviteChecksInputAndScope(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin := f.as(f.admin)
		_, err := f.svc.Invite(f.ctx, admin, f.custA.ID, person("MEMBER@a.test", rbac.Member))
		wantField(t, err, "email", "error.email_taken")
		wantErr(t, err, apperr.ErrConflict, "a taken address")
		_, err = f.svc.Invite(f.ctx, admin, f.custA.ID, person("boss@a.test", rbac.ProviderAdmin))
		if got := fieldErrors(t, err); len(got) != 1 || !strings.HasPrefix(got[0], "role=") {
			t.Errorf("staff role for a customer: %v, want an error at role", got)
		}
		_, err = f.svc.Invite(f.ctx, admin, f.custA.ID, person("not-an-address", rbac.Member))
		if got := fieldErrors(t, err); len(got) != 1 || !strings.HasPrefix(got[0], "email=") {
			t.Errorf("invalid address: %v, want an error at email", got)
		}
		_, err = f.svc.Invite(f.ctx, f.as(f.rAdmin), f.custA.ID, person("x@a.test", rbac.Member))
		wantErr(t, err, apperr.ErrNotFound, "a rival invites to customer A")
		_, err = f.svc.Invite(f.ctx, admin, f.provider.ID, person("staff@provider.test", rbac.Member))
		wantErr(t, err, apperr.ErrNotFound, "an invitation to the provider itself")
		for _, email := range []string{"boss@a.test", "not-an-address", "x@a.test", "staff@provider.test"} {
			if n := f.mails(email); n != 0 {
				t.Errorf("a refused invitation mailed %s", email)
			}
		}
		invs, _, err := f.svc.Invitations(f.ctx, admin, f.custA.ID, 0, 10)
		must(t, err)
		if len(invs) != 0 {
			t.Errorf("refused invitations were stored: %d", len(invs))
		}
	})
}

// A customer's invitations are listed and changed only by who serves it;
// deleting one deletes its user, with their sessions and tokens.
func TestInvitationsOfAnotherProviderDoNotExist(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		admin, rival := f.as(f.admin), f.as(f.rAdmin)
		inv, err := f.svc.Invite(f.ctx, admin, f.custA.ID, person("guest@a.test", rbac.Member))
		must(t, err)
		rinv, err := f.svc.Invite(f.ctx, rival, f.custR.ID, person("guest@r.test", rbac.Member))
		must(t, err)

		invs, _, err := f.svc.Invitations(f.ctx, admin, f.custA.ID, 0, 10)
		must(t, err)
		if len(invs) != 1 || invs[0].ID != inv.ID || invs[0].User == nil || invs[0].User.Email != "guest@a.test" {
			t.Fatalf("customer A's invitations: %v", invs)
		}
		_, _, err = f.svc.Invitations(f.ctx, rival, f.custA.ID, 0, 10)
		wantErr(t, err, apperr.ErrNotFound, "the rival lists A's invitations")
		_, _, err = f.svc.Invitation(f.ctx, rival, inv.ID)
		wantErr(t, err, apperr.ErrNotFound, "the rival reads A's invitation")
		_, err = f.svc.ResendInvitation(f.ctx, rival, inv.ID)
		wantErr(t, err, apperr.ErrNotFound, "the rival resends A's invitation")
		wantErr(t, f.svc.DeleteInvitation(f.ctx, rival, inv.ID), apperr.ErrNotFound, "the rival deletes A's invitation")
		wantErr(t, f.svc.DeleteInvitation(f.ctx, admin, rinv.ID), apperr.ErrNotFound, "the provider deletes R's invitation")
		if n := f.mails("guest@a.test"); n != 1 {
			t.Errorf("%d mails to guest@a.test, want 1 (the rival's resend must not send)", n)
		}

		// The invitee accepted and signed in; deleting the invitation removes them.
		_, token := f.mailTo("guest@a.test").link(t)
		u, err := f.svc.AcceptInvitation(f.ctx, token, newPassword, "192.0.2.9")
		must(t, err)
		session, apiToken := f.session(u)
		must(t, f.svc.DeleteInvitation(f.ctx, admin, inv.ID))
		if !f.gone(u.ID) {
			t.Error("the invited user outlived their invitation")
		}
		if s, tk := f.live(session, apiToken); s || tk {
			t.Errorf("session %v, API token %v outlived the deleted invitation", s, tk)
		}
		if f.gone(rinv.User.ID) {
			t.Error("R's invitee was deleted")
		}
	})
}
