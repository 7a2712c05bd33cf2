package ticketweb_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A member of a company with 600 devices opens a ticket on the 600th: types
// part of its serial number, picks it with the arrow keys and Enter, and
// the ticket is about that device. On a laptop and a phone, in English and
// German.
func TestBrowserDevicePicker(t *testing.T) {
	h, base := webtest.Served(t)
	last, _ := importFleet(t, h, 600)
	for _, lang := range []string{"en", "de"} {
		webtest.SetLanguage(t, h, lang, h.Users["a_member"].ID)
		ctx := webtest.Chromium(t)
		webtest.BrowserLogin(t, ctx, base, h.Users["a_member"].Email)
		for _, vp := range []struct {
			name string
			w, h int64
		}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
			webtest.Must(t, chromedp.Do(ctx,
				chromedp.EmulateViewport(vp.w, vp.h),
				chromedp.Navigate(base+"/tickets/new"),
				chromedp.WaitVisible(chromedp.CSS("#f-device")),
				chromedp.SendKeys(chromedp.CSS("#f-subject"), "Valve 600 sticks"),
				chromedp.SendKeys(chromedp.CSS("#f-description"), "It does not open fully."),
				chromedp.SendKeys(chromedp.CSS("#f-device"), "0600"),
				chromedp.WaitVisible(chromedp.CSS("#f-device-results .search-option")),
			))
			webtest.WaitText(t, ctx, "#f-device-results", "Valve 0600")
			webtest.Shoot(t, ctx, "device-picker-"+lang+"-"+vp.name)
			webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)))
			picked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("input[name=device_id]").value + " " + document.getElementById("f-device").value`))
			webtest.Must(t, err)
			if want := webtest.Itoa64(last.ID) + " Valve 0600 (VX-0600)"; picked != want {
				t.Fatalf("%s %s: picked %q, want %q", lang, vp.name, picked, want)
			}
			hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("f-device-results").hidden`))
			webtest.Must(t, err)
			if !hidden {
				t.Errorf("%s %s: the list stays open after the pick", lang, vp.name)
			}
			webtest.ClickAndLoad(t, ctx, `form[action="/tickets"] button[type=submit]`)
			webtest.WaitText(t, ctx, ".page-header h1", "Valve 600 sticks")
			page, err := h.Svc.Tickets.List(context.Background(), h.Users["admin"], ticket.Filter{}, "-created_at", nil, 1)
			webtest.Must(t, err)
			if tk := page.Items[0]; tk.DeviceID == nil || *tk.DeviceID != last.ID {
				t.Fatalf("%s %s: the ticket's device is %v, want %d", lang, vp.name, tk.DeviceID, last.ID)
			}
		}
	}
}
