package searchweb_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// world holds records of both customers that a search for "zephyr" finds:
// a ticket of each by subject, one of customer A's by the words of a reply,
// a device of each by name and one by manufacturer, and the people of B.
type world struct {
	aTicket, aReplied, aAdminTicket, bTicket *ticket.Ticket
	aDevice, aByMaker, bDevice               *device.Device
}

func newWorld(t *testing.T, h *webtest.Harness) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{}
	var err error
	mk := func(who, subject string) *ticket.Ticket {
		tk, err := h.Svc.Tickets.Create(ctx, h.Users[who], ticket.NewTicket{Subject: subject, Description: "details"})
		webtest.Must(t, err)
		return tk
	}
	w.aTicket = mk("a_member", "Zephyr pump leaks")
	w.aReplied = mk("a_member", "Noise in hall 2")
	_, err = h.Svc.Tickets.Reply(ctx, h.Users["agent"], w.aReplied.ID, "The zephyrine valve was replaced.", false)
	webtest.Must(t, err)
	w.aAdminTicket = mk("a_admin", "Zephyr dryer, second unit")
	w.bTicket = mk("b_member", "Zephyr at B is down")
	dev := func(customerID int64, name, serial, maker string) *device.Device {
		d, err := h.Svc.Devices.Create(ctx, h.Users["agent"], device.Input{CustomerID: customerID, Name: name, SerialNumber: serial, Manufacturer: maker})
		webtest.Must(t, err)
		return d
	}
	w.aDevice = dev(h.CustA.ID, "Zephyr compressor", "ZA-1", "Atlas")
	w.aByMaker = dev(h.CustA.ID, "Filler 3", "FA-3", "Zephyr Werke")
	w.bDevice = dev(h.CustB.ID, "Zephyr chiller of B", "ZB-9", "Carrier")
	return w
}

// search asks the API as name and returns the titles of each group.
func search(t *testing.T, h *webtest.Harness, token, q string) (map[string][]string, map[string]any) {
	t.Helper()
	resp, m := h.API("GET", "/api/v1/search?q="+url.QueryEscape(q)+"&limit=20", token, nil)
	webtest.WantStatus(t, resp, 200, "")
	webtest.CheckSchema(t, "SearchResults", m)
	out := map[string][]string{}
	for _, g := range m["groups"].([]any) {
		g := g.(map[string]any)
		webtest.CheckSchema(t, "SearchGroup", g)
		for _, it := range g["items"].([]any) {
			it := it.(map[string]any)
			webtest.CheckSchema(t, "SearchItem", it)
			out[g["kind"].(string)] = append(out[g["kind"].(string)], it["title"].(string))
		}
	}
	return out, m
}

func kinds(groups map[string][]string) []string {
	var out []string
	for k := range groups {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A customer finds their company's tickets (by subject and by the words of
// a reply) and devices (by name and by manufacturer), never another
// company's, in the API and on the page; staff find both companies' and,
// with the lists' permissions, customers and people.
func TestSearchFindsOnlyWhatTheListsShow(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		w := newWorld(t, h)
		b := func(s ...string) string { return strings.Join(s, "|") }
		for _, c := range []struct {
			user    string
			tickets string
			devices string
		}{
			{"a_member", b("#"+itoa(w.aAdminTicket.Number)+" Zephyr dryer, second unit", "#"+itoa(w.aReplied.Number)+" Noise in hall 2", "#"+itoa(w.aTicket.Number)+" Zephyr pump leaks"),
				b("Filler 3", "Zephyr compressor")},
			{"a_admin", b("#"+itoa(w.aAdminTicket.Number)+" Zephyr dryer, second unit", "#"+itoa(w.aReplied.Number)+" Noise in hall 2", "#"+itoa(w.aTicket.Number)+" Zephyr pump leaks"),
				b("Filler 3", "Zephyr compressor")},
			{"b_member", b("#" + itoa(w.bTicket.Number) + " Zephyr at B is down"), b("Zephyr chiller of B")},
		} {
			got, _ := search(t, h, h.Token(c.user), "zephyr")
			if g := kinds(got); !slices.Equal(g, []string{"devices", "tickets"}) {
				t.Errorf("%s: groups %v, want devices and tickets only", c.user, g)
			}
			if g := strings.Join(got["tickets"], "|"); g != c.tickets {
				t.Errorf("%s: tickets %q, want %q", c.user, g, c.tickets)
			}
			if g := strings.Join(got["devices"], "|"); g != c.devices {
				t.Errorf("%s: devices %q, want %q", c.user, g, c.devices)
			}
		}
		// Nothing of B by B's own words, serial or people, for A.
		for _, q := range []string{"of B", "ZB-9", "Carrier", "b_member", "b.test", "Customer B", "at B is down"} {
			got, m := search(t, h, h.Token("a_admin"), q)
			if len(got) > 0 {
				t.Errorf("a_admin searching %q finds %v", q, m)
			}
			br := h.LoggedIn("a_member")
			resp, body := br.Get("/search?q=" + url.QueryEscape(q))
			webtest.WantStatus(t, resp, 200, body)
			webtest.WantNotContains(t, body, "Zephyr chiller of B", "Zephyr at B is down", "/devices/"+itoa(w.bDevice.ID)+`"`,
				"/tickets/"+itoa(w.bTicket.ID)+`"`, "b_member@b.test")
		}

		// Staff: both companies, customers, and people for the administrator
		// (who may open the user list); the agent has no user list.
		got, _ := search(t, h, h.Token("admin"), "zephyr")
		if g := kinds(got); !slices.Equal(g, []string{"devices", "tickets"}) || len(got["tickets"]) != 4 || len(got["devices"]) != 3 {
			t.Errorf("admin: %v", got)
		}
		got, _ = search(t, h, h.Token("admin"), "b.test")
		if g := kinds(got); !slices.Equal(g, []string{"customers", "people"}) || got["customers"][0] != "Customer B" ||
			!slices.Equal(got["people"], []string{"B_admin Tester", "B_member Tester"}) {
			t.Errorf("admin searching b.test: %v", got)
		}
		got, _ = search(t, h, h.Token("agent"), "b.test")
		if g := kinds(got); !slices.Equal(g, []string{"customers"}) {
			t.Errorf("agent searching b.test: %v", got)
		}
		// Customers never get customers or people, even of their own company.
		for _, name := range []string{"a_admin", "a_moderator", "a_member"} {
			if got, _ := search(t, h, h.Token(name), "a.test"); len(got) > 0 {
				t.Errorf("%s searching a.test: %v", name, got)
			}
		}

		// The page shows the same groups with links to the full lists.
		br := h.LoggedIn("admin")
		resp, body := br.Get("/search?q=zephyr")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "Zephyr chiller of B", "Zephyr at B is down", `href="/tickets?q=zephyr"`, `href="/devices?q=zephyr"`,
			`href="/devices/`+itoa(w.aByMaker.ID)+`"`, "Zephyr Werke")
		resp, body = br.Get("/search?q=b.test")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, `href="/customers?q=b.test"`, `href="/search?kind=people&amp;q=b.test"`, `href="/users/`+itoa(h.Users["b_member"].ID)+`"`)
	})
}

