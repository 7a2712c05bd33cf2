package deviceweb_test

import (
	"testing"

	"backoffice/app/web/webtest"
)

// A PATCH tells absent (kept), null (cleared) and a value apart, and names
// every field sent with the wrong JSON type, changing nothing.
func TestDevicePatchTriState(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		dev := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Chiller", "serial_number": "CH-9",
			"manufacturer": "Carrier", "site": "North", "installed_on": "2024-03-01"})
		path := "/api/v1/devices/" + webtest.SID(dev)

		resp, p := h.API("PATCH", path, agent, map[string]any{"name": 5, "site": true, "customer_id": "x", "model": "30RB"})
		errs := webtest.WantProblem(t, resp, p, 422, "name", "site", "customer_id")
		want := map[string]string{"name": "string", "site": "string", "customer_id": "number"}
		for _, e := range errs {
			if e["message"] == nil || want[e["field"].(string)] == "" {
				t.Errorf("unexpected error %v", e)
			}
		}
		got := webtest.APIGet(t, h, path, agent)
		if got["model"] != "" || got["name"] != "Chiller" {
			t.Fatalf("a refused PATCH changed the device: %v", got)
		}

		resp, got = h.API("PATCH", path, agent, map[string]any{"site": nil, "installed_on": nil, "model": "30RB"})
		webtest.WantStatus(t, resp, 200, "")
		if got["site"] != "" || got["installed_on"] != nil || got["model"] != "30RB" || got["name"] != "Chiller" ||
			got["manufacturer"] != "Carrier" || got["customer_id"] != float64(h.CustA.ID) {
			t.Fatalf("null must clear, absent keep: %v", got)
		}
		resp, got = h.API("PATCH", path, agent, map[string]any{"customer_id": nil})
		webtest.WantStatus(t, resp, 200, "")
		if got["customer_id"] != nil {
			t.Fatalf("a null customer must take the device back: %v", got)
		}

		_, batch := h.API("POST", "/api/v1/codes", agent, map[string]any{"count": 1})
		cid := webtest.SID(webtest.Items(t, batch)[0])
		resp, p = h.API("PATCH", "/api/v1/codes/"+cid, agent, map[string]any{"active": "no", "pin": 1234, "device_id": 0})
		webtest.WantProblem(t, resp, p, 422, "active", "pin", "device_id")
		resp, got = h.API("PATCH", "/api/v1/codes/"+cid, agent, map[string]any{"active": false, "pin": "2468"})
		webtest.WantStatus(t, resp, 200, "")
		if got["active"] != false {
			t.Fatalf("code not deactivated: %v", got)
		}
	})
}
