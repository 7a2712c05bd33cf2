package ticketweb_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"backoffice/app/web/webtest"
)

var ticketLink = regexp.MustCompile(`href="/tickets/(\d+)"`)

// pageOrder is the order of the tickets the list page /tickets?query shows.
func pageOrder(t *testing.T, b *webtest.Browser, query string) []int64 {
	t.Helper()
	resp, body := b.Get("/tickets?" + query)
	webtest.WantStatus(t, resp, 200, body)
	var out []int64
	seen := map[int64]bool{}
	for _, m := range ticketLink.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// A parameter hidden from a customer cannot be read back through the list:
// with view_priority and view_type off (and the assignee, which customers
// never filter by), filtering or sorting by it changes neither the set nor
// the order of their tickets, in the API or on the page.
func TestHiddenTicketParametersNeitherFilterNorSort(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, member := h.Token("agent"), h.Token("a_member")
		for i, p := range []struct {
			priority, typ string
			assigned      bool
		}{{"low", "question", true}, {"urgent", "maintenance", false}, {"high", "incident", true}, {"normal", "maintenance", false}} {
			h.Clock.Advance(time.Minute)
			body := map[string]any{"subject": fmt.Sprintf("Case %d", i), "description": "D", "customer_id": h.CustA.ID,
				"requester_id": h.Users["a_member"].ID, "priority": p.priority, "type": p.typ}
			if p.assigned {
				body["assignee_id"] = h.Users["agent"].ID
			}
			webtest.CreateTicket(t, h, agent, body)
		}
		tkCall(t, h, "PUT", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/ticket-permissions", h.Token("admin"),
			map[string]any{"view_priority": "deny", "view_type": "deny", "see_assignee": "deny"}, 200)
		b := h.LoggedIn("a_member")
		want, wantPage := tkOrder(tkWalk(t, h, member, "")), pageOrder(t, b, "")
		if len(want) != 4 || !reflect.DeepEqual(wantPage, want) {
			t.Fatalf("the member's list: API %v, page %v", want, wantPage)
		}
		for _, q := range []string{"priority=urgent", "priority=low", "sort=priority", "sort=-priority", "type=maintenance",
			"type=question", "assignee=" + webtest.Itoa64(h.Users["agent"].ID), "assignee=none", "assignee=me"} {
			if got := tkOrder(tkWalk(t, h, member, q)); !reflect.DeepEqual(got, want) {
				t.Errorf("API ?%s: %v, want %v as without it", q, got, want)
			}
			if got := pageOrder(t, b, q); !reflect.DeepEqual(got, want) {
				t.Errorf("page ?%s: %v, want %v as without it", q, got, want)
			}
		}
		_, body := b.Get("/tickets")
		webtest.WantNotContains(t, body, `<option value="priority"`)

		// Staff, who see them, still filter and sort by them.
		if got := tkWalk(t, h, agent, "priority=urgent"); len(got) != 1 {
			t.Errorf("staff ?priority=urgent: %d tickets, want 1", len(got))
		}
		if got := tkOrder(tkWalk(t, h, agent, "sort=priority")); reflect.DeepEqual(got, want) {
			t.Errorf("staff ?sort=priority kept the default order %v", got)
		}
	})
}
