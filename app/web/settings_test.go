package web

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/device"
)

// The provider administrator sets the phone and address that the public
// page of every scanned label shows; agents may not, customers never see
// the settings.
func TestOrganizationSettingsReachTheScanPage(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		d, err := h.srv.devices.Create(context.Background(), h.users["agent"], device.Input{CustomerID: h.custA.ID, Name: "Boiler", SerialNumber: "B-1"})
		must(t, err)
		scan := "/c/" + d.Code.Token

		admin := h.loggedIn("admin")
		resp, body := admin.get("/settings/organization")
		wantStatus(t, resp, 200, body)
		wantContains(t, body, `value="Provider Ltd"`)
		form := url.Values{"name": {"Provider Ltd"}, "email_domains": {"provider.test"}, "phone": {"+49 40 555 0100"},
			"address": {"Dock 4\nHamburg"}}
		// Bad input is a field error and saves nothing.
		bad := url.Values{"name": {""}, "email_domains": {"provider.test"}, "phone": {"call <me>"}}
		resp, body = admin.post("/settings/organization", "/settings/organization", bad)
		wantStatus(t, resp, 422, body)
		wantContains(t, body, `id="err-name"`, `id="err-phone"`)
		resp, body = admin.post("/settings/organization", "/settings/organization", form)
		wantStatus(t, resp, 303, body)
		_, body = h.browser().get(scan)
		wantContains(t, body, "+49 40 555 0100", `href="tel:+49405550100"`, "Dock 4")

		// The API twin.
		resp, m := h.api("PATCH", "/api/v1/organization", h.token("admin"), map[string]any{"phone": "+49 40 555 0199"})
		wantStatus(t, resp, 200, "")
		checkSchema(t, h, "Customer", m)
		if m["phone"] != "+49 40 555 0199" || m["address"] != "Dock 4\nHamburg" {
			t.Fatalf("PATCH kept the wrong fields: %v", m)
		}
		resp, m = h.api("PATCH", "/api/v1/organization", h.token("admin"), map[string]any{"email_domains": []string{"a.test"}})
		wantStatus(t, resp, 409, "")
		if errs, _ := m["errors"].([]any); len(errs) == 0 {
			t.Fatalf("a domain of a customer must be a field error: %v", m)
		}
		_, body = h.browser().get(scan)
		wantContains(t, body, "+49 40 555 0199")

		// Agents may not change it; customers do not see it.
		resp, _ = h.api("PATCH", "/api/v1/organization", h.token("agent"), map[string]any{"phone": "1"})
		wantStatus(t, resp, 403, "")
		for _, name := range []string{"a_admin", "a_member"} {
			resp, _ = h.api("GET", "/api/v1/organization", h.token(name), nil)
			wantStatus(t, resp, 404, "")
			resp, body = h.loggedIn(name).get("/settings/organization")
			wantStatus(t, resp, 404, body)
		}
	})
}
