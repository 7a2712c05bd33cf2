package ticketweb_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// importFleet gives customer A n devices "Valve 0001"… and customer B one,
// and returns A's last by name and B's.
func importFleet(t *testing.T, h *webtest.Harness, n int) (last, foreign *device.Device) {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("name,serial_number,customer_id,manufacturer,model\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&csv, "Valve %04d,VX-%04d,%d,Samson,Type 3241\n", i, i, h.CustA.ID)
	}
	fmt.Fprintf(&csv, "Foreign valve,FB-0001,%d,Samson,Type 3241\n", h.CustB.ID)
	devices, err := h.Svc.Devices.Import(context.Background(), h.Users["agent"], strings.NewReader(csv.String()))
	webtest.Must(t, err)
	return devices[n-1], devices[n]
}

// A company with more devices than a select holds picks any of them: the
// form searches, the device API finds the 600th, the server takes the id
// the picker chose or finds the device the typed serial number or name
// names, and refuses another company's device whichever way it is sent.
func TestNewTicketPicksAnyOfManyDevices(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		last, foreign := importFleet(t, h, 600)
		member := h.LoggedIn("a_member")
		resp, body := member.Get("/tickets/new")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, `data-device-picker="/api/v1/devices"`, `name="device_for"`)
		webtest.WantNotContains(t, body, "Valve 0001", `<select id="f-device_id"`)

		// The picker's source: the device API finds the last device by serial
		// and by name, and never customer B's.
		token := h.Token("a_member")
		for _, q := range []string{"VX-0600", "valve 0600"} {
			_, m := h.API("GET", "/api/v1/devices?limit=10&q="+url.QueryEscape(q), token, nil)
			items := webtest.Items(t, m)
			if len(items) != 1 || webtest.IDOf(items[0]) != last.ID {
				t.Errorf("device API searching %q: %v", q, items)
			}
		}
		_, m := h.API("GET", "/api/v1/devices?limit=10&q=foreign", token, nil)
		if items := webtest.Items(t, m); len(items) != 0 {
			t.Errorf("customer A's device search finds %v", items)
		}

		create := func(b *webtest.Browser, form url.Values) (int, string) {
			t.Helper()
			form.Set("subject", "Valve sticks")
			form.Set("description", "It does.")
			resp, body := b.Post("/tickets/new", "/tickets", form)
			return resp.StatusCode, body
		}
		newest := func() *ticket.Ticket {
			t.Helper()
			page, err := h.Svc.Tickets.List(context.Background(), h.Users["admin"], ticket.Filter{}, "-created_at", nil, 1)
			webtest.Must(t, err)
			return page.Items[0]
		}
		// With script: the chosen id, while the text reads as that choice.
		label := device.Label(last)
		if status, body := create(member, url.Values{"device": {label}, "device_for": {label}, "device_id": {webtest.Itoa64(last.ID)}}); status != 303 {
			t.Fatalf("picked id: %d\n%.400s", status, body)
		}
		if tk := newest(); tk.DeviceID == nil || *tk.DeviceID != last.ID {
			t.Fatalf("picked id: the ticket's device is %v", tk.DeviceID)
		}
		// Without script: the typed serial number, or the one name matching.
		for _, text := range []string{"vx-0600", "Valve 0600"} {
			if status, body := create(member, url.Values{"device": {text}, "device_for": {""}, "device_id": {""}}); status != 303 {
				t.Fatalf("typed %q: %d\n%.400s", text, status, body)
			}
			if tk := newest(); tk.DeviceID == nil || *tk.DeviceID != last.ID {
				t.Fatalf("typed %q: the ticket's device is %v", text, tk.DeviceID)
			}
		}
		// Edited after the choice: the text wins over the stale id.
		if status, _ := create(member, url.Values{"device": {"VX-0007"}, "device_for": {label}, "device_id": {webtest.Itoa64(last.ID)}}); status != 303 {
			t.Fatal("edited choice refused")
		}
		if tk := newest(); tk.DeviceID == nil || *tk.DeviceID == last.ID {
			t.Fatalf("edited choice: the ticket's device is still the stale one")
		}
		// Cleared: no device.
		if status, _ := create(member, url.Values{"device": {""}, "device_for": {label}, "device_id": {webtest.Itoa64(last.ID)}}); status != 303 {
			t.Fatal("cleared device refused")
		}
		if tk := newest(); tk.DeviceID != nil {
			t.Fatalf("cleared device: the ticket has device %d", *tk.DeviceID)
		}
		// Ambiguous or unknown text, another company's serial or id: a field
		// error, the input kept, no ticket.
		before := newest().ID
		for _, c := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"device": {"valve"}, "device_for": {""}}, "Several devices match this."},
			{url.Values{"device": {"FB-0001"}, "device_for": {""}}, "No device matches this."},
			{url.Values{"device": {"Foreign valve"}, "device_for": {""}}, "No device matches this."},
			{url.Values{"device": {"Foreign valve (FB-0001)"}, "device_for": {"Foreign valve (FB-0001)"}, "device_id": {webtest.Itoa64(foreign.ID)}},
				"Choose one of your devices."},
			{url.Values{"device_id": {webtest.Itoa64(foreign.ID)}}, "Choose one of your devices."},
		} {
			status, body := create(member, c.form)
			if status != 422 {
				t.Fatalf("%v: %d, want 422", c.form, status)
			}
			webtest.WantContains(t, body, c.want)
			if v := c.form.Get("device"); v != "" {
				webtest.WantContains(t, body, `value="`+v+`"`)
			}
		}
		if newest().ID != before {
			t.Fatal("a refused device made a ticket")
		}

		// Staff pick among the chosen customer's devices only.
		staff := h.LoggedIn("agent")
		resp, body = staff.Get("/tickets/new?customer_id=" + webtest.Itoa64(h.CustA.ID) + "&device_id=" + webtest.Itoa64(last.ID))
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, `data-customer-id="`+webtest.Itoa64(h.CustA.ID)+`"`, `value="`+label+`"`)
		resp, body = staff.Get("/tickets/new?customer_id=" + webtest.Itoa64(h.CustA.ID) + "&device_id=" + webtest.Itoa64(foreign.ID))
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantNotContains(t, body, "Foreign valve")
		status, body := create(staff, url.Values{"customer_id": {webtest.Itoa64(h.CustA.ID)}, "channel": {"phone"}, "device": {"FB-0001"}, "device_for": {""}})
		if status != 422 || !strings.Contains(body, "No device matches this.") {
			t.Fatalf("staff naming customer B's device for customer A: %d", status)
		}
		status, _ = create(staff, url.Values{"customer_id": {webtest.Itoa64(h.CustB.ID)}, "channel": {"phone"}, "device": {"FB-0001"}, "device_for": {""}})
		if status != 303 {
			t.Fatalf("staff naming customer B's device for customer B: %d", status)
		}
		if tk := newest(); tk.DeviceID == nil || *tk.DeviceID != foreign.ID {
			t.Fatalf("staff's ticket for B has device %v", tk.DeviceID)
		}
	})
}

// A company with few devices keeps the select.
func TestNewTicketKeepsTheSelectForFewDevices(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		importFleet(t, h, 3)
		resp, body := h.LoggedIn("a_member").Get("/tickets/new")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, `<select id="f-device_id" name="device_id"`, "Valve 0003")
		webtest.WantNotContains(t, body, "data-device-picker", "Foreign valve")
	})
}
