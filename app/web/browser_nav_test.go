package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/org"
)

// On a phone the navigation is a drawer under the top bar that names the
// current section and opens to every section; on a laptop it is the side
// menu and the drawer is not there. In English and German.
func TestBrowserPhoneNavigation(t *testing.T) {
	h, base := servedHarness(t)
	sections := map[string][2]string{"en": {"Tickets", "Devices"}, "de": {"Tickets", "Geräte"}}
	for _, lang := range []string{"en", "de"} {
		_, err := h.db.NewUpdate().Model((*org.User)(nil)).Set("language = ?", lang).Where("id = ?", h.users["agent"].ID).Exec(context.Background())
		must(t, err)
		ctx := chromium(t)
		must(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), h.users["agent"].Email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
			chromedp.Navigate(base+"/tickets"),
			chromedp.WaitVisible(chromedp.CSS(".nav-drawer summary")),
		))
		waitText(t, ctx, ".nav-drawer .nav-current", sections[lang][0])
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".sidebar")).display !== "none"`))
		must(t, err)
		if visible {
			t.Errorf("%s: the side menu shows on a phone", lang)
		}
		must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(".nav-drawer summary")),
			chromedp.WaitVisible(chromedp.CSS(`.nav-drawer a[href="/devices"]`)),
		))
		shoot(t, ctx, "nav-drawer-"+lang+"-phone")
		must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`.nav-drawer a[href="/devices"]`)),
			chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		))
		waitText(t, ctx, ".nav-drawer .nav-current", sections[lang][1])

		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".sidebar a.active"))))
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".nav-drawer")).display !== "none"`))
		must(t, err)
		if shown {
			t.Errorf("%s: the phone drawer shows on a laptop", lang)
		}
		shoot(t, ctx, "nav-sidebar-"+lang+"-laptop")
	}
}
