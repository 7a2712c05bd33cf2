package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/app/web"
	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
	"backoffice/rbac"
)

// The security matrix: every route of the route table, called by every role
// and by a visitor, with the ids of the caller's own tenant, of a foreign
// tenant and of nothing. A foreign id must answer exactly as a missing one
// (no status tells that it exists), never succeed, and leave the foreign
// records as they were; no call may answer 5xx; and on the caller's own
// records a route answers the guard's refusal exactly when the role's
// permissions (rbac) withhold the route's permission.

// tenantIDs are the records of one tenant that route parameters name.
type tenantIDs struct {
	customer, user, invitation, device, code, ticket, attachment, template, field, session, token int64
	scan, typeKey                                                                                 string
}

const missingID = "987654321"

// matrixFixture creates the records of customer A (with the provider's own
// configuration), customer B and a rival provider's customer R.
func matrixFixture(t *testing.T, h *webtest.Harness) (a, b, r tenantIDs) {
	t.Helper()
	ctx := context.Background()
	rivalProv, rivalCust := webtest.OtherProvider(t, h)
	add := func(name string, o *org.Organization, role rbac.Role) *caller.Caller {
		u := &org.User{OrganizationID: o.ID, Email: name + "@" + strings.ToLower(strings.ReplaceAll(o.Name, " ", "-")) + ".test",
			FirstName: "X", LastName: name, Role: role, PasswordHash: h.Users["agent"].PasswordHash, Language: "en", TimeZone: "Europe/Berlin"}
		webtest.Must(t, h.Svc.Users.CreateUser(ctx, u))
		u, err := h.Svc.Users.User(ctx, u.ID)
		webtest.Must(t, err)
		h.Users[name] = caller.Of(u, "")
		return h.Users[name]
	}
	xAdmin := add("x_admin", rivalProv, rbac.ProviderAdmin)
	rMember := add("r_member", rivalCust, rbac.Member)

	build := func(staff, requester *caller.Caller, customer *org.Organization, configOwner *caller.Caller) tenantIDs {
		var ids tenantIDs
		ids.customer, ids.user = customer.ID, requester.ID
		inv, err := h.Svc.People.Invite(ctx, staff, customer.ID,
			org.PersonInput{FirstName: "New", LastName: "Person", Email: "new-" + requester.Email, Language: "en", Role: rbac.Member})
		webtest.Must(t, err)
		ids.invitation = inv.ID
		d, err := h.Svc.Devices.Create(ctx, staff, device.Input{CustomerID: customer.ID, Name: "Pump " + customer.Name, SerialNumber: "SN-" + webtest.Itoa64(customer.ID)})
		webtest.Must(t, err)
		ids.device, ids.code, ids.scan = d.ID, d.Code.ID, d.Code.Token
		tk, err := h.Svc.Tickets.Create(ctx, requester, ticket.NewTicket{Subject: "Case of " + customer.Name, Description: "private",
			Files: []ticket.Upload{{Name: "a.txt", Data: []byte("file\n")}}})
		webtest.Must(t, err)
		msgs, _, err := h.Svc.Tickets.Messages(ctx, staff, tk.ID, 0, 10)
		webtest.Must(t, err)
		ids.ticket, ids.attachment = tk.ID, msgs[0].Attachments[0].ID
		tpl, err := h.Svc.Tickets.CreateTemplate(ctx, configOwner, ticket.TemplateInput{Name: "Template " + customer.Name, Body: "x"})
		webtest.Must(t, err)
		ids.template = tpl.ID
		fld, err := h.Svc.Tickets.SaveField(ctx, configOwner, 0, ticket.FieldInput{Label: "Field " + customer.Name, Kind: "text", Shown: true})
		webtest.Must(t, err)
		ids.field = fld.ID
		typ, err := h.Svc.Tickets.AddType(ctx, configOwner, "Type "+customer.Name)
		webtest.Must(t, err)
		ids.typeKey = typ.Key
		_, sess, err := h.Svc.Auth.Sessions().Create(ctx, requester.ID, "192.0.2.1", "matrix")
		webtest.Must(t, err)
		ids.session = sess.ID
		_, tok, err := h.Svc.Auth.Tokens().Create(ctx, requester.ID, "matrix", 24*60*60*1e9)
		webtest.Must(t, err)
		ids.token = tok.ID
		return ids
	}
	a = build(h.Users["admin"], h.Users["a_member"], h.CustA, h.Users["admin"])
	r = build(xAdmin, rMember, rivalCust, xAdmin)
	b = build(h.Users["admin"], h.Users["b_member"], h.CustB, xAdmin)
	// B has no configuration of its own: its foreign configuration is the rival's.
	b.template, b.field, b.typeKey = r.template, r.field, r.typeKey
	return a, b, r
}

