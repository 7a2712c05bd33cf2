package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"backoffice/app/org"
)

func TestProfileSavesDetailsAndRendersInTheUsersLanguageAndZone(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_member")
		resp, body := b.get("/profile")
		wantStatus(t, resp, 200, body)
		wantContains(t, body, `value="A_member"`, `<option value="Europe/Berlin" selected>`)
		// Times show in the user's zone: signed in at 09:00 UTC = 10:00 in Berlin.
		wantContains(t, body, "23 Nov 2026, 10:00")

		resp, body = b.post("/profile", "/profile", url.Values{"first_name": {"Greta"}, "last_name": {"Lind"},
			"language": {"de"}, "time_zone": {"Asia/Tokyo"}})
		wantStatus(t, resp, 303, body)
		_, body = b.get("/profile")
		wantContains(t, body, `<html lang="de">`, "Ihr Profil wurde gespeichert.", `value="Greta"`, "23.11.2026, 18:00")
		u, err := h.srv.users.User(context.Background(), h.users["a_member"].ID)
		must(t, err)
		if u.FirstName != "Greta" || u.Language != "de" || u.TimeZone != "Asia/Tokyo" {
			t.Fatalf("profile not saved: %+v", u)
		}
	})
}

func TestProfileRejectsBadInputAtTheFieldAndKeepsData(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_member")
		resp, body := b.post("/profile", "/profile", url.Values{"first_name": {""}, "last_name": {strings.Repeat("x", 101)},
			"language": {"fr"}, "time_zone": {"Mars/Olympus"}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, "This field is required.", "Use at most 100 characters.", "Choose English, Deutsch or Русский.",
			"Choose a time zone from the list", `aria-invalid="true"`)
		u, err := h.srv.users.User(context.Background(), h.users["a_member"].ID)
		must(t, err)
		if u.Language != "en" || u.LastName != "Tester" || u.FirstName != "A_member" {
			t.Fatalf("a rejected save changed data: %+v", u)
		}
		resp, body = b.post("/profile", "/profile", url.Values{"first_name": {"<script>alert(1)</script>"},
			"language": {"en"}, "time_zone": {"UTC"}})
		wantStatus(t, resp, 303, body)
		_, body = b.get("/")
		wantNotContains(t, body, "<script>alert(1)</script>")
		wantContains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	})
}

func TestChangePasswordEndsOtherSessionsAndTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_admin")
		other := h.loggedIn("a_admin")
		token := h.token("a_admin")

		resp, body := b.post("/profile", "/profile/password", url.Values{"current_password": {"wrong-one-123"},
			"new_password": {"Another-Good-Pass-42"}, "confirm_password": {"Another-Good-Pass-42"}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, "The current password is not correct.")
		resp, body = b.post("/profile", "/profile/password", url.Values{"current_password": {testPassword},
			"new_password": {"password123"}, "confirm_password": {"password124"}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, "This password is too common.", "The two passwords do not match.")

		resp, body = b.post("/profile", "/profile/password", url.Values{"current_password": {testPassword},
			"new_password": {"Another-Good-Pass-42"}, "confirm_password": {"Another-Good-Pass-42"}})
		wantStatus(t, resp, 303, body)
		resp, body = b.get("/profile")
		wantStatus(t, resp, 200, body)
		wantContains(t, body, "Your password has been changed. Other sessions signed out: 1; API tokens revoked: 1.")
		resp, _ = other.get("/")
		wantStatus(t, resp, 303, "")
		if resp, _ := h.api("GET", "/api/v1/me", token, nil); resp.StatusCode != 401 {
			t.Fatalf("API token survived a password change: %d", resp.StatusCode)
		}
		fresh := h.browser()
		resp, _ = fresh.post("/login", "/login", url.Values{"email": {h.users["a_admin"].Email}, "password": {testPassword}})
		wantStatus(t, resp, 422, "")
		resp, _ = fresh.post("/login", "/login", url.Values{"email": {h.users["a_admin"].Email}, "password": {"Another-Good-Pass-42"}})
		wantStatus(t, resp, 303, "")
	})
}

