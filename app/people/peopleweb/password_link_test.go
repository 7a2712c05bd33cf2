package peopleweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/notify/smtptest"
	"backoffice/app/web/webtest"
)

// passwordLinkEvents counts the audited password links sent to user id by
// actor actorID.
func passwordLinkEvents(t *testing.T, h *webtest.Harness, id, actorID int64) int {
	t.Helper()
	n, err := h.DB.NewSelect().Table("events").Where("type = ?", "auth.password_link_sent").
		Where("subject_type = 'user'").Where("subject_id = ?", id).Where("actor_id = ?", actorID).Count(context.Background())
	webtest.Must(t, err)
	return int(n)
}

func TestAdministratorResendsAnEmployeesPasswordLink(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		smtp := smtptest.Start(t)
		admin := h.Token("a_admin")
		resp, u := h.API("POST", "/api/v1/users", admin, map[string]any{"first_name": "Nina", "last_name": "Neu",
			"email": "nina@a.test", "language": "en", "role": "member"})
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d %v", resp.StatusCode, u)
		}
		first := h.DeliverMail(smtp, "nina@a.test").Link("http://desk.test/password/set")
		nina := webtest.IDOf(u)
		id := webtest.Itoa64(nina)

		// The first mail got lost: the administrator sends a new link from
		// Nina's page.
		ab := h.LoggedIn("a_admin")
		r, body := ab.Get("/employees/" + id)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `action="/employees/`+id+`/password-link"`, "Send set-password link")
		r, body = ab.Post("/employees/"+id, "/employees/"+id+"/password-link", nil)
		webtest.WantStatus(t, r, http.StatusSeeOther, body)
		_, body = ab.Get(r.Header.Get("Location"))
		webtest.WantContains(t, body, "A link to set a password was sent to nina@a.test")
		mail := h.DeliverMail(smtp, "nina@a.test")
		link := mail.Link("http://desk.test/password/set")
		if link == "" || link == first || !strings.Contains(mail.Text, "24 hours") {
			t.Fatalf("resent set-password mail:\n%s", mail.Text)
		}
		if passwordLinkEvents(t, h, nina, h.Users["a_admin"].ID) != 1 {
			t.Error("the resent link is not in the audit events")
		}
		// The earlier link stopped working; the new one sets the password.
		if r, _ := h.Browser().Get(webtest.LocalPath(t, first)); r.StatusCode != 404 {
			t.Errorf("the first link still works: %d", r.StatusCode)
		}
		r, body = h.Browser().Post(webtest.LocalPath(t, link), "/password/set", url.Values{"token": {webtest.TokenOf(t, link)},
			"password": {"Blauer-Himmel-2026"}, "confirm_password": {"Blauer-Himmel-2026"}})
		webtest.WantStatus(t, r, http.StatusSeeOther, body)

		// With a password set, the link is a reset link (one hour), by API too.
		_, body = ab.Get("/employees/" + id)
		webtest.WantContains(t, body, "Send password reset link")
		resp, sent := h.API("POST", "/api/v1/users/"+id+"/password-link", admin, nil)
		if resp.StatusCode != http.StatusAccepted || sent["purpose"] != "reset_password" || webtest.IDOf(sent, "user_id") != nina {
			t.Fatalf("API: %d %v", resp.StatusCode, sent)
		}
		webtest.CheckSchema(t, "PasswordLinkSent", sent)
		webtest.WantUTC(t, sent, "expires_at")
		mail = h.DeliverMail(smtp, "nina@a.test")
		if mail.Link("http://desk.test/password/set") == "" || !strings.Contains(mail.Text, "1 hour") {
			t.Fatalf("reset mail:\n%s", mail.Text)
		}
		// The provider's administrator may too (Customer A is not
		// independent), for staff as well.
		if resp, body := h.API("POST", "/api/v1/users/"+id+"/password-link", h.Token("admin"), nil); resp.StatusCode != http.StatusAccepted {
			t.Errorf("provider admin: %d %v", resp.StatusCode, body)
		}
		if resp, body := h.API("POST", "/api/v1/users/"+webtest.Itoa64(h.Users["agent"].ID)+"/password-link", h.Token("admin"), nil); resp.StatusCode != http.StatusAccepted {
			t.Errorf("provider admin for an agent: %d %v", resp.StatusCode, body)
		}
	})
}

func TestPasswordLinkRolesTenantsAndLimits(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		member := webtest.Itoa64(h.Users["a_member"].ID)
		api := "/api/v1/users/" + member + "/password-link"
		// Who may: the company's administrator and the provider's; the
		// moderator reads the directory but changes nobody (403), a member
		// neither, the provider's agent manages no users (403); another
		// company's administrator does not see the user (404, as a missing one).
		for who, want := range map[string]int{"a_moderator": 403, "a_member": 403, "agent": 403, "b_admin": 404} {
			if resp, body := h.API("POST", api, h.Token(who), nil); resp.StatusCode != want {
				t.Errorf("%s: %d, want %d: %v", who, resp.StatusCode, want, body)
			}
		}
		resp, missing := h.API("POST", "/api/v1/users/999999/password-link", h.Token("b_admin"), nil)
		_, foreign := h.API("POST", api, h.Token("b_admin"), nil)
		if resp.StatusCode != 404 || missing["detail"] != foreign["detail"] {
			t.Errorf("a foreign user answers %v, a missing one %v", foreign, missing)
		}
		for who, want := range map[string]int{"a_moderator": 403, "b_admin": 404} {
			r, body := h.LoggedIn(who).Post("/employees", "/employees/"+member+"/password-link", nil)
			if r.StatusCode != want {
				t.Errorf("page as %s: %d, want %d\n%.300s", who, r.StatusCode, want, body)
			}
		}
		if r, body := h.LoggedIn("a_moderator").Get("/employees/" + member); r.StatusCode != 200 || strings.Contains(body, "/password-link") {
			t.Errorf("the moderator's view of an employee offers the link: %d", r.StatusCode)
		}
		// Nobody's mail box is flooded: three links per address in the
		// window (as "forgot password"), then 429 with Retry-After.
		admin := h.Token("a_admin")
		for i := range 3 {
			if resp, body := h.API("POST", api, admin, nil); resp.StatusCode != http.StatusAccepted {
				t.Fatalf("link %d: %d %v", i+1, resp.StatusCode, body)
			}
		}
		resp, body := h.API("POST", api, admin, nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("fourth link: %d %v", resp.StatusCode, body)
		}
		if n := passwordLinkEvents(t, h, h.Users["a_member"].ID, h.Users["a_admin"].ID); n != 3 {
			t.Errorf("%d audited links, want 3", n)
		}
		// A disabled user gets none (409), and the page says why.
		moderator := webtest.Itoa64(h.Users["a_moderator"].ID)
		if resp, body := h.API("POST", "/api/v1/users/"+moderator+"/disable", admin, nil); resp.StatusCode != 200 {
			t.Fatalf("disable: %d %v", resp.StatusCode, body)
		}
		resp, body = h.API("POST", "/api/v1/users/"+moderator+"/password-link", admin, nil)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body["detail"].(string), "disabled") {
			t.Errorf("disabled user: %d %v", resp.StatusCode, body)
		}
		// Bad ids are a clear 404, never a 500.
		for _, bad := range []string{"abc", "-1", "0", "99999999999999999999"} {
			if resp, _ := h.API("POST", "/api/v1/users/"+bad+"/password-link", admin, nil); resp.StatusCode >= 500 {
				t.Errorf("id %q: %d", bad, resp.StatusCode)
			}
		}
	})
}
