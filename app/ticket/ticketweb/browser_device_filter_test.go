package ticketweb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A member filters the ticket list by a device picked from the filter's
// search (the device API as they type), in English and German.
func TestBrowserTicketListDeviceFilter(t *testing.T) {
	h, base := webtest.Served(t)
	bg := context.Background()
	pump, err := h.Svc.Devices.Create(bg, h.Users["agent"], device.Input{CustomerID: h.CustA.ID, Name: "Pump", SerialNumber: "PU-7"})
	webtest.Must(t, err)
	member := h.Users["a_member"]
	_, err = h.Svc.Tickets.Create(bg, member, ticket.NewTicket{Subject: "Pump leaks", Description: "x", DeviceID: pump.ID})
	webtest.Must(t, err)
	_, err = h.Svc.Tickets.Create(bg, member, ticket.NewTicket{Subject: "Coffee machine", Description: "x"})
	webtest.Must(t, err)
	for _, lang := range []string{"en", "de"} {
		webtest.SetLanguage(t, h, lang, member.ID)
		ctx := webtest.Chromium(t)
		webtest.BrowserLogin(t, ctx, base, member.Email)
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(1366, 900),
			chromedp.Navigate(base+"/tickets"),
			chromedp.WaitVisible(chromedp.CSS("#flt-device")),
			chromedp.SendKeys(chromedp.CSS("#flt-device"), "PU-"),
			chromedp.WaitVisible(chromedp.CSS("#flt-device-results .search-option")),
		))
		webtest.Shoot(t, ctx, "ticket-filter-device-"+lang+"-laptop")
		webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)))
		webtest.ClickAndLoad(t, ctx, `#ticket-filters button[type=submit]`)
		list, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.ticket-table")))
		webtest.Must(t, err)
		if !strings.Contains(list, "Pump leaks") || strings.Contains(list, "Coffee machine") {
			t.Fatalf("%s: the list filtered by the picked pump reads %q", lang, list)
		}
		value, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#flt-device")))
		webtest.Must(t, err)
		if value != "Pump (PU-7)" {
			t.Errorf("%s: the filter field reads %q", lang, value)
		}
		webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
		webtest.Shoot(t, ctx, "ticket-filter-device-"+lang+"-phone")
	}
}
