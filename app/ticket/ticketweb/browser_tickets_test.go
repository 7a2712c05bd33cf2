package ticketweb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// A member reports a problem from a device's page; an agent answers it
// (with an internal note the member never sees); the member reads the
// answer, closes the ticket and reopens it.
func TestBrowserTicketSubmitAnswerCloseReopen(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	d, err := h.Svc.Devices.Create(context.Background(), h.Users["agent"], device.Input{CustomerID: h.CustA.ID, Name: "Chiller 2", SerialNumber: "CH-2"})
	webtest.Must(t, err)

	webtest.BrowserLogin(t, ctx, base, h.Users["a_member"].Email)
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/devices/"+webtest.Itoa64(d.ID)),
		chromedp.Click(chromedp.CSS(`a[href^="/tickets/new?device_id=`+webtest.Itoa64(d.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-subject")),
		chromedp.SendKeys(chromedp.CSS("#f-subject"), "Chiller alarm E42"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "Alarm since this morning.\nManual: https://example.com/e42"),
	))
	webtest.Shoot(t, ctx, "ticket-new-member-laptop")
	webtest.ClickAndLoad(t, ctx, `form[action="/tickets"] button[type=submit]`)
	webtest.WaitText(t, ctx, ".page-header h1", "#1001 Chiller alarm E42")
	webtest.WaitText(t, ctx, ".ticket-side", "Chiller 2")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	webtest.Must(t, err)
	ticketURL := loc

	// The agent finds it in the queue, notes internally and answers.
	agent := webtest.Chromium(t)
	webtest.BrowserLogin(t, agent, base, h.Users["agent"].Email)
	webtest.Must(t, chromedp.Do(agent, chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
	webtest.WaitText(t, agent, "table.ticket-table", "Chiller alarm E42")
	webtest.Shoot(t, agent, "tickets-agent-laptop")
	webtest.Must(t, chromedp.Do(agent,
		chromedp.Navigate(ticketURL),
		chromedp.WaitVisible(chromedp.CSS("#f-body")),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Compressor log shows low refrigerant."),
		chromedp.Click(chromedp.CSS(`input[name="internal"]`)),
	))
	webtest.ClickAndLoad(t, agent, `form[action$="/messages"] button[type=submit]`)
	webtest.Must(t, chromedp.Do(agent,
		chromedp.WaitVisible(chromedp.CSS(".msg-internal")),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "A technician comes tomorrow at 9."),
	))
	webtest.ClickAndLoad(t, agent, `form[action$="/messages"] button[type=submit]`)
	webtest.WaitText(t, agent, ".ticket-side", "Open")
	webtest.Shoot(t, agent, "ticket-agent-laptop")

	// The member sees the answer, not the note; closes, reopens.
	webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(chromedp.CSS(".thread"))))
	webtest.WaitText(t, ctx, ".thread", "technician comes tomorrow")
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	webtest.Must(t, err)
	if strings.Contains(body, "refrigerant") {
		t.Fatal("the member sees the internal note")
	}
	webtest.ClickAndLoad(t, ctx, `form[action$="/close"] button`)
	webtest.WaitText(t, ctx, ".ticket-side", "Closed")
	webtest.Shoot(t, ctx, "ticket-member-closed-laptop")
	webtest.ClickAndLoad(t, ctx, `form[action$="/reopen"] button`)
	webtest.WaitText(t, ctx, ".ticket-side", "Open")
	webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(ticketURL), chromedp.WaitVisible(chromedp.CSS(".thread"))))
	webtest.Shoot(t, ctx, "ticket-member-phone")
	webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
	webtest.Shoot(t, ctx, "tickets-member-phone")
	webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
	webtest.Shoot(t, ctx, "tickets-member-laptop")
}

