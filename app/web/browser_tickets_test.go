package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/app/device"
	"backoffice/app/ticket"
)

// login signs a browser in through the form at laptop width.
func browserLogin(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
	))
}

// clickAndLoad clicks sel (a submit button or link) and waits until the
// next page has loaded: waiting for an element could match the old page.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.__stale = true)`))
	must(t, err)
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))))
	for i := 0; i < 100; i++ {
		fresh, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stale !== true && document.readyState === "complete"`))
		if err == nil && fresh {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("clicking %s loaded no new page", sel)
}

// A member reports a problem from a device's page; an agent answers it
// (with an internal note the member never sees); the member reads the
// answer, closes the ticket and reopens it.
func TestBrowserTicketSubmitAnswerCloseReopen(t *testing.T) {
	ctx := chromium(t)
	h, base := servedHarness(t)
	d, err := h.srv.devices.Create(context.Background(), h.users["agent"], device.Input{CustomerID: h.custA.ID, Name: "Chiller 2", SerialNumber: "CH-2"})
	must(t, err)

	browserLogin(t, ctx, base, h.users["a_member"].Email)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/devices/"+itoa64(d.ID)),
		chromedp.Click(chromedp.CSS(`a[href^="/tickets/new?device_id=`+itoa64(d.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-subject")),
		chromedp.SendKeys(chromedp.CSS("#f-subject"), "Chiller alarm E42"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "Alarm since this morning.\nManual: https://example.com/e42"),
	))
	shoot(t, ctx, "ticket-new-member-laptop")
	clickAndLoad(t, ctx, `form[action="/tickets"] button[type=submit]`)
	waitText(t, ctx, ".page-header h1", "#1001 Chiller alarm E42")
	waitText(t, ctx, ".ticket-side", "Chiller 2")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	ticketURL := loc

	// The agent finds it in the queue, notes internally and answers.
	agent := chromium(t)
	browserLogin(t, agent, base, h.users["agent"].Email)
	must(t, chromedp.Do(agent, chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
	waitText(t, agent, "table.ticket-table", "Chiller alarm E42")
	shoot(t, agent, "tickets-agent-laptop")
	must(t, chromedp.Do(agent,
		chromedp.Navigate(ticketURL),
		chromedp.WaitVisible(chromedp.CSS("#f-body")),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Compressor log shows low refrigerant."),
		chromedp.Click(chromedp.CSS(`input[name="internal"]`)),
	))
	clickAndLoad(t, agent, `form[action$="/messages"] button[type=submit]`)
	must(t, chromedp.Do(agent,
		chromedp.WaitVisible(chromedp.CSS(".msg-internal")),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "A technician comes tomorrow at 9."),
	))
	clickAndLoad(t, agent, `form[action$="/messages"] button[type=submit]`)
	waitText(t, agent, ".ticket-side", "Open")
	shoot(t, agent, "ticket-agent-laptop")

	// The member sees the answer, not the note; closes, reopens.
	must(t, chromedp.Do(ctx, chromedp.Navigate(ticketURL), chromedp.WaitVisible(chromedp.CSS(".thread"))))
	waitText(t, ctx, ".thread", "technician comes tomorrow")
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	must(t, err)
	if strings.Contains(body, "refrigerant") {
		t.Fatal("the member sees the internal note")
	}
	clickAndLoad(t, ctx, `form[action$="/close"] button`)
	waitText(t, ctx, ".ticket-side", "Closed")
	shoot(t, ctx, "ticket-member-closed-laptop")
	clickAndLoad(t, ctx, `form[action$="/reopen"] button`)
	waitText(t, ctx, ".ticket-side", "Open")
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(ticketURL), chromedp.WaitVisible(chromedp.CSS(".thread"))))
	shoot(t, ctx, "ticket-member-phone")
	must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
	shoot(t, ctx, "tickets-member-phone")
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS("table.ticket-table"))))
	shoot(t, ctx, "tickets-member-laptop")
}

// The staff pages of tickets render at laptop and phone width.
func TestBrowserStaffTicketPages(t *testing.T) {
	ctx := chromium(t)
	h, base := servedHarness(t)
	bg := context.Background()
	for _, s := range []string{"Pump noise", "Display flickers", "Door sensor"} {
		_, err := h.srv.tickets.Create(bg, h.users["a_member"], ticket.NewTicket{Subject: s, Description: "details"})
		must(t, err)
	}
	_, err := h.srv.tickets.CreateTemplate(bg, h.users["agent"], ticket.TemplateInput{Name: "Technician visit", Body: "A technician comes tomorrow at 9."})
	must(t, err)
	_, err = h.srv.tickets.SaveField(bg, h.users["admin"], 0, ticket.FieldInput{Label: "Room on site", Kind: "text", Shown: true, Editable: true})
	must(t, err)
	_, err = h.srv.tickets.SaveField(bg, h.users["admin"], 0, ticket.FieldInput{Label: "Shift", Kind: "select", Options: "early\nlate", Shown: true})
	must(t, err)
	browserLogin(t, ctx, base, h.users["admin"].Email)
	pages := []struct{ path, sel string }{
		{"/tickets", "table.ticket-table"},
		{"/tickets/new?customer_id=" + itoa64(h.custA.ID), "#f-subject"},
		{"/templates", ".template-list"},
		{"/settings/fields", "table.table"},
		{"/tickets/1", ".thread"},
		{"/customers/" + itoa64(h.custA.ID) + "/ticket-permissions", "table.perms-table"},
		{"/users/" + itoa64(h.users["a_member"].ID) + "/ticket-permissions", "table.perms-table"},
	}
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		for _, pg := range pages {
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel))))
			shoot(t, ctx, "admin"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(pg.path)+"-"+w.name)
		}
	}
}

// With the provider's switches on, a member assigns their ticket and sets
// its group from the ticket page; the details show both.
func TestBrowserMemberSetsStandardFields(t *testing.T) {
	ctx := chromium(t)
	h, base := servedHarness(t)
	bg := context.Background()
	for _, name := range []string{"assignee", "group"} {
		_, err := h.srv.tickets.SetStandardField(bg, h.users["admin"], name, true, true)
		must(t, err)
	}
	tk, err := h.srv.tickets.Create(bg, h.users["a_member"], ticket.NewTicket{Subject: "Cold store at 9 °C", Description: "Since the night shift."})
	must(t, err)
	browserLogin(t, ctx, base, h.users["a_member"].Email)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/tickets/"+itoa64(tk.ID)),
		chromedp.WaitVisible(chromedp.CSS("#f-group")),
		chromedp.SetValue(chromedp.CSS("#f-assignee_id"), itoa64(h.users["agent"].ID)),
		chromedp.SendKeys(chromedp.CSS("#f-group"), "Refrigeration"),
	))
	shoot(t, ctx, "ticket-member-standard-fields-laptop")
	clickAndLoad(t, ctx, `form[action="/tickets/`+itoa64(tk.ID)+`"] button[type=submit]`)
	waitText(t, ctx, ".ticket-side .facts", "Refrigeration")
	waitText(t, ctx, ".ticket-side .facts", h.users["agent"].Name())
	got, err := h.srv.tickets.Ticket(bg, h.users["agent"], tk.ID)
	must(t, err)
	if got.GroupName != "Refrigeration" || got.AssigneeID == nil || *got.AssigneeID != h.users["agent"].ID {
		t.Fatalf("saved: group %q assignee %v", got.GroupName, got.AssigneeID)
	}
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#f-group"))))
	shoot(t, ctx, "ticket-member-standard-fields-phone")
}
