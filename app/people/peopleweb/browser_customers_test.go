package peopleweb_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/device"
	"backoffice/app/people"
	"backoffice/app/web/webtest"
)

// The customer list with its counts, a customer's Devices and Tickets tabs,
// and an employee's page with the password link, in English and German,
// on a laptop and a phone.
func TestBrowserCustomerListTabsAndEmployeePage(t *testing.T) {
	h, base := webtest.Served(t)
	bg := context.Background()
	agent := h.Users["agent"]
	for i, st := range []string{"out_of_service", "operational", "needs_attention", "operational"} {
		_, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: []string{"Filling line 1", "Filling line 2",
			"Compressor B", "Cooling tower"}[i], SerialNumber: "SN-" + webtest.Itoa(100+i), Manufacturer: "Krones", Model: "Modulfill",
			Site: "Plant North", Status: st, NextServiceDue: "2026-12-0" + webtest.Itoa(i+2)})
		webtest.Must(t, err)
	}
	for _, s := range []string{"Filling line 1 stops after ten minutes", "Compressor B is noisy"} {
		resp, body := h.API("POST", "/api/v1/tickets", h.Token("a_member"), map[string]any{"subject": s, "description": "Please have a look."})
		if resp.StatusCode != 201 {
			t.Fatalf("ticket: %d %v", resp.StatusCode, body)
		}
	}
	resp, nina := h.API("POST", "/api/v1/users", h.Token("a_admin"), map[string]any{"first_name": "Nina", "last_name": "Neu",
		"email": "nina@a.test", "language": "en", "role": "member"})
	if resp.StatusCode != 201 {
		t.Fatalf("user: %d %v", resp.StatusCode, nina)
	}

	// The fixture's users were written without events: count them as the
	// migration and the demo data do.
	webtest.Must(t, people.NewStore(h.DB, h.Clock).Recount(bg, h.Provider.ID))

	staff := webtest.Chromium(t)
	webtest.BrowserLogin(t, staff, base, h.Users["agent"].Email)
	office := webtest.Chromium(t)
	webtest.BrowserLogin(t, office, base, h.Users["a_admin"].Email)
	cust := "/customers/" + webtest.Itoa64(h.CustA.ID)
	pages := []struct {
		ctx             context.Context
		who             int64
		name, path, sel string
	}{
		{staff, agent.ID, "customers", "/customers", "table.customer-table"},
		{staff, agent.ID, "customer-devices", cust + "?tab=devices", ".tabs"},
		{staff, agent.ID, "customer-tickets", cust + "?tab=tickets", ".tabs"},
		{office, h.Users["a_admin"].ID, "employee", "/employees/" + webtest.SID(nina), ".facts"},
	}
	for _, lang := range []string{"en", "de"} {
		for _, w := range []struct {
			name string
			w, h int64
		}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
			for _, pg := range pages {
				webtest.SetLanguage(t, h, lang, pg.who)
				webtest.Must(t, chromedp.Do(pg.ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path),
					chromedp.WaitVisible(chromedp.CSS(pg.sel))))
				webtest.Shoot(t, pg.ctx, "dev-"+pg.name+"-"+lang+"-"+w.name)
			}
		}
	}
	// The link is sent from the employee's page.
	webtest.SetLanguage(t, h, "en", h.Users["a_admin"].ID)
	webtest.Must(t, chromedp.Do(office, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/employees/"+webtest.SID(nina)),
		chromedp.WaitVisible(chromedp.CSS(".facts"))))
	webtest.WaitText(t, office, "main", "Send set-password link")
}
