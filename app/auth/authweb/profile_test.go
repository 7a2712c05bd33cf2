package authweb_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"backoffice/app/org"
	"backoffice/app/web/webtest"
)

func TestProfileSavesDetailsAndRendersInTheUsersLanguageAndZone(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_member")
		resp, body := b.Get("/profile")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, `value="A_member"`, `<option value="Europe/Berlin" selected>`)
		// Times show in the user's zone: signed in at 09:00 UTC = 10:00 in Berlin.
		webtest.WantContains(t, body, "23 Nov 2026, 10:00")

		resp, body = b.Post("/profile", "/profile", url.Values{"first_name": {"Greta"}, "last_name": {"Lind"},
			"language": {"de"}, "time_zone": {"Asia/Tokyo"}})
		webtest.WantStatus(t, resp, 303, body)
		_, body = b.Get("/profile")
		webtest.WantContains(t, body, `<html lang="de">`, "Ihr Profil wurde gespeichert.", `value="Greta"`, "23.11.2026, 18:00")
		u, err := h.Svc.Users.User(context.Background(), h.Users["a_member"].ID)
		webtest.Must(t, err)
		if u.FirstName != "Greta" || u.Language != "de" || u.TimeZone != "Asia/Tokyo" {
			t.Fatalf("profile not saved: %+v", u)
		}
	})
}

func TestProfileRejectsBadInputAtTheFieldAndKeepsData(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_member")
		resp, body := b.Post("/profile", "/profile", url.Values{"first_name": {""}, "last_name": {strings.Repeat("x", 101)},
			"language": {"fr"}, "time_zone": {"Mars/Olympus"}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "This field is required.", "Use at most 100 characters.", "Choose English, Deutsch or Русский.",
			"Choose a time zone from the list", `aria-invalid="true"`)
		u, err := h.Svc.Users.User(context.Background(), h.Users["a_member"].ID)
		webtest.Must(t, err)
		if u.Language != "en" || u.LastName != "Tester" || u.FirstName != "A_member" {
			t.Fatalf("a rejected save changed data: %+v", u)
		}
		resp, body = b.Post("/profile", "/profile", url.Values{"first_name": {"<script>alert(1)</script>"},
			"language": {"en"}, "time_zone": {"UTC"}})
		webtest.WantStatus(t, resp, 303, body)
		_, body = b.Get("/")
		webtest.WantNotContains(t, body, "<script>alert(1)</script>")
		webtest.WantContains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	})
}

func TestChangePasswordEndsOtherSessionsAndTokens(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_admin")
		other := h.LoggedIn("a_admin")
		token := h.Token("a_admin")

		resp, body := b.Post("/profile", "/profile/password", url.Values{"current_password": {"wrong-one-123"},
			"new_password": {"Another-Good-Pass-42"}, "confirm_password": {"Another-Good-Pass-42"}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "The current password is not correct.")
		resp, body = b.Post("/profile", "/profile/password", url.Values{"current_password": {webtest.Password},
			"new_password": {"password123"}, "confirm_password": {"password124"}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "This password is too common.", "The two passwords do not match.")

		resp, body = b.Post("/profile", "/profile/password", url.Values{"current_password": {webtest.Password},
			"new_password": {"Another-Good-Pass-42"}, "confirm_password": {"Another-Good-Pass-42"}})
		webtest.WantStatus(t, resp, 303, body)
		resp, body = b.Get("/profile")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "Your password has been changed. Other sessions signed out: 1; API tokens revoked: 1.")
		resp, _ = other.Get("/")
		webtest.WantStatus(t, resp, 303, "")
		if resp, _ := h.API("GET", "/api/v1/me", token, nil); resp.StatusCode != 401 {
			t.Fatalf("API token survived a password change: %d", resp.StatusCode)
		}
		fresh := h.Browser()
		resp, _ = fresh.Post("/login", "/login", url.Values{"email": {h.Users["a_admin"].Email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 422, "")
		resp, _ = fresh.Post("/login", "/login", url.Values{"email": {h.Users["a_admin"].Email}, "password": {"Another-Good-Pass-42"}})
		webtest.WantStatus(t, resp, 303, "")
	})
}

// A password change through the API keeps the token making it, as the README
// promises ("ends every other session and API token"); the user's other
// tokens and sessions end.
func TestAPIPasswordChangeKeepsTheCallingToken(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_admin")
		calling, other := h.Token("a_admin"), h.Token("a_admin")
		resp, m := h.API("POST", "/api/v1/me/password", calling, map[string]string{"current_password": webtest.Password,
			"new_password": "Another-Good-Pass-42"})
		webtest.WantStatus(t, resp, 200, "")
		if m["revoked_tokens"] != float64(1) || m["ended_sessions"] != float64(1) {
			t.Fatalf("answer %v, want 1 revoked token and 1 ended session", m)
		}
		if resp, _ := h.API("GET", "/api/v1/me", calling, nil); resp.StatusCode != 200 {
			t.Fatalf("the calling token after the change: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/me", other, nil); resp.StatusCode != 401 {
			t.Fatalf("another token of the user after the change: %d", resp.StatusCode)
		}
		if resp, _ := b.Get("/"); resp.StatusCode != 303 {
			t.Fatalf("the user's session after the change: %d", resp.StatusCode)
		}
	})
}

