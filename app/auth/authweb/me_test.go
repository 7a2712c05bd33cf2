package authweb_test

import (
	"strings"
	"testing"
	"time"

	"backoffice/app/web/webtest"
)

func TestAPITokenThenMe(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		resp, body := h.API("POST", "/api/v1/auth/token", "", map[string]string{"email": "A_ADMIN@a.test", "password": webtest.Password})
		if resp.StatusCode != 201 {
			t.Fatalf("token: %d %v", resp.StatusCode, body)
		}
		token, _ := body["token"].(string)
		if !strings.HasPrefix(token, "bo_") || len(token) < 40 {
			t.Fatalf("token = %q", token)
		}
		exp, err := time.Parse(time.RFC3339, body["expires_at"].(string))
		if err != nil || !exp.After(h.Clock.Now().Add(29*24*time.Hour)) {
			t.Fatalf("expires_at = %v (%v)", body["expires_at"], err)
		}
		resp, me := h.API("GET", "/api/v1/me", token, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("me: %d %v", resp.StatusCode, me)
		}
		u := h.Users["a_admin"]
		want := map[string]any{"id": float64(u.ID), "email": "a_admin@a.test", "first_name": "A_admin", "last_name": "Tester",
			"role": "administrator", "organization_id": float64(h.CustA.ID), "language": "en", "time_zone": "Europe/Berlin", "status": "active"}
		for k, v := range want {
			if me[k] != v {
				t.Errorf("me.%s = %v, want %v", k, me[k], v)
			}
		}
		webtest.CheckSchema(t, "User", me)

		// PATCH changes only what is sent, and ignores what a client may not set.
		resp, me = h.API("PATCH", "/api/v1/me", token, map[string]any{"time_zone": "Europe/Moscow", "role": "provider_admin",
			"organization_id": h.CustB.ID, "id": 1, "email": "x@y.test"})
		if resp.StatusCode != 200 || me["time_zone"] != "Europe/Moscow" || me["role"] != "administrator" ||
			me["organization_id"] != float64(h.CustA.ID) || me["email"] != "a_admin@a.test" || me["first_name"] != "A_admin" {
			t.Fatalf("patch me: %d %v", resp.StatusCode, me)
		}

		// Revoking the current token.
		resp, _ = h.API("DELETE", "/api/v1/auth/token", token, nil)
		if resp.StatusCode != 204 {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/me", token, nil); resp.StatusCode != 401 {
			t.Fatalf("revoked token works: %d", resp.StatusCode)
		}
	})
}
