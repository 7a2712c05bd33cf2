package ticketweb_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
)

// HTTP-level tests of the ticket API: creation, tenant isolation, internal
// notes, channel rules, the status flow, changes and lists.

// ---------------------------------------------------------------------------
// Helpers (prefixed tk, the package's test files share one namespace)

// tkDevice registers a device of customer cust as the agent.
func tkDevice(t *testing.T, h *webtest.Harness, cust *org.Organization, name, serial string) int64 {
	t.Helper()
	d, err := h.Svc.Devices.Create(context.Background(), h.Users["agent"], device.Input{CustomerID: cust.ID, Name: name, SerialNumber: serial})
	webtest.Must(t, err)
	return d.ID
}

// tkCall sends a request and fails unless the status is want.
func tkCall(t *testing.T, h *webtest.Harness, method, path, token string, body any, want int) map[string]any {
	t.Helper()
	resp, m := h.API(method, path, token, body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %v", method, path, resp.StatusCode, want, m)
	}
	return m
}

// tkGet is the ticket as the token's user sees it.
func tkGet(t *testing.T, h *webtest.Harness, token string, tk map[string]any) map[string]any {
	t.Helper()
	got := webtest.APIGet(t, h, webtest.TicketPath(tk, ""), token)
	webtest.CheckSchema(t, "Ticket", got)
	webtest.WantUTC(t, got, "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at", "due_at")
	return got
}

// tkMessages is the whole correspondence as the token's user reads it,
// paged one message at a time.
func tkMessages(t *testing.T, h *webtest.Harness, token string, tk map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	seen := map[int64]bool{}
	cursor := ""
	for page := 0; page < 50; page++ {
		path := webtest.TicketPath(tk, "/messages?limit=1")
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		list := webtest.APIGet(t, h, path, token)
		webtest.CheckSchema(t, "MessageList", list)
		for _, m := range webtest.Items(t, list) {
			if seen[webtest.IDOf(m)] {
				t.Fatalf("GET %s: message %d twice", path, webtest.IDOf(m))
			}
			seen[webtest.IDOf(m)] = true
			out = append(out, m)
		}
		next, _ := list["next_cursor"].(string)
		if next == "" {
			// Unpaged, the same messages in the same order.
			all := webtest.Items(t, webtest.APIGet(t, h, webtest.TicketPath(tk, "/messages"), token))
			if !reflect.DeepEqual(all, out) {
				t.Fatalf("messages paged %v differ from unpaged %v", out, all)
			}
			return out
		}
		cursor = next
	}
	t.Fatalf("paging of messages does not end")
	return nil
}

func tkBodies(msgs []map[string]any) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, m["body"].(string))
	}
	return out
}

// tkTime parses a timestamp of the API (nil: zero).
func tkTime(t *testing.T, v any) time.Time {
	t.Helper()
	if v == nil {
		return time.Time{}
	}
	tm, err := time.Parse(time.RFC3339, v.(string))
	if err != nil {
		t.Fatalf("timestamp %v: %v", v, err)
	}
	return tm
}

// tkMessage is the English text of a message id, as the fixture users
// read it.
func tkMessage(h *webtest.Harness, id string) string {
	s := h.Svc.I18n.Translator("en", time.UTC).T(id)
	if s == id || s == "" {
		h.T.Fatalf("no English text for %s", id)
	}
	return s
}

// tkDenied checks a 403 or 409 whose detail is the given message.
func tkDenied(t *testing.T, h *webtest.Harness, method, path, token string, body any, status int, msgID string) {
	t.Helper()
	resp, p := h.API(method, path, token, body)
	webtest.WantProblem(t, resp, p, status)
	if p["detail"] != tkMessage(h, msgID) {
		t.Fatalf("%s %s: detail %q, want %q", method, path, p["detail"], tkMessage(h, msgID))
	}
}

// tkWalk pages through /api/v1/tickets?query two at a time and returns
// every ticket, checking that none comes twice.
func tkWalk(t *testing.T, h *webtest.Harness, token, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	seen := map[int64]bool{}
	cursor := ""
	for page := 0; page < 50; page++ {
		path := "/api/v1/tickets?limit=2&" + query
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		resp, list := h.API("GET", path, token, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, list)
		}
		webtest.CheckSchema(t, "TicketList", list)
		its := webtest.Items(t, list)
		if len(its) > 2 {
			t.Fatalf("GET %s: %d items with limit=2", path, len(its))
		}
		for _, it := range its {
			if seen[webtest.IDOf(it)] {
				t.Fatalf("GET %s: ticket %d on two pages", path, webtest.IDOf(it))
			}
			seen[webtest.IDOf(it)] = true
		}
		out = append(out, its...)
		next, _ := list["next_cursor"].(string)
		if next == "" {
			return out
		}
		if len(its) == 0 {
			t.Fatalf("GET %s: empty page with a next cursor", path)
		}
		cursor = next
	}
	t.Fatalf("%s: paging does not end", query)
	return nil
}

