package web_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/web"
	"backoffice/app/web/webtest"
)

// nulCursor is a keyset cursor whose sort key holds a NUL (JSON \u0000).
var nulCursor = base64.RawURLEncoding.EncodeToString([]byte(`k:{"k":"a\u0000","n":"a\u0000","l":"a\u0000","i":1}`))

// Every query parameter of every API route is checked before the handler
// reads it: a NUL, broken UTF-8 or a 10 KB value is a 422 at that parameter,
// never a 500 (a NUL in q reached the database on /customers and /users, and
// one inside a cursor on every keyset list).
func TestAPIQueryParametersRefuseUnusableValues(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin := h.Token("admin")
		bad := map[string]string{"NUL": "a%00b", "broken UTF-8": "%ff%fe", "10 KB": strings.Repeat("x", 10<<10)}
		lists := 0
		for _, r := range web.Routes(h.Server) {
			if r.Doc == nil || len(r.Doc.Query) == 0 {
				continue
			}
			lists++
			path := web.PathParam.ReplaceAllString(r.Path, "1") // parameters are checked before the record is looked up
			for _, param := range r.Doc.Query {
				for name, value := range bad {
					t.Run(r.Path+"?"+param+"="+name, func(t *testing.T) {
						resp, p := h.API(r.Method, path+"?"+param+"="+value, admin, nil)
						webtest.WantProblem(t, resp, p, 422, param)
					})
				}
				if param == "cursor" {
					for _, sort := range []string{"", "&sort=status", "&sort=name"} {
						resp, p := h.API(r.Method, path+"?cursor="+nulCursor+sort, admin, nil)
						webtest.WantProblem(t, resp, p, 422, "cursor")
					}
				}
			}
		}
		if lists < 12 {
			t.Fatalf("only %d routes declare query parameters", lists)
		}
		// A long search within the limits is still a search.
		resp, p := h.API("GET", "/api/v1/customers?q="+url.QueryEscape(strings.Repeat("ü", web.MaxQueryValue)), admin, nil)
		webtest.WantStatus(t, resp, 200, "")
		if len(webtest.Items(t, p)) != 0 {
			t.Fatalf("a search for %d ü found customers", web.MaxQueryValue)
		}
	})
}

// The list pages drop a search or position they cannot use, as they drop
// any other bad filter, instead of failing with a 500.
func TestListPagesDropUnusableSearchesAndPositions(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		page := base64.RawURLEncoding.EncodeToString([]byte(`{"k":"a\u0000","n":"a\u0000","l":"a\u0000","i":1}`))
		for user, paths := range map[string][]string{
			"admin":   {"/customers", "/users", "/tickets", "/devices"},
			"a_admin": {"/employees", "/tickets", "/devices"},
		} {
			b := h.LoggedIn(user)
			for _, path := range paths {
				for _, query := range []string{"q=a%00b", "q=%ff", "sort=status&after=" + page, "after=" + page} {
					if resp, body := b.Get(path + "?" + query); resp.StatusCode != 200 && resp.StatusCode != 303 {
						t.Fatalf("%s %s?%s: %d\n%s", user, path, query, resp.StatusCode, body)
					}
				}
			}
		}
	})
}
