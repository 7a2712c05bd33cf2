package web

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// checkSchema checks a decoded JSON object against a schema of the OpenAPI
// document: every required property present, no property the schema lacks,
// and types as declared (one level of $ref and arrays followed).
func checkSchema(t testing.TB, h *harness, name string, v map[string]any) {
	t.Helper()
	sch, ok := schemas[name].(map[string]any)
	if !ok {
		t.Fatalf("no schema %q", name)
	}
	checkObject(t, name, sch, v)
}

func checkObject(t testing.TB, where string, sch map[string]any, v map[string]any) {
	t.Helper()
	props, _ := sch["properties"].(map[string]any)
	if props == nil {
		return
	}
	req, _ := sch["required"].([]string)
	for _, r := range req {
		if _, ok := v[r]; !ok {
			t.Errorf("%s: required property %q missing in %v", where, r, v)
		}
	}
	for k, val := range v {
		p, ok := props[k].(map[string]any)
		if !ok {
			t.Errorf("%s: property %q not in the schema", where, k)
			continue
		}
		checkValue(t, where+"."+k, p, val)
	}
}

func checkValue(t testing.TB, where string, p map[string]any, val any) {
	t.Helper()
	if r, ok := p["$ref"].(string); ok {
		p = schemas[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
	}
	if val == nil {
		if p["nullable"] != true {
			t.Errorf("%s: null, but not nullable", where)
		}
		return
	}
	switch p["type"] {
	case "string":
		if _, ok := val.(string); !ok {
			t.Errorf("%s: %v is not a string", where, val)
		}
	case "integer":
		if f, ok := val.(float64); !ok || f != float64(int64(f)) {
			t.Errorf("%s: %v is not an integer", where, val)
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			t.Errorf("%s: %v is not a boolean", where, val)
		}
	case "array":
		arr, ok := val.([]any)
		if !ok {
			t.Errorf("%s: %v is not an array", where, val)
			return
		}
		items, _ := p["items"].(map[string]any)
		for i, it := range arr {
			if r, ok := items["$ref"].(string); ok {
				sub := schemas[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
				checkObject(t, where+"[]", sub, it.(map[string]any))
			} else if items != nil {
				if m, ok := it.(map[string]any); ok {
					checkObject(t, where+"[]", items, m)
				} else {
					checkValue(t, where+"[]", items, it)
				}
			}
			_ = i
		}
	case "object":
		if m, ok := val.(map[string]any); ok {
			checkObject(t, where, p, m)
		}
	}
	if enum, ok := p["enum"].([]string); ok {
		s, _ := val.(string)
		found := false
		for _, e := range enum {
			found = found || e == s
		}
		if !found {
			t.Errorf("%s: %q not in %v", where, s, enum)
		}
	}
}

func TestOpenAPIDescribesExactlyTheAPIRoutes(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		resp, doc := h.api("GET", "/api/v1/openapi.json", "", nil)
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
		for _, r := range h.srv.App().GetRoutes(true) {
			if strings.HasPrefix(r.Path, "/api/") && r.Method != "HEAD" && r.Method != "USE" {
				served[r.Method+" "+openAPIPath(r.Path)] = true
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
			if _, ok := schemas[name]; !ok {
				t.Errorf("dangling $ref %s", name)
			}
		}
	})
}
