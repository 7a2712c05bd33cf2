package web_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"backoffice/app/web"
	"backoffice/app/web/webtest"
)

func TestOpenAPIDescribesExactlyTheAPIRoutes(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		resp, doc := h.API("GET", "/api/v1/openapi.json", "", nil)
		if resp.StatusCode != 200 || doc["openapi"] != "3.0.3" {
			t.Fatalf("openapi: %d", resp.StatusCode)
		}
		documented := map[string]bool{}
		for path, ops := range doc["paths"].(map[string]any) {
			for method, op := range ops.(map[string]any) {
				documented[strings.ToUpper(method)+" "+path] = true
				o := op.(map[string]any)
				if o["summary"] == "" || o["responses"] == nil {
					t.Errorf("%s %s: incomplete operation", method, path)
				}
			}
		}
		served := map[string]bool{}
		for _, r := range h.Server.App().GetRoutes(true) {
			if strings.HasPrefix(r.Path, "/api/") && r.Method != "HEAD" && r.Method != "USE" {
				served[r.Method+" "+web.OpenAPIPath(r.Path)] = true
			}
		}
		var missing, extra []string
		for k := range served {
			if !documented[k] {
				missing = append(missing, k)
			}
		}
		for k := range documented {
			if !served[k] {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 || len(extra) > 0 {
			t.Fatalf("undocumented routes %v; documented but not served %v", missing, extra)
		}
		if len(served) < 10 {
			t.Fatalf("only %d API routes found", len(served))
		}
		// Every $ref resolves.
		raw, _ := json.Marshal(doc)
		for _, part := range strings.Split(string(raw), `"$ref":"#/components/schemas/`)[1:] {
			name := part[:strings.Index(part, `"`)]
			if _, ok := web.Schemas()[name]; !ok {
				t.Errorf("dangling $ref %s", name)
			}
		}
	})
}
