package deviceweb_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/device"
	"backoffice/app/web/webtest"
)

// The device page (one print button, the code to type, a history that
// starts with the installation), its label with the provider's name and
// phone, and the public form for a typed code, in English and German, on a
// laptop and a phone.
func TestBrowserDevicePageLabelAndTypedCode(t *testing.T) {
	h, base := webtest.Served(t)
	bg := context.Background()
	setProviderPhone(t, h, "+49 40 555 0190")
	agent := h.Users["agent"]
	d, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: "Abfülllinie 2", SerialNumber: "NS-HB-1014",
		Manufacturer: "Krones", Model: "Modulfill HRS", Category: "Abfüllung", Site: "Brauerei Hamburg", Location: "Halle 2",
		Status: device.StatusOperational, InstalledOn: "2024-09-12", WarrantyUntil: "2027-09-12", LastServiceOn: "2026-06-01",
		NextServiceDue: "2026-12-01"})
	webtest.Must(t, err)
	if _, err := h.Svc.Devices.SetStatus(bg, agent, d.ID, device.StatusNeedsAttention); err != nil {
		t.Fatal(err)
	}
	staff := webtest.Chromium(t)
	webtest.BrowserLogin(t, staff, base, agent.Email)
	member := webtest.Chromium(t)
	webtest.BrowserLogin(t, member, base, h.Users["a_member"].Email)
	anon := webtest.Chromium(t)
	id := webtest.Itoa64(d.ID)
	pages := []struct {
		ctx             context.Context
		who             int64
		name, path, sel string
	}{
		{staff, agent.ID, "device", "/devices/" + id, ".code-card"},
		{member, h.Users["a_member"].ID, "device-member", "/devices/" + id, ".code-card"},
		{staff, agent.ID, "label", "/devices/labels?id=" + id, ".sheet"},
		{anon, 0, "enter-code", "/c/enter", "#f-code"},
		{anon, 0, "enter-code-unknown", "/c/enter?code=7k3m-9qxw-r2d5", "#f-code"},
	}
	for _, lang := range []string{"en", "de"} {
		for _, w := range []struct {
			name string
			w, h int64
		}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
			for _, pg := range pages {
				path := pg.path
				if pg.who != 0 {
					webtest.SetLanguage(t, h, lang, pg.who)
				} else {
					webtest.Must(t, chromedp.Do(pg.ctx, chromedp.EmulateViewport(w.w, w.h)))
					if lang == "de" {
						path += map[bool]string{true: "&", false: "?"}[pg.name == "enter-code-unknown"] + "lang=de"
					}
				}
				webtest.Must(t, chromedp.Do(pg.ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+path),
					chromedp.WaitVisible(chromedp.CSS(pg.sel))))
				webtest.Shoot(t, pg.ctx, "dev-"+pg.name+"-"+lang+"-"+w.name)
			}
		}
	}
	// Typing the code from the label opens the device's page.
	webtest.Must(t, chromedp.Do(anon, chromedp.Navigate(base+"/c/enter"), chromedp.WaitVisible(chromedp.CSS("#f-code")),
		chromedp.SendKeys(chromedp.CSS("#f-code"), "  "+device.GroupToken(d.Code.Token))))
	webtest.ClickAndLoad(t, anon, ".enter-code button[type=submit]")
	webtest.WaitText(t, anon, "main h1", "Abfülllinie 2")
}