// A member who may see only their own tickets finds only those, whatever
// words the others' tickets share.
func TestSearchKeepsAMembersOwnTicketScope(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		w := newWorld(t, h)
		ctx := context.Background()
		if _, err := h.Svc.Tickets.SetCompanyPerms(ctx, h.Users["admin"], h.CustA.ID, ticket.PermChoices{"see_all": "deny"}); err != nil {
			t.Fatal(err)
		}
		got, _ := search(t, h, h.Token("a_member"), "zephyr")
		want := []string{"#" + itoa(w.aReplied.Number) + " Noise in hall 2", "#" + itoa(w.aTicket.Number) + " Zephyr pump leaks"}
		if !slices.Equal(got["tickets"], want) {
			t.Errorf("member of own tickets: %v, want %v", got["tickets"], want)
		}
		got, _ = search(t, h, h.Token("a_member"), "#"+itoa(w.aAdminTicket.Number))
		if len(got["tickets"]) != 0 {
			t.Errorf("member of own tickets finds the colleague's by number: %v", got)
		}
		_, body := h.LoggedIn("a_member").Get("/search?q=dryer")
		webtest.WantNotContains(t, body, "Zephyr dryer, second unit")
		// Staff still find it.
		got, _ = search(t, h, h.Token("agent"), "dryer")
		if len(got["tickets"]) != 1 {
			t.Errorf("agent searching dryer: %v", got)
		}
		// A ticket number finds that ticket.
		got, _ = search(t, h, h.Token("a_member"), "#"+itoa(w.aTicket.Number))
		if len(got["tickets"]) != 1 || !strings.HasSuffix(got["tickets"][0], "Zephyr pump leaks") {
			t.Errorf("by number: %v", got)
		}
	})
}

// A search the lists refuse is a 422 at q in the API and a clean page with
// the problem at the field; a blank one finds nothing.
func TestSearchRefusesBadQueries(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		token := h.Token("a_member")
		for _, q := range []string{strings.Repeat("x", 201), strings.Repeat("y", 300), "a\x00b", "\xff"} {
			resp, m := h.API("GET", "/api/v1/search?q="+url.QueryEscape(q), token, nil)
			webtest.WantProblem(t, resp, m, 422, "q")
		}
		for _, l := range []string{"0", "21", "x", "-1"} {
			resp, m := h.API("GET", "/api/v1/search?q=pump&limit="+l, token, nil)
			webtest.WantProblem(t, resp, m, 422, "limit")
		}
		resp, m := h.API("GET", "/api/v1/search?q=%20%20", token, nil)
		webtest.WantStatus(t, resp, 200, "")
		if len(m["groups"].([]any)) != 0 {
			t.Errorf("blank search: %v", m)
		}
		br := h.LoggedIn("a_member")
		resp, body := br.Get("/search?q=" + strings.Repeat("x", 201))
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "Use at most 200 characters.", `aria-invalid="true"`)
		for _, q := range []string{"a%00b", "%FF"} {
			resp, body = br.Get("/search?q=" + q)
			webtest.WantStatus(t, resp, 422, body)
			webtest.WantContains(t, body, "This field contains characters that are not allowed.")
		}
		resp, body = br.Get("/search")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "What are you looking for?")
		resp, body = br.Get("/search?q=nothing-like-this&kind=nonsense")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "Nothing found for “nothing-like-this”")
		// Signed out: sign in first (the API: 401).
		resp, m = h.API("GET", "/api/v1/search?q=pump", "", nil)
		webtest.WantProblem(t, resp, m, 401)
	})
}

// The people of a staff search continue on the search page of that kind,
// page by page.
func TestSearchPagesPeople(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		br := h.LoggedIn("admin")
		resp, body := br.Get("/search?kind=people&q=tester")
		webtest.WantStatus(t, resp, 200, body)
		for name := range h.Users {
			webtest.WantContains(t, body, `href="/users/`+itoa(h.Users[name].ID)+`"`)
		}
		webtest.WantNotContains(t, body, "All matching people")
		// A customer asking for people gets the page of every kind they may find.
		resp, body = h.LoggedIn("a_admin").Get("/search?kind=people&q=tester")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantNotContains(t, body, `href="/users/`)
	})
}

func itoa(n int64) string { return webtest.Itoa64(n) }
