package ticketweb_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/web/webtest"
)

// The data field form asks for choices only for a select field.
func TestBrowserFieldFormShowsChoicesForSelectsOnly(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	webtest.BrowserLogin(t, ctx, base, h.Users["admin"].Email)
	hidden := func(kind string) bool {
		t.Helper()
		webtest.Must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#f-kind"), kind)))
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("f-kind").dispatchEvent(new Event("change")); document.querySelector("[data-show-when]").hidden`))
		webtest.Must(t, err)
		return v
	}
	webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/settings/fields"), chromedp.WaitVisible(chromedp.CSS("#f-kind"))))
	if !hidden("text") || hidden("select") || !hidden("date") {
		t.Fatal("the choices are not shown for select fields alone")
	}
}
