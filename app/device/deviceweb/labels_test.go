package deviceweb_test

import (
	"context"
	"encoding/base64"
	"html"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/device"
	"backoffice/app/web/webtest"
)

// setProviderPhone gives the fixture provider a phone for its labels.
func setProviderPhone(t *testing.T, h *webtest.Harness, phone string) {
	t.Helper()
	_, err := h.DB.NewUpdate().Table("organizations").Set("phone = ?", phone).Where("id = ?", h.Provider.ID).Exec(context.Background())
	webtest.Must(t, err)
}

func TestDevicePageHasOnePrintButtonAndLabelsNameTheProvider(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		setProviderPhone(t, h, "+49 40 555 0100")
		d := mkDevice(t, h, h.Token("agent"), map[string]any{"customer_id": h.CustA.ID, "name": "Label Press", "serial_number": "LP-1"})
		token := d["code"].(string)
		for _, who := range []string{"agent", "a_member"} {
			b := h.LoggedIn(who)
			r, body := b.Get("/devices/" + webtest.SID(d))
			webtest.WantStatus(t, r, 200, body)
			if n := strings.Count(body, `href="/devices/labels?id=`+webtest.SID(d)+`"`); n != 1 {
				t.Errorf("%s: the device page has %d print-label links, want one", who, n)
			}
			webtest.WantContains(t, body, device.GroupToken(token))

			r, body = b.Get("/devices/labels?id=" + webtest.SID(d))
			webtest.WantStatus(t, r, 200, body)
			if n := labelCount(body); n != 1 {
				t.Fatalf("%s: %d labels", who, n)
			}
			webtest.WantContains(t, body, "Label Press", "S/N LP-1", device.GroupToken(token), html.EscapeString(h.Provider.Name), "+49 40 555 0100")
			m := labelQR.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no QR image on the label")
			}
			raw, err := base64.StdEncoding.DecodeString(m[1])
			webtest.Must(t, err)
			if _, text := qrImage(t, raw); text != "http://desk.test/c/"+token {
				t.Errorf("the label's QR code holds %q", text)
			}
		}
		// A batch of unpaired labels: the provider is the title, with its phone.
		ab := h.LoggedIn("agent")
		r, body := ab.Post("/codes", "/codes", url.Values{"count": {"2"}})
		webtest.WantStatus(t, r, 303, body)
		r, body = ab.Get(r.Header.Get("Location"))
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 2 {
			t.Fatalf("%d batch labels", n)
		}
		if n := strings.Count(body, "+49 40 555 0100"); n != 2 {
			t.Errorf("the phone is on %d of 2 batch labels", n)
		}
		if n := strings.Count(body, `<span class="label-code">`); n != 2 {
			t.Errorf("%d of 2 batch labels show their code", n)
		}
	})
}

func TestEnterCodeForm(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		d := scanDevice(t, h)
		token := d["code"].(string)
		visitor := h.Browser()
		r, body := visitor.Get("/c/enter")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `action="/c/enter"`, `name="code"`, "Enter a label")

		// Typed from the label: lower case, spaces, dashes, look-alikes; or the
		// scanned link pasted.
		typed := []string{
			strings.ToLower(device.GroupToken(token)),
			strings.ReplaceAll(device.GroupToken(token), " ", "-"),
			strings.NewReplacer("0", "o", "1", "I").Replace(token),
			"http://desk.test/c/" + token,
		}
		for _, code := range typed {
			r, body := visitor.Get("/c/enter?code=" + url.QueryEscape(code))
			webtest.WantStatus(t, r, 303, body)
			if loc := r.Header.Get("Location"); loc != "/c/"+token {
				t.Errorf("code %q opens %q", code, loc)
			}
		}
		r, body = visitor.Get("/c/" + token)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine")

		// An older token, typed exactly, still opens its page.
		old := mkDevice(t, h, h.Token("agent"), map[string]any{"customer_id": h.CustA.ID, "name": "Old label", "serial_number": "OLD-1"})
		const oldToken = "Ab-cD_eF0gH1iJ2kL3mN4o"
		_, err := h.DB.NewUpdate().Table("codes").Set("token = ?", oldToken).Where("id = ?", webtest.IDOf(old, "code_id")).Exec(context.Background())
		webtest.Must(t, err)
		r, body = visitor.Get("/c/enter?code=" + url.QueryEscape(" "+oldToken+" "))
		webtest.WantStatus(t, r, 303, body)
		if loc := r.Header.Get("Location"); loc != "/c/"+oldToken {
			t.Errorf("the older token opens %q", loc)
		}

		// Unknown, malformed or hostile codes: the form again, with the
		// problem at the field and what was typed.
		for _, code := range []string{"ZZZZ ZZZZ ZZZZ ZZZZ ZZZZ ZZZZ ZZZZ", "x", strings.Repeat("é", 100), "a\x00b", strings.ToLower(oldToken)} {
			r, body := visitor.Get("/c/enter?code=" + url.QueryEscape(code))
			webtest.WantStatus(t, r, 404, body)
			webtest.WantContains(t, body, "No label has this code", `aria-invalid="true"`)
		}
		// The unknown-code page offers the form.
		r, body = visitor.Get("/c/NOSUCHCODE0000")
		webtest.WantStatus(t, r, 404, body)
		webtest.WantContains(t, body, `action="/c/enter"`)
	})
}
