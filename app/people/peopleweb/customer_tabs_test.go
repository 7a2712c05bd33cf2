package peopleweb_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/app/web/webtest"
)

// customerFixture gives customer A two devices (one in a hurry) and a
// ticket through the API, so the rollups follow real events.
func customerFixture(t *testing.T, h *webtest.Harness) (ticket map[string]any) {
	t.Helper()
	agent := h.Token("agent")
	for _, d := range []map[string]any{
		{"customer_id": h.CustA.ID, "name": "Chiller One", "serial_number": "CH-1", "status": "out_of_service"},
		{"customer_id": h.CustA.ID, "name": "Chiller Two", "serial_number": "CH-2"},
		{"customer_id": h.CustB.ID, "name": "B's Press", "serial_number": "BP-1"},
	} {
		if resp, body := h.API("POST", "/api/v1/devices", agent, d); resp.StatusCode != http.StatusCreated {
			t.Fatalf("device: %d %v", resp.StatusCode, body)
		}
	}
	resp, tk := h.API("POST", "/api/v1/tickets", h.Token("a_member"), map[string]any{"subject": "Chiller One is warm",
		"description": "Since this morning."})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("ticket: %d %v", resp.StatusCode, tk)
	}
	return tk
}

func TestCustomerListShowsRolledUpCounts(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		customerFixture(t, h)
		// The fixture's own users were written without events; an invited
		// person is counted as the events say.
		resp, _ := h.API("POST", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", h.Token("agent"),
			map[string]any{"first_name": "Ida", "email": "ida@a.test", "language": "en", "role": "member"})
		webtest.WantStatus(t, resp, http.StatusCreated, "")

		resp, list := h.API("GET", "/api/v1/customers", h.Token("agent"), nil)
		webtest.WantStatus(t, resp, 200, "")
		byName := map[string]map[string]any{}
		for _, c := range webtest.Items(t, list) {
			webtest.CheckSchema(t, "Customer", c)
			byName[c["name"].(string)] = c
		}
		a, b := byName[h.CustA.Name], byName[h.CustB.Name]
		if a == nil || a["open_tickets"] != float64(1) || a["devices"] != float64(2) || a["people"] != float64(1) {
			t.Errorf("customer A in the list: %v", a)
		}
		if b == nil || b["open_tickets"] != float64(0) || b["devices"] != float64(1) {
			t.Errorf("customer B in the list: %v", b)
		}
		resp, one := h.API("GET", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID), h.Token("agent"), nil)
		if resp.StatusCode != 200 || one["devices"] != float64(2) || one["open_tickets"] != float64(1) {
			t.Errorf("customer A: %d %v", resp.StatusCode, one)
		}

		r, body := h.LoggedIn("agent").Get("/customers")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Open tickets", "Devices", "People",
			`href="/customers/`+webtest.Itoa64(h.CustA.ID)+`?tab=tickets">1</a>`,
			`href="/customers/`+webtest.Itoa64(h.CustA.ID)+`?tab=devices">2</a>`)
		r, body = h.LoggedIn("admin").Get("/customers?lang=de")
		webtest.WantStatus(t, r, 200, body)

		// Customers have no customer list (404, staff only).
		for _, who := range []string{"a_admin", "a_member"} {
			if resp, _ := h.API("GET", "/api/v1/customers", h.Token(who), nil); resp.StatusCode != 404 {
				t.Errorf("%s lists customers: %d", who, resp.StatusCode)
			}
		}
	})
}

// The list page reads the counts in one query, whatever the number of
// customers on it.
func TestCustomerListQueriesDoNotGrowWithThePage(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("agent")
		rec := dbtest.Record(h.DB, func(q string) bool { return strings.HasPrefix(strings.TrimSpace(q), "SELECT") })
		count := func() int {
			rec.Take()
			r, body := b.Get("/customers")
			webtest.WantStatus(t, r, 200, body)
			return len(rec.Take())
		}
		few := count()
		for i := range 12 {
			resp, body := h.API("POST", "/api/v1/customers", h.Token("admin"), map[string]any{"name": fmt.Sprintf("Extra %02d", i)})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("customer: %d %v", resp.StatusCode, body)
			}
		}
		if many := count(); many != few {
			t.Errorf("the customer page runs %d queries for 14 customers, %d for 2", many, few)
		}
	})
}

func TestCustomerPageDevicesAndTicketsTabs(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		tk := customerFixture(t, h)
		base := "/customers/" + webtest.Itoa64(h.CustA.ID)
		b := h.LoggedIn("agent")
		r, body := b.Get(base)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `href="`+base+`?tab=devices"`, "Devices (2)", `href="`+base+`?tab=tickets"`, "Tickets (1 open)")

		r, body = b.Get(base + "?tab=devices")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Chiller One", "Chiller Two", `href="/devices?customer_id=`+webtest.Itoa64(h.CustA.ID)+`"`)
		webtest.WantNotContains(t, body, "B&#39;s Press", "B's Press")
		if strings.Index(body, "Chiller One") > strings.Index(body, "Chiller Two") {
			t.Error("the devices tab does not put the device out of service first")
		}
		r, body = b.Get(base + "?tab=tickets")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Chiller One is warm", `href="/tickets/`+webtest.SID(tk)+`"`, `href="/tickets?customer_id=`+webtest.Itoa64(h.CustA.ID)+`"`)

		// Customer B's tabs hold nothing of A's.
		r, body = b.Get("/customers/" + webtest.Itoa64(h.CustB.ID) + "?tab=tickets")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantNotContains(t, body, "Chiller One is warm")
		webtest.WantContains(t, body, "No tickets from this company yet")
		// An unknown tab is the users tab.
		r, body = b.Get(base + "?tab=nonsense")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `<a href="`+base+`" class="tab active" aria-current="page">`)

		// Customer users never see customer pages; another provider's staff
		// get 404 like for a missing customer.
		for _, who := range []string{"a_admin", "a_moderator", "a_member"} {
			if r, _ := h.LoggedIn(who).Get(base + "?tab=devices"); r.StatusCode != 404 {
				t.Errorf("%s opens the customer's devices tab: %d", who, r.StatusCode)
			}
		}
		webtest.OtherProvider(t, h)
		xb := h.LoggedIn("x_agent")
		rf, bf := xb.Get(base + "?tab=tickets")
		rm, bm := xb.Get("/customers/999999?tab=tickets")
		if rf.StatusCode != 404 || rm.StatusCode != 404 || webtest.CSRFField.ReplaceAllString(bf, "") != webtest.CSRFField.ReplaceAllString(bm, "") {
			t.Errorf("another provider: foreign %d, missing %d", rf.StatusCode, rm.StatusCode)
		}
	})
}
