package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/web/webtest"
)

// On a phone the navigation is a drawer under the top bar that names the
// current section and opens to every section; on a laptop it is the side
// menu and the drawer is not there. In English and German.
func TestBrowserPhoneNavigation(t *testing.T) {
	h, base := webtest.Served(t)
	sections := map[string][2]string{"en": {"Tickets", "Devices"}, "de": {"Tickets", "Geräte"}}
	for _, lang := range []string{"en", "de"} {
		webtest.SetLanguage(t, h, lang, h.Users["agent"].ID)
		ctx := webtest.Chromium(t)
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users["agent"].Email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
			chromedp.Navigate(base+"/tickets"),
			chromedp.WaitVisible(chromedp.CSS(".nav-drawer summary")),
		))
		webtest.WaitText(t, ctx, ".nav-drawer .nav-current", sections[lang][0])
		// The filters wait behind their button, so the first screen shows tickets.
		shown := func(sel string) bool {
			v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var e=document.querySelector(`+"`"+sel+"`"+`);return !!e && e.offsetParent !== null})()`))
			webtest.Must(t, err)
			return v
		}
		if shown("#customer_id") || !shown("#q") || !shown(".filter-toggle") {
			t.Errorf("%s: on a phone the filters show before they are asked for", lang)
		}
		webtest.Must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".filter-toggle")), chromedp.WaitVisible(chromedp.CSS("#customer_id"))))
		webtest.Shoot(t, ctx, "ticket-filters-open-"+lang+"-phone")
		webtest.Must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".filter-toggle")), chromedp.WaitNotVisible(chromedp.CSS("#customer_id"))))
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".sidebar")).display !== "none"`))
		webtest.Must(t, err)
		if visible {
			t.Errorf("%s: the side menu shows on a phone", lang)
		}
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(".nav-drawer summary")),
			chromedp.WaitVisible(chromedp.CSS(`.nav-drawer a[href="/devices"]`)),
		))
		webtest.Shoot(t, ctx, "nav-drawer-"+lang+"-phone")
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`.nav-drawer a[href="/devices"]`)),
			chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		))
		webtest.WaitText(t, ctx, ".nav-drawer .nav-current", sections[lang][1])

		webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/tickets"), chromedp.WaitVisible(chromedp.CSS(".sidebar a.active"))))
		if !shown("#customer_id") {
			t.Errorf("%s: on a laptop the filters are hidden", lang)
		}
		if shown(".nav-drawer") || shown(".filter-toggle") {
			t.Errorf("%s: the phone drawer or filter button shows on a laptop", lang)
		}
		webtest.Shoot(t, ctx, "nav-sidebar-"+lang+"-laptop")
	}
}
