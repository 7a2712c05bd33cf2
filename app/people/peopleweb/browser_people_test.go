package peopleweb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
	"backoffice/app/web/webtest"
)

// A provider agent invites an employee through the pages; the employee
// follows the link in the real email and lands signed in in their
// company's back office.
func TestBrowserInviteMailAcceptSignedIn(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	smtp := smtptest.Start(t)
	mailer, err := notify.NewSMTPMailer(smtp.URL())
	webtest.Must(t, err)
	worker := &notify.Worker{DB: h.DB, Mailer: mailer, From: "Desk <desk@provider.test>", Clock: h.Clock}
	cust := base + "/customers/" + webtest.Itoa64(h.CustA.ID)

	webtest.Must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users["agent"].Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		chromedp.Navigate(base+"/customers"),
		chromedp.WaitVisible(chromedp.CSS("table.table")),
	))
	webtest.Shoot(t, ctx, "customers-laptop")
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Navigate(cust+"/invitations/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-first_name")),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Lena"),
		chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Lind"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "a_member@a.test"),
	))
	// While typing, the form says the address is taken.
	webtest.WaitText(t, ctx, "#email-status", "already")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){document.getElementById("f-email").value="";return true})()`)); err != nil {
		t.Fatal(err)
	}
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), "lena.lind@a.test"),
	))
	webtest.WaitText(t, ctx, "#email-status", "available")
	webtest.Shoot(t, ctx, "invitation-form-laptop")
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var s=document.getElementById("f-role");s.value="administrator";return s.value==="administrator"})()`)); err != nil || !ok {
		t.Fatalf("choose role: %v %v", ok, err)
	}
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/invitations"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	webtest.WaitText(t, ctx, "table.table", "lena.lind@a.test")
	webtest.Shoot(t, ctx, "invitations-laptop")

	if _, _, err := worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	mail := smtp.Wait(t, "lena.lind@a.test", 5*time.Second)
	link := mail.Link(base + "/accept-invitation?token=")
	if link == "" {
		t.Fatalf("no link in the mail:\n%s", mail.Text)
	}

	// The invitee, in a fresh browser, at phone width.
	ctx2 := webtest.Chromium(t)
	webtest.Must(t, chromedp.Do(ctx2,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("#f-password")),
	))
	webtest.Shoot(t, ctx2, "accept-invitation-phone")
	webtest.Must(t, chromedp.Do(ctx2,
		chromedp.SendKeys(chromedp.CSS("#f-password"), "Leuchtturm-am-Hafen-7"),
		chromedp.SendKeys(chromedp.CSS("#f-confirm_password"), "Leuchtturm-am-Hafen-7"),
		chromedp.Click(chromedp.CSS(`form[action="/accept-invitation"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
	))
	loc, err := chromedp.Run(ctx2, chromedp.Location())
	webtest.Must(t, err)
	if loc != base+"/" {
		t.Fatalf("landed on %s", loc)
	}
	webtest.WaitText(t, ctx2, ".page-header h1", "Lena")
	webtest.WaitText(t, ctx2, "body", "Customer A")
	webtest.Shoot(t, ctx2, "home-invitee-phone")
	// As an administrator she runs the company's staff list.
	webtest.Must(t, chromedp.Do(ctx2, chromedp.Navigate(base+"/employees"), chromedp.WaitVisible(chromedp.CSS("table.table"))))
	webtest.WaitText(t, ctx2, "table.table", "a_member@a.test")
	webtest.Shoot(t, ctx2, "employees-phone")

	// Back in the staff area: the invitation is accepted, mail is in the mailbox.
	webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(cust+"/invitations"), chromedp.WaitVisible(chromedp.CSS("table.table"))))
	webtest.WaitText(t, ctx, "table.table", "Accepted")
	admin := webtest.Chromium(t)
	webtest.Must(t, chromedp.Do(admin,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users["admin"].Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		chromedp.Navigate(cust),
		chromedp.WaitVisible(chromedp.CSS(".tabs")),
	))
	webtest.Shoot(t, admin, "customer-laptop")
	webtest.Must(t, chromedp.Do(admin, chromedp.Navigate(base+"/mailbox"), chromedp.WaitVisible(chromedp.CSS("table.table"))))
	webtest.WaitText(t, admin, "table.table", "lena.lind@a.test")
	webtest.Shoot(t, admin, "mailbox-laptop")
	webtest.Must(t, chromedp.Do(admin, chromedp.Click(chromedp.CSS("table.table a")), chromedp.WaitVisible(chromedp.CSS(".mail-body"))))
	webtest.Shoot(t, admin, "mail-laptop")
	webtest.Must(t, chromedp.Do(admin, chromedp.EmulateViewport(390, 844), chromedp.Navigate(cust), chromedp.WaitVisible(chromedp.CSS(".tabs"))))
	webtest.Shoot(t, admin, "customer-phone")

	// The other pages of this issue render at both widths.
	pages := []struct {
		ctx            context.Context
		who, path, sel string
	}{
		{admin, "admin", "/customers/new", "#f-name"},
		{admin, "admin", "/users", "table.table"},
		{admin, "admin", "/users/new", "#f-email"},
		{admin, "admin", "/users/" + webtest.Itoa64(h.Users["a_member"].ID), ".facts"},
		{admin, "admin", "/mailbox", "table.table"},
		{ctx2, "invitee", "/employees/new", "#f-email"},
		{ctx2, "invitee", "/employees/" + webtest.Itoa64(h.Users["a_member"].ID), ".facts"},
	}
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		for _, pg := range pages {
			webtest.Must(t, chromedp.Do(pg.ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel))))
			webtest.Shoot(t, pg.ctx, pg.who+strings.ReplaceAll(pg.path, "/", "-")+"-"+w.name)
		}
	}
	anon := webtest.Chromium(t)
	for _, path := range []string{"/password/forgot", "/password/forgot?new=1", "/accept-invitation?token=nope"} {
		webtest.Must(t, chromedp.Do(anon, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		webtest.Shoot(t, anon, "anon"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path)+"-phone")
	}
}
