package web_test

import (
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"backoffice/app/web/webtest"
)

func TestAPIRejectsBadInputWithProblemDocuments(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		tok := h.Token("a_member")
		cases := []struct {
			name, method, path, token string
			body                      any
			status                    int
			field                     string
		}{
			{"wrong password", "POST", "/api/v1/auth/token", "", map[string]string{"email": "a_member@a.test", "password": "nope-nope-nope"}, 401, ""},
			{"unknown email", "POST", "/api/v1/auth/token", "", map[string]string{"email": "ghost@a.test", "password": "nope-nope-nope"}, 401, ""},
			{"missing fields", "POST", "/api/v1/auth/token", "", map[string]string{}, 422, "email"},
			{"malformed json", "POST", "/api/v1/auth/token", "", `{"email":`, 422, "body"},
			{"trailing garbage", "POST", "/api/v1/auth/token", "", `{"email":"a@b.c","password":"x"} {}`, 422, "body"},
			{"wrong type", "POST", "/api/v1/auth/token", "", `{"email": 42, "password": "x"}`, 422, "email"},
			{"empty body", "POST", "/api/v1/me/tokens", tok, "", 422, "body"},
			{"bad language", "PATCH", "/api/v1/me", tok, map[string]string{"language": "xx"}, 422, "language"},
			{"nul in name", "PATCH", "/api/v1/me", tok, map[string]string{"first_name": "a\x00b"}, 422, "first_name"},
			{"bad zone", "PATCH", "/api/v1/me", tok, map[string]string{"time_zone": "Local"}, 422, "time_zone"},
			{"token lifetime", "POST", "/api/v1/me/tokens", tok, map[string]any{"name": "x", "expires_in_days": 400}, 422, "expires_in_days"},
			{"token lifetime type", "POST", "/api/v1/me/tokens", tok, map[string]any{"name": "x", "expires_in_days": "ten"}, 422, "expires_in_days"},
			{"weak password", "POST", "/api/v1/me/password", tok, map[string]string{"current_password": webtest.Password, "new_password": "short"}, 422, "new_password"},
			{"wrong current", "POST", "/api/v1/me/password", tok, map[string]string{"current_password": "not-it-at-all", "new_password": "Quite-Good-Pass-9"}, 422, "current_password"},
			{"bad limit", "GET", "/api/v1/me/tokens?limit=1000", tok, nil, 422, "limit"},
			{"bad cursor", "GET", "/api/v1/me/tokens?cursor=%%%", tok, nil, 422, "cursor"},
			{"no credentials", "GET", "/api/v1/me", "", nil, 401, ""},
			{"garbage token", "GET", "/api/v1/me", "bo_garbage", nil, 401, ""},
			{"unknown route", "GET", "/api/v1/nothing-here", tok, nil, 404, ""},
			{"non-numeric id", "DELETE", "/api/v1/me/tokens/abc", tok, nil, 404, ""},
			{"missing id", "DELETE", "/api/v1/me/sessions/999999", tok, nil, 404, ""},
		}
		for _, tc := range cases {
			resp, p := h.API(tc.method, tc.path, tc.token, tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d: %v", tc.name, resp.StatusCode, tc.status, p)
				continue
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("%s: content type %q", tc.name, ct)
			}
			if p["status"] != float64(tc.status) || p["title"] == "" || p["type"] != "about:blank" {
				t.Errorf("%s: problem document %v", tc.name, p)
			}
			webtest.CheckSchema(t, "Problem", p)
			if tc.field != "" {
				found := false
				errs, _ := p["errors"].([]any)
				for _, e := range errs {
					if m := e.(map[string]any); m["field"] == tc.field && m["message"] != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: no error at field %q: %v", tc.name, tc.field, p)
				}
			}
		}
		// Wrong password and unknown email read the same.
		_, a := h.API("POST", "/api/v1/auth/token", "", map[string]string{"email": "a_member@a.test", "password": "nope-nope-nope"})
		_, b := h.API("POST", "/api/v1/auth/token", "", map[string]string{"email": "ghost@a.test", "password": "nope-nope-nope"})
		if a["detail"] != b["detail"] || a["title"] != b["title"] {
			t.Errorf("answers differ: %v vs %v", a, b)
		}
		// 401 carries a challenge.
		resp, _ := h.API("GET", "/api/v1/me", "", nil)
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		// A non-JSON body is refused, not guessed at.
		req := httptest.NewRequest("POST", "/api/v1/me/tokens", strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tok)
		if r := h.Do(req); r.StatusCode != 415 {
			t.Errorf("form body: %d, want 415", r.StatusCode)
		}
		// Problem details follow the language asked for.
		req = httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Accept-Language", "de")
		r := h.Do(req)
		webtest.WantContains(t, webtest.ReadBody(t, r), "Nicht angemeldet")
	})
}

func TestAPIListsPageWithCursors(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		tok := h.Token("b_member")
		for i := 0; i < 4; i++ {
			h.Token("b_member")
		}
		var names []float64
		cursor := ""
		for page := 0; page < 5; page++ {
			path := "/api/v1/me/tokens?limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			resp, body := h.API("GET", path, tok, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("page %d: %d %v", page, resp.StatusCode, body)
			}
			webtest.CheckSchema(t, "TokenList", body)
			for _, it := range body["items"].([]any) {
				names = append(names, it.(map[string]any)["id"].(float64))
				if _, leaked := it.(map[string]any)["token"]; leaked {
					t.Fatal("a listed token carries its secret")
				}
			}
			next, _ := body["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(names) != 5 || !sort.SliceIsSorted(names, func(i, j int) bool { return names[i] > names[j] }) {
			t.Fatalf("paged ids %v, want 5 newest first", names)
		}
		// Another user's list never shows them.
		_, other := h.API("GET", "/api/v1/me/tokens", h.Token("b_admin"), nil)
		if n := len(other["items"].([]any)); n != 1 {
			t.Fatalf("b_admin sees %d tokens, want only their own 1", n)
		}
		// Sessions list.
		h.LoggedIn("b_member")
		_, sess := h.API("GET", "/api/v1/me/sessions", tok, nil)
		webtest.CheckSchema(t, "SessionList", sess)
		if n := len(sess["items"].([]any)); n != 1 {
			t.Fatalf("%d sessions", n)
		}
	})
}
