package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/app/web/webtest"
)

// What the security fixes show: the mailbox as a development aid under its
// banner, and the warning after a company administrator adds an address
// outside the company's domains; in English and German, laptop and phone.
func TestBrowserMailboxBannerAndAddressWarning(t *testing.T) {
	h, base := webtest.Served(t)
	ctx := context.Background()
	webtest.Must(t, h.Svc.People.RequestPasswordLink(ctx, h.Users["a_member"].Email, "192.0.2.1"))
	banner := map[string]string{"en": "Development aid", "de": "Hilfe für die Entwicklung"}
	warning := map[string]string{"en": "is not in your company's email domains", "de": "gehört nicht zu den E-Mail-Domains"}
	n := 0
	for _, lang := range []string{"en", "de"} {
		for _, name := range []string{"admin", "a_admin"} {
			webtest.SetLanguage(t, h, lang, h.Users[name].ID)
		}
		for _, vp := range []struct {
			name string
			w, h int64
		}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
			signIn := func(name string) context.Context {
				b := webtest.Chromium(t)
				webtest.Must(t, chromedp.Do(b,
					chromedp.EmulateViewport(vp.w, vp.h),
					chromedp.Navigate(base+"/login"),
					chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users[name].Email),
					chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
					chromedp.Click(chromedp.CSS("button[type=submit]")),
					chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
				))
				return b
			}
			b := signIn("admin")
			webtest.Must(t, chromedp.Do(b, chromedp.Navigate(base+"/mailbox"), chromedp.WaitVisible(chromedp.CSS(".callout"))))
			webtest.WaitText(t, b, ".callout", banner[lang])
			webtest.Shoot(t, b, "mailbox-"+lang+"-"+vp.name)

			n++
			email := "temp" + webtest.Itoa64(int64(n)) + "@gmail.example"
			b = signIn("a_admin")
			webtest.Must(t, chromedp.Do(b,
				chromedp.Navigate(base+"/employees/new"),
				chromedp.WaitVisible(chromedp.CSS("#f-first_name")),
				chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Tem"),
				chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Porary"),
				chromedp.SendKeys(chromedp.CSS("#f-email"), email),
				chromedp.Click(chromedp.CSS(`form[action="/employees"] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash-warning")),
			))
			webtest.WaitText(t, b, ".flash-warning", warning[lang])
			webtest.Shoot(t, b, "employee-warning-"+lang+"-"+vp.name)
		}
	}
}
