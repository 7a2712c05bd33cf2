package peopleweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/device"
	"backoffice/app/web/webtest"
)

// The provider administrator sets the phone and address that the public
// page of every scanned label shows; agents may not, customers never see
// the settings.
func TestOrganizationSettingsReachTheScanPage(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		d, err := h.Svc.Devices.Create(context.Background(), h.Users["agent"], device.Input{CustomerID: h.CustA.ID, Name: "Boiler", SerialNumber: "B-1"})
		webtest.Must(t, err)
		scan := "/c/" + d.Code.Token

		admin := h.LoggedIn("admin")
		resp, body := admin.Get("/settings/organization")
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, `value="Provider Ltd"`)
		form := url.Values{"name": {"Provider Ltd"}, "email_domains": {"provider.test"}, "phone": {"+49 40 555 0100"},
			"address": {"Dock 4\nHamburg"}}
		// Bad input is a field error and saves nothing.
		bad := url.Values{"name": {""}, "email_domains": {"provider.test"}, "phone": {"call <me>"}}
		resp, body = admin.Post("/settings/organization", "/settings/organization", bad)
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, `id="err-name"`, `id="err-phone"`)
		resp, body = admin.Post("/settings/organization", "/settings/organization", form)
		webtest.WantStatus(t, resp, 303, body)
		_, body = h.Browser().Get(scan)
		webtest.WantContains(t, body, "+49 40 555 0100", `href="tel:+49405550100"`, "Dock 4")

		// The API twin.
		resp, m := h.API("PATCH", "/api/v1/organization", h.Token("admin"), map[string]any{"phone": "+49 40 555 0199"})
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "Customer", m)
		if m["phone"] != "+49 40 555 0199" || m["address"] != "Dock 4\nHamburg" {
			t.Fatalf("PATCH kept the wrong fields: %v", m)
		}
		resp, m = h.API("PATCH", "/api/v1/organization", h.Token("admin"), map[string]any{"email_domains": []string{"a.test"}})
		webtest.WantStatus(t, resp, 409, "")
		if errs, _ := m["errors"].([]any); len(errs) == 0 {
			t.Fatalf("a domain of a customer must be a field error: %v", m)
		}
		_, body = h.Browser().Get(scan)
		webtest.WantContains(t, body, "+49 40 555 0199")

		// Agents may not change it; customers do not see it.
		resp, _ = h.API("PATCH", "/api/v1/organization", h.Token("agent"), map[string]any{"phone": "1"})
		webtest.WantStatus(t, resp, 403, "")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, _ = h.API("GET", "/api/v1/organization", h.Token(name), nil)
			webtest.WantStatus(t, resp, 404, "")
			resp, body = h.LoggedIn(name).Get("/settings/organization")
			webtest.WantStatus(t, resp, 404, body)
		}
	})
}