// tkIDs are the ids of tickets, sorted, as a comparable string.
func tkIDs(tks ...map[string]any) string {
	ids := make([]int64, 0, len(tks))
	for _, tk := range tks {
		ids = append(ids, webtest.IDOf(tk))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return fmt.Sprint(ids)
}

func tkOrder(tks []map[string]any) []int64 {
	out := make([]int64, 0, len(tks))
	for _, tk := range tks {
		out = append(out, webtest.IDOf(tk))
	}
	return out
}

// ---------------------------------------------------------------------------

func TestTicketAPICreateByACustomerUserAndBadInput(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		member := h.Token("a_member")
		devA := tkDevice(t, h, h.CustA, "Press A1", "SN-A1")
		devB := tkDevice(t, h, h.CustB, "Press B1", "SN-B1")
		created := h.Clock.Now()

		// Fields a member may not set are ignored: priority, type, tags,
		// and everything staff-only or server-made.
		tk := webtest.CreateTicket(t, h, member, map[string]any{"subject": "  Pump leaks  ", "description": "Water on the floor\r\nnear the press",
			"device_id": devA, "priority": "urgent", "type": "incident", "tags": []string{"vip", "x"},
			"customer_id": h.CustB.ID, "requester_id": h.Users["a_admin"].ID, "channel": "phone",
			"status": "closed", "number": 7, "id": 99, "assignee_id": h.Users["agent"].ID, "group": "Elite"})
		want := map[string]any{"number": float64(1001), "subject": "Pump leaks", "status": "new", "channel": "web",
			"customer_id": float64(h.CustA.ID), "device_id": float64(devA), "requester_id": float64(h.Users["a_member"].ID),
			"priority": "normal", "type": "question", "tags": []any{}, "assignee_id": nil, "rating": nil,
			"first_response_at": nil, "resolved_at": nil, "closed_at": nil, "fields": map[string]any{}}
		for k, v := range want {
			if got, ok := tk[k]; !ok || !reflect.DeepEqual(got, v) {
				t.Errorf("created ticket: %s = %#v (present %v), want %#v", k, got, ok, v)
			}
		}
		if _, ok := tk["group"]; ok {
			t.Errorf("created ticket shows the group to a member: %v", tk)
		}
		if webtest.IDOf(tk) == 99 {
			t.Errorf("client-sent id was used")
		}
		if !tkTime(t, tk["created_at"]).Equal(created) || !tkTime(t, tk["due_at"]).Equal(created.Add(ticket.Targets["normal"])) {
			t.Errorf("created_at %v, due_at %v: want %v and three days later", tk["created_at"], tk["due_at"], created)
		}
		webtest.WantUTC(t, tk, "created_at", "updated_at", "due_at")
		if got := tkGet(t, h, member, tk); !reflect.DeepEqual(got, tk) {
			t.Errorf("GET after create differs:\n%v\n%v", got, tk)
		}
		msgs := tkMessages(t, h, member, tk)
		if len(msgs) != 1 || msgs[0]["body"] != "Water on the floor\nnear the press" || webtest.IDOf(msgs[0], "author_id") != h.Users["a_member"].ID {
			t.Errorf("the description is not the first message: %v", msgs)
		}

		// Numbers count up per provider, whoever opens the ticket.
		tk2 := webtest.CreateTicket(t, h, h.Token("a_moderator"), map[string]any{"subject": "Second", "description": "Again"})
		tk3 := webtest.CreateTicket(t, h, h.Token("b_member"), map[string]any{"subject": "Third", "description": "From B"})
		if tk2["number"] != float64(1002) || tk3["number"] != float64(1003) || tk2["device_id"] != nil {
			t.Errorf("numbers %v, %v (want 1002, 1003); device %v", tk2["number"], tk3["number"], tk2["device_id"])
		}

		count := func() int64 {
			n, err := h.DB.NewSelect().Model((*ticket.Ticket)(nil)).Count(context.Background())
			webtest.Must(t, err)
			return n
		}
		before := count()
		bad := []struct {
			name   string
			body   any
			status int
			fields []string
		}{
			{"empty object", map[string]any{}, 422, []string{"subject", "description"}},
			{"blank", map[string]any{"subject": "   ", "description": " \r\n\t"}, 422, []string{"subject", "description"}},
			{"too long", map[string]any{"subject": strings.Repeat("s", 201), "description": strings.Repeat("d", 20001)}, 422, []string{"subject", "description"}},
			{"control characters", map[string]any{"subject": "a\x00b", "description": "c\x07d"}, 422, []string{"subject", "description"}},
			{"device of customer B", map[string]any{"subject": "S", "description": "D", "device_id": devB}, 422, []string{"device_id"}},
			{"device id zero", map[string]any{"subject": "S", "description": "D", "device_id": 0}, 422, []string{"device_id"}},
			{"missing device", map[string]any{"subject": "S", "description": "D", "device_id": 987654}, 422, []string{"device_id"}},
			{"wrong type", `{"subject": 5, "description": "D"}`, 422, []string{"subject"}},
			{"bad priority", map[string]any{"subject": "S", "description": "D", "priority": "asap"}, 422, []string{"priority"}},
			// Malformed JSON is a problem at "body" (422, as everywhere in
			// this API: see TestAPIRejectsBadInputWithProblemDocuments).
			{"malformed JSON", `{"subject": "S", "description":`, 422, []string{"body"}},
			{"trailing garbage", `{"subject": "S", "description": "D"} {}`, 422, []string{"body"}},
		}
		for _, tc := range bad {
			resp, p := h.API("POST", "/api/v1/tickets", member, tc.body)
			errs := webtest.WantProblem(t, resp, p, tc.status, tc.fields...)
			for _, e := range errs {
				if msg, _ := e["message"].(string); msg == "" || strings.HasPrefix(msg, "error.") {
					t.Errorf("%s: untranslated message %v", tc.name, e)
				}
			}
		}
		// The device error does not say whether B's device exists.
		_, p1 := h.API("POST", "/api/v1/tickets", member, map[string]any{"subject": "S", "description": "D", "device_id": devB})
		_, p2 := h.API("POST", "/api/v1/tickets", member, map[string]any{"subject": "S", "description": "D", "device_id": 987654})
		if !reflect.DeepEqual(p1["errors"], p2["errors"]) {
			t.Errorf("foreign and missing device answer differently: %v / %v", p1["errors"], p2["errors"])
		}
		if n := count(); n != before {
			t.Errorf("bad input created %d tickets", n-before)
		}

		// Markup is text: stored and returned verbatim.
		script := `<script>alert("x")</script> & 'quotes' &lt;`
		body := "<img src=x onerror=alert(1)>\n</textarea>"
		xs := webtest.CreateTicket(t, h, member, map[string]any{"subject": script, "description": body})
		if xs["subject"] != script {
			t.Errorf("subject %q, want %q", xs["subject"], script)
		}
		resp, raw := webtest.RawCall(t, h, "GET", webtest.TicketPath(xs, ""), member, "", nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var got map[string]any
		webtest.Must(t, json.Unmarshal(raw, &got))
		if got["subject"] != script || strings.Contains(string(raw), "&amp;") || strings.Contains(string(raw), "&lt;script") {
			t.Errorf("subject not returned verbatim: %s", raw)
		}
		var stored string
		webtest.Must(t, h.DB.NewSelect().Model((*ticket.Ticket)(nil)).Column("subject").Where("id = ?", webtest.IDOf(xs)).Scan(context.Background(), &stored))
		if stored != script {
			t.Errorf("stored subject %q, want %q", stored, script)
		}
		if msgs := tkMessages(t, h, member, xs); len(msgs) != 1 || msgs[0]["body"] != body {
			t.Errorf("description not verbatim: %v", msgs)
		}
		if list := tkWalk(t, h, member, "q="+url.QueryEscape("<script>")); len(list) != 1 || list[0]["subject"] != script {
			t.Errorf("search for markup: %v", list)
		}
	})
}

