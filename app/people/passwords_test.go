package people_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/people"
	"backoffice/rbac"
)

// A user with a password asks for a link and gets a reset link valid one
// hour; using it sets the password, ends every session and token, and works
// once.
func TestResetPassword(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		session, token := f.session(f.aMember)
		must(t, f.svc.RequestPasswordLink(f.ctx, " Member@A.test ", "192.0.2.9"))
		m := f.mailTo("member@a.test")
		path, link := m.link(t)
		if path != "/password/set" || m.subject != "Reset your password" {
			t.Errorf("reset mail %q with link to %s", m.subject, path)
		}
		u, _, err := f.svc.PasswordLink(f.ctx, link)
		must(t, err)
		if u.ID != f.aMember.ID {
			t.Fatalf("link of user %d", u.ID)
		}
		// A refused password leaves the link and the old password as they were.
		_, err = f.svc.SetPassword(f.ctx, link, "member@a.test-secret", "192.0.2.9")
		wantField(t, err, "password", "error.password_contains_email")
		if s, tk := f.live(session, token); !s || !tk {
			t.Fatal("a refused new password ended the sessions")
		}
		_, err = f.svc.SetPassword(f.ctx, link, newPassword, "192.0.2.9")
		must(t, err)
		if !f.signsIn("member@a.test", newPassword) || f.signsIn("member@a.test", testPassword) {
			t.Error("after the reset the new password should sign in and the old one not")
		}
		if s, tk := f.live(session, token); s || tk {
			t.Errorf("session %v, API token %v outlived the password reset", s, tk)
		}
		_, err = f.svc.SetPassword(f.ctx, link, "Another-Fine-Pass-9", "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "the used link")
		_, _, err = f.svc.PasswordLink(f.ctx, link)
		wantErr(t, err, people.ErrLinkInvalid, "showing the used link")
	})
}

// A reset link expires after one hour; a newer link retires the older one.
func TestPasswordLinksExpireAndRetire(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", "192.0.2.9"))
		_, first := f.mailTo("member@a.test").link(t)
		f.clock.Advance(people.ResetPasswordTTL - time.Second)
		_, _, err := f.svc.PasswordLink(f.ctx, first)
		must(t, err)
		f.clock.Advance(time.Second)
		_, err = f.svc.SetPassword(f.ctx, first, newPassword, "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "a reset link after one hour")

		must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", "192.0.2.9"))
		_, second := f.mailTo("member@a.test").link(t)
		must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", "192.0.2.9"))
		_, third := f.mailTo("member@a.test").link(t)
		_, err = f.svc.SetPassword(f.ctx, second, newPassword, "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "a link retired by a newer one")
		_, err = f.svc.SetPassword(f.ctx, third, newPassword, "192.0.2.9")
		must(t, err)
		if f.signsIn("member@a.test", testPassword) || !f.signsIn("member@a.test", newPassword) {
			t.Error("the newest link did not set the password")
		}
	})
}

// A user without a password (invited, or created directly) gets a
// set-password link valid 24 hours; setting it accepts their invitation.
func TestSetPasswordLinkForUsersWithoutPassword(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		inv, err := f.svc.Invite(f.ctx, f.as(f.admin), f.custA.ID, person("invited@a.test", rbac.Member))
		must(t, err)
		must(t, f.svc.RequestPasswordLink(f.ctx, "invited@a.test", "192.0.2.9"))
		m := f.mailTo("invited@a.test")
		_, link := m.link(t)
		if !strings.Contains(m.subject, "Passwort") || !strings.Contains(m.subject, "Customer A") {
			t.Errorf("set-password mail %q: want German, naming the company", m.subject)
		}
		f.clock.Advance(people.SetPasswordTTL - time.Minute)
		_, err = f.svc.SetPassword(f.ctx, link, newPassword, "192.0.2.9")
		must(t, err)
		if !f.signsIn("invited@a.test", newPassword) {
			t.Error("the set-password link did not set the password")
		}
		got, _, err := f.svc.Invitation(f.ctx, f.as(f.admin), inv.ID)
		must(t, err)
		if got.AcceptedAt == nil {
			t.Error("setting the password left the invitation pending")
		}
	})
}

// Nobody learns from the answer whether an address has an account: an
// unknown address and a disabled user get no mail, and the same answer.
func TestPasswordLinkRevealsNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		must(t, f.svc.RequestPasswordLink(f.ctx, "nobody@a.test", "192.0.2.9"))
		if n := f.mails("nobody@a.test"); n != 0 {
			t.Errorf("%d mails to an unknown address", n)
		}
		_, err := f.svc.SetDisabled(f.ctx, f.as(f.aAdmin), f.aMember.ID, true)
		must(t, err)
		must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", "192.0.2.9"))
		if n := f.mails("member@a.test"); n != 0 {
			t.Errorf("%d mails to a disabled user", n)
		}
		// A link sent before disabling stops working too.
		_, err = f.svc.SetDisabled(f.ctx, f.as(f.aAdmin), f.aMember.ID, false)
		must(t, err)
		must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", "192.0.2.9"))
		_, link := f.mailTo("member@a.test").link(t)
		_, err = f.svc.SetDisabled(f.ctx, f.as(f.aAdmin), f.aMember.ID, true)
		must(t, err)
		_, err = f.svc.SetPassword(f.ctx, link, newPassword, "192.0.2.9")
		wantErr(t, err, people.ErrLinkInvalid, "the link of a disabled user")

		err = f.svc.RequestPasswordLink(f.ctx, "not an address", "192.0.2.9")
		wantField(t, err, "email", "error.email_invalid")
	})
}

// Link requests are limited per typed address and per client address; a
// refused request sends nothing, and the limit passes with its window.
func TestPasswordLinkRequestsAreThrottled(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for i := range people.LinkEmailLimit.Max {
			must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", fmt.Sprintf("192.0.2.%d", 10+i)))
		}
		err := f.svc.RequestPasswordLink(f.ctx, "MEMBER@a.test", "192.0.2.99")
		var tooMany *apperr.TooManyRequests
		if !errors.As(err, &tooMany) || tooMany.RetryAfter <= 0 {
			t.Fatalf("request %d for one address: %v, want TooManyRequests", people.LinkEmailLimit.Max+1, err)
		}
		if n := f.mails("member@a.test"); n != people.LinkEmailLimit.Max {
			t.Errorf("%d mails, want %d (the refused request sends none)", n, people.LinkEmailLimit.Max)
		}
		// Another address from the same client is not affected by this limit.
		must(t, f.svc.RequestPasswordLink(f.ctx, "admin@a.test", "192.0.2.99"))
		f.clock.Advance(people.LinkEmailLimit.Window)
		must(t, f.svc.RequestPasswordLink(f.ctx, "member@a.test", "192.0.2.99"))

		// Per client address, over many typed addresses.
		ip := "198.51.100.50"
		for i := range people.LinkAddressLimit.Max {
			must(t, f.svc.RequestPasswordLink(f.ctx, fmt.Sprintf("probe%d@a.test", i), ip))
		}
		err = f.svc.RequestPasswordLink(f.ctx, "admin@b.test", ip)
		if !errors.As(err, &tooMany) {
			t.Fatalf("request %d from one client: %v, want TooManyRequests", people.LinkAddressLimit.Max+1, err)
		}
		if n := f.mails("admin@b.test"); n != 0 {
			t.Error("a request refused for its client address sent mail")
		}
		must(t, f.svc.RequestPasswordLink(f.ctx, "admin@b.test", "198.51.100.51"))
	})
}