var tokenShown = regexp.MustCompile(`value="(bo_[A-Za-z0-9_-]{43})"`)

func TestProfileTokensAndSessions(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("agent")
		_, body := b.Get("/profile")
		webtest.WantContains(t, body, "You have no API tokens.", "This session")

		resp, body := b.Post("/profile", "/profile/tokens", url.Values{"name": {""}, "expires_in_days": {"90"}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "This field is required.")
		resp, body = b.Post("/profile", "/profile/tokens", url.Values{"name": {"CI"}, "expires_in_days": {"9999"}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "Choose a lifetime from 1 to 365 days.")

		resp, body = b.Post("/profile", "/profile/tokens", url.Values{"name": {"Reporting script"}, "expires_in_days": {"30"}})
		webtest.WantStatus(t, resp, 201, body)
		m := tokenShown.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("new token not shown:\n%s", body)
		}
		r, me := h.API("GET", "/api/v1/me", m[1], nil)
		if r.StatusCode != 200 || me["email"] != h.Users["agent"].Email {
			t.Fatalf("new token does not work: %d %v", r.StatusCode, me)
		}
		_, body = b.Get("/profile")
		webtest.WantContains(t, body, "Reporting script")
		if tokenShown.MatchString(body) {
			t.Fatal("the token is shown again")
		}
		_, list := h.API("GET", "/api/v1/me/tokens", m[1], nil)
		id := int64(list["items"].([]any)[0].(map[string]any)["id"].(float64))

		// Another user cannot revoke it, through the page or the API.
		intruder := h.LoggedIn("admin")
		resp, _ = intruder.Post("/profile", "/profile/tokens/"+webtest.Itoa(int(id))+"/delete", nil)
		webtest.WantStatus(t, resp, 404, "")
		r, _ = h.API("DELETE", "/api/v1/me/tokens/"+webtest.Itoa(int(id)), h.Token("b_admin"), nil)
		if r.StatusCode != 404 {
			t.Fatalf("foreign token delete: %d", r.StatusCode)
		}
		resp, body = b.Post("/profile", "/profile/tokens/"+webtest.Itoa(int(id))+"/delete", nil)
		webtest.WantStatus(t, resp, 303, body)
		if r, _ := h.API("GET", "/api/v1/me", m[1], nil); r.StatusCode != 401 {
			t.Fatalf("revoked token still works: %d", r.StatusCode)
		}

		// Sessions: end one from another browser, then all others.
		second := h.LoggedIn("agent")
		third := h.LoggedIn("agent")
		sessions, _, err := h.Svc.Auth.Sessions().ForUser(context.Background(), h.Users["agent"].ID, 0, 10)
		webtest.Must(t, err)
		if len(sessions) != 3 {
			t.Fatalf("%d sessions, want 3", len(sessions))
		}
		// Someone else's session id is 404.
		resp, _ = intruder.Post("/profile", "/profile/sessions/"+webtest.Itoa(int(sessions[0].ID))+"/end", nil)
		webtest.WantStatus(t, resp, 404, "")
		resp, _ = b.Post("/profile", "/profile/sessions/"+webtest.Itoa(int(sessions[0].ID))+"/end", nil) // the newest: third
		webtest.WantStatus(t, resp, 303, "")
		if resp, _ := third.Get("/"); resp.StatusCode != 303 {
			t.Fatal("ended session still works")
		}
		resp, _ = b.Post("/profile", "/profile/sessions/end-others", nil)
		webtest.WantStatus(t, resp, 303, "")
		if resp, _ := second.Get("/"); resp.StatusCode != 303 {
			t.Fatal("other session survived 'sign out all other sessions'")
		}
		if resp, _ := b.Get("/"); resp.StatusCode != 200 {
			t.Fatal("the current session was ended too")
		}
		n, err := h.DB.NewSelect().Model((*org.User)(nil)).Count(context.Background())
		webtest.Must(t, err)
		if int(n) != len(webtest.FixtureUsers) {
			t.Fatalf("users changed: %d", n)
		}
	})
}
