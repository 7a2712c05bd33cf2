package web_test

import (
	"strings"
	"testing"

	"backoffice/app/web/webtest"

	"github.com/chromedp/chromedp"
)

// The real sign-in form, in a real browser, reaches the home page; the
// pages a user opens next render without errors at laptop and phone width.
func TestBrowserLoginReachesHome(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)

	for _, tc := range []struct {
		user, width string
		w, hgt      int64
	}{{"admin", "laptop", 1366, 900}, {"a_member", "phone", 390, 844}} {
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(tc.w, tc.hgt),
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#f-email")),
		))
		webtest.Shoot(t, ctx, "login-"+tc.width)
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users[tc.user].Email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		))
		title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".page-header h1")))
		webtest.Must(t, err)
		if !strings.Contains(title, "Welcome, "+h.Users[tc.user].FirstName) {
			t.Fatalf("%s: home page title %q", tc.user, title)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		webtest.Must(t, err)
		if loc != base+"/" {
			t.Fatalf("landed on %s", loc)
		}
		webtest.Shoot(t, ctx, "home-"+tc.user+"-"+tc.width)
		for _, page := range []string{"/profile", "/audit", "/nope"} {
			webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("main h1"))))
			webtest.Shoot(t, ctx, strings.Trim(strings.ReplaceAll(page, "/", "-"), "-")+"-"+tc.user+"-"+tc.width)
		}
		// Sign out through the menu's form.
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.Click(chromedp.CSS(".user-menu summary")),
			chromedp.Click(chromedp.CSS(".menu-panel form button")),
			chromedp.WaitVisible(chromedp.CSS("#f-email")),
		))
		msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash")))
		webtest.Must(t, err)
		if !strings.Contains(msg, "signed out") {
			t.Fatalf("after sign-out: %q", msg)
		}
	}
}