func TestTicketTenantIsolationOnEveryRoute(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		devA := tkDevice(t, h, h.CustA, "Press A1", "SN-A1")
		tkA := webtest.CreateTicket(t, h, h.Token("a_member"), map[string]any{"subject": "A's secret trouble", "description": "A's details", "device_id": devA})
		tkCall(t, h, "POST", webtest.TicketPath(tkA, "/messages"), agent, map[string]any{"body": "A's note", "internal": true}, 201)
		tkCall(t, h, "POST", webtest.TicketPath(tkA, "/messages"), agent, map[string]any{"body": "A's answer"}, 201)
		tkB := webtest.CreateTicket(t, h, h.Token("b_member"), map[string]any{"subject": "B's own", "description": "B's details"})
		_, rivalCust := webtest.OtherProvider(t, h)
		tkX := webtest.CreateTicket(t, h, h.Token("x_agent"), map[string]any{"subject": "Rival's", "description": "Rival's details", "customer_id": rivalCust.ID})
		if tkX["number"] != float64(1001) {
			t.Errorf("the second provider's first ticket is number %v, want 1001", tkX["number"])
		}

		snapshot := func() (map[string]any, []map[string]any) {
			return tkGet(t, h, agent, tkA), tkMessages(t, h, agent, tkA)
		}
		routes := []struct {
			method, path string
			body         any
		}{
			{"GET", "", nil},
			{"PATCH", "", map[string]any{"subject": "Hacked", "status": "closed", "priority": "urgent", "group": "x", "assignee_id": nil, "device_id": nil}},
			{"GET", "/messages", nil},
			{"POST", "/messages", map[string]any{"body": "pwned", "internal": true}},
			{"POST", "/close", nil},
			{"POST", "/reopen", nil},
		}
		ghost := map[string]any{"id": float64(987654)}
		probe := func(when string) {
			for _, user := range []string{"b_member", "b_admin", "x_agent"} {
				tok := h.Token(user)
				for _, r := range routes {
					resp, got := h.API(r.method, webtest.TicketPath(tkA, r.path), tok, r.body)
					gresp, gotGhost := h.API(r.method, webtest.TicketPath(ghost, r.path), tok, r.body)
					if resp.StatusCode != 404 || gresp.StatusCode != 404 {
						t.Errorf("%s: %s %s as %s: %d (missing id: %d), want 404: %v", when, r.method, r.path, user, resp.StatusCode, gresp.StatusCode, got)
						continue
					}
					webtest.WantProblem(t, resp, got, 404)
					for _, k := range []string{"type", "title", "status", "detail", "errors"} {
						if !reflect.DeepEqual(got[k], gotGhost[k]) {
							t.Errorf("%s: %s %s as %s: %s %v differs from a missing id's %v", when, r.method, r.path, user, k, got[k], gotGhost[k])
						}
					}
					if raw, _ := json.Marshal(got); strings.Contains(string(raw), "A's") {
						t.Errorf("%s: 404 leaks A's data: %s", when, raw)
					}
				}
				// Lists never hold A's ticket, however asked.
				for _, q := range []string{"", "q=secret", "q=" + fmt.Sprint(tkA["number"]), "q=%23" + fmt.Sprint(tkA["number"]),
					"customer_id=" + webtest.Itoa64(h.CustA.ID), "device_id=" + webtest.Itoa64(devA), "sort=created_at", "status=new"} {
					for _, it := range tkWalk(t, h, tok, q) {
						if it["customer_id"] == float64(h.CustA.ID) || webtest.IDOf(it) == webtest.IDOf(tkA) {
							t.Errorf("%s: list ?%s as %s holds A's ticket %v", when, q, user, it)
						}
					}
				}
			}
		}

		before, beforeMsgs := snapshot()
		probe("open ticket")
		after, afterMsgs := snapshot()
		if !reflect.DeepEqual(before, after) || !reflect.DeepEqual(beforeMsgs, afterMsgs) {
			t.Errorf("A's ticket changed:\n%v\n%v\n%v\n%v", before, after, beforeMsgs, afterMsgs)
		}
		// Closed, a foreign reopen or reply (which would reopen) changes nothing either.
		tkCall(t, h, "POST", webtest.TicketPath(tkA, "/close"), agent, nil, 200)
		before, beforeMsgs = snapshot()
		probe("closed ticket")
		after, afterMsgs = snapshot()
		if !reflect.DeepEqual(before, after) || !reflect.DeepEqual(beforeMsgs, afterMsgs) || after["status"] != "closed" {
			t.Errorf("A's closed ticket changed:\n%v\n%v", before, after)
		}

		// Each sees their own.
		if got := tkWalk(t, h, h.Token("b_admin"), ""); tkIDs(got...) != tkIDs(tkB) {
			t.Errorf("b_admin's list: %v, want only B's ticket", tkOrder(got))
		}
		if got := tkWalk(t, h, h.Token("x_agent"), ""); tkIDs(got...) != tkIDs(tkX) {
			t.Errorf("x_agent's list: %v, want only the rival's ticket", tkOrder(got))
		}
		if got := tkWalk(t, h, agent, ""); tkIDs(got...) != tkIDs(tkA, tkB) {
			t.Errorf("agent's list: %v, want A's and B's tickets", tkOrder(got))
		}
		if got := tkWalk(t, h, h.Token("a_moderator"), ""); tkIDs(got...) != tkIDs(tkA) {
			t.Errorf("a_moderator's list: %v, want A's ticket", tkOrder(got))
		}
		// The rival agent cannot open a ticket for A, nor the agent for the rival's customer.
		resp, p := h.API("POST", "/api/v1/tickets", h.Token("x_agent"), map[string]any{"subject": "S", "description": "D", "customer_id": h.CustA.ID})
		webtest.WantProblem(t, resp, p, 422, "customer_id")
		resp, p = h.API("POST", "/api/v1/tickets", agent, map[string]any{"subject": "S", "description": "D", "customer_id": rivalCust.ID})
		webtest.WantProblem(t, resp, p, 422, "customer_id")
	})
}

