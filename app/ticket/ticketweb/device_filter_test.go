package ticketweb_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A customer filters the ticket list by a device typed into the filter (no
// script: the server finds it), chosen by the picker (id and the text it
// wrote), or kept by id in the list's links; a text naming no device of
// theirs, another company's included, says so and filters nothing.
func TestTicketListDeviceFilter(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		bg := context.Background()
		agent := h.Users["agent"]
		pump, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: "Pump", SerialNumber: "PU-7"})
		webtest.Must(t, err)
		_, err = h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: "Press", SerialNumber: "PR-1"})
		webtest.Must(t, err)
		foreign, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustB.ID, Name: "Boiler", SerialNumber: "BO-9"})
		webtest.Must(t, err)
		member := h.Users["a_member"]
		_, err = h.Svc.Tickets.Create(bg, member, ticket.NewTicket{Subject: "Pump leaks", Description: "x", DeviceID: pump.ID})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Create(bg, member, ticket.NewTicket{Subject: "Coffee machine", Description: "x"})
		webtest.Must(t, err)

		b := h.LoggedIn("a_member")
		list := func(q url.Values) string {
			t.Helper()
			resp, body := b.Get("/tickets?" + q.Encode())
			webtest.WantStatus(t, resp, 200, body)
			return body
		}
		only := func(body, why string) {
			t.Helper()
			if !strings.Contains(body, "Pump leaks") || strings.Contains(body, "Coffee machine") {
				t.Fatalf("%s: the list is not the pump's", why)
			}
		}
		only(list(url.Values{"device": {"pu-7"}, "device_for": {""}}), "typed serial")
		only(list(url.Values{"device": {"Pump (PU-7)"}, "device_for": {"Pump (PU-7)"}, "device_id": {webtest.Itoa64(pump.ID)}}), "picked")
		body := list(url.Values{"device_id": {webtest.Itoa64(pump.ID)}})
		only(body, "by id")
		if !strings.Contains(body, `value="Pump (PU-7)"`) {
			t.Error("the filter does not name the device it filters by")
		}
		for _, text := range []string{"Boiler", "BO-9", "Nothing like it"} {
			body := list(url.Values{"device": {text}})
			if !strings.Contains(body, "Coffee machine") || !strings.Contains(body, `id="flt-device-error"`) {
				t.Errorf("typed %q: want the whole list and a problem at the field", text)
			}
		}
		// Another company's device by id filters to nothing of theirs.
		body = list(url.Values{"device_id": {webtest.Itoa64(foreign.ID)}})
		if strings.Contains(body, "Pump leaks") || strings.Contains(body, "Boiler") {
			t.Error("another company's device leaked into the filter")
		}
		// Clearing the field drops the filter.
		if body := list(url.Values{"device": {""}, "device_for": {"Pump (PU-7)"}, "device_id": {webtest.Itoa64(pump.ID)}}); !strings.Contains(body, "Coffee machine") {
			t.Error("a cleared device field still filters")
		}
	})
}
