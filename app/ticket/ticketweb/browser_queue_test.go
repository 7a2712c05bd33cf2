package ticketweb_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// An agent works the queue from "My open tickets" to "Resolved" without a
// second form, in English and German, on a laptop and a phone; and the
// requester rates the resolved ticket with the labelled stars.
func TestBrowserAgentWorksTheQueue(t *testing.T) {
	h, base := webtest.Served(t)
	bg := context.Background()
	agent := h.Users["agent"]
	for _, lang := range []string{"en", "de"} {
		webtest.SetLanguage(t, h, lang, agent.ID, h.Users["a_member"].ID)
		for _, w := range []struct {
			name string
			w, h int64
		}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
			tk, err := h.Svc.Tickets.Create(bg, h.Users["a_member"], ticket.NewTicket{Subject: "Filling line stops " + lang + " " + w.name, Description: "Since 6 am."})
			webtest.Must(t, err)
			_, err = h.Svc.Tickets.Update(bg, agent, tk.ID, ticket.Change{AssigneeID: ptrTo(&agent.ID)})
			webtest.Must(t, err)
			_, err = h.Svc.Tickets.Create(bg, h.Users["a_member"], ticket.NewTicket{Subject: "Label printer " + lang + " " + w.name, Description: "Blank labels."})
			webtest.Must(t, err)
			h.Clock.Advance(ticket.Targets["normal"] - time.Hour) // the older ones at risk or overdue

			ctx := webtest.Chromium(t)
			webtest.BrowserLogin(t, ctx, base, agent.Email)
			webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+"/tickets"),
				chromedp.WaitVisible(chromedp.CSS(".queue-views"))))
			webtest.ClickAndLoad(t, ctx, `.queue-views a[href="/tickets?view=mine"]`)
			webtest.WaitText(t, ctx, "table.ticket-table", tk.Subject)
			webtest.Shoot(t, ctx, "queue-mine-"+lang+"-"+w.name)
			webtest.ClickAndLoad(t, ctx, `table.ticket-table a[href="/tickets/`+webtest.Itoa64(tk.ID)+`"]`)
			webtest.Must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#f-body")),
				chromedp.SendKeys(chromedp.CSS("#f-body"), "The sensor was dirty; cleaned it remotely.")))
			webtest.Shoot(t, ctx, "ticket-agent-reply-"+lang+"-"+w.name)
			webtest.ClickAndLoad(t, ctx, `button[name="then"][value="resolved"]`)
			got, err := h.Svc.Tickets.Ticket(bg, agent, tk.ID)
			webtest.Must(t, err)
			if got.Status != ticket.StatusResolved {
				t.Fatalf("%s %s: after send and resolve the ticket is %s", lang, w.name, got.Status)
			}
			webtest.Shoot(t, ctx, "ticket-agent-resolved-"+lang+"-"+w.name)

			// The requester sees why to close or reopen, and rates.
			member := webtest.Chromium(t)
			webtest.BrowserLogin(t, member, base, h.Users["a_member"].Email)
			webtest.Must(t, chromedp.Do(member, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+"/tickets/"+webtest.Itoa64(tk.ID)),
				chromedp.WaitVisible(chromedp.CSS(".rating-card"))))
			webtest.Shoot(t, member, "ticket-member-rate-"+lang+"-"+w.name)
			webtest.Must(t, chromedp.Do(member, chromedp.Click(chromedp.CSS(`.star:nth-child(6)`))))
			webtest.ClickAndLoad(t, member, `.rating-card button[type=submit]`)
			got, err = h.Svc.Tickets.Ticket(bg, agent, tk.ID)
			webtest.Must(t, err)
			if got.Rating == nil || *got.Rating != 5 {
				t.Fatalf("%s %s: rating %v, want 5", lang, w.name, got.Rating)
			}
		}
	}
}