func TestTicketInternalNotesNeverReachCustomers(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, member := h.Token("agent"), h.Token("a_member")
		tk := webtest.CreateTicket(t, h, member, map[string]any{"subject": "Noisy pump", "description": "It rattles"})

		h.Clock.Advance(time.Minute)
		note := tkCall(t, h, "POST", webtest.TicketPath(tk, "/messages"), agent, map[string]any{"body": "secret note", "internal": true}, 201)
		// Not even the ticket's update time gives the note away.
		if got := tkGet(t, h, member, tk); got["updated_at"] != tk["updated_at"] || got["status"] != "new" {
			t.Errorf("a note changed what the customer sees: updated_at %v (was %v), status %v", got["updated_at"], tk["updated_at"], got["status"])
		}
		webtest.CheckSchema(t, "Message", note)
		if note["internal"] != true || webtest.IDOf(note, "author_id") != h.Users["agent"].ID {
			t.Errorf("note as answered to the agent: %v", note)
		}
		reply := tkCall(t, h, "POST", webtest.TicketPath(tk, "/messages"), agent, map[string]any{"body": "We are on it", "internal": false}, 201)
		if reply["internal"] != false {
			t.Errorf("reply as answered to the agent: %v", reply)
		}
		for _, body := range []any{map[string]any{}, map[string]any{"body": " \n "}, map[string]any{"body": "a\x00b"}, map[string]any{"body": 5}} {
			resp, p := h.API("POST", webtest.TicketPath(tk, "/messages"), member, body)
			webtest.WantProblem(t, resp, p, 422, "body")
		}
		// A customer's "internal" is ignored: the message is public.
		own := tkCall(t, h, "POST", webtest.TicketPath(tk, "/messages"), member, map[string]any{"body": "Thanks, hidden?", "internal": true}, 201)
		webtest.CheckSchema(t, "Message", own)
		if _, ok := own["internal"]; ok {
			t.Errorf("a customer's answer has an internal property: %v", own)
		}

		for _, user := range []string{"a_member", "a_moderator", "a_admin"} {
			tok := h.Token(user)
			msgs := tkMessages(t, h, tok, tk)
			if got := tkBodies(msgs); !reflect.DeepEqual(got, []string{"It rattles", "We are on it", "Thanks, hidden?"}) {
				t.Errorf("%s reads %q", user, got)
			}
			for _, m := range msgs {
				if _, ok := m["internal"]; ok {
					t.Errorf("%s sees an internal property: %v", user, m)
				}
				if webtest.IDOf(m) == webtest.IDOf(note) {
					t.Errorf("%s sees the note", user)
				}
			}
			resp, raw := webtest.RawCall(t, h, "GET", webtest.TicketPath(tk, "/messages"), tok, "", nil)
			if resp.StatusCode != 200 || strings.Contains(string(raw), "secret note") || strings.Contains(string(raw), `"internal"`) {
				t.Errorf("%s: messages answer %d leaks the note: %s", user, resp.StatusCode, raw)
			}
			// Nor through the cursor of a note.
			resp, raw = webtest.RawCall(t, h, "GET", webtest.TicketPath(tk, "/messages?cursor="+*httpx.CursorFor(webtest.IDOf(note) - 1)), tok, "", nil)
			if resp.StatusCode != 200 || strings.Contains(string(raw), "secret note") {
				t.Errorf("%s: paged messages leak the note: %s", user, raw)
			}
		}

		msgs := tkMessages(t, h, agent, tk)
		type seen struct {
			Body     string
			Internal any
		}
		var got []seen
		for _, m := range msgs {
			got = append(got, seen{m["body"].(string), m["internal"]})
		}
		want := []seen{{"It rattles", false}, {"secret note", true}, {"We are on it", false}, {"Thanks, hidden?", false}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the agent reads %v, want %v", got, want)
		}
	})
}

func TestTicketChannelRulesForCustomersAndStaffCreation(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, member, mod := h.Token("agent"), h.Token("a_member"), h.Token("a_moderator")
		h.Clock.Advance(time.Hour)
		now := h.Clock.Now()
		for _, channel := range []string{"phone", "messenger"} {
			tk := webtest.CreateTicket(t, h, agent, map[string]any{"subject": "Called in: " + channel, "description": "Caller says the pump stopped",
				"customer_id": h.CustA.ID, "requester_id": h.Users["a_member"].ID, "channel": channel, "priority": "urgent", "tags": []string{"Hotline"}})
			if tk["channel"] != channel || tk["customer_id"] != float64(h.CustA.ID) || webtest.IDOf(tk, "requester_id") != h.Users["a_member"].ID ||
				tk["status"] != "new" || tk["priority"] != "urgent" || !reflect.DeepEqual(tk["tags"], []any{"hotline"}) {
				t.Errorf("staff-made ticket: %v", tk)
			}
			if !tkTime(t, tk["due_at"]).Equal(now.Add(ticket.Targets["urgent"])) {
				t.Errorf("due_at %v, want four hours after %v", tk["due_at"], now)
			}
			// Readable...
			got := tkGet(t, h, member, tk)
			if got["channel"] != channel {
				t.Errorf("member reads %v", got)
			}
			if msgs := tkMessages(t, h, member, tk); len(msgs) != 1 {
				t.Errorf("member reads messages %v", msgs)
			}
			// ...but not to be continued by customers.
			for _, tok := range []string{member, mod} {
				tkDenied(t, h, "POST", webtest.TicketPath(tk, "/messages"), tok, map[string]any{"body": "Any news?"}, 403, "error.ticket_channel_read_only")
				tkDenied(t, h, "POST", webtest.TicketPath(tk, "/close"), tok, nil, 403, "error.ticket_channel_read_only")
			}
			tkCall(t, h, "POST", webtest.TicketPath(tk, "/close"), agent, nil, 200)
			tkDenied(t, h, "POST", webtest.TicketPath(tk, "/reopen"), member, nil, 403, "error.ticket_channel_read_only")
			tkDenied(t, h, "POST", webtest.TicketPath(tk, "/messages"), member, map[string]any{"body": "Reopen please"}, 403, "error.ticket_channel_read_only")
			if got := tkGet(t, h, agent, tk); got["status"] != "closed" {
				t.Errorf("a refused customer action changed the status: %v", got["status"])
			}
			if msgs := tkMessages(t, h, agent, tk); len(msgs) != 1 {
				t.Errorf("refused replies were stored: %v", tkBodies(msgs))
			}
			// Staff continue it.
			tkCall(t, h, "POST", webtest.TicketPath(tk, "/reopen"), agent, nil, 200)
			tkCall(t, h, "POST", webtest.TicketPath(tk, "/messages"), agent, map[string]any{"body": "Technician booked"}, 201)
		}

		// Email tickets are the customer's to continue.
		em := webtest.CreateTicket(t, h, agent, map[string]any{"subject": "Mailed in", "description": "From the mailbox",
			"customer_id": h.CustA.ID, "requester_id": h.Users["a_member"].ID, "channel": "email"})
		if em["channel"] != "email" {
			t.Fatalf("email ticket: %v", em)
		}
		tkCall(t, h, "POST", webtest.TicketPath(em, "/messages"), member, map[string]any{"body": "More details"}, 201)
		if got := tkCall(t, h, "POST", webtest.TicketPath(em, "/close"), member, nil, 200); got["status"] != "closed" || got["closed_at"] == nil {
			t.Errorf("member close: %v", got)
		}
		if got := tkCall(t, h, "POST", webtest.TicketPath(em, "/reopen"), member, nil, 200); got["status"] != "open" || got["closed_at"] != nil {
			t.Errorf("member reopen: %v", got)
		}
		if got := tkCall(t, h, "POST", webtest.TicketPath(em, "/close"), mod, nil, 200); got["status"] != "closed" {
			t.Errorf("moderator close: %v", got)
		}

		// The channel defaults to phone; the requester is optional.
		def := webtest.CreateTicket(t, h, agent, map[string]any{"subject": "S", "description": "D", "customer_id": h.CustB.ID})
		if def["channel"] != "phone" || def["requester_id"] != nil || def["customer_id"] != float64(h.CustB.ID) {
			t.Errorf("default channel: %v", def)
		}
		// Staff may set the web channel (the customer can continue it).
		web := webtest.CreateTicket(t, h, agent, map[string]any{"subject": "S", "description": "D", "customer_id": h.CustA.ID, "channel": "web"})
		tkCall(t, h, "POST", webtest.TicketPath(web, "/messages"), mod, map[string]any{"body": "ok"}, 201)

		_, rivalCust := webtest.OtherProvider(t, h)
		devB := tkDevice(t, h, h.CustB, "Press B1", "SN-B1")
		base := func(extra map[string]any) map[string]any {
			m := map[string]any{"subject": "S", "description": "D", "customer_id": h.CustA.ID}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		bad := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"qr channel", base(map[string]any{"channel": "qr"}), "channel"},
			{"video channel", base(map[string]any{"channel": "video"}), "channel"},
			{"unknown channel", base(map[string]any{"channel": "fax"}), "channel"},
			{"no customer", map[string]any{"subject": "S", "description": "D", "channel": "phone"}, "customer_id"},
			{"customer id zero", base(map[string]any{"customer_id": 0}), "customer_id"},
			{"customer of another provider", base(map[string]any{"customer_id": rivalCust.ID}), "customer_id"},
			{"the provider itself", base(map[string]any{"customer_id": h.Provider.ID}), "customer_id"},
			{"requester of another customer", base(map[string]any{"requester_id": h.Users["b_member"].ID}), "requester_id"},
			{"staff as requester", base(map[string]any{"requester_id": h.Users["agent"].ID}), "requester_id"},
			{"missing requester", base(map[string]any{"requester_id": 987654}), "requester_id"},
			{"device of another customer", base(map[string]any{"device_id": devB}), "device_id"},
		}
		for _, tc := range bad {
			resp, p := h.API("POST", "/api/v1/tickets", agent, tc.body)
			if resp.StatusCode != 422 {
				t.Errorf("%s: %d, want 422: %v", tc.name, resp.StatusCode, p)
				continue
			}
			webtest.WantProblem(t, resp, p, 422, tc.field)
		}
	})
}

