package authweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/app/notify/smtptest"
	"backoffice/app/web/webtest"
)

func TestPasswordLinksAnswerAlikeAndWorkOnce(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		smtp := smtptest.Start(t)
		b := h.Browser()
		_, known := b.Post("/password/forgot", "/password/forgot", url.Values{"email": {"A_MEMBER@a.test"}})
		b2 := h.Browser()
		b2.IP = "192.0.2.77"
		_, unknown := b2.Post("/password/forgot", "/password/forgot", url.Values{"email": {"nobody@a.test"}})
		strip := func(s string) string {
			s = strings.NewReplacer("A_MEMBER@a.test", "EMAIL", "nobody@a.test", "EMAIL").Replace(s)
			return webtest.CSRFField.ReplaceAllString(s, "")
		}
		if strip(known) != strip(unknown) {
			kl, ul := strings.Split(strip(known), "\n"), strings.Split(strip(unknown), "\n")
			for i := range kl {
				if i < len(ul) && kl[i] != ul[i] {
					t.Logf("known:   %s\nunknown: %s", kl[i], ul[i])
				}
			}
			t.Fatal("forgot-password answers differ for a known and an unknown email")
		}
		webtest.WantContains(t, known, "If an account exists")
		mail := h.DeliverMail(smtp, "a_member@a.test")
		link := mail.Link("http://desk.test/password/set?token=")
		if link == "" || !strings.Contains(mail.Text, "1 hour") {
			t.Fatalf("reset mail:\n%s", mail.Text)
		}
		if n := len(smtp.Messages()); n != 1 {
			t.Fatalf("%d mails sent, want 1 (none for the unknown address)", n)
		}
		old := h.LoggedIn("a_member")
		page := webtest.LocalPath(t, link)
		r, body := b.Post(page, "/password/set", url.Values{"token": {webtest.TokenOf(t, link)}, "password": {"Fahrrad-Kette-5521"}, "confirm_password": {"Fahrrad-Kette-5521"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d\n%s", r.StatusCode, body)
		}
		if r, _ := b.Get("/"); r.StatusCode != 200 {
			t.Fatalf("not signed in after reset: %d", r.StatusCode)
		}
		if r, _ := old.Get("/"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("other session survived the reset: %d", r.StatusCode)
		}
		if r, _ := h.Browser().Get(page); r.StatusCode != 404 {
			t.Fatalf("reset link works twice: %d", r.StatusCode)
		}

		// A reset link expires after an hour.
		b.Post("/password/forgot", "/password/forgot", url.Values{"email": {"a_admin@a.test"}})
		link = h.DeliverMail(smtp, "a_admin@a.test").Link("http://desk.test/password/set")
		h.Clock.Advance(time.Hour + time.Second)
		if r, _ := h.Browser().Get(webtest.LocalPath(t, link)); r.StatusCode != 404 {
			t.Fatalf("expired reset link: %d", r.StatusCode)
		}
	})
}
