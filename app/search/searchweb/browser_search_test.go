package searchweb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backoffice/app/web/webtest"
)

// The header's search on a laptop: typing lists grouped results, the arrow
// keys move through them, Enter opens one, Escape closes the list. On a
// phone the icon in the top bar opens the box and a tap on a result opens
// it: two taps from any page. In English and German; the search page too.
func TestBrowserHeaderSearch(t *testing.T) {
	h, base := webtest.Served(t)
	w := newWorld(t, h)
	groups := map[string][2]string{"en": {"Tickets", "Devices"}, "de": {"Tickets", "Geräte"}}
	for _, lang := range []string{"en", "de"} {
		webtest.SetLanguage(t, h, lang, h.Users["a_member"].ID)
		ctx := webtest.Chromium(t)
		webtest.BrowserLogin(t, ctx, base, h.Users["a_member"].Email)
		active := func() string {
			v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var i=document.getElementById("site-search-q");
				var id=i.getAttribute("aria-activedescendant"); var o=id&&document.getElementById(id); return o ? o.getAttribute("href") : ""})()`))
			webtest.Must(t, err)
			return v
		}
		popupHidden := func() bool {
			v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("site-search-results").hidden`))
			webtest.Must(t, err)
			return v
		}

		// Laptop: type, look, move down to the first ticket and open it.
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.Navigate(base+"/devices"),
			chromedp.WaitVisible(chromedp.CSS("#site-search-q")),
			chromedp.SendKeys(chromedp.CSS("#site-search-q"), "zephyr"),
			chromedp.WaitVisible(chromedp.CSS(`#site-search-results[data-q="zephyr"] .search-option`)),
		))
		webtest.Must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#site-search-results-g-devices"))))
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("site-search-results").textContent`))
		webtest.Must(t, err)
		if !strings.Contains(text, groups[lang][0]) || !strings.Contains(text, groups[lang][1]) || !strings.Contains(text, "Zephyr pump leaks") ||
			strings.Contains(text, "of B") {
			t.Errorf("%s: the list says %q", lang, text)
		}
		expanded, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("site-search-q").getAttribute("aria-expanded")`))
		webtest.Must(t, err)
		if expanded != "true" {
			t.Errorf("%s: aria-expanded %q with the list open", lang, expanded)
		}
		webtest.Shoot(t, ctx, "search-dropdown-"+lang+"-laptop")
		webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)))
		if got := active(); got != "/tickets/"+itoa(w.aAdminTicket.ID) {
			t.Fatalf("%s: down arrow marks %q, want the newest ticket", lang, got)
		}
		webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp)))
		if got := active(); got != "/tickets/"+itoa(w.aAdminTicket.ID) {
			t.Fatalf("%s: down and up mark %q", lang, got)
		}
		// Escape closes the list; typing on opens it again.
		webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)))
		if !popupHidden() {
			t.Errorf("%s: Escape left the list open", lang)
		}
		webtest.Must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#site-search-q"), " pump"),
			chromedp.WaitVisible(chromedp.CSS(`#site-search-results[data-q="zephyr pump"] .search-option`))))
		webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)))
		if got := active(); got != "/tickets/"+itoa(w.aTicket.ID) {
			t.Fatalf("%s: down arrow marks %q, want the pump ticket", lang, got)
		}
		enterAndLoad(t, ctx)
		webtest.WaitText(t, ctx, ".page-header h1", "Zephyr pump leaks")

		// Enter without a marked result opens the search page.
		webtest.Must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#site-search-q"), "zephyr")))
		enterAndLoad(t, ctx)
		webtest.WaitText(t, ctx, ".page-header h1", map[string]string{"en": "Search", "de": "Suche"}[lang])
		webtest.Shoot(t, ctx, "search-page-"+lang+"-laptop")

		// Phone: tap the icon, type, tap the device.
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS(".topbar-search-open")),
		))
		if !popupHidden() {
			t.Errorf("%s: the list shows before a search", lang)
		}
		webtest.Shoot(t, ctx, "search-closed-"+lang+"-phone")
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(".topbar-search-open")), // tap 1
			chromedp.WaitVisible(chromedp.CSS("#site-search-q")),
		))
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement === document.getElementById("site-search-q")`))
		webtest.Must(t, err)
		if !focused {
			t.Errorf("%s: the opened box has no focus", lang)
		}
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#site-search-q"), "Zephyr Werke"),
			chromedp.WaitVisible(chromedp.CSS(`#site-search-results[data-q="Zephyr Werke"] a[href="/devices/`+itoa(w.aByMaker.ID)+`"]`)),
		))
		webtest.Shoot(t, ctx, "search-dropdown-"+lang+"-phone")
		webtest.ClickAndLoad(t, ctx, `#site-search-results a[href="/devices/`+itoa(w.aByMaker.ID)+`"]`) // tap 2
		webtest.WaitText(t, ctx, ".page-header h1", "Filler 3")
		webtest.Shoot(t, ctx, "search-opened-device-"+lang+"-phone")

		// The cross folds the box again.
		webtest.Must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(".topbar-search-open")),
			chromedp.WaitVisible(chromedp.CSS(".topbar-search-close")),
			chromedp.Click(chromedp.CSS(".topbar-search-close")),
			chromedp.WaitNotVisible(chromedp.CSS("#site-search-q")),
		))
		webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/search?q=zephyr"), chromedp.WaitVisible(chromedp.CSS(".search-hit"))))
		webtest.Shoot(t, ctx, "search-page-"+lang+"-phone")
	}
}

// enterAndLoad presses Enter in the focused field and waits for the next page.
func enterAndLoad(t *testing.T, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.__stale = true)`))
	webtest.Must(t, err)
	webtest.Must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	for i := 0; i < 100; i++ {
		fresh, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stale !== true && document.readyState === "complete"`))
		if err == nil && fresh {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("Enter loaded no new page")
}