// The staff pages of tickets render at laptop and phone width.
func TestBrowserStaffTicketPages(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	bg := context.Background()
	for _, s := range []string{"Pump noise", "Display flickers", "Door sensor"} {
		_, err := h.Svc.Tickets.Create(bg, h.Users["a_member"], ticket.NewTicket{Subject: s, Description: "details"})
		webtest.Must(t, err)
	}
	_, err := h.Svc.Tickets.CreateTemplate(bg, h.Users["agent"], ticket.TemplateInput{Name: "Technician visit", Body: "A technician comes tomorrow at 9."})
	webtest.Must(t, err)
	_, err = h.Svc.Tickets.SaveField(bg, h.Users["admin"], 0, ticket.FieldInput{Label: "Room on site", Kind: "text", Shown: true, Editable: true})
	webtest.Must(t, err)
	_, err = h.Svc.Tickets.SaveField(bg, h.Users["admin"], 0, ticket.FieldInput{Label: "Shift", Kind: "select", Options: "early\nlate", Shown: true})
	webtest.Must(t, err)
	webtest.BrowserLogin(t, ctx, base, h.Users["admin"].Email)
	pages := []struct{ path, sel string }{
		{"/tickets", "table.ticket-table"},
		{"/tickets/new?customer_id=" + webtest.Itoa64(h.CustA.ID), "#f-subject"},
		{"/templates", ".template-list"},
		{"/settings/fields", "table.table"},
		{"/tickets/1", ".thread"},
		{"/customers/" + webtest.Itoa64(h.CustA.ID) + "/ticket-permissions", "table.perms-table"},
		{"/users/" + webtest.Itoa64(h.Users["a_member"].ID) + "/ticket-permissions", "table.perms-table"},
	}
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		for _, pg := range pages {
			webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel))))
			webtest.Shoot(t, ctx, "admin"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(pg.path)+"-"+w.name)
		}
	}
}

// With the provider's switches on, a member assigns their ticket and sets
// its group from the ticket page; the form shows both, the details do not
// repeat them.
func TestBrowserMemberSetsStandardFields(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	bg := context.Background()
	for _, name := range []string{"assignee", "group"} {
		_, err := h.Svc.Tickets.SetStandardField(bg, h.Users["admin"], name, true, true)
		webtest.Must(t, err)
	}
	tk, err := h.Svc.Tickets.Create(bg, h.Users["a_member"], ticket.NewTicket{Subject: "Cold store at 9 °C", Description: "Since the night shift."})
	webtest.Must(t, err)
	webtest.BrowserLogin(t, ctx, base, h.Users["a_member"].Email)
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/tickets/"+webtest.Itoa64(tk.ID)),
		chromedp.WaitVisible(chromedp.CSS("#f-group")),
		chromedp.SetValue(chromedp.CSS("#f-assignee_id"), webtest.Itoa64(h.Users["agent"].ID)),
		chromedp.SendKeys(chromedp.CSS("#f-group"), "Refrigeration"),
	))
	webtest.Shoot(t, ctx, "ticket-member-standard-fields-laptop")
	webtest.ClickAndLoad(t, ctx, `form[action="/tickets/`+webtest.Itoa64(tk.ID)+`"] button[type=submit]`)
	// What the member may change shows in the form, not again in the details.
	group, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-group").value`))
	webtest.Must(t, err)
	assignee, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-assignee_id").value`))
	webtest.Must(t, err)
	if group != "Refrigeration" || assignee != webtest.Itoa64(h.Users["agent"].ID) {
		t.Fatalf("the form after saving: group %q, assignee %q", group, assignee)
	}
	facts, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".ticket-side .facts")))
	webtest.Must(t, err)
	if strings.Contains(facts, "Refrigeration") {
		t.Fatal("the details repeat the group the member edits below")
	}
	got, err := h.Svc.Tickets.Ticket(bg, h.Users["agent"], tk.ID)
	webtest.Must(t, err)
	if got.GroupName != "Refrigeration" || got.AssigneeID == nil || *got.AssigneeID != h.Users["agent"].ID {
		t.Fatalf("saved: group %q assignee %v", got.GroupName, got.AssigneeID)
	}
	webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#f-group"))))
	webtest.Shoot(t, ctx, "ticket-member-standard-fields-phone")
}