func TestTicketStatusFlowThroughTheAPI(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, member := h.Token("agent"), h.Token("a_member")
		tk := webtest.CreateTicket(t, h, member, map[string]any{"subject": "Door jams", "description": "Since Monday"})
		path := webtest.TicketPath(tk, "")

		// A note is no response.
		h.Clock.Advance(5 * time.Minute)
		tkCall(t, h, "POST", path+"/messages", agent, map[string]any{"body": "check warranty", "internal": true}, 201)
		if got := tkGet(t, h, agent, tk); got["status"] != "new" || got["first_response_at"] != nil {
			t.Errorf("after a note: %v %v", got["status"], got["first_response_at"])
		}
		// The first public reply opens the ticket and is its first response.
		h.Clock.Advance(10 * time.Minute)
		answered := h.Clock.Now()
		tkCall(t, h, "POST", path+"/messages", agent, map[string]any{"body": "Looking into it"}, 201)
		got := tkGet(t, h, member, tk)
		if got["status"] != "open" || !tkTime(t, got["first_response_at"]).Equal(answered) || !tkTime(t, got["updated_at"]).Equal(answered) {
			t.Errorf("after the first reply: status %v, first_response_at %v, updated_at %v, want open at %v",
				got["status"], got["first_response_at"], got["updated_at"], answered)
		}
		h.Clock.Advance(time.Hour)
		tkCall(t, h, "POST", path+"/messages", agent, map[string]any{"body": "Part ordered"}, 201)
		if got := tkGet(t, h, agent, tk); !tkTime(t, got["first_response_at"]).Equal(answered) {
			t.Errorf("a later reply moved first_response_at to %v", got["first_response_at"])
		}

		// Close, close again, reopen, reopen again.
		h.Clock.Advance(time.Hour)
		closed := h.Clock.Now()
		got = tkCall(t, h, "POST", path+"/close", agent, nil, 200)
		webtest.CheckSchema(t, "Ticket", got)
		if got["status"] != "closed" || !tkTime(t, got["closed_at"]).Equal(closed) {
			t.Errorf("after close: %v %v", got["status"], got["closed_at"])
		}
		tkDenied(t, h, "POST", path+"/close", agent, nil, 409, "error.ticket_closed")
		tkDenied(t, h, "POST", path+"/close", member, nil, 409, "error.ticket_closed")
		got = tkCall(t, h, "POST", path+"/reopen", agent, nil, 200)
		if got["status"] != "open" || got["closed_at"] != nil || got["resolved_at"] != nil {
			t.Errorf("after reopen: %v", got)
		}
		tkDenied(t, h, "POST", path+"/reopen", agent, nil, 409, "error.ticket_not_closed")
		tkDenied(t, h, "POST", path+"/reopen", member, nil, 409, "error.ticket_not_closed")

		// The customer closes their web ticket; their reply reopens it.
		got = tkCall(t, h, "POST", path+"/close", member, nil, 200)
		if got["status"] != "closed" || got["closed_at"] == nil {
			t.Errorf("member close: %v", got)
		}
		tkCall(t, h, "POST", path+"/messages", member, map[string]any{"body": "It jams again"}, 201)
		if got := tkGet(t, h, agent, tk); got["status"] != "open" || got["closed_at"] != nil {
			t.Errorf("a customer reply did not reopen the closed ticket: %v %v", got["status"], got["closed_at"])
		}
		// A resolved one too; a staff reply does not reopen it.
		tkCall(t, h, "PATCH", path, agent, map[string]any{"status": "resolved"}, 200)
		tkCall(t, h, "POST", path+"/messages", agent, map[string]any{"body": "Fixed, please confirm"}, 201)
		if got := tkGet(t, h, agent, tk); got["status"] != "resolved" || got["resolved_at"] == nil {
			t.Errorf("a staff reply changed a resolved ticket: %v %v", got["status"], got["resolved_at"])
		}
		tkCall(t, h, "POST", path+"/messages", member, map[string]any{"body": "Not fixed"}, 201)
		if got := tkGet(t, h, agent, tk); got["status"] != "open" || got["resolved_at"] != nil {
			t.Errorf("a customer reply did not reopen the resolved ticket: %v %v", got["status"], got["resolved_at"])
		}
		// A resolved ticket can be reopened explicitly.
		tkCall(t, h, "PATCH", path, agent, map[string]any{"status": "resolved"}, 200)
		if got := tkCall(t, h, "POST", path+"/reopen", member, nil, 200); got["status"] != "open" || got["resolved_at"] != nil {
			t.Errorf("reopen of a resolved ticket: %v", got)
		}
		// The status counts follow.
		var n int
		webtest.Must(t, h.DB.NewRaw("SELECT COALESCE(SUM(n), 0) FROM ticket_status_counts WHERE customer_id = ? AND status = ?", h.CustA.ID, "open").
			Scan(context.Background(), &n))
		var total int
		webtest.Must(t, h.DB.NewRaw("SELECT COALESCE(SUM(n), 0) FROM ticket_status_counts WHERE customer_id = ?", h.CustA.ID).Scan(context.Background(), &total))
		if n != 1 || total != 1 {
			t.Errorf("rolled-up counts: open %d, total %d; want 1 and 1", n, total)
		}
	})
}