// A password change through the API keeps the token making it, as the README
// promises ("ends every other session and API token"); the user's other
// tokens and sessions end.
func TestAPIPasswordChangeKeepsTheCallingToken(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("a_admin")
		calling, other := h.token("a_admin"), h.token("a_admin")
		resp, m := h.api("POST", "/api/v1/me/password", calling, map[string]string{"current_password": testPassword,
			"new_password": "Another-Good-Pass-42"})
		wantStatus(t, resp, 200, "")
		if m["revoked_tokens"] != float64(1) || m["ended_sessions"] != float64(1) {
			t.Fatalf("answer %v, want 1 revoked token and 1 ended session", m)
		}
		if resp, _ := h.api("GET", "/api/v1/me", calling, nil); resp.StatusCode != 200 {
			t.Fatalf("the calling token after the change: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/me", other, nil); resp.StatusCode != 401 {
			t.Fatalf("another token of the user after the change: %d", resp.StatusCode)
		}
		if resp, _ := b.get("/"); resp.StatusCode != 303 {
			t.Fatalf("the user's session after the change: %d", resp.StatusCode)
		}
	})
}

var tokenShown = regexp.MustCompile(`value="(bo_[A-Za-z0-9_-]{43})"`)

func TestProfileTokensAndSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		b := h.loggedIn("agent")
		_, body := b.get("/profile")
		wantContains(t, body, "You have no API tokens.", "This session")

		resp, body := b.post("/profile", "/profile/tokens", url.Values{"name": {""}, "expires_in_days": {"90"}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, "This field is required.")
		resp, body = b.post("/profile", "/profile/tokens", url.Values{"name": {"CI"}, "expires_in_days": {"9999"}})
		wantStatus(t, resp, 422, body)
		wantContains(t, body, "Choose a lifetime from 1 to 365 days.")

		resp, body = b.post("/profile", "/profile/tokens", url.Values{"name": {"Reporting script"}, "expires_in_days": {"30"}})
		wantStatus(t, resp, 201, body)
		m := tokenShown.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("new token not shown:\n%s", body)
		}
		r, me := h.api("GET", "/api/v1/me", m[1], nil)
		if r.StatusCode != 200 || me["email"] != h.users["agent"].Email {
			t.Fatalf("new token does not work: %d %v", r.StatusCode, me)
		}
		_, body = b.get("/profile")
		wantContains(t, body, "Reporting script")
		if tokenShown.MatchString(body) {
			t.Fatal("the token is shown again")
		}
		_, list := h.api("GET", "/api/v1/me/tokens", m[1], nil)
		id := int64(list["items"].([]any)[0].(map[string]any)["id"].(float64))

		// Another user cannot revoke it, through the page or the API.
		intruder := h.loggedIn("admin")
		resp, _ = intruder.post("/profile", "/profile/tokens/"+itoa(int(id))+"/delete", nil)
		wantStatus(t, resp, 404, "")
		r, _ = h.api("DELETE", "/api/v1/me/tokens/"+itoa(int(id)), h.token("b_admin"), nil)
		if r.StatusCode != 404 {
			t.Fatalf("foreign token delete: %d", r.StatusCode)
		}
		resp, body = b.post("/profile", "/profile/tokens/"+itoa(int(id))+"/delete", nil)
		wantStatus(t, resp, 303, body)
		if r, _ := h.api("GET", "/api/v1/me", m[1], nil); r.StatusCode != 401 {
			t.Fatalf("revoked token still works: %d", r.StatusCode)
		}

		// Sessions: end one from another browser, then all others.
		second := h.loggedIn("agent")
		third := h.loggedIn("agent")
		sessions, _, err := h.srv.auth.Sessions().ForUser(context.Background(), h.users["agent"].ID, 0, 10)
		must(t, err)
		if len(sessions) != 3 {
			t.Fatalf("%d sessions, want 3", len(sessions))
		}
		// Someone else's session id is 404.
		resp, _ = intruder.post("/profile", "/profile/sessions/"+itoa(int(sessions[0].ID))+"/end", nil)
		wantStatus(t, resp, 404, "")
		resp, _ = b.post("/profile", "/profile/sessions/"+itoa(int(sessions[0].ID))+"/end", nil) // the newest: third
		wantStatus(t, resp, 303, "")
		if resp, _ := third.get("/"); resp.StatusCode != 303 {
			t.Fatal("ended session still works")
		}
		resp, _ = b.post("/profile", "/profile/sessions/end-others", nil)
		wantStatus(t, resp, 303, "")
		if resp, _ := second.get("/"); resp.StatusCode != 303 {
			t.Fatal("other session survived 'sign out all other sessions'")
		}
		if resp, _ := b.get("/"); resp.StatusCode != 200 {
			t.Fatal("the current session was ended too")
		}
		n, err := h.db.NewSelect().Model((*org.User)(nil)).Count(context.Background())
		must(t, err)
		if int(n) != len(fixtureUsers) {
			t.Fatalf("users changed: %d", n)
		}
	})
}