// fill puts ids into the parameters of path, or ids that name nothing when
// ids is nil.
func fill(path string, ids *tenantIDs) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, ":") {
			continue
		}
		prev := segs[i-1]
		var v string
		switch {
		case ids == nil && s == ":code":
			v = "nosuchcode0000000000"
		case ids == nil:
			v = missingID
		case s == ":attachment_id":
			v = webtest.Itoa64(ids.attachment)
		case s == ":code":
			v = ids.scan
		case s == ":key":
			v = ids.typeKey
		case s == ":name":
			v = "priority"
		case prev == "customers":
			v = webtest.Itoa64(ids.customer)
		case prev == "users" || prev == "employees":
			v = webtest.Itoa64(ids.user)
		case prev == "invitations":
			v = webtest.Itoa64(ids.invitation)
		case prev == "devices":
			v = webtest.Itoa64(ids.device)
		case prev == "codes":
			v = webtest.Itoa64(ids.code)
		case prev == "tickets":
			v = webtest.Itoa64(ids.ticket)
		case prev == "templates":
			v = webtest.Itoa64(ids.template)
		case prev == "fields" || prev == "ticket-fields":
			v = webtest.Itoa64(ids.field)
		case prev == "sessions":
			v = webtest.Itoa64(ids.session)
		case prev == "tokens":
			v = webtest.Itoa64(ids.token)
		case prev == "mailbox":
			v = missingID
		default:
			panic("security matrix: no ids for parameter " + s + " of " + path)
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// Routes the matrix leaves out, with the reason.
var matrixSkips = map[string]string{
	"POST /logout": "ends the caller's session; covered in auth_test.go",
	"POST /login":  "sign-in; covered in auth_test.go and burst tests",
}

// Bodies valid enough for most handlers to look up the record they name.
const matrixJSON = `{"name":"Matrix","label":"Matrix","body":"Matrix","subject":"Matrix","description":"Matrix","score":5,` +
	`"status":"closed","active":false,"first_name":"M","last_name":"M","email":"m@a.test","role":"member","priority":"high",` +
	`"see_all":"deny","serial_number":"M-1","kind":"text"}`

var matrixForm = map[string]string{"name": "Matrix", "label": "Matrix", "body": "Matrix", "subject": "Matrix", "description": "Matrix",
	"score": "5", "action": "disable", "status": "closed", "first_name": "M", "last_name": "M", "email": "m@a.test", "role": "member",
	"pin": "1234", "see_all": "deny", "serial_number": "M-1", "kind": "text", "priority": "high"}

// matrixCaller sends requests as one user (or a visitor when name is "").
type matrixCaller struct {
	name    string
	token   string
	browser *webtest.Browser
	csrf    string
}

func (m *matrixCaller) call(t *testing.T, h *webtest.Harness, method, path string) (int, string) {
	t.Helper()
	if strings.HasPrefix(path, "/api/") {
		var req *http.Request
		if method != "GET" && method != "DELETE" {
			req = httptest.NewRequest(method, path, strings.NewReader(matrixJSON))
			req.Header.Set("Content-Type", "application/json")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
		if m.token != "" {
			req.Header.Set("Authorization", "Bearer "+m.token)
		}
		resp := h.Do(req)
		return resp.StatusCode, webtest.ReadBody(t, resp)
	}
	if method == "GET" {
		resp, body := m.browser.Get(path)
		return resp.StatusCode, body
	}
	form := url.Values{"_csrf": {m.csrf}}
	for k, v := range matrixForm {
		form.Set(k, v)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := m.browser.Send(req)
	return resp.StatusCode, body
}

// snapshot reads the foreign records, to show that no call changed them.
func snapshot(t *testing.T, h *webtest.Harness, ids ...tenantIDs) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	for _, x := range ids {
		for _, row := range []struct {
			table string
			id    int64
		}{{"organizations", x.customer}, {"users", x.user}, {"invitations", x.invitation}, {"devices", x.device},
			{"codes", x.code}, {"tickets", x.ticket}, {"ticket_attachments", x.attachment}, {"reply_templates", x.template},
			{"ticket_fields", x.field}, {"sessions", x.session}, {"api_tokens", x.token}} {
			m := map[string]any{}
			if err := h.DB.NewSelect().Table(row.table).Where("id = ?", row.id).Scan(ctx, &m); err != nil {
				t.Fatalf("snapshot %s %d: %v", row.table, row.id, err)
			}
			delete(m, "last_login_at") // the matrix signs its callers in
			fmt.Fprintf(&out, "%s %d %v\n", row.table, row.id, m)
		}
	}
	n, err := h.DB.NewSelect().Table("ticket_messages").Count(ctx)
	webtest.Must(t, err)
	fmt.Fprintf(&out, "messages %d\n", n)
	return out.String()
}

func TestSecurityMatrix(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		own, custB, rival := matrixFixture(t, h)
		before := snapshot(t, h, own, custB, rival)

		type callerSpec struct {
			name         string
			own, foreign *tenantIDs
		}
		specs := []callerSpec{
			{"", &own, &rival}, {"admin", &own, &rival}, {"agent", &own, &rival},
			{"a_admin", &own, &custB}, {"a_moderator", &own, &custB}, {"a_member", &own, &custB},
			{"b_member", &custB, &own}, {"x_admin", &rival, &own},
		}
		callers := map[string]*matrixCaller{}
		for _, sp := range specs {
			m := &matrixCaller{name: sp.name, browser: h.Browser()}
			if sp.name != "" {
				m.token = h.Token(sp.name)
				m.browser.Login(sp.name)
				m.csrf = m.browser.CSRF("/profile")
			} else {
				m.csrf = m.browser.CSRF("/login")
			}
			callers[sp.name] = m
		}

		requests, fiveXX, leaks := 0, 0, 0
		for _, rt := range web.RouteTable(h.Server) {
			key := rt.Method + " " + rt.Path
			if _, skip := matrixSkips[key]; skip {
				continue
			}
			hasParam := strings.Contains(rt.Path, ":")
			for _, sp := range specs {
				m := callers[sp.name]
				check := func(variant string, status int, body string) {
					requests++
					if status >= 500 {
						fiveXX++
						t.Errorf("%s as %q (%s): %d\n%.300s", key, sp.name, variant, status, body)
					}
				}
				// A scanned label's token is its own credential: whoever holds
				// the label may open its page, whoever's it is.
				// Nor do the names of standard fields belong to anyone.
				if hasParam && !strings.HasPrefix(rt.Path, "/c/") && !strings.Contains(rt.Path, ":name") {
					path := fill(rt.Path, sp.foreign)
					fs, fb := m.call(t, h, rt.Method, path)
					check("foreign", fs, fb)
					ms, mb := m.call(t, h, rt.Method, fill(rt.Path, nil))
					check("missing", ms, mb)
					if fs != ms {
						leaks++
						t.Errorf("%s as %q: foreign id answers %d, a missing one %d\n%.300s", key, sp.name, fs, ms, fb)
					}
				}
				// The caller's own records: reads for everyone; changes only
				// where the guard refuses, so the fixture stays as it is.
				if sp.name == "" {
					if rt.Perm != httpx.Public {
						st, body := m.call(t, h, rt.Method, fill(rt.Path, &own))
						check("visitor", st, body)
						want := map[bool]int{true: 401, false: 303}[strings.HasPrefix(rt.Path, "/api/")]
						if st != want {
							t.Errorf("%s as a visitor: %d, want %d", key, st, want)
						}
					}
					continue
				}
				u := h.Users[sp.name]
				allowed := rt.Perm == httpx.Public || ((rt.Area == "" || rt.Area == httpx.AreaOf(u.User)) && h.Svc.RBAC.Can(u.Subject, rt.Perm.Obj, rt.Perm.Act))
				if allowed && rt.Method != "GET" {
					continue
				}
				st, body := m.call(t, h, rt.Method, fill(rt.Path, sp.own))
				check("own", st, body)
				if !allowed && st != 403 && st != 404 {
					t.Errorf("%s as %q: the role lacks %v but got %d", key, sp.name, rt.Perm, st)
				}
				if allowed && (st == 401 || st == 403) {
					t.Errorf("%s as %q: the role holds %v but got %d\n%.300s", key, sp.name, rt.Perm, st, body)
				}
			}
		}
		after := strings.Split(snapshot(t, h, own, custB, rival), "\n")
		for i, line := range strings.Split(before, "\n") {
			if line != after[i] {
				t.Errorf("record changed by the matrix:\nbefore %s\nafter  %s", line, after[i])
			}
		}
		t.Logf("security matrix: %d routes, %d requests, %d leaks, %d answers 5xx", len(web.RouteTable(h.Server)), requests, leaks, fiveXX)
	})
}
