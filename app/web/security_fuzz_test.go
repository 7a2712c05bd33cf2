package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/web"
	"backoffice/app/web/webtest"
)

// Hostile values in every query parameter the application reads and in the
// bodies of every route that takes one, as staff and as a customer, on the
// caller's own records: the answer may refuse them (4xx) but never fail (5xx).

// fuzzParams are the query parameters the handlers read (grep Query(").
var fuzzParams = []string{"q", "email", "customer_id", "after", "token", "status", "state", "sort", "requester", "next",
	"device_id", "cursor", "before", "assignee", "v", "type", "to", "template", "size", "site", "priority", "new", "limit",
	"lang", "from", "edit", "due", "category", "view", "created_within", "rating", "kind", "tab", "code"}

// fuzzValues are values that have broken parsers before.
var fuzzValues = []string{"\x00", strings.Repeat("z", 10_000), "-1", "99999999999999999999", "'\"<>;--%", "\xff\xfe"}

// fuzzJSON are bodies of the wrong shape or with hostile values.
var fuzzJSON = []string{`[]`, `"x"`, `null`, `{"name":5,"subject":[],"body":{},"email":true,"priority":null,"status":""}`,
	`{"name":"\u0000","subject":"a\u0000b","body":"\u0000","email":"a\u0000@b.test","q":"\u0000"}`,
	`{"name":"` + strings.Repeat("x", 100_000) + `","subject":"` + strings.Repeat("y", 100_000) + `"}`,
	`{"priority":"","type":"","status":"nonsense","assignee_id":-1,"score":1e400,"expires_in_days":99999999999}`,
	`{"see_all":5,"items":"x","fields":[1,2],"tags":"x","role":"provider_admin"}`,
	strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000), `{"name":`}

// fuzzForms are form bodies with hostile values.
var fuzzForms = []url.Values{
	{"name": {"\x00"}, "subject": {"a\x00b"}, "body": {"\x00"}, "email": {"\x00"}, "label": {"\x00"}, "pin": {"\x00"}},
	{"name": {strings.Repeat("x", 100_000)}, "body": {strings.Repeat("y", 100_000)}, "description": {strings.Repeat("z", 100_000)}},
	{"score": {"1e400"}, "priority": {""}, "type": {"\xff"}, "status": {"nonsense"}, "assignee_id": {"-1"}, "ids": {"x,,-1"},
		"action": {"\x00"}, "position": {"99999999999999999999"}, "count": {"-5"}},
}

func TestHostileInputsNeverFail(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		own, _, _ := matrixFixture(t, h)
		requests, fiveXX := 0, 0
		report := func(what string, status int, body string) {
			requests++
			if status >= 500 {
				fiveXX++
				if fiveXX <= 30 {
					t.Errorf("%s: %d\n%.300s", what, status, body)
				}
			}
		}
		for _, name := range []string{"admin", "a_member"} {
			m := &matrixCaller{name: name, browser: h.Browser(), token: h.Token(name)}
			m.browser.Login(name)
			m.csrf = m.browser.CSRF("/profile")
			for _, rt := range web.RouteTable(h.Server) {
				key := rt.Method + " " + rt.Path
				if _, skip := matrixSkips[key]; skip || isDestructive(rt.Path, rt.Method) {
					continue
				}
				path := fill(rt.Path, &own)
				if rt.Method == "GET" {
					for _, p := range fuzzParams {
						for _, v := range fuzzValues {
							st, body := m.call(t, h, "GET", path+"?"+url.Values{p: {v}}.Encode())
							report(name+" "+key+" ?"+p+"="+short(v), st, body)
						}
					}
					continue
				}
				if strings.HasPrefix(rt.Path, "/api/") {
					for _, b := range fuzzJSON {
						req := httptest.NewRequest(rt.Method, path, strings.NewReader(b))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+m.token)
						resp := h.Do(req)
						report(name+" "+key+" "+short(b), resp.StatusCode, webtest.ReadBody(t, resp))
					}
					continue
				}
				for _, f := range fuzzForms {
					form := url.Values{"_csrf": {m.csrf}}
					for k, v := range f {
						form[k] = v
					}
					req := httptest.NewRequest(rt.Method, path, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					resp, body := m.browser.Send(req)
					report(name+" "+key+" form", resp.StatusCode, body)
				}
			}
		}
		t.Logf("hostile inputs: %d requests, %d answers 5xx", requests, fiveXX)
	})
}

// isDestructive reports routes that would end the fuzzing callers' own
// access or records: deletions, disabling, ending sessions.
func isDestructive(path, method string) bool {
	return method == "DELETE" || strings.HasSuffix(path, "/delete") || strings.HasSuffix(path, "/disable") ||
		strings.Contains(path, "/sessions") || strings.HasSuffix(path, "/password") || strings.HasSuffix(path, "/independent")
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