func TestTicketAPIPatch(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		dev1 := tkDevice(t, h, h.CustA, "Press A1", "SN-A1")
		dev2 := tkDevice(t, h, h.CustA, "Press A2", "SN-A2")
		devB := tkDevice(t, h, h.CustB, "Press B1", "SN-B1")
		tk := webtest.CreateTicket(t, h, h.Token("a_member"), map[string]any{"subject": "Press stops", "description": "Randomly", "device_id": dev1})
		path := webtest.TicketPath(tk, "")

		h.Clock.Advance(time.Hour)
		resolved := h.Clock.Now()
		got := tkCall(t, h, "PATCH", path, agent, map[string]any{"priority": "urgent", "type": "incident", "tags": []string{"Pump", " leak ", "pump"},
			"group": "Field service", "status": "resolved", "assignee_id": h.Users["agent"].ID, "device_id": dev2}, 200)
		webtest.CheckSchema(t, "Ticket", got)
		want := map[string]any{"priority": "urgent", "type": "incident", "tags": []any{"pump", "leak"}, "group": "Field service",
			"status": "resolved", "assignee_id": float64(h.Users["agent"].ID), "device_id": float64(dev2), "subject": "Press stops"}
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("after PATCH: %s = %#v, want %#v", k, got[k], v)
			}
		}
		if !tkTime(t, got["resolved_at"]).Equal(resolved) || got["closed_at"] != nil || !tkTime(t, got["updated_at"]).Equal(resolved) {
			t.Errorf("resolved_at %v, closed_at %v, updated_at %v; want resolved at %v", got["resolved_at"], got["closed_at"], got["updated_at"], resolved)
		}
		if again := tkGet(t, h, agent, tk); !reflect.DeepEqual(again, got) {
			t.Errorf("GET after PATCH differs:\n%v\n%v", again, got)
		}
		// The member sees the result (and the assignee, by default).
		if m := tkGet(t, h, h.Token("a_member"), tk); m["priority"] != "urgent" || webtest.IDOf(m, "assignee_id") != h.Users["agent"].ID {
			t.Errorf("member's view: %v", m)
		}

		// Unsent fields stay.
		got = tkCall(t, h, "PATCH", path, agent, map[string]any{"subject": "Press stops at random"}, 200)
		if got["subject"] != "Press stops at random" || got["priority"] != "urgent" || got["group"] != "Field service" ||
			got["status"] != "resolved" || webtest.IDOf(got, "assignee_id") != h.Users["agent"].ID || webtest.IDOf(got, "device_id") != dev2 {
			t.Errorf("a subject change touched other fields: %v", got)
		}
		// Closing by status sets closed_at and clears resolved_at.
		got = tkCall(t, h, "PATCH", path, agent, map[string]any{"status": "closed"}, 200)
		if got["closed_at"] == nil || got["resolved_at"] != nil {
			t.Errorf("status closed: %v", got)
		}
		got = tkCall(t, h, "PATCH", path, agent, map[string]any{"status": "pending"}, 200)
		if got["status"] != "pending" || got["closed_at"] != nil || got["resolved_at"] != nil {
			t.Errorf("status pending: %v", got)
		}

		// Refused values change nothing.
		webtest.OtherProvider(t, h)
		keep := tkGet(t, h, agent, tk)
		bad := []struct {
			name  string
			body  any
			field string
		}{
			{"customer user as assignee", map[string]any{"assignee_id": h.Users["a_member"].ID}, "assignee_id"},
			{"customer admin as assignee", map[string]any{"assignee_id": h.Users["a_admin"].ID}, "assignee_id"},
			{"other provider's agent as assignee", map[string]any{"assignee_id": h.Users["x_agent"].ID}, "assignee_id"},
			{"missing assignee", map[string]any{"assignee_id": 987654}, "assignee_id"},
			{"assignee id zero", map[string]any{"assignee_id": 0}, "assignee_id"},
			{"assignee as text", map[string]any{"assignee_id": "me"}, "assignee_id"},
			{"device of customer B", map[string]any{"device_id": devB}, "device_id"},
			{"unknown priority", map[string]any{"priority": "asap"}, "priority"},
			{"unknown type", map[string]any{"type": "rant"}, "type"},
			{"unknown status", map[string]any{"status": "done"}, "status"},
			{"blank subject", map[string]any{"subject": "  "}, "subject"},
			{"tag with comma", map[string]any{"tags": []string{"a,b"}}, "tags"},
			{"tags not a list", map[string]any{"tags": "a"}, "tags"},
			{"mixed", map[string]any{"priority": "low", "assignee_id": h.Users["a_member"].ID}, "assignee_id"},
		}
		for _, tc := range bad {
			resp, p := h.API("PATCH", path, agent, tc.body)
			if resp.StatusCode != 422 {
				t.Errorf("%s: %d, want 422: %v", tc.name, resp.StatusCode, p)
				continue
			}
			webtest.WantProblem(t, resp, p, 422, tc.field)
		}
		if now := tkGet(t, h, agent, tk); !reflect.DeepEqual(now, keep) {
			t.Errorf("refused changes altered the ticket:\n%v\n%v", keep, now)
		}

		// null unassigns and clears the device.
		got = tkCall(t, h, "PATCH", path, agent, map[string]any{"assignee_id": nil, "device_id": nil}, 200)
		if v, ok := got["assignee_id"]; !ok || v != nil || got["device_id"] != nil {
			t.Errorf("after null: assignee %v (present %v), device %v", v, ok, got["device_id"])
		}
		got = tkCall(t, h, "PATCH", path, agent, map[string]any{"device_id": dev1, "assignee_id": h.Users["admin"].ID}, 200)
		if webtest.IDOf(got, "device_id") != dev1 || webtest.IDOf(got, "assignee_id") != h.Users["admin"].ID {
			t.Errorf("device and admin as assignee: %v", got)
		}

		// Customers' changes of what they may not edit are ignored.
		for _, user := range []string{"a_member", "a_moderator", "a_admin"} {
			h.Clock.Advance(time.Minute)
			keep := tkGet(t, h, agent, tk)
			got := tkCall(t, h, "PATCH", path, h.Token(user), map[string]any{"priority": "low", "subject": "Hacked", "assignee_id": nil,
				"type": "maintenance", "tags": []string{"x"}, "group": "Elite", "status": "closed", "device_id": dev2}, 200)
			webtest.CheckSchema(t, "Ticket", got)
			if got["priority"] != "urgent" || got["subject"] != "Press stops at random" || webtest.IDOf(got, "assignee_id") != h.Users["admin"].ID {
				t.Errorf("%s's PATCH answer shows a change: %v", user, got)
			}
			if now := tkGet(t, h, agent, tk); !reflect.DeepEqual(now, keep) {
				t.Errorf("%s's PATCH changed the ticket:\n%v\n%v", user, keep, now)
			}
		}
	})
}

