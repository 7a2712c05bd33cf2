package webtest

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"backoffice/app/caller"
	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
	"backoffice/app/org"
	"backoffice/app/web"
	"backoffice/rbac"
)

// CheckSchema checks a decoded JSON object against a schema of the OpenAPI
// document: every required property present, no property the schema lacks,
// and types as declared (one level of $ref and arrays followed).
func CheckSchema(t testing.TB, name string, v map[string]any) {
	t.Helper()
	sch, ok := web.Schemas()[name].(map[string]any)
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
		p = web.Schemas()[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
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
				sub := web.Schemas()[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
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

// APIGet fetches an object as the token's user and fails unless it is 200.
func APIGet(t *testing.T, h *Harness, path, token string) map[string]any {
	t.Helper()
	resp, m := h.API("GET", path, token, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, m)
	}
	return m
}

// IDOf is the "id" (or another integer field) of a decoded JSON object.
func IDOf(m map[string]any, field ...string) int64 {
	name := "id"
	if len(field) > 0 {
		name = field[0]
	}
	f, _ := m[name].(float64)
	return int64(f)
}

// SID is IDOf(m) as a string, for paths.
func SID(m map[string]any) string { return Itoa64(IDOf(m)) }

// Items are the objects of a list answer.
func Items(t *testing.T, list map[string]any) []map[string]any {
	t.Helper()
	raw, ok := list["items"].([]any)
	if !ok {
		t.Fatalf("not a list: %v", list)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// OtherProvider adds a second provider with a customer of its own and an
// agent, fixture user "x_agent".
func OtherProvider(t *testing.T, h *Harness) (prov, cust *org.Organization) {
	t.Helper()
	ctx := context.Background()
	prov = &org.Organization{Name: "Rival Service GmbH"}
	Must(t, h.Svc.Users.CreateOrganization(ctx, prov, []string{"rival.test"}))
	cust = &org.Organization{Name: "Rival Customer", ProviderID: &prov.ID}
	Must(t, h.Svc.Users.CreateOrganization(ctx, cust, []string{"rival-customer.test"}))
	u := &org.User{OrganizationID: prov.ID, Email: "x_agent@rival.test", FirstName: "Xaver", LastName: "Rival",
		Role: rbac.ProviderAgent, PasswordHash: h.Users["agent"].PasswordHash, Language: "en", TimeZone: "Europe/Berlin"}
	Must(t, h.Svc.Users.CreateUser(ctx, u))
	u, err := h.Svc.Users.User(ctx, u.ID)
	Must(t, err)
	h.Users["x_agent"] = caller.Of(u, "")
	return prov, cust
}

// RawCall sends a request with a bearer token, a body of the given type and
// extra headers (name, value, …) and returns the answer's bytes.
func RawCall(t *testing.T, h *Harness, method, path, token, contentType string, body []byte, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := h.Do(req)
	return resp, []byte(ReadBody(t, resp))
}

// WantUTC checks that the object's timestamps are RFC 3339 in UTC, as the
// API promises (PostgreSQL hands them back in the process's local zone).
func WantUTC(t *testing.T, obj map[string]any, fields ...string) {
	t.Helper()
	for _, f := range fields {
		v, _ := obj[f].(string)
		if obj[f] == nil {
			continue
		}
		if _, err := time.Parse(time.RFC3339, v); err != nil || !strings.HasSuffix(v, "Z") {
			t.Errorf("%s = %v: not an RFC 3339 timestamp in UTC", f, obj[f])
		}
	}
}

// WantProblem checks an API answer is a problem document with the status
// and an error at each of fields; it returns the errors.
func WantProblem(t *testing.T, resp *http.Response, body map[string]any, status int, fields ...string) []map[string]any {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %v", resp.Request.Method, resp.Request.URL, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("%s %s: Content-Type %q, want application/problem+json", resp.Request.Method, resp.Request.URL, ct)
	}
	if body == nil || body["status"] != float64(status) {
		t.Fatalf("problem document without status %d: %v", status, body)
	}
	CheckSchema(t, "Problem", body)
	var errs []map[string]any
	if raw, ok := body["errors"].([]any); ok {
		for _, e := range raw {
			errs = append(errs, e.(map[string]any))
		}
	}
	for _, f := range fields {
		found := false
		for _, e := range errs {
			found = found || e["field"] == f
		}
		if !found {
			t.Fatalf("%s %s: no error at %q: %v", resp.Request.Method, resp.Request.URL, f, body)
		}
	}
	return errs
}

// LocalPath turns a link from an email into the path the test client requests.
func LocalPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host != "desk.test" {
		t.Fatalf("link %q does not start with BASE_URL", link)
	}
	return u.RequestURI()
}

// TokenOf is the token parameter of a link from an email.
func TokenOf(t *testing.T, link string) string {
	u, err := url.Parse(link)
	Must(t, err)
	return u.Query().Get("token")
}

// WantNoFormulaCells reads an export as a spreadsheet that splits on ','
// does, and as one that splits on ';' (German or Russian settings, quotes
// ignored where they do not open a cell), and finds no cell that starts a
// formula.
func WantNoFormulaCells(t *testing.T, body string) {
	t.Helper()
	for _, comma := range []rune{',', ';'} {
		r := csv.NewReader(strings.NewReader(body))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
		rows, err := r.ReadAll()
		Must(t, err)
		for _, row := range rows {
			for _, cell := range row {
				if c, _ := utf8.DecodeRuneInString(cell); strings.ContainsRune("=+-@\t\r", c) {
					t.Errorf("read with %q, the export has the formula cell %q", comma, cell)
				}
			}
		}
	}
}

// CreateTicket opens a ticket through the API and checks the answer is a
// Ticket created at its Location.
func CreateTicket(t *testing.T, h *Harness, token string, body any) map[string]any {
	t.Helper()
	resp, tk := h.API("POST", "/api/v1/tickets", token, body)
	if resp.StatusCode != 201 {
		t.Fatalf("create ticket %v: %d %v", body, resp.StatusCode, tk)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/v1/tickets/"+SID(tk) {
		t.Fatalf("create ticket: Location %q, want /api/v1/tickets/%s", loc, SID(tk))
	}
	CheckSchema(t, "Ticket", tk)
	return tk
}

// TicketPath is the API path of a ticket, with suffix.
func TicketPath(tk map[string]any, suffix string) string {
	return "/api/v1/tickets/" + SID(tk) + suffix
}

// DeliverMail runs the outbox worker once against an in-process SMTP server
// and returns the mail that reached to.
func (h *Harness) DeliverMail(srv *smtptest.Server, to string) *smtptest.Mail {
	h.T.Helper()
	mailer, err := notify.NewSMTPMailer(srv.URL())
	Must(h.T, err)
	w := &notify.Worker{DB: h.DB, Mailer: mailer, From: "Provider Desk <desk@provider.test>", Clock: h.Clock}
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		h.T.Fatal(err)
	}
	return srv.Wait(h.T, to, 5*time.Second)
}
