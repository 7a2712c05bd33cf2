package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
)

// A provider agent invites an employee through the pages; the employee
// follows the link in the real email and lands signed in in their
// company's back office.
func TestBrowserInviteMailAcceptSignedIn(t *testing.T) {
	ctx := chromium(t)
	h, base := servedHarness(t)
	smtp := smtptest.Start(t)
	mailer, err := notify.NewSMTPMailer(smtp.URL())
	must(t, err)
	worker := &notify.Worker{DB: h.db, Mailer: mailer, From: "Desk <desk@provider.test>", Clock: h.clock}
	cust := base + "/customers/" + itoa64(h.custA.ID)

	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), h.users["agent"].Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		chromedp.Navigate(base+"/customers"),
		chromedp.WaitVisible(chromedp.CSS("table.table")),
	))
	shoot(t, ctx, "customers-laptop")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(cust+"/invitations/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-first_name")),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Lena"),
		chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Lind"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "a_member@a.test"),
	))
	// While typing, the form says the address is taken.
	waitText(t, ctx, "#email-status", "already")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){document.getElementById("f-email").value="";return true})()`)); err != nil {
		t.Fatal(err)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), "lena.lind@a.test"),
	))
	waitText(t, ctx, "#email-status", "available")
	shoot(t, ctx, "invitation-form-laptop")
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var s=document.getElementById("f-role");s.value="administrator";return s.value==="administrator"})()`)); err != nil || !ok {
		t.Fatalf("choose role: %v %v", ok, err)
	}
	must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/invitations"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	waitText(t, ctx, "table.table", "lena.lind@a.test")
	shoot(t, ctx, "invitations-laptop")

	if _, _, err := worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	mail := smtp.Wait(t, "lena.lind@a.test", 5*time.Second)
	link := mail.Link(base + "/accept-invitation?token=")
	if link == "" {
		t.Fatalf("no link in the mail:\n%s", mail.Text)
	}

	// The invitee, in a fresh browser, at phone width.
	ctx2 := chromium(t)
	must(t, chromedp.Do(ctx2,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("#f-password")),
	))
	shoot(t, ctx2, "accept-invitation-phone")
	must(t, chromedp.Do(ctx2,
		chromedp.SendKeys(chromedp.CSS("#f-password"), "Leuchtturm-am-Hafen-7"),
		chromedp.SendKeys(chromedp.CSS("#f-confirm_password"), "Leuchtturm-am-Hafen-7"),
		chromedp.Click(chromedp.CSS(`form[action="/accept-invitation"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
	))
	loc, err := chromedp.Run(ctx2, chromedp.Location())
	must(t, err)
	if loc != base+"/" {
		t.Fatalf("landed on %s", loc)
	}
	waitText(t, ctx2, ".page-header h1", "Lena")
	waitText(t, ctx2, "body", "Customer A")
	shoot(t, ctx2, "home-invitee-phone")
	// As an administrator she runs the company's staff list.
	must(t, chromedp.Do(ctx2, chromedp.Navigate(base+"/employees"), chromedp.WaitVisible(chromedp.CSS("table.table"))))
	waitText(t, ctx2, "table.table", "a_member@a.test")
	shoot(t, ctx2, "employees-phone")

	// Back in the staff area: the invitation is accepted, mail is in the mailbox.
	must(t, chromedp.Do(ctx, chromedp.Navigate(cust+"/invitations"), chromedp.WaitVisible(chromedp.CSS("table.table"))))
	waitText(t, ctx, "table.table", "Accepted")
	admin := chromium(t)
	must(t, chromedp.Do(admin,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), h.users["admin"].Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		chromedp.Navigate(cust),
		chromedp.WaitVisible(chromedp.CSS(".tabs")),
	))
	shoot(t, admin, "customer-laptop")
	must(t, chromedp.Do(admin, chromedp.Navigate(base+"/mailbox"), chromedp.WaitVisible(chromedp.CSS("table.table"))))
	waitText(t, admin, "table.table", "lena.lind@a.test")
	shoot(t, admin, "mailbox-laptop")
	must(t, chromedp.Do(admin, chromedp.Click(chromedp.CSS("table.table a")), chromedp.WaitVisible(chromedp.CSS(".mail-body"))))
	shoot(t, admin, "mail-laptop")
	must(t, chromedp.Do(admin, chromedp.EmulateViewport(390, 844), chromedp.Navigate(cust), chromedp.WaitVisible(chromedp.CSS(".tabs"))))
	shoot(t, admin, "customer-phone")

	// The other pages of this issue render at both widths.
	pages := []struct {
		ctx            context.Context
		who, path, sel string
	}{
		{admin, "admin", "/customers/new", "#f-name"},
		{admin, "admin", "/users", "table.table"},
		{admin, "admin", "/users/new", "#f-email"},
		{admin, "admin", "/users/" + itoa64(h.users["a_member"].ID), ".facts"},
		{admin, "admin", "/mailbox", "table.table"},
		{ctx2, "invitee", "/employees/new", "#f-email"},
		{ctx2, "invitee", "/employees/" + itoa64(h.users["a_member"].ID), ".facts"},
	}
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		for _, pg := range pages {
			must(t, chromedp.Do(pg.ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel))))
			shoot(t, pg.ctx, pg.who+strings.ReplaceAll(pg.path, "/", "-")+"-"+w.name)
		}
	}
	anon := chromium(t)
	for _, path := range []string{"/password/forgot", "/password/forgot?new=1", "/accept-invitation?token=nope"} {
		must(t, chromedp.Do(anon, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		shoot(t, anon, "anon"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path)+"-phone")
	}
}

// waitText waits until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	var got string
	for i := 0; i < 50; i++ {
		got, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never contained %q; it says %q", sel, want, got)
}