func TestTicketAPIListFiltersSortsAndPages(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, member, mod, bMember := h.Token("agent"), h.Token("a_member"), h.Token("a_moderator"), h.Token("b_member")
		d1 := tkDevice(t, h, h.CustA, "Press A1", "SN-A1")
		d2 := tkDevice(t, h, h.CustA, "Press A2", "SN-A2")
		onBehalf := func(cust *org.Organization, requester string, extra map[string]any) map[string]any {
			m := map[string]any{"description": "D", "customer_id": cust.ID, "requester_id": h.Users[requester].ID}
			for k, v := range extra {
				m[k] = v
			}
			return webtest.CreateTicket(t, h, agent, m)
		}
		t1 := webtest.CreateTicket(t, h, member, map[string]any{"subject": "Pump leaks", "description": "D", "device_id": d1})
		// Fractions of a second, as the real clock gives them, survive
		// the cursors of both databases.
		h.Clock.Advance(time.Minute + 123456*time.Microsecond)
		t2 := webtest.CreateTicket(t, h, mod, map[string]any{"subject": "Display flickers", "description": "D", "device_id": d2})
		h.Clock.Advance(time.Minute)
		// Same second: ties broken by id.
		t3 := onBehalf(h.CustA, "a_member", map[string]any{"subject": "Boiler pressure", "priority": "urgent", "type": "incident", "channel": "phone"})
		t4 := onBehalf(h.CustA, "a_moderator", map[string]any{"subject": "Annual maintenance 100%", "priority": "low", "type": "maintenance",
			"channel": "email", "device_id": d1})
		h.Clock.Advance(time.Minute + 500*time.Millisecond)
		t5 := onBehalf(h.CustB, "b_member", map[string]any{"subject": "B pump stalls", "priority": "high"})
		t6 := webtest.CreateTicket(t, h, bMember, map[string]any{"subject": "B display dark", "description": "D"})
		h.Clock.Advance(time.Minute)
		tkCall(t, h, "PATCH", webtest.TicketPath(t3, ""), agent, map[string]any{"assignee_id": h.Users["agent"].ID, "status": "pending"}, 200)
		tkCall(t, h, "PATCH", webtest.TicketPath(t2, ""), agent, map[string]any{"status": "resolved"}, 200)
		h.Clock.Advance(time.Minute)
		tkCall(t, h, "POST", webtest.TicketPath(t6, "/close"), agent, nil, 200)

		num := func(tk map[string]any) string { return fmt.Sprint(tk["number"]) }
		cases := []struct {
			who, token, query string
			want              []map[string]any
		}{
			{"agent", agent, "", []map[string]any{t1, t2, t3, t4, t5, t6}},
			{"agent", agent, "status=pending", []map[string]any{t3}},
			{"agent", agent, "status=resolved", []map[string]any{t2}},
			{"agent", agent, "status=closed", []map[string]any{t6}},
			{"agent", agent, "status=new", []map[string]any{t1, t4, t5}},
			{"agent", agent, "priority=urgent", []map[string]any{t3}},
			{"agent", agent, "priority=normal", []map[string]any{t1, t2, t6}},
			{"agent", agent, "priority=high", []map[string]any{t5}},
			{"agent", agent, "priority=low", []map[string]any{t4}},
			{"agent", agent, "type=incident", []map[string]any{t3}},
			{"agent", agent, "type=maintenance", []map[string]any{t4}},
			{"agent", agent, "type=question", []map[string]any{t1, t2, t5, t6}},
			{"agent", agent, "device_id=" + webtest.Itoa64(d1), []map[string]any{t1, t4}},
			{"agent", agent, "device_id=" + webtest.Itoa64(d2), []map[string]any{t2}},
			{"agent", agent, "assignee=me", []map[string]any{t3}},
			{"agent", agent, "assignee=" + webtest.Itoa64(h.Users["agent"].ID), []map[string]any{t3}},
			{"agent", agent, "assignee=none", []map[string]any{t1, t2, t4, t5, t6}},
			{"agent", agent, "assignee=anyone", []map[string]any{t1, t2, t3, t4, t5, t6}},
			{"agent", agent, "customer_id=" + webtest.Itoa64(h.CustA.ID), []map[string]any{t1, t2, t3, t4}},
			{"agent", agent, "customer_id=" + webtest.Itoa64(h.CustB.ID), []map[string]any{t5, t6}},
			{"agent", agent, "customer_id=" + webtest.Itoa64(h.CustA.ID) + "&priority=normal", []map[string]any{t1, t2}},
			{"agent", agent, "requester=me", nil},
			{"agent", agent, "q=pump", []map[string]any{t1, t5}},
			{"agent", agent, "q=PUMP", []map[string]any{t1, t5}},
			{"agent", agent, "q=" + num(t3), []map[string]any{t3}},
			{"agent", agent, "q=%23" + num(t4), []map[string]any{t4}},
			{"agent", agent, "q=%25", []map[string]any{t4}},
			{"agent", agent, "q=_", nil},
			{"agent", agent, "q=" + url.QueryEscape("100%"), []map[string]any{t4}},
			{"a_member", member, "", []map[string]any{t1, t2, t3, t4}},
			{"a_member", member, "requester=me", []map[string]any{t1, t3}},
			{"a_member", member, "requester=anyone", []map[string]any{t1, t2, t3, t4}},
			{"a_member", member, "status=pending", []map[string]any{t3}},
			{"a_member", member, "priority=low", []map[string]any{t4}},
			{"a_member", member, "type=incident", []map[string]any{t3}},
			{"a_member", member, "device_id=" + webtest.Itoa64(d1), []map[string]any{t1, t4}},
			{"a_member", member, "q=pump", []map[string]any{t1}},
			{"a_member", member, "q=" + num(t5), nil},
			// Staff-only filters are ignored for customers.
			{"a_member", member, "customer_id=" + webtest.Itoa64(h.CustB.ID), []map[string]any{t1, t2, t3, t4}},
			{"a_member", member, "assignee=none", []map[string]any{t1, t2, t3, t4}},
			{"a_member", member, "assignee=me", []map[string]any{t1, t2, t3, t4}},
			{"a_moderator", mod, "requester=me", []map[string]any{t2, t4}},
			{"b_member", bMember, "", []map[string]any{t5, t6}},
			{"b_member", bMember, "q=pump", []map[string]any{t5}},
			{"b_member", bMember, "requester=me", []map[string]any{t5, t6}},
		}
		for _, tc := range cases {
			got := tkWalk(t, h, tc.token, tc.query)
			if tkIDs(got...) != tkIDs(tc.want...) {
				t.Errorf("?%s as %s: %v, want %v", tc.query, tc.who, tkOrder(got), tkIDs(tc.want...))
			}
		}

		// Orders: each page of two continues where the last ended, ties
		// broken by id, the same as one page of everything.
		rank := map[string]int{"urgent": 0, "high": 1, "normal": 2, "low": 3}
		less := map[string]func(a, b map[string]any) int{
			"updated_at": func(a, b map[string]any) int { return tkTime(t, a["updated_at"]).Compare(tkTime(t, b["updated_at"])) },
			"created_at": func(a, b map[string]any) int { return tkTime(t, a["created_at"]).Compare(tkTime(t, b["created_at"])) },
			"priority":   func(a, b map[string]any) int { return rank[a["priority"].(string)] - rank[b["priority"].(string)] },
			"status":     func(a, b map[string]any) int { return strings.Compare(a["status"].(string), b["status"].(string)) },
		}
		for _, who := range []struct{ name, token string }{{"agent", agent}, {"a_member", member}} {
			all := webtest.Items(t, webtest.APIGet(t, h, "/api/v1/tickets?limit=100", who.token))
			for _, s := range []string{"", "-updated_at", "updated_at", "created_at", "-created_at", "priority", "-priority", "status", "-status"} {
				key, desc := strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
				if s == "" {
					key, desc = "updated_at", true
				}
				want := append([]map[string]any(nil), all...)
				sort.SliceStable(want, func(i, j int) bool {
					c := less[key](want[i], want[j])
					if c == 0 {
						c = int(webtest.IDOf(want[i]) - webtest.IDOf(want[j]))
					}
					if desc {
						return c > 0
					}
					return c < 0
				})
				q := ""
				if s != "" {
					q = "sort=" + s
				}
				if got := tkWalk(t, h, who.token, q); !reflect.DeepEqual(tkOrder(got), tkOrder(want)) {
					t.Errorf("sort %q as %s: %v, want %v", s, who.name, tkOrder(got), tkOrder(want))
				}
			}
		}
		// The default order is the newest change first.
		first := webtest.Items(t, webtest.APIGet(t, h, "/api/v1/tickets?limit=1", agent))
		if len(first) != 1 || webtest.IDOf(first[0]) != webtest.IDOf(t6) {
			t.Errorf("first by default: %v, want the last closed ticket %d", first, webtest.IDOf(t6))
		}
		// Without a limit, 25 at most on one page: everything here, no cursor.
		list := webtest.APIGet(t, h, "/api/v1/tickets", agent)
		if len(webtest.Items(t, list)) != 6 || list["next_cursor"] != nil {
			t.Errorf("unpaged list: %d items, next_cursor %v", len(webtest.Items(t, list)), list["next_cursor"])
		}

		// Bad filters, orders and cursors are problems at their field.
		page := webtest.APIGet(t, h, "/api/v1/tickets?limit=1&sort=priority", agent)
		priorityCursor, _ := page["next_cursor"].(string)
		if priorityCursor == "" {
			t.Fatalf("no cursor: %v", page)
		}
		page = webtest.APIGet(t, h, "/api/v1/tickets?limit=1&sort=created_at", agent)
		createdCursor, _ := page["next_cursor"].(string)
		bad := []struct{ token, query, field string }{
			{agent, "sort=bogus", "sort"},
			{agent, "sort=-bogus", "sort"},
			{agent, "sort=subject", "sort"},
			{member, "sort=--updated_at", "sort"},
			{agent, "status=done", "status"},
			{member, "status=NEW", "status"},
			{agent, "priority=asap", "priority"},
			{agent, "type=rant", "type"},
			{member, "requester=someone", "requester"},
			{agent, "requester=" + webtest.Itoa64(h.Users["a_member"].ID), "requester"},
			{agent, "assignee=bogus", "assignee"},
			{agent, "assignee=-3", "assignee"},
			{agent, "customer_id=abc", "customer_id"},
			{member, "device_id=abc", "device_id"},
			{agent, "device_id=0", "device_id"},
			{agent, "limit=0", "limit"},
			{agent, "limit=101", "limit"},
			{agent, "cursor=%25%25%25", "cursor"},
			{agent, "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("k:{bad")), "cursor"},
			{agent, "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("id:5")), "cursor"},
			{agent, "sort=created_at&cursor=" + url.QueryEscape(priorityCursor), "cursor"},
			{agent, "sort=priority&cursor=" + url.QueryEscape(createdCursor), "cursor"},
			{agent, "q=" + url.QueryEscape(strings.Repeat("x", 201)), "q"},
			{agent, "q=a%00b", "q"},
		}
		for _, tc := range bad {
			resp, p := h.API("GET", "/api/v1/tickets?"+tc.query, tc.token, nil)
			if resp.StatusCode != 422 {
				t.Errorf("?%s: %d, want 422: %v", tc.query, resp.StatusCode, p)
				continue
			}
			webtest.WantProblem(t, resp, p, 422, tc.field)
		}
	})
}

func TestTicketJSONHidesTheGroupFromCustomers(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, member := h.Token("agent"), h.Token("a_member")
		tk := webtest.CreateTicket(t, h, member, map[string]any{"subject": "S", "description": "D"})
		if _, ok := tk["group"]; ok {
			t.Errorf("create answer to a member has a group: %v", tk)
		}
		staff := tkCall(t, h, "PATCH", webtest.TicketPath(tk, ""), agent, map[string]any{"group": "Second level", "assignee_id": h.Users["agent"].ID}, 200)
		if staff["group"] != "Second level" {
			t.Errorf("agent's PATCH answer: %v", staff)
		}
		if got := tkGet(t, h, agent, tk); got["group"] != "Second level" {
			t.Errorf("agent's view has no group: %v", got)
		}
		if got := webtest.Items(t, webtest.APIGet(t, h, "/api/v1/tickets", agent)); len(got) != 1 || got[0]["group"] != "Second level" {
			t.Errorf("agent's list has no group: %v", got)
		}
		for _, user := range []string{"a_member", "a_moderator", "a_admin"} {
			tok := h.Token(user)
			views := []map[string]any{tkGet(t, h, tok, tk), tkCall(t, h, "PATCH", webtest.TicketPath(tk, ""), tok, map[string]any{"group": "x"}, 200)}
			views = append(views, webtest.Items(t, webtest.APIGet(t, h, "/api/v1/tickets", tok))...)
			for _, v := range views {
				if _, ok := v["group"]; ok {
					t.Errorf("%s sees the group: %v", user, v)
				}
				// The default permissions show priority, type, tags and the assignee.
				for _, k := range []string{"priority", "type", "tags", "assignee_id"} {
					if _, ok := v[k]; !ok {
						t.Errorf("%s does not see %s: %v", user, k, v)
					}
				}
				if webtest.IDOf(v, "assignee_id") != h.Users["agent"].ID {
					t.Errorf("%s sees assignee %v", user, v["assignee_id"])
				}
			}
		}
		if got := tkGet(t, h, agent, tk); got["group"] != "Second level" {
			t.Errorf("a customer's PATCH changed the group: %v", got["group"])
		}
	})
}
