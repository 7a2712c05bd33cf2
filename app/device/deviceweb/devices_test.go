package deviceweb_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"backoffice/app/device"
	"backoffice/app/web"
	"backoffice/app/web/webtest"
	"backoffice/views"
)

// HTTP-level tests of devices, QR codes, labels, CSV import/export and the
// public scan page. Devices are made through the API as the agent.

// ---------------------------------------------------------------------------
// Helpers

// mkDevice registers a device through the API and returns it.
func mkDevice(t *testing.T, h *webtest.Harness, token string, fields map[string]any) map[string]any {
	t.Helper()
	resp, d := h.API("POST", "/api/v1/devices", token, fields)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create device %v: %d %v", fields, resp.StatusCode, d)
	}
	return d
}

// qrImage decodes a PNG and the text of the QR code it shows.
func qrImage(t *testing.T, raw []byte) (image.Image, string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	webtest.Must(t, err)
	// The images are generated, square and unrotated: with PURE_BARCODE
	// gozxing reads them every time (without it, about 1 in 1000 fails to
	// locate the finder patterns).
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		res, err = qrcode.NewQRCodeReader().Decode(bmp, nil)
	}
	if err != nil {
		t.Fatalf("no QR code in the image: %v", err)
	}
	return img, res.GetText()
}

func countDevices(t *testing.T, h *webtest.Harness) int {
	t.Helper()
	n, err := h.DB.NewSelect().Model((*device.Device)(nil)).Count(context.Background())
	webtest.Must(t, err)
	return int(n)
}

// labelCount is the number of labels on a label sheet.
func labelCount(body string) int { return strings.Count(body, `<article class="label">`) }

var labelQR = regexp.MustCompile(`<img class="label-qr" src="data:image/png;base64,([A-Za-z0-9+/=]+)"`)

// uploadFile posts a multipart form with one file, as the page at from would.
func uploadFile(b *webtest.Browser, from, path, field, filename string, content []byte) (*http.Response, string) {
	b.H.T.Helper()
	token := b.CSRF(from)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	webtest.Must(b.H.T, mw.WriteField("_csrf", token))
	fw, err := mw.CreateFormFile(field, filename)
	webtest.Must(b.H.T, err)
	_, err = fw.Write(content)
	webtest.Must(b.H.T, err)
	webtest.Must(b.H.T, mw.Close())
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.Send(req)
}

// pageStatus requests a page (GET) or posts a form with a valid CSRF token
// and returns the status. A refused CSRF token fails the test, so a 403 is
// the role's.
func pageStatus(b *webtest.Browser, method, path string, form url.Values) int {
	b.H.T.Helper()
	if method == "GET" {
		r, _ := b.Get(path)
		return r.StatusCode
	}
	r, body := b.Post("/", path, form)
	if strings.Contains(body, "This form has expired") {
		b.H.T.Fatalf("POST %s: CSRF token refused", path)
	}
	return r.StatusCode
}

// ---------------------------------------------------------------------------
// Tenant isolation

// A device of customer A answers 404 to customer B's users and to another
// provider's staff on every device route, in the API and the pages, exactly
// as a device that does not exist; A's device stays as it was. Where B's role
// lacks the permission altogether (a member editing, a customer deleting) the
// answer is the role's 403, the same for A's device as for a missing one, so
// it tells nothing either.
func TestDeviceTenantIsolationOnEveryRoute(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		devA := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Press A1", "serial_number": "SN-A1",
			"site": "Plant North", "notes": "A's private note", "next_service_due": "2026-12-01"})
		devB := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustB.ID, "name": "Press B1", "serial_number": "SN-B1"})
		before := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(devA), agent)
		webtest.OtherProvider(t, h)

		id, ghost := webtest.SID(devA), "987654"
		patch := map[string]any{"name": "Hacked", "status": "retired", "notes": "pwned"}
		apiRoutes := []struct{ method, path string }{
			{"GET", "/api/v1/devices/%s"},
			{"PATCH", "/api/v1/devices/%s"},
			{"DELETE", "/api/v1/devices/%s"},
			{"GET", "/api/v1/devices/%s/history"},
			{"GET", "/api/v1/devices/%s/qr.png"},
			{"POST", "/api/v1/devices/%s/code"},
		}
		pageRoutes := []struct{ method, path string }{
			{"GET", "/devices/%s"},
			{"GET", "/devices/%s/edit"},
			{"POST", "/devices/%s"},
			{"POST", "/devices/%s/status"},
			{"POST", "/devices/%s/delete"},
			{"POST", "/devices/%s/code"},
			{"POST", "/devices/%s/pair"},
			{"GET", "/devices/%s/qr.png"},
		}
		// Routes the role may not use at all: 403 for any id.
		roleDenied := map[string]map[string]bool{
			"b_member": {"PATCH /api/v1/devices/%s": true, "DELETE /api/v1/devices/%s": true, "GET /devices/%s/edit": true,
				"POST /devices/%s": true, "POST /devices/%s/status": true, "POST /devices/%s/delete": true},
			"b_admin": {"DELETE /api/v1/devices/%s": true, "POST /devices/%s/delete": true},
		}
		form := url.Values{"name": {"Hacked"}, "serial_number": {"HACK"}, "status": {"retired"}, "code": {"x"}, "device_id": {id}}
		for _, user := range []string{"b_member", "b_admin", "x_agent"} {
			tok := h.Token(user)
			for _, r := range apiRoutes {
				var body any
				if r.method == "PATCH" {
					body = patch
				}
				resp, got := h.API(r.method, fmt.Sprintf(r.path, id), tok, body)
				gresp, gotGhost := h.API(r.method, fmt.Sprintf(r.path, ghost), tok, body)
				want := 404
				if roleDenied[user][r.method+" "+r.path] {
					want = 403
				}
				if resp.StatusCode != want || gresp.StatusCode != want {
					t.Errorf("%s %s as %s: %d (missing id: %d), want %d: %v", r.method, fmt.Sprintf(r.path, id), user,
						resp.StatusCode, gresp.StatusCode, want, got)
					continue
				}
				if got["title"] != gotGhost["title"] || got["detail"] != gotGhost["detail"] {
					t.Errorf("%s %s as %s: answer differs from a missing id's: %v / %v", r.method, r.path, user, got, gotGhost)
				}
			}
			b := h.LoggedIn(user)
			for _, r := range pageRoutes {
				var f url.Values
				if r.method == "POST" {
					f = url.Values{}
					for k, v := range form {
						f[k] = v
					}
				}
				got, gotGhost := pageStatus(b, r.method, fmt.Sprintf(r.path, id), f), pageStatus(b, r.method, fmt.Sprintf(r.path, ghost), f)
				want := 404
				if roleDenied[user][r.method+" "+r.path] {
					want = 403
				}
				if got != want || gotGhost != want {
					t.Errorf("%s %s (page) as %s: %d (missing id: %d), want %d", r.method, fmt.Sprintf(r.path, id), user, got, gotGhost, want)
				}
			}
			// Labels of a foreign device are not printed.
			resp, body := b.Get("/devices/labels?id=" + id + "&id=" + webtest.SID(devB))
			webtest.WantStatus(t, resp, 200, body)
			webtest.WantNotContains(t, body, "Press A1", "SN-A1")
			want := 0
			if user != "x_agent" {
				want = 1 // B's own device
				webtest.WantContains(t, body, "Press B1")
			}
			if n := labelCount(body); n != want {
				t.Errorf("labels as %s: %d, want %d", user, n, want)
			}
			// Lists and exports leave A's device out, whatever the filter says.
			_, list := h.API("GET", "/api/v1/devices?customer_id="+webtest.Itoa64(h.CustA.ID), tok, nil)
			for _, d := range webtest.Items(t, list) {
				if webtest.IDOf(d) == webtest.IDOf(devA) {
					t.Errorf("%s lists A's device", user)
				}
			}
			resp, raw := webtest.RawCall(t, h, "GET", "/api/v1/devices/export", tok, "", nil)
			if resp.StatusCode != 200 || strings.Contains(string(raw), "SN-A1") {
				t.Errorf("%s exports A's device: %d\n%s", user, resp.StatusCode, raw)
			}
			r, page := b.Get("/devices?q=SN-A1")
			webtest.WantStatus(t, r, 200, page)
			webtest.WantNotContains(t, page, "Press A1")
		}

		after := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(devA), agent)
		for k, v := range before {
			if fmt.Sprint(after[k]) != fmt.Sprint(v) {
				t.Errorf("A's device changed at %s: %v → %v", k, v, after[k])
			}
		}
		// Its label still works.
		r, body := h.Browser().Get("/c/" + before["code"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Press A1")

		// The other way round: our staff do not reach the other provider's device.
		xDev := mkDevice(t, h, h.Token("x_agent"), map[string]any{"name": "Rival lathe", "serial_number": "SN-R1"})
		xBefore := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(xDev), h.Token("x_agent"))
		for _, r := range apiRoutes {
			var body any
			if r.method == "PATCH" {
				body = patch
			}
			if resp, got := h.API(r.method, fmt.Sprintf(r.path, webtest.SID(xDev)), agent, body); resp.StatusCode != 404 {
				t.Errorf("%s %s (other provider's) as our agent: %d %v", r.method, r.path, resp.StatusCode, got)
			}
		}
		b := h.LoggedIn("agent")
		for _, r := range pageRoutes {
			var f url.Values
			if r.method == "POST" {
				f = url.Values{"name": {"Hacked"}, "serial_number": {"HACK"}, "status": {"retired"}, "code": {"x"}}
			}
			if got := pageStatus(b, r.method, fmt.Sprintf(r.path, webtest.SID(xDev)), f); got != 404 {
				t.Errorf("%s %s (page, other provider's) as our agent: %d", r.method, r.path, got)
			}
		}
		resp, body := b.Get("/devices/labels?id=" + webtest.SID(xDev))
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantNotContains(t, body, "Rival lathe")
		if n := labelCount(body); n != 0 {
			t.Errorf("our agent prints %d labels of the other provider's device", n)
		}
		xAfter := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(xDev), h.Token("x_agent"))
		if fmt.Sprint(xAfter) != fmt.Sprint(xBefore) {
			t.Errorf("other provider's device changed:\n%v\n%v", xBefore, xAfter)
		}
		// The same serial number is free in another provider.
		mkDevice(t, h, agent, map[string]any{"name": "Our lathe", "serial_number": "sn-r1"})
	})
}

// Codes are the provider's: customers' users get 404 on every code route,
// and a code of another provider is 404 to our staff.
func TestCodeRoutesAreStaffOnlyAndProviderScoped(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		_, batch := h.API("POST", "/api/v1/codes", agent, map[string]any{"count": 1})
		code := webtest.Items(t, batch)[0]
		cid := webtest.SID(code)
		for _, user := range []string{"a_admin", "a_moderator", "a_member", "b_admin"} {
			tok := h.Token(user)
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"GET", "/api/v1/codes", nil},
				{"POST", "/api/v1/codes", map[string]any{"count": 2}},
				{"PATCH", "/api/v1/codes/" + cid, map[string]any{"active": false}},
			} {
				if resp, got := h.API(c.method, c.path, tok, c.body); resp.StatusCode != 404 {
					t.Errorf("%s %s as %s: %d %v, want 404", c.method, c.path, user, resp.StatusCode, got)
				}
			}
			b := h.LoggedIn(user)
			for _, p := range []string{"/codes", "/codes/" + cid + "/qr.png", "/codes/labels?id=" + cid} {
				if r, _ := b.Get(p); r.StatusCode != 404 {
					t.Errorf("GET %s as %s: %d, want 404", p, user, r.StatusCode)
				}
			}
			for _, p := range []string{"/codes", "/codes/" + cid} {
				if r, _ := b.Post("/", p, url.Values{"count": {"2"}, "action": {"disable"}}); r.StatusCode != 404 {
					t.Errorf("POST %s as %s: %d, want 404", p, user, r.StatusCode)
				}
			}
		}

		// Another provider's code.
		webtest.OtherProvider(t, h)
		xTok := h.Token("x_agent")
		_, xBatch := h.API("POST", "/api/v1/codes", xTok, map[string]any{"count": 1})
		xCode := webtest.Items(t, xBatch)[0]
		xid := webtest.SID(xCode)
		for _, c := range []map[string]any{{"active": false}, {"pin": "1234"}, {"device_id": nil}} {
			if resp, got := h.API("PATCH", "/api/v1/codes/"+xid, agent, c); resp.StatusCode != 404 {
				t.Errorf("PATCH other provider's code %v: %d %v", c, resp.StatusCode, got)
			}
		}
		b := h.LoggedIn("agent")
		if r, _ := b.Get("/codes/" + xid + "/qr.png"); r.StatusCode != 404 {
			t.Errorf("QR of another provider's code: %d", r.StatusCode)
		}
		if r, body := b.Post("/codes", "/codes/"+xid, url.Values{"action": {"disable"}}); r.StatusCode != 404 {
			t.Errorf("disable another provider's code (page): %d\n%s", r.StatusCode, body)
		}
		r, body := b.Get("/codes/labels?id=" + xid)
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 0 {
			t.Errorf("our agent prints %d labels of another provider's code", n)
		}
		r, body = b.Get("/codes")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantNotContains(t, body, shortToken(xCode["token"].(string)))
		webtest.WantContains(t, body, shortToken(code["token"].(string)))
		_, list := h.API("GET", "/api/v1/codes", agent, nil)
		for _, c := range webtest.Items(t, list) {
			if webtest.IDOf(c) == webtest.IDOf(xCode) {
				t.Error("our agent lists the other provider's code")
			}
		}
		lo, hi := min(webtest.IDOf(code), webtest.IDOf(xCode)), max(webtest.IDOf(code), webtest.IDOf(xCode))
		r, body = b.Get("/codes/labels?from=" + webtest.Itoa64(lo) + "&to=" + webtest.Itoa64(hi))
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 1 {
			t.Errorf("a range over both providers' codes prints %d labels, want our 1", n)
		}
		// Neither provider pairs its devices with the other's codes.
		ours := mkDevice(t, h, agent, map[string]any{"name": "Ours", "serial_number": "OU-1"})
		xDev := mkDevice(t, h, xTok, map[string]any{"name": "Theirs", "serial_number": "TH-1"})
		r, body = b.Post("/devices/"+webtest.SID(ours), "/devices/"+webtest.SID(ours)+"/pair", url.Values{"code": {"http://desk.test/c/" + xCode["token"].(string)}})
		webtest.WantStatus(t, r, 422, body)
		resp, p := h.API("PATCH", "/api/v1/codes/"+cid, agent, map[string]any{"device_id": webtest.IDOf(xDev)})
		webtest.WantProblem(t, resp, p, 422, "device_id")
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(ours), agent); g["code"] != ours["code"] {
			t.Fatalf("our device's code changed: %v", g)
		}
		// Pairing by the scanned URL works for our own code.
		r, body = b.Post("/devices/"+webtest.SID(ours), "/devices/"+webtest.SID(ours)+"/pair", url.Values{"code": {"http://desk.test/c/" + code["token"].(string)}})
		webtest.WantStatus(t, r, 303, body)
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(ours), agent); g["code"] != code["token"] {
			t.Fatalf("pairing by URL: %v", g)
		}
		// Still active and without a PIN.
		_, xList := h.API("GET", "/api/v1/codes?state=unpaired", xTok, nil)
		xs := webtest.Items(t, xList)
		if len(xs) != 1 || webtest.IDOf(xs[0]) != webtest.IDOf(xCode) || xs[0]["active"] != true || xs[0]["has_pin"] != false {
			t.Fatalf("other provider's code changed: %v", xs)
		}
	})
}

// shortToken is how the code list shows a token: its first 8 characters.
func shortToken(token string) string { return views.ShortCode(token)[:9] }

// ---------------------------------------------------------------------------
// Role matrix

func TestDeviceRoleMatrix(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		dev := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Chiller", "serial_number": "CH-1",
			"manufacturer": "Carrier", "model": "30RB", "category": "Cooling", "site": "North", "location": "Roof",
			"notes": "", "installed_on": "2024-03-01"})
		path := "/api/v1/devices/" + webtest.SID(dev)

		// A member reads, but changes nothing.
		member := h.Token("a_member")
		got := webtest.APIGet(t, h, path, member)
		webtest.CheckSchema(t, "Device", got)
		if got["name"] != "Chiller" {
			t.Fatalf("member reads %v", got)
		}
		resp, p := h.API("PATCH", path, member, map[string]any{"name": "Member's"})
		webtest.WantProblem(t, resp, p, 403)
		mb := h.LoggedIn("a_member")
		r, body := mb.Get("/devices/" + webtest.SID(dev))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Chiller")
		webtest.WantNotContains(t, body, `/devices/`+webtest.SID(dev)+`/edit"`, `action="/devices/`+webtest.SID(dev)+`/status"`)
		for _, c := range []struct{ path string }{{"/devices/" + webtest.SID(dev)}, {"/devices/" + webtest.SID(dev) + "/status"}} {
			r, body := mb.Post("/devices/"+webtest.SID(dev), c.path, url.Values{"name": {"Member's"}, "serial_number": {"CH-1"}, "status": {"retired"}})
			webtest.WantStatus(t, r, 403, body)
		}
		if r, _ := mb.Get("/devices/" + webtest.SID(dev) + "/edit"); r.StatusCode != 403 {
			t.Errorf("member opens the edit form: %d", r.StatusCode)
		}
		if d := webtest.APIGet(t, h, path, agent); d["name"] != "Chiller" || d["status"] != "operational" {
			t.Fatalf("member changed the device: %v", d)
		}

		// Moderator and administrator change their fields; the rest is ignored.
		for i, user := range []string{"a_moderator", "a_admin"} {
			name := "Chiller " + user
			resp, d := h.API("PATCH", path, h.Token(user), map[string]any{"name": name, "site": "Site " + webtest.Itoa(i),
				"location": "Loc " + webtest.Itoa(i), "notes": "Note " + webtest.Itoa(i), "status": []string{"needs_attention", "in_maintenance"}[i],
				"serial_number": "HACK-" + webtest.Itoa(i), "manufacturer": "Hacker Inc", "model": "Evil", "category": "X",
				"installed_on": "1999-01-01", "customer_id": h.CustB.ID})
			if resp.StatusCode != 200 {
				t.Fatalf("PATCH as %s: %d %v", user, resp.StatusCode, d)
			}
			webtest.CheckSchema(t, "Device", d)
			d = webtest.APIGet(t, h, path, agent)
			if d["name"] != name || d["site"] != "Site "+webtest.Itoa(i) || d["location"] != "Loc "+webtest.Itoa(i) || d["notes"] != "Note "+webtest.Itoa(i) ||
				d["status"] != []string{"needs_attention", "in_maintenance"}[i] {
				t.Fatalf("PATCH as %s did not change the allowed fields: %v", user, d)
			}
			if d["serial_number"] != "CH-1" || d["manufacturer"] != "Carrier" || d["model"] != "30RB" || d["category"] != "Cooling" ||
				d["installed_on"] != "2024-03-01" || webtest.IDOf(d, "customer_id") != h.CustA.ID {
				t.Fatalf("PATCH as %s changed fields customers may not: %v", user, d)
			}
		}
		// The same through the pages: the form, and the status form.
		mod := h.LoggedIn("a_moderator")
		r, body = mod.Post("/devices/"+webtest.SID(dev)+"/edit", "/devices/"+webtest.SID(dev), url.Values{"name": {"Chiller page"}, "site": {"South"},
			"location": {"Basement"}, "status": {"operational"}, "notes": {"Checked"}, "serial_number": {"HACK-PAGE"},
			"manufacturer": {"Nope"}, "customer_id": {webtest.Itoa64(h.CustB.ID)}, "next_service_due": {"2030-01-01"}})
		webtest.WantStatus(t, r, 303, body)
		r, body = mod.Post("/devices/"+webtest.SID(dev), "/devices/"+webtest.SID(dev)+"/status", url.Values{"status": {"out_of_service"}})
		webtest.WantStatus(t, r, 303, body)
		d := webtest.APIGet(t, h, path, agent)
		if d["name"] != "Chiller page" || d["site"] != "South" || d["notes"] != "Checked" || d["status"] != "out_of_service" ||
			d["serial_number"] != "CH-1" || d["manufacturer"] != "Carrier" || webtest.IDOf(d, "customer_id") != h.CustA.ID || d["next_service_due"] != nil {
			t.Fatalf("moderator's page edit: %v", d)
		}
		// Customers do not create, delete or import.
		for _, user := range []string{"a_admin", "a_moderator", "a_member"} {
			tok := h.Token(user)
			resp, p := h.API("POST", "/api/v1/devices", tok, map[string]any{"name": "Mine", "serial_number": "MINE-1"})
			webtest.WantProblem(t, resp, p, 403)
			resp, p = h.API("DELETE", path, tok, nil)
			webtest.WantProblem(t, resp, p, 403)
			resp, raw := webtest.RawCall(t, h, "POST", "/api/v1/devices/import", tok, "text/csv", []byte("name,serial_number\nMine,MINE-2\n"))
			if resp.StatusCode != 403 {
				t.Fatalf("import as %s: %d %s", user, resp.StatusCode, raw)
			}
			b := h.LoggedIn(user)
			for _, p := range []string{"/devices/new", "/devices/import"} {
				if r, _ := b.Get(p); r.StatusCode != 403 {
					t.Errorf("GET %s as %s: %d, want 403", p, user, r.StatusCode)
				}
			}
			if r, _ := b.Post("/devices", "/devices", url.Values{"name": {"Mine"}, "serial_number": {"MINE-3"}}); r.StatusCode != 403 {
				t.Errorf("POST /devices as %s: %d", user, r.StatusCode)
			}
			if r, _ := b.Post("/devices", "/devices/"+webtest.SID(dev)+"/delete", nil); r.StatusCode != 403 {
				t.Errorf("delete page as %s: %d", user, r.StatusCode)
			}
		}
		if n := countDevices(t, h); n != 1 {
			t.Fatalf("%d devices after customers tried to create some", n)
		}

		// The agent edits every field and moves the device to customer B.
		resp, d = h.API("PATCH", path, agent, map[string]any{"name": "Chiller 2", "serial_number": "CH-2", "manufacturer": "Trane",
			"model": "RTAF", "category": "HVAC", "site": "East", "location": "Yard", "status": "operational", "notes": "Moved",
			"installed_on": "2025-01-02", "warranty_until": "2027-01-02", "last_service_on": "2026-10-01",
			"next_service_due": "2027-04-01", "customer_id": h.CustB.ID})
		if resp.StatusCode != 200 {
			t.Fatalf("agent PATCH: %d %v", resp.StatusCode, d)
		}
		for k, v := range map[string]any{"name": "Chiller 2", "serial_number": "CH-2", "manufacturer": "Trane", "model": "RTAF",
			"category": "HVAC", "site": "East", "location": "Yard", "notes": "Moved", "installed_on": "2025-01-02",
			"warranty_until": "2027-01-02", "last_service_on": "2026-10-01", "next_service_due": "2027-04-01"} {
			if d[k] != v {
				t.Errorf("agent PATCH %s = %v, want %v", k, d[k], v)
			}
		}
		if webtest.IDOf(d, "customer_id") != h.CustB.ID {
			t.Fatalf("not assigned to B: %v", d)
		}
		if resp, _ := h.API("GET", path, member, nil); resp.StatusCode != 404 {
			t.Fatalf("A's member still sees the device moved to B: %d", resp.StatusCode)
		}
		webtest.APIGet(t, h, path, h.Token("b_member"))
		_, hist := h.API("GET", path+"/history", agent, nil)
		assigned := false
		for _, e := range webtest.Items(t, hist) {
			webtest.CheckSchema(t, "DeviceEvent", e)
			assigned = assigned || (e["action"] == "assigned" && e["from"] == "Customer A" && e["to"] == "Customer B")
		}
		if !assigned {
			t.Fatalf("history lacks the move to B: %v", hist)
		}
		// And deletes it; its code goes back to stock.
		codeID := webtest.IDOf(d, "code_id")
		resp, _ = h.API("DELETE", path, agent, nil)
		if resp.StatusCode != 204 {
			t.Fatalf("agent DELETE: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", path, agent, nil); resp.StatusCode != 404 {
			t.Fatalf("deleted device: %d", resp.StatusCode)
		}
		_, unpaired := h.API("GET", "/api/v1/codes?state=unpaired", agent, nil)
		found := false
		for _, c := range webtest.Items(t, unpaired) {
			found = found || (webtest.IDOf(c) == codeID && c["device_id"] == nil)
		}
		if !found {
			t.Fatalf("the deleted device's code is not back in stock: %v", unpaired)
		}
	})
}

// ---------------------------------------------------------------------------
// API: validation, conflicts, lists

func TestDeviceAPIRejectsBadInputAndDuplicateSerials(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		resp, p := h.API("POST", "/api/v1/devices", agent, map[string]any{"name": " ", "serial_number": "",
			"status": "exploded", "installed_on": "2026-02-30"})
		webtest.WantProblem(t, resp, p, 422, "name", "serial_number", "status", "installed_on")
		for _, c := range []struct {
			field string
			body  map[string]any
		}{
			{"next_service_due", map[string]any{"name": "X", "serial_number": "S-1", "next_service_due": "tomorrow"}},
			{"warranty_until", map[string]any{"name": "X", "serial_number": "S-1", "warranty_until": "0001-01-01"}},
			{"last_service_on", map[string]any{"name": "X", "serial_number": "S-1", "last_service_on": "2026-13-01"}},
			{"customer_id", map[string]any{"name": "X", "serial_number": "S-1", "customer_id": 0}},
			{"customer_id", map[string]any{"name": "X", "serial_number": "S-1", "customer_id": "A"}},
			{"name", map[string]any{"name": strings.Repeat("n", 201), "serial_number": "S-1"}},
			{"serial_number", map[string]any{"name": "X", "serial_number": "S\x00-1"}},
			{"notes", map[string]any{"name": "X", "serial_number": "S-1", "notes": strings.Repeat("n", 5001)}},
		} {
			resp, p := h.API("POST", "/api/v1/devices", agent, c.body)
			webtest.WantProblem(t, resp, p, 422, c.field)
		}
		resp, p = h.API("POST", "/api/v1/devices", agent, "{not json")
		if resp.StatusCode != 400 && resp.StatusCode != 422 {
			t.Fatalf("malformed JSON: %d %v", resp.StatusCode, p)
		}
		if n := countDevices(t, h); n != 0 {
			t.Fatalf("%d devices after bad input", n)
		}

		first := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Original", "serial_number": "SN-Dup-7",
			"site": "North"})
		webtest.CheckSchema(t, "Device", first)
		resp, p = h.API("POST", "/api/v1/devices", agent, map[string]any{"customer_id": h.CustB.ID, "name": "Copy",
			"serial_number": "sn-dUP-7"})
		webtest.WantProblem(t, resp, p, 409, "serial_number")
		second := mkDevice(t, h, agent, map[string]any{"name": "Second", "serial_number": "SN-2"})
		resp, p = h.API("PATCH", "/api/v1/devices/"+webtest.SID(second), agent, map[string]any{"serial_number": "SN-DUP-7", "name": "Renamed"})
		webtest.WantProblem(t, resp, p, 409, "serial_number")
		if d := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(second), agent); d["name"] != "Second" || d["serial_number"] != "SN-2" {
			t.Fatalf("refused PATCH changed the device: %v", d)
		}
		again := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(first), agent)
		if fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatalf("first device changed:\n%v\n%v", first, again)
		}
		if n := countDevices(t, h); n != 2 {
			t.Fatalf("%d devices, want 2", n)
		}

		// A customer of another provider is unknown here.
		_, rivalCust := webtest.OtherProvider(t, h)
		resp, p = h.API("POST", "/api/v1/devices", agent, map[string]any{"name": "Sneaky", "serial_number": "SN-S",
			"customer_id": rivalCust.ID})
		webtest.WantProblem(t, resp, p, 422, "customer_id")
		resp, p = h.API("PATCH", "/api/v1/devices/"+webtest.SID(first), agent, map[string]any{"customer_id": rivalCust.ID})
		webtest.WantProblem(t, resp, p, 422, "customer_id")
		// Nor may the other provider place its device with our customer.
		resp, p = h.API("POST", "/api/v1/devices", h.Token("x_agent"), map[string]any{"name": "Sneaky", "serial_number": "SN-S",
			"customer_id": h.CustA.ID})
		webtest.WantProblem(t, resp, p, 422, "customer_id")
		if d := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(first), agent); webtest.IDOf(d, "customer_id") != h.CustA.ID {
			t.Fatalf("customer changed: %v", d)
		}
	})
}

func TestDeviceAPIPatchKeepsUnsentFieldsAndNullClears(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		d := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Boiler", "serial_number": "B-1",
			"manufacturer": "Viessmann", "site": "Plant", "location": "Cellar", "status": "needs_attention",
			"installed_on": "2020-05-05", "next_service_due": "2027-01-15", "notes": "Old note"})
		path := "/api/v1/devices/" + webtest.SID(d)
		resp, got := h.API("PATCH", path, agent, map[string]any{"notes": "New note"})
		if resp.StatusCode != 200 {
			t.Fatalf("PATCH: %d %v", resp.StatusCode, got)
		}
		webtest.CheckSchema(t, "Device", got)
		for k, v := range d {
			switch k {
			case "notes":
				if got[k] != "New note" {
					t.Errorf("notes = %v", got[k])
				}
			case "updated_at":
			default:
				if fmt.Sprint(got[k]) != fmt.Sprint(v) {
					t.Errorf("PATCH changed unsent field %s: %v → %v", k, v, got[k])
				}
			}
		}
		resp, got = h.API("PATCH", path, agent, map[string]any{"next_service_due": nil})
		if resp.StatusCode != 200 || got["next_service_due"] != nil || got["installed_on"] != "2020-05-05" {
			t.Fatalf("null next_service_due: %d %v", resp.StatusCode, got)
		}
		if g := webtest.APIGet(t, h, path, agent); g["next_service_due"] != nil || g["status"] != "needs_attention" || g["notes"] != "New note" {
			t.Fatalf("after clearing: %v", g)
		}
		// A moderator's PATCH keeps unsent fields too.
		resp, got = h.API("PATCH", path, h.Token("a_moderator"), map[string]any{"location": "Roof"})
		if resp.StatusCode != 200 || got["location"] != "Roof" || got["notes"] != "New note" || got["site"] != "Plant" ||
			got["status"] != "needs_attention" {
			t.Fatalf("moderator PATCH: %d %v", resp.StatusCode, got)
		}
		// A bad PATCH changes nothing.
		resp, p := h.API("PATCH", path, agent, map[string]any{"name": "", "status": "gone"})
		webtest.WantProblem(t, resp, p, 422, "name", "status")
		if g := webtest.APIGet(t, h, path, agent); g["name"] != "Boiler" || g["status"] != "needs_attention" {
			t.Fatalf("bad PATCH changed the device: %v", g)
		}
	})
}

// fleet registers a small fleet of customer A for the list tests (two share
// the name "Delta") and one of B, and returns them by serial number ("B" for
// B's). The clock moves between them, so
// status_changed_at differs except for the two Deltas.
func fleet(t *testing.T, h *webtest.Harness) map[string]map[string]any {
	t.Helper()
	agent := h.Token("agent")
	out := map[string]map[string]any{}
	rows := []map[string]any{
		{"name": "Echo", "serial_number": "EC-100", "status": "operational", "site": "North", "category": "Pumps", "next_service_due": "2027-03-01"},
		{"name": "Alpha", "serial_number": "AL-200", "status": "needs_attention", "site": "South", "category": "Pumps"},
		{"name": "Delta", "serial_number": "DE-300", "status": "out_of_service", "site": "North", "category": "Fans", "next_service_due": "2026-12-01"},
		{"name": "Delta", "serial_number": "DE-301", "status": "out_of_service", "site": "North", "category": "Fans", "next_service_due": "2026-12-01"},
		{"name": "Charlie", "serial_number": "CH-400", "status": "retired", "site": "South", "category": "Pumps"},
		{"name": "Bravo", "serial_number": "BR-500", "status": "needs_attention", "site": "North", "category": "Fans", "next_service_due": "2026-11-30"},
		{"name": "Foxtrot", "serial_number": "FX-600", "status": "in_maintenance", "site": "East", "category": "Pumps", "next_service_due": "2028-01-01"},
	}
	for _, r := range rows {
		r["customer_id"] = h.CustA.ID
		if r["serial_number"] != "DE-301" {
			h.Clock.Advance(time.Minute)
		}
		d := mkDevice(t, h, agent, r)
		out[r["serial_number"].(string)] = d
	}
	out["B"] = mkDevice(t, h, agent, map[string]any{"customer_id": h.CustB.ID, "name": "Golf", "serial_number": "GO-700",
		"status": "needs_attention", "site": "North", "category": "Pumps"})
	return out
}

// walk pages through a device list with limit=2 and returns the devices in
// order.
func walk(t *testing.T, h *webtest.Harness, token, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	cursor := ""
	for page := 0; ; page++ {
		if page > 50 {
			t.Fatalf("%s: paging does not end", query)
		}
		path := "/api/v1/devices?limit=2&" + query
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		resp, list := h.API("GET", path, token, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, list)
		}
		webtest.CheckSchema(t, "DeviceList", list)
		its := webtest.Items(t, list)
		if len(its) > 2 {
			t.Fatalf("GET %s: %d items with limit=2", path, len(its))
		}
		out = append(out, its...)
		next, _ := list["next_cursor"].(string)
		if next == "" {
			return out
		}
		if len(its) == 0 {
			t.Fatalf("GET %s: empty page with a next cursor", path)
		}
		cursor = next
	}
}

func TestDeviceAPIListFiltersSortsAndPages(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		fleet(t, h)
		agent, mod := h.Token("agent"), h.Token("a_moderator")
		ids := func(list []map[string]any) []int64 {
			out := make([]int64, len(list))
			for i, d := range list {
				out[i] = webtest.IDOf(d)
			}
			return out
		}
		rank := map[string]int{}
		for i, s := range device.Statuses {
			rank[s] = i
		}
		// cmp orders two devices as sort does: negative, 0 or positive.
		cmp := func(sort string, a, b map[string]any) int {
			c := 0
			switch strings.TrimPrefix(sort, "-") {
			case "name":
				c = strings.Compare(a["name"].(string), b["name"].(string))
			case "status":
				c = rank[a["status"].(string)] - rank[b["status"].(string)]
			case "status_changed_at":
				ta, _ := time.Parse(time.RFC3339Nano, a["status_changed_at"].(string))
				tb, _ := time.Parse(time.RFC3339Nano, b["status_changed_at"].(string))
				c = ta.Compare(tb)
			case "next_service_due":
				da, _ := a["next_service_due"].(string)
				db, _ := b["next_service_due"].(string)
				if da == "" {
					da = "9999-12-31"
				}
				if db == "" {
					db = "9999-12-31"
				}
				c = strings.Compare(da, db)
			}
			if c == 0 {
				c = int(webtest.IDOf(a) - webtest.IDOf(b))
			}
			if strings.HasPrefix(sort, "-") {
				c = -c
			}
			return c
		}
		for _, who := range []struct {
			token string
			n     int
		}{{agent, 8}, {mod, 7}} {
			for _, sort := range []string{"name", "-name", "status", "-status", "status_changed_at", "-status_changed_at",
				"next_service_due", "-next_service_due"} {
				all := walk(t, h, who.token, "sort="+sort)
				if len(all) != who.n {
					t.Fatalf("sort=%s: %d devices, want %d", sort, len(all), who.n)
				}
				seen := map[int64]bool{}
				for i, d := range all {
					if seen[webtest.IDOf(d)] {
						t.Fatalf("sort=%s: device %v twice", sort, d["name"])
					}
					seen[webtest.IDOf(d)] = true
					if i > 0 && cmp(sort, all[i-1], d) > 0 {
						t.Fatalf("sort=%s: %v before %v", sort, all[i-1]["name"], d["name"])
					}
				}
				_, one := h.API("GET", "/api/v1/devices?limit=100&sort="+sort, who.token, nil)
				if fmt.Sprint(ids(webtest.Items(t, one))) != fmt.Sprint(ids(all)) {
					t.Fatalf("sort=%s: paged order %v differs from one page %v", sort, ids(all), ids(webtest.Items(t, one)))
				}
			}
		}
		if got := walk(t, h, mod, "sort=name"); got[0]["name"] != "Alpha" || got[6]["name"] != "Foxtrot" {
			t.Fatalf("by name: %v … %v", got[0]["name"], got[6]["name"])
		}
		if got := walk(t, h, mod, "sort=-next_service_due"); got[0]["next_service_due"] != nil || got[6]["name"] != "Bravo" {
			t.Fatalf("by due, descending: devices without a date come first, Bravo last: %v", ids(got))
		}

		// Filters, alone and together.
		names := func(list []map[string]any) string {
			var out []string
			for _, d := range list {
				out = append(out, d["name"].(string)+"/"+d["serial_number"].(string))
			}
			return strings.Join(out, ",")
		}
		for _, c := range []struct{ token, query, want string }{
			{mod, "status=needs_attention", "Alpha/AL-200,Bravo/BR-500"},
			{agent, "status=needs_attention", "Alpha/AL-200,Bravo/BR-500,Golf/GO-700"},
			{mod, "site=North", "Bravo/BR-500,Delta/DE-300,Delta/DE-301,Echo/EC-100"},
			{mod, "category=Fans", "Bravo/BR-500,Delta/DE-300,Delta/DE-301"},
			{mod, "q=de-30", "Delta/DE-300,Delta/DE-301"},
			{mod, "q=CHAR", "Charlie/CH-400"},
			{mod, "q=%25", ""},
			{mod, "site=North&category=Pumps", "Echo/EC-100"},
			{mod, "status=out_of_service&q=301", "Delta/DE-301"},
			{mod, "due=30", "Bravo/BR-500,Delta/DE-300,Delta/DE-301"},
			{agent, "customer_id=" + webtest.Itoa64(h.CustB.ID), "Golf/GO-700"},
			{mod, "customer_id=" + webtest.Itoa64(h.CustB.ID) + "&category=Pumps", "Alpha/AL-200,Charlie/CH-400,Echo/EC-100,Foxtrot/FX-600"},
		} {
			got := walk(t, h, c.token, c.query+"&sort=name")
			if n := names(got); n != c.want {
				t.Errorf("GET ?%s: %s, want %s", c.query, n, c.want)
			}
		}
		for _, c := range []struct{ query, field string }{
			{"sort=serial_number", "sort"}, {"sort=-", "sort"}, {"status=broken", "status"}, {"cursor=garbage!", "cursor"},
			{"cursor=" + base64.RawURLEncoding.EncodeToString([]byte("id:5")), "cursor"},
			{"sort=status_changed_at&cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`k:{"k":"yesterday","i":3}`)), "cursor"},
			{"sort=status&cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`k:{"k":"x","i":3}`)), "cursor"},
			{"limit=0", "limit"}, {"limit=101", "limit"}, {"due=0", "due"}, {"customer_id=abc", "customer_id"},
			{"q=" + strings.Repeat("x", 201), "q"},
		} {
			resp, p := h.API("GET", "/api/v1/devices?"+c.query, agent, nil)
			webtest.WantProblem(t, resp, p, 422, c.field)
		}
	})
}

// ---------------------------------------------------------------------------
// QR images

func TestDeviceQRCodeImages(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		d := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Lift 3", "serial_number": "LF-3"})
		want := "http://desk.test/c/" + d["code"].(string)
		if d["code_url"] != want {
			t.Fatalf("code_url %v, want %s", d["code_url"], want)
		}
		path := "/api/v1/devices/" + webtest.SID(d) + "/qr.png"
		resp, raw := webtest.RawCall(t, h, "GET", path, agent, "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("QR: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		etag, cc := resp.Header.Get("ETag"), resp.Header.Get("Cache-Control")
		if etag == "" || cc == "" || strings.Contains(cc, "no-store") {
			t.Fatalf("QR not cacheable: ETag %q, Cache-Control %q", etag, cc)
		}
		img, text := qrImage(t, raw)
		if text != want {
			t.Fatalf("QR says %q, want %q", text, want)
		}
		if w := img.Bounds().Dx(); w != device.QRDefaultSize {
			t.Errorf("default size %d px", w)
		}
		resp, raw = webtest.RawCall(t, h, "GET", path, agent, "", nil, "If-None-Match", etag)
		if resp.StatusCode != 304 || len(raw) != 0 {
			t.Fatalf("revalidation: %d, %d bytes", resp.StatusCode, len(raw))
		}
		resp, raw = webtest.RawCall(t, h, "GET", path+"?size=5000", agent, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("size=5000: %d", resp.StatusCode)
		}
		if resp.Header.Get("ETag") == etag {
			t.Error("another size has the same ETag")
		}
		img, text = qrImage(t, raw)
		if w := img.Bounds().Dx(); w > device.QRMaxSize || w < 512 || text != want {
			t.Fatalf("size=5000: %d px, %q", w, text)
		}
		for q, size := range map[string]int{"?size=1": device.QRMinSize, "?size=-5": device.QRDefaultSize,
			"?size=abc": device.QRDefaultSize, "?size=300": 300} {
			resp, raw = webtest.RawCall(t, h, "GET", path+q, agent, "", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", q, resp.StatusCode)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			webtest.Must(t, err)
			if img.Bounds().Dx() != size {
				t.Fatalf("%s: %d px, want %d", q, img.Bounds().Dx(), size)
			}
			if size >= device.QRDefaultSize {
				if _, text = qrImage(t, raw); text != want {
					t.Fatalf("%s: QR says %q", q, text)
				}
			}
		}

		// The page's image, as the customer's member.
		b := h.LoggedIn("a_member")
		r, body := b.Get("/devices/" + webtest.SID(d) + "/qr.png?size=5000")
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || r.Header.Get("ETag") == "" || r.Header.Get("Cache-Control") == "" {
			t.Fatalf("page QR: %d %v", r.StatusCode, r.Header)
		}
		img, text = qrImage(t, []byte(body))
		if img.Bounds().Dx() > device.QRMaxSize || text != want {
			t.Fatalf("page QR: %d px, %q", img.Bounds().Dx(), text)
		}
		req := httptest.NewRequest("GET", "/devices/"+webtest.SID(d)+"/qr.png?size=5000", nil)
		req.Header.Set("If-None-Match", r.Header.Get("ETag"))
		if r, _ := b.Send(req); r.StatusCode != 304 {
			t.Fatalf("page QR revalidation: %d", r.StatusCode)
		}

		// A new code makes a new image: the old ETag no longer matches.
		resp, code := h.API("POST", "/api/v1/devices/"+webtest.SID(d)+"/code", agent, nil)
		if resp.StatusCode != 201 {
			t.Fatalf("regenerate: %d %v", resp.StatusCode, code)
		}
		resp, raw = webtest.RawCall(t, h, "GET", path, agent, "", nil, "If-None-Match", etag)
		if resp.StatusCode != 200 {
			t.Fatalf("old ETag after a new code: %d", resp.StatusCode)
		}
		if _, text = qrImage(t, raw); text != "http://desk.test/c/"+code["token"].(string) {
			t.Fatalf("QR after a new code says %q", text)
		}
		// A device without a code has no image.
		resp, _ = h.API("PATCH", "/api/v1/codes/"+webtest.SID(code), agent, map[string]any{"device_id": nil})
		if resp.StatusCode != 200 {
			t.Fatalf("unpair: %d", resp.StatusCode)
		}
		if resp, _ := webtest.RawCall(t, h, "GET", path, agent, "", nil); resp.StatusCode != 404 {
			t.Fatalf("QR of a device without a code: %d", resp.StatusCode)
		}
		// The code's own image, for staff.
		ab := h.LoggedIn("agent")
		r, body = ab.Get("/codes/" + webtest.SID(code) + "/qr.png")
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("code QR: %d", r.StatusCode)
		}
		if _, text = qrImage(t, []byte(body)); text != "http://desk.test/c/"+code["token"].(string) {
			t.Fatalf("code QR says %q", text)
		}
	})
}

// ---------------------------------------------------------------------------
// Codes: batches, pairing, PIN, regeneration

func TestCodeBatchesPairingPINAndRegeneration(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		resp, batch := h.API("POST", "/api/v1/codes", agent, map[string]any{"count": 3})
		if resp.StatusCode != 201 {
			t.Fatalf("batch: %d %v", resp.StatusCode, batch)
		}
		webtest.CheckSchema(t, "CodeList", batch)
		codes := webtest.Items(t, batch)
		if len(codes) != 3 {
			t.Fatalf("%d codes, want 3", len(codes))
		}
		tokens := map[string]bool{}
		for _, c := range codes {
			webtest.CheckSchema(t, "Code", c)
			tok := c["token"].(string)
			if c["device_id"] != nil || c["state"] != "active" || c["active"] != true || c["has_pin"] != false ||
				c["url"] != "http://desk.test/c/"+tok || len(tok) < 22 || tokens[tok] {
				t.Fatalf("batch code: %v", c)
			}
			tokens[tok] = true
		}
		_, unpaired := h.API("GET", "/api/v1/codes?state=unpaired", agent, nil)
		if n := len(webtest.Items(t, unpaired)); n != 3 {
			t.Fatalf("%d unpaired codes, want 3", n)
		}
		for _, bad := range []any{map[string]any{"count": 0}, map[string]any{"count": 501}, map[string]any{}, map[string]any{"count": "x"},
			map[string]any{"count": -1}, map[string]any{"count": 2.5}} {
			resp, p := h.API("POST", "/api/v1/codes", agent, bad)
			webtest.WantProblem(t, resp, p, 422, "count")
		}
		_, all := h.API("GET", "/api/v1/codes?limit=100", agent, nil)
		if n := len(webtest.Items(t, all)); n != 3 {
			t.Fatalf("bad batches made codes: %d", n)
		}

		// Pair a stock code with a device: the device's own code stops working.
		d := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Mixer", "serial_number": "MX-1",
			"model": "KM 9"})
		old := d["code"].(string)
		visitor := h.Browser()
		if r, body := visitor.Get("/c/" + old); r.StatusCode != 200 || !strings.Contains(body, "Mixer") {
			t.Fatalf("device's first code: %d", r.StatusCode)
		}
		c0 := codes[0]
		resp, paired := h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"device_id": webtest.IDOf(d)})
		if resp.StatusCode != 200 || webtest.IDOf(paired, "device_id") != webtest.IDOf(d) || paired["paired_at"] == nil {
			t.Fatalf("pair: %d %v", resp.StatusCode, paired)
		}
		webtest.CheckSchema(t, "Code", paired)
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent); g["code"] != c0["token"] || webtest.IDOf(g, "code_id") != webtest.IDOf(c0) {
			t.Fatalf("device after pairing: %v", g)
		}
		r, body := visitor.Get("/c/" + old)
		webtest.WantStatus(t, r, 404, body)
		webtest.WantContains(t, body, "This code is not known")
		webtest.WantNotContains(t, body, "Mixer")
		r, body = visitor.Get("/c/" + c0["token"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Mixer", "KM 9")
		_, listed := h.API("GET", "/api/v1/codes?limit=100", agent, nil)
		for _, c := range webtest.Items(t, listed) {
			webtest.CheckSchema(t, "Code", c)
			webtest.WantUTC(t, c, "created_at", "paired_at", "retired_at")
		}
		_, retired := h.API("GET", "/api/v1/codes?state=retired", agent, nil)
		if rs := webtest.Items(t, retired); len(rs) != 1 || rs[0]["token"] != old || rs[0]["state"] != "retired" || rs[0]["retired_at"] == nil {
			t.Fatalf("retired codes: %v", rs)
		}
		// A retired code cannot be brought back.
		resp, p := h.API("PATCH", "/api/v1/codes/999999", agent, map[string]any{"active": true})
		if resp.StatusCode != 404 {
			t.Fatalf("PATCH unknown code: %d %v", resp.StatusCode, p)
		}
		resp, p = h.API("PATCH", "/api/v1/codes/"+webtest.Itoa64(webtest.IDOf(webtest.Items(t, retired)[0])), agent, map[string]any{"active": true})
		webtest.WantProblem(t, resp, p, 409)
		// Pairing with a device that is not ours is a field error.
		resp, p = h.API("PATCH", "/api/v1/codes/"+webtest.SID(codes[1]), agent, map[string]any{"device_id": 999999})
		webtest.WantProblem(t, resp, p, 422, "device_id")
		resp, p = h.API("PATCH", "/api/v1/codes/"+webtest.SID(codes[1]), agent, map[string]any{"device_id": "seven"})
		webtest.WantProblem(t, resp, p, 422, "device_id")

		// Unpair: the code is in stock again, the device has none.
		resp, got := h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"device_id": nil})
		if resp.StatusCode != 200 || got["device_id"] != nil || got["paired_at"] != nil {
			t.Fatalf("unpair: %d %v", resp.StatusCode, got)
		}
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent); g["code"] != nil || g["code_id"] != nil || g["code_url"] != nil {
			t.Fatalf("device after unpairing: %v", g)
		}
		r, body = visitor.Get("/c/" + c0["token"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "This code is not in use yet")
		webtest.WantNotContains(t, body, "Mixer")
		resp, _ = h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"device_id": webtest.IDOf(d)})
		if resp.StatusCode != 200 {
			t.Fatalf("pair again: %d", resp.StatusCode)
		}

		// Disable: the public page says inactive and shows no device.
		resp, got = h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"active": false})
		if resp.StatusCode != 200 || got["active"] != false || got["state"] != "disabled" {
			t.Fatalf("disable: %d %v", resp.StatusCode, got)
		}
		r, body = visitor.Get("/c/" + c0["token"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "This code is inactive", "Provider Ltd")
		webtest.WantNotContains(t, body, "Mixer")
		resp, p = h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"active": "no"})
		webtest.WantProblem(t, resp, p, 422, "active")
		resp, _ = h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"active": true})
		if resp.StatusCode != 200 {
			t.Fatalf("enable: %d", resp.StatusCode)
		}

		// PIN: 4 to 8 digits.
		for _, bad := range []string{"12ab", "123", "123456789", " 1234"} {
			resp, p := h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"pin": bad})
			webtest.WantProblem(t, resp, p, 422, "pin")
		}
		resp, got = h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"pin": "2468"})
		if resp.StatusCode != 200 || got["has_pin"] != true {
			t.Fatalf("set PIN: %d %v", resp.StatusCode, got)
		}
		r, body = visitor.Get("/c/" + c0["token"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Enter the PIN", `name="pin"`)
		webtest.WantNotContains(t, body, "Mixer", "KM 9")
		resp, got = h.API("PATCH", "/api/v1/codes/"+webtest.SID(c0), agent, map[string]any{"pin": nil})
		if resp.StatusCode != 200 || got["has_pin"] != false {
			t.Fatalf("remove PIN: %d %v", resp.StatusCode, got)
		}
		r, body = visitor.Get("/c/" + c0["token"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Mixer")

		// Regenerate: the old token is gone at once, the new one works.
		current := c0["token"].(string)
		resp, fresh := h.API("POST", "/api/v1/devices/"+webtest.SID(d)+"/code", agent, nil)
		if resp.StatusCode != 201 || fresh["token"] == current || webtest.IDOf(fresh, "device_id") != webtest.IDOf(d) || fresh["state"] != "active" {
			t.Fatalf("regenerate: %d %v", resp.StatusCode, fresh)
		}
		webtest.CheckSchema(t, "Code", fresh)
		r, body = visitor.Get("/c/" + current)
		webtest.WantStatus(t, r, 404, body)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("retired code's page is %q, want HTML", ct)
		}
		webtest.WantContains(t, body, "This code is not known", "<html")
		r, body = visitor.Get("/c/" + fresh["token"].(string))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Mixer")
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent); g["code"] != fresh["token"] {
			t.Fatalf("device after regenerating: %v", g)
		}
		_, hist := h.API("GET", "/api/v1/devices/"+webtest.SID(d)+"/history", agent, nil)
		webtest.CheckSchema(t, "DeviceEventList", hist)
		for _, e := range webtest.Items(t, hist) {
			webtest.WantUTC(t, e, "created_at")
		}
		webtest.WantUTC(t, webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent), "created_at", "updated_at", "status_changed_at")
		var regen map[string]any
		for _, e := range webtest.Items(t, hist) {
			if e["action"] == "code_regenerated" && e["to"] == fresh["token"] {
				regen = e
			}
		}
		if regen == nil || regen["from"] != current || regen["actor_name"] != "Agent Tester" ||
			webtest.IDOf(regen, "actor_id") != h.Users["agent"].ID || webtest.IDOf(regen, "code_id") != webtest.IDOf(fresh) {
			t.Fatalf("history lacks the regeneration by the agent: %v", hist)
		}
		if first := webtest.Items(t, hist)[0]; first["action"] != "code_regenerated" {
			t.Fatalf("history is not newest first: %v", first)
		}
		// History pages with a cursor, every event once.
		seen, cursor := map[int64]bool{}, ""
		for i := 0; i < 20; i++ {
			_, page := h.API("GET", "/api/v1/devices/"+webtest.SID(d)+"/history?limit=2&cursor="+cursor, agent, nil)
			for _, e := range webtest.Items(t, page) {
				if seen[webtest.IDOf(e)] {
					t.Fatalf("history event %v twice", e)
				}
				seen[webtest.IDOf(e)] = true
			}
			cursor, _ = page["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if len(seen) != len(webtest.Items(t, hist)) {
			t.Fatalf("history pages hold %d events, one page %d", len(seen), len(webtest.Items(t, hist)))
		}
	})
}

// ---------------------------------------------------------------------------
// The public scan page

func scanDevice(t *testing.T, h *webtest.Harness) map[string]any {
	t.Helper()
	return mkDevice(t, h, h.Token("agent"), map[string]any{"customer_id": h.CustA.ID, "name": "Filler Nine",
		"serial_number": "SN-SECRET-9", "manufacturer": "Krones", "model": "Modulfill", "status": "needs_attention",
		"site": "Hidden Plant", "location": "Hall Seven", "notes": "Key under the mat"})
}

func TestScanPageShowsOnlyPublicDetails(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		d := scanDevice(t, h)
		token := d["code"].(string)
		secret := []string{"SN-SECRET-9", "Customer A", "Key under the mat", "Hidden Plant", "Hall Seven"}
		visitor := h.Browser()
		r, body := visitor.Get("/c/" + token)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine", "Modulfill", "Krones", "Needs attention", "Provider Ltd")
		webtest.WantNotContains(t, body, secret...)
		if r.Header.Get("X-Robots-Tag") != "noindex" {
			t.Errorf("scan page may be indexed: %q", r.Header.Get("X-Robots-Tag"))
		}
		// Customer B's member (signed in) stays on the public page.
		bb := h.LoggedIn("b_member")
		r, body = bb.Get("/c/" + token)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine", "Modulfill")
		webtest.WantNotContains(t, body, secret...)
		// So does another provider's agent.
		webtest.OtherProvider(t, h)
		xb := h.LoggedIn("x_agent")
		xb.IP = "192.0.2.77"
		r, body = xb.Get("/c/" + token)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantNotContains(t, body, secret...)
		// A's users and our staff go to the device page.
		for _, user := range []string{"a_member", "a_admin", "agent"} {
			b := h.LoggedIn(user)
			b.IP = "192.0.2.78"
			r, body := b.Get("/c/" + token)
			webtest.WantStatus(t, r, 303, body)
			if loc := r.Header.Get("Location"); loc != "/devices/"+webtest.SID(d) {
				t.Fatalf("%s scanning: redirected to %q", user, loc)
			}
			r, body = b.Get("/devices/" + webtest.SID(d))
			webtest.WantStatus(t, r, 200, body)
			webtest.WantContains(t, body, "SN-SECRET-9")
		}
		// Unknown codes: the friendly 404 page, whatever the token looks like.
		for _, tok := range []string{"AAAAAAAAAAAAAAAAAAAAAA", "x", strings.Repeat("z", 70), token[:21]} {
			r, body := visitor.Get("/c/" + tok)
			webtest.WantStatus(t, r, 404, body)
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("/c/%s: %q", tok, r.Header.Get("Content-Type"))
			}
			webtest.WantContains(t, body, "This code is not known")
		}
		// A new-style token in other letter case, grouped, is the same
		// token: its page moves to the canonical address.
		for _, typed := range []string{strings.ToLower(token), strings.ReplaceAll(strings.ToLower(device.GroupToken(token)), " ", "-")} {
			r, body := visitor.Get("/c/" + typed + "?x=1")
			webtest.WantStatus(t, r, 301, body)
			if loc := r.Header.Get("Location"); loc != "/c/"+token+"?x=1" {
				t.Errorf("/c/%s moves to %q", typed, loc)
			}
		}
		// Case matters for an older (base64url) token.
		old := mkDevice(t, h, h.Token("agent"), map[string]any{"customer_id": h.CustA.ID, "name": "Old label", "serial_number": "OLD-1"})
		const oldToken = "q9-Z_x0aB1cD2eF3gH4iJ5"
		_, err := h.DB.NewUpdate().Table("codes").Set("token = ?", oldToken).Where("id = ?", webtest.IDOf(old, "code_id")).Exec(context.Background())
		webtest.Must(t, err)
		r, body = visitor.Get("/c/" + oldToken)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Old label")
		if r, _ := visitor.Get("/c/" + swapCase(oldToken)); r.StatusCode != 404 {
			t.Fatalf("older token in swapped case: %d", r.StatusCode)
		}
	})
}

func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 32
		case r >= 'A' && r <= 'Z':
			return r + 32
		}
		return r
	}, s)
}

func TestScanPagePINIsAskedAndThrottled(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		d := scanDevice(t, h)
		token := d["code"].(string)
		resp, _ := h.API("PATCH", "/api/v1/codes/"+webtest.Itoa64(webtest.IDOf(d, "code_id")), h.Token("agent"), map[string]any{"pin": "2468"})
		if resp.StatusCode != 200 {
			t.Fatalf("set PIN: %d", resp.StatusCode)
		}
		page := "/c/" + token
		v := h.Browser()
		v.IP = "198.51.100.1"
		r, body := v.Get(page)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `name="pin"`, "Enter the PIN")
		webtest.WantNotContains(t, body, "Filler Nine", "Modulfill", "SN-SECRET-9")
		r, body = v.Post(page, page, url.Values{"pin": {"1111"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, "This PIN is not right.")
		webtest.WantNotContains(t, body, "Filler Nine", "Modulfill")
		r, body = v.Post(page, page, url.Values{"pin": {"2468"}})
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine", "Modulfill")
		webtest.WantNotContains(t, body, "SN-SECRET-9", "Customer A", "Key under the mat")
		// An overlong PIN is simply wrong.
		r, body = v.Post(page, page, url.Values{"pin": {strings.Repeat("9", 200)}})
		webtest.WantStatus(t, r, 422, body)

		// Five wrong PINs from one address lock that address out.
		attacker := h.Browser()
		attacker.IP = "198.51.100.66"
		csrf := attacker.CSRF(page)
		for i := 0; i < 5; i++ {
			r, body := attacker.Post(page, page, url.Values{"pin": {"000" + webtest.Itoa(i)}, "_csrf": {csrf}})
			webtest.WantStatus(t, r, 422, body)
		}
		for _, pin := range []string{"0009", "2468"} {
			r, body := attacker.Post(page, page, url.Values{"pin": {pin}, "_csrf": {csrf}})
			webtest.WantStatus(t, r, 429, body)
			webtest.WantNotContains(t, body, "Filler Nine", "Modulfill")
			if r.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
		// Another address is not affected.
		other := h.Browser()
		other.IP = "198.51.100.67"
		r, body = other.Post(page, page, url.Values{"pin": {"2468"}})
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine")
		// The lock ends with its window.
		h.Clock.Advance(16 * time.Minute)
		r, body = attacker.Post(page, page, url.Values{"pin": {"2468"}, "_csrf": {csrf}})
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine")
		// Without the CSRF token the form is refused.
		r, _ = h.Browser().Send(formRequest(page, url.Values{"pin": {"2468"}}))
		if r.StatusCode != 403 {
			t.Fatalf("PIN form without CSRF: %d", r.StatusCode)
		}
	})
}

func formRequest(path string, form url.Values) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestScanPageOfAnUnpairedCodeLetsStaffPair(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		_, batch := h.API("POST", "/api/v1/codes", agent, map[string]any{"count": 1})
		code := webtest.Items(t, batch)[0]
		token := code["token"].(string)
		page := "/c/" + token
		d := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Conveyor", "serial_number": "CV-42"})
		mkDevice(t, h, agent, map[string]any{"customer_id": h.CustB.ID, "name": "Conveyor B", "serial_number": "CV-43"})
		old := d["code"].(string)

		for i, b := range []*webtest.Browser{h.Browser(), h.LoggedIn("a_member"), h.LoggedIn("a_admin")} {
			b.IP = "203.0.113." + webtest.Itoa(10+i)
			r, body := b.Get(page + "?q=CV")
			webtest.WantStatus(t, r, 200, body)
			webtest.WantContains(t, body, "This code is not in use yet", "Provider Ltd")
			webtest.WantNotContains(t, body, "Pair this label", "Conveyor", "CV-42", `/pair"`)
		}
		// A customer cannot pair by posting the form anyway.
		cb := h.LoggedIn("a_admin")
		if r, _ := cb.Post("/", page+"/pair", url.Values{"device_id": {webtest.SID(d)}}); r.StatusCode != 404 {
			t.Fatalf("customer pairs: %d", r.StatusCode)
		}
		// Nor can another provider's agent, who sees the visitor's page.
		webtest.OtherProvider(t, h)
		xb := h.LoggedIn("x_agent")
		r, body := xb.Get(page)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "This code is not in use yet")
		if r, _ := xb.Post("/", page+"/pair", url.Values{"device_id": {webtest.SID(d)}}); r.StatusCode != 404 {
			t.Fatalf("other provider's agent pairs: %d", r.StatusCode)
		}
		// A visitor is sent to sign in.
		if r, _ := h.Browser().Post("/login", page+"/pair", url.Values{"device_id": {webtest.SID(d)}}); r.StatusCode != 303 ||
			!strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("visitor pairs: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent); g["code"] != old {
			t.Fatalf("refused pairings changed the device: %v", g)
		}

		// Our agent sees the pairing form, searches, pairs.
		ab := h.LoggedIn("agent")
		r, body = ab.Get(page)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Pair this label with a device", `name="q"`)
		r, body = ab.Get(page + "?q=cv-42")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Conveyor", "CV-42", `action="/c/`+token+`/pair"`, `name="device_id" value="`+webtest.SID(d)+`"`)
		webtest.WantNotContains(t, body, "CV-43")
		r, body = ab.Get(page + "?q=nothing-like-this")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantNotContains(t, body, "CV-42")
		// An unknown device is a form error on the same page.
		search := page + "?q=cv-42"
		r, body = ab.Post(search, page+"/pair", url.Values{"device_id": {"999999"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, "Pair this label with a device")
		r, body = ab.Post(search, page+"/pair", url.Values{"device_id": {webtest.SID(d)}})
		webtest.WantStatus(t, r, 303, body)
		if loc := r.Header.Get("Location"); loc != "/devices/"+webtest.SID(d) {
			t.Fatalf("pairing redirected to %q", loc)
		}
		g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent)
		if g["code"] != token || webtest.IDOf(g, "code_id") != webtest.IDOf(code) {
			t.Fatalf("device after pairing: %v", g)
		}
		r, body = ab.Get("/devices/" + webtest.SID(d))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "http://desk.test/c/"+token)
		// The device's former label no longer works; the new one does.
		v := h.Browser()
		v.IP = "203.0.113.99"
		r, body = v.Get("/c/" + old)
		webtest.WantStatus(t, r, 404, body)
		r, body = v.Get(page)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Conveyor")
		// A paired code cannot be paired again from its page.
		r, body = ab.Post("/devices/"+webtest.SID(d), page+"/pair", url.Values{"device_id": {webtest.SID(d)}})
		if r.StatusCode == 500 {
			t.Fatalf("pairing a paired code: 500\n%s", body)
		}
	})
}

func TestScanPagesAreRateLimitedPerAddress(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		d := scanDevice(t, h)
		page := "/c/" + d["code"].(string)
		b := h.Browser()
		b.IP = "198.51.100.200"
		for i := 0; i < web.ScanRateLimit; i++ {
			if r, body := b.Get(page); r.StatusCode != 200 {
				t.Fatalf("request %d: %d\n%s", i+1, r.StatusCode, body)
			}
		}
		r, body := b.Get(page)
		webtest.WantStatus(t, r, 429, body)
		webtest.WantNotContains(t, body, "Filler Nine")
		r, _ = b.Get("/c/AAAAAAAAAAAAAAAAAAAAAA")
		webtest.WantStatus(t, r, 429, "")
		other := h.Browser()
		other.IP = "198.51.100.201"
		r, body = other.Get(page)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Filler Nine")
		// The rest of the site is not limited for the busy address.
		r, body = b.Get("/login")
		webtest.WantStatus(t, r, 200, body)
	})
}

// ---------------------------------------------------------------------------
// CSV import and export over HTTP

const csvHeader = "customer,name,serial_number,manufacturer,model,category,site,location,status,installed_on,next_service_due\n"

func TestDeviceCSVImportAndExportOverTheAPI(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		post := func(body string) (*http.Response, map[string]any) {
			t.Helper()
			resp, raw := webtest.RawCall(t, h, "POST", "/api/v1/devices/import", agent, "text/csv; charset=utf-8", []byte(body))
			var m map[string]any
			if len(raw) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
				webtest.Must(t, json.Unmarshal(raw, &m))
			}
			return resp, m
		}
		good := csvHeader +
			"Customer A,Filling line 1,FL-0001,Krones,Modulfill,Filling,Plant Nord,Hall 2,operational,2024-03-01,2026-12-15\n" +
			"Customer B,Palletizer,PL-0002,KUKA,KR 180,Handling,Plant Süd,,needs_attention,,\n" +
			",Spare motor,SP-0003,,,,,,,,\n"
		resp, got := post(good)
		if resp.StatusCode != 201 || got["imported"] != float64(3) {
			t.Fatalf("good file: %d %v", resp.StatusCode, got)
		}
		webtest.CheckSchema(t, "ImportResult", got)
		_, list := h.API("GET", "/api/v1/devices?q=FL-0001", agent, nil)
		if its := webtest.Items(t, list); len(its) != 1 || webtest.IDOf(its[0], "customer_id") != h.CustA.ID || its[0]["next_service_due"] != "2026-12-15" ||
			its[0]["code"] == nil {
			t.Fatalf("imported device: %v", its)
		}
		if its := webtest.Items(t, webtest.APIGet(t, h, "/api/v1/devices?q=PL-0002", h.Token("b_member"))); len(its) != 1 || its[0]["status"] != "needs_attention" {
			t.Fatalf("B does not see its imported device: %v", its)
		}
		n := countDevices(t, h)

		// Wrong columns: problems on line 1, at the column.
		resp, p := post("nme,serial_number,colour\nPump,SN-9,red\n")
		errs := webtest.WantProblem(t, resp, p, 422, "nme", "name", "colour")
		for _, e := range errs {
			if e["line"] != float64(1) {
				t.Errorf("header problem not on line 1: %v", e)
			}
		}
		// A repeated serial (in other letter case) is reported at the repeating line; nothing is imported.
		resp, p = post(csvHeader +
			"Customer A,One,DUP-1,,,,,,,,\n" +
			"Customer A,Two,DUP-2,,,,,,,,\n" +
			"Customer A,Three,dup-1,,,,,,,,\n")
		errs = webtest.WantProblem(t, resp, p, 422, "serial_number")
		if len(errs) != 1 || errs[0]["line"] != float64(4) {
			t.Fatalf("repeated serial: %v", errs)
		}
		// Every bad row is reported; an existing serial too.
		resp, p = post(csvHeader +
			"Customer A,Fine,OK-1,,,,,,,,\n" +
			"Customer A,,NO-NAME,,,,,,,,\n" +
			"Nobody Inc,Stranger,ST-1,,,,,,,,\n" +
			"Customer A,Bad date,BD-1,,,,,,broken,2026-02-30,\n" +
			"Customer A,Taken,fl-0001,,,,,,,,\n" +
			"Customer A,Short\n")
		errs = webtest.WantProblem(t, resp, p, 422)
		want := map[string]bool{"3 name": true, "4 customer": true, "5 status": true, "5 installed_on": true, "6 serial_number": true, "7 file": true}
		for _, e := range errs {
			delete(want, fmt.Sprint(e["line"], " ", e["field"]))
		}
		if len(want) > 0 {
			t.Fatalf("problems missing %v in %v", want, errs)
		}
		if m := countDevices(t, h); m != n {
			t.Fatalf("a refused file imported %d devices", m-n)
		}
		// An empty file, and a header without rows.
		resp, p = post("")
		webtest.WantProblem(t, resp, p, 422)
		resp, p = post(csvHeader)
		webtest.WantProblem(t, resp, p, 422)
		// Too large a body.
		big := csvHeader + strings.Repeat("Customer A,Big,BIG-0,,,,,,,,\n", 10<<20/30)
		resp, raw := postOverTCP(t, h, "/api/v1/devices/import", agent, "text/csv", []byte(big))
		if resp.StatusCode != 413 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("10 MB body: %d %s\n%.300s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		}
		var pd map[string]any
		webtest.Must(t, json.Unmarshal(raw, &pd))
		if pd["status"] != float64(413) {
			t.Fatalf("10 MB body: %v", pd)
		}
		// Bigger than an import may be, but within the request limit.
		mid := csvHeader + strings.Repeat("Customer A,Mid,MID-0,,,,,,,,\n", 3<<20/29)
		resp, p = post(mid)
		if resp.StatusCode != 413 && resp.StatusCode != 422 {
			t.Fatalf("3 MB file: %d %v", resp.StatusCode, p)
		}
		if m := countDevices(t, h); m != n {
			t.Fatalf("refused files imported %d devices", m-n)
		}

		// Formula-like cells are kept as text, and neutralised in the export.
		resp, got = post("name,serial_number,manufacturer,model,site,notes,location\n" +
			"\"=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\",FORM-1,+Acme,-M1,@Plant,\"=1+2\",a;=1+2\n")
		if resp.StatusCode != 201 {
			t.Fatalf("formula file: %d %v", resp.StatusCode, got)
		}
		_, list = h.API("GET", "/api/v1/devices?q=FORM-1", agent, nil)
		dev := webtest.Items(t, list)[0]
		if dev["name"] != `=HYPERLINK("http://evil.test","x")` || dev["manufacturer"] != "+Acme" || dev["model"] != "-M1" ||
			dev["site"] != "@Plant" || dev["notes"] != "=1+2" || dev["location"] != "a;=1+2" {
			t.Fatalf("formula cells not kept as text: %v", dev)
		}
		resp, raw = webtest.RawCall(t, h, "GET", "/api/v1/devices/export?q=FORM-1", agent, "", nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		rows := readCSV(t, raw)
		if len(rows) != 2 {
			t.Fatalf("export of one device: %v", rows)
		}
		row := csvRow(rows, 1)
		for col, want := range map[string]string{"name": `'=HYPERLINK("http://evil.test","x")`, "manufacturer": "'+Acme",
			"model": "'-M1", "site": "'@Plant", "notes": "'=1+2", "location": "a;'=1+2", "serial_number": "FORM-1", "id": webtest.SID(dev)} {
			if row[col] != want {
				t.Errorf("export %s = %q, want %q", col, row[col], want)
			}
		}
		webtest.WantNoFormulaCells(t, string(raw))
		// The export honours the filters.
		for _, status := range []string{"needs_attention", "operational"} {
			resp, raw = webtest.RawCall(t, h, "GET", "/api/v1/devices/export?status="+status, agent, "", nil)
			rows = readCSV(t, raw)
			_, l := h.API("GET", "/api/v1/devices?limit=100&status="+status, agent, nil)
			if len(rows)-1 != len(webtest.Items(t, l)) || len(rows) < 2 {
				t.Fatalf("export status=%s: %d rows, list %d", status, len(rows)-1, len(webtest.Items(t, l)))
			}
			for i := 1; i < len(rows); i++ {
				if csvRow(rows, i)["status"] != status {
					t.Fatalf("export status=%s has %v", status, rows[i])
				}
			}
		}
		resp, p = h.API("GET", "/api/v1/devices/export?status=broken", agent, nil)
		webtest.WantProblem(t, resp, p, 422, "status")
		// A customer exports their company's devices only.
		resp, raw = webtest.RawCall(t, h, "GET", "/api/v1/devices/export", h.Token("b_member"), "", nil)
		rows = readCSV(t, raw)
		if resp.StatusCode != 200 || len(rows) != 2 || csvRow(rows, 1)["serial_number"] != "PL-0002" {
			t.Fatalf("B's export: %d %v", resp.StatusCode, rows)
		}
		// An exported file can be imported again (by another provider).
		webtest.OtherProvider(t, h)
		resp, raw = webtest.RawCall(t, h, "GET", "/api/v1/devices/export?sort=name", agent, "", nil)
		resp2, raw2 := webtest.RawCall(t, h, "POST", "/api/v1/devices/import", h.Token("x_agent"), "text/csv", raw)
		if resp2.StatusCode != 201 && resp2.StatusCode != 422 {
			t.Fatalf("re-import of an export: %d %s", resp2.StatusCode, raw2)
		}
		if resp2.StatusCode == 422 && !strings.Contains(string(raw2), `"customer"`) {
			t.Fatalf("re-import of an export refused for something else than our customers: %s", raw2)
		}
	})
}

// postOverTCP sends a request to the application served on a real port:
// the server refuses a body over the request limit before the handler runs,
// which app.Test reports as an error rather than an answer. The body is
// written while the answer is read, as the server may answer and close
// before taking it all.
func postOverTCP(t *testing.T, h *webtest.Harness, path, token, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	webtest.Must(t, err)
	go h.Server.Serve(ln)
	t.Cleanup(func() { h.Server.Shutdown(context.Background()) })
	conn, err := net.Dial("tcp", ln.Addr().String())
	webtest.Must(t, err)
	defer conn.Close()
	req, err := http.NewRequest("POST", "http://"+ln.Addr().String()+path, nil)
	webtest.Must(t, err)
	head := "POST " + path + " HTTP/1.1\r\nHost: " + ln.Addr().String() + "\r\nContent-Type: " + contentType +
		"\r\nAuthorization: Bearer " + token + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n"
	_, err = conn.Write([]byte(head))
	webtest.Must(t, err)
	go conn.Write(body) // may fail once the server has answered
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	webtest.Must(t, err)
	return resp, []byte(webtest.ReadBody(t, resp))
}

// readCSV parses an export.
func readCSV(t *testing.T, raw []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, raw)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(device.ExportColumns, ",") {
		t.Fatalf("export header: %v", rows)
	}
	return rows
}

// csvRow is row i of an export by column name.
func csvRow(rows [][]string, i int) map[string]string {
	out := map[string]string{}
	for j, col := range rows[0] {
		out[col] = rows[i][j]
	}
	return out
}

func TestDeviceImportPage(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("agent")
		r, body := b.Get("/devices/import")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `enctype="multipart/form-data"`, `name="file"`)

		r, body = uploadFile(b, "/devices/import", "/devices/import", "file", "bad.csv", []byte(csvHeader+
			"Customer A,Good,GD-1,,,,,,,,\n"+
			"Customer A,Twin,gd-1,,,,,,,,\n"+
			"Customer A,,NN-1,,,,,,,,\n"))
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, "import-problems", "serial_number")
		for _, line := range []string{"3", "4"} {
			if !regexp.MustCompile(`<td>\s*` + line + `\s*</td>`).MatchString(body) {
				t.Fatalf("problems table lacks line %s:\n%s", line, body)
			}
		}
		if n := countDevices(t, h); n != 0 {
			t.Fatalf("bad file imported %d devices", n)
		}
		// Without a file.
		req := httptest.NewRequest("POST", "/devices/import", strings.NewReader(url.Values{"_csrf": {b.CSRF("/devices/import")}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, body = b.Send(req)
		webtest.WantStatus(t, r, 422, body)

		r, body = uploadFile(b, "/devices/import", "/devices/import", "file", "good.csv", []byte(csvHeader+
			"Customer A,Good,GD-1,,,,,,,,\n"+
			"Customer B,Other,GD-2,,,,,,,,\n"))
		webtest.WantStatus(t, r, 303, body)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/devices") {
			t.Fatalf("import redirected to %q", loc)
		}
		if n := countDevices(t, h); n != 2 {
			t.Fatalf("%d devices after import, want 2", n)
		}
		r, body = b.Get(r.Header.Get("Location"))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "GD-1", "GD-2")
		// The upload needs the CSRF token.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "x.csv")
		fw.Write([]byte(csvHeader + "Customer A,Forged,FG-1,,,,,,,,\n"))
		mw.Close()
		req = httptest.NewRequest("POST", "/devices/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if r, _ := b.Send(req); r.StatusCode != 403 {
			t.Fatalf("upload without CSRF: %d", r.StatusCode)
		}
		if n := countDevices(t, h); n != 2 {
			t.Fatalf("forged upload imported: %d", n)
		}
		// Page export for a customer.
		mb := h.LoggedIn("a_member")
		r, body = mb.Get("/devices/export")
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(body, "GD-1") || strings.Contains(body, "GD-2") {
			t.Fatalf("A's page export: %d %v\n%s", r.StatusCode, r.Header, body)
		}
	})
}

// ---------------------------------------------------------------------------
// Pages

var pillCount = regexp.MustCompile(`class="pill pill-([a-z_]+)[^"]*"[^>]*>[^<]*<span class="pill-count">(\d+)</span>`)

func TestDevicePagesListFilterShowAndEdit(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		devs := fleet(t, h)
		mod := h.LoggedIn("a_moderator")
		r, body := mod.Get("/devices")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Alpha", "Bravo", "Charlie", "DE-300", "DE-301", "Echo", "Foxtrot")
		webtest.WantNotContains(t, body, "Golf", "GO-700")
		counts := map[string]string{}
		for _, m := range pillCount.FindAllStringSubmatch(body, -1) {
			counts[m[1]] = m[2]
		}
		wantCounts := map[string]string{"out_of_service": "2", "needs_attention": "2", "in_maintenance": "1", "operational": "1", "retired": "1"}
		if fmt.Sprint(counts) != fmt.Sprint(wantCounts) {
			t.Fatalf("status counts %v, want %v", counts, wantCounts)
		}
		if !regexp.MustCompile(`<span class="pill-count">7</span>`).MatchString(body) {
			t.Fatal("total count is not 7")
		}
		for _, c := range []struct {
			query     string
			want, not []string
		}{
			{"status=needs_attention", []string{"Alpha", "Bravo"}, []string{"Echo", "DE-300", "Charlie", "Golf"}},
			{"site=South", []string{"Alpha", "Charlie"}, []string{"Bravo", "Echo", "DE-300"}},
			{"q=de-30", []string{"DE-300", "DE-301"}, []string{"Alpha", "Echo"}},
			{"status=bogus&sort=bogus", []string{"Alpha", "Echo"}, nil},
			{"q=Golf", nil, []string{"GO-700"}},
		} {
			r, body := mod.Get("/devices?" + c.query)
			webtest.WantStatus(t, r, 200, body)
			webtest.WantContains(t, body, c.want...)
			webtest.WantNotContains(t, body, c.not...)
		}
		// Counts follow the other filters but not the status one.
		_, body = mod.Get("/devices?site=North&status=out_of_service")
		counts = map[string]string{}
		for _, m := range pillCount.FindAllStringSubmatch(body, -1) {
			counts[m[1]] = m[2]
		}
		if counts["out_of_service"] != "2" || counts["needs_attention"] != "1" || counts["operational"] != "1" {
			t.Fatalf("counts at site North: %v", counts)
		}
		// Staff see every customer's devices; a page of B's admin shows B's.
		_, body = h.LoggedIn("agent").Get("/devices")
		webtest.WantContains(t, body, "Golf", "Alpha", "Customer A", "Customer B")
		_, body = h.LoggedIn("b_admin").Get("/devices")
		webtest.WantContains(t, body, "Golf")
		webtest.WantNotContains(t, body, "Alpha", "Foxtrot")

		// The device page: details, QR image, history.
		echo := devs["EC-100"]
		resp, _ := h.API("PATCH", "/api/v1/devices/"+webtest.SID(echo), h.Token("a_moderator"), map[string]any{"status": "needs_attention"})
		if resp.StatusCode != 200 {
			t.Fatal("status change")
		}
		r, body = mod.Get("/devices/" + webtest.SID(echo))
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Echo", "EC-100", `src="/devices/`+webtest.SID(echo)+`/qr.png`, "http://desk.test/c/"+echo["code"].(string),
			"Device registered", "Label paired", "Status changed", "Agent Tester", "A_moderator Tester")
		if n := strings.Count(body, "<tr>") - 1; n < 3 {
			t.Fatalf("history has %d rows", n)
		}
		webtest.WantNotContains(t, body, "/devices/"+webtest.SID(echo)+"/delete", `action="/devices/`+webtest.SID(echo)+`/code"`)
		webtest.WantContains(t, body, `/devices/`+webtest.SID(echo)+`/edit`, `action="/devices/`+webtest.SID(echo)+`/status"`)

		// The moderator's form has no serial number, manufacturer or customer.
		r, body = mod.Get("/devices/" + webtest.SID(echo) + "/edit")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `name="name"`, `name="site"`, `name="status"`, `name="notes"`, `value="Echo"`)
		webtest.WantNotContains(t, body, `name="serial_number"`, `name="manufacturer"`, `name="customer_id"`, `name="installed_on"`)
		// A bad value re-renders the form with what was typed.
		r, body = mod.Post("/devices/"+webtest.SID(echo)+"/edit", "/devices/"+webtest.SID(echo), url.Values{"name": {""}, "site": {"Typed site"},
			"location": {"Typed location"}, "status": {"operational"}, "notes": {"Typed notes"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, `value="Typed site"`, `value="Typed location"`, "Typed notes", "field-error")
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(echo), h.Token("agent")); g["site"] != "North" {
			t.Fatalf("a refused form changed the device: %v", g)
		}

		// Staff form: a bad date keeps everything typed.
		ab := h.LoggedIn("agent")
		r, body = ab.Get("/devices/new")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, `name="serial_number"`, `name="customer_id"`, `name="installed_on"`)
		n := countDevices(t, h)
		r, body = ab.Post("/devices/new", "/devices", url.Values{"name": {"Typed name"}, "serial_number": {"SN-TYPED"},
			"customer_id": {webtest.Itoa64(h.CustA.ID)}, "manufacturer": {"Typed maker"}, "status": {"in_maintenance"},
			"installed_on": {"2026-02-30"}, "next_service_due": {"2027-05-05"}, "notes": {"Typed note"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, `value="Typed name"`, `value="SN-TYPED"`, `value="Typed maker"`, `value="2026-02-30"`,
			`value="2027-05-05"`, "Typed note", "field-error")
		if !regexp.MustCompile(`<option value="` + webtest.Itoa64(h.CustA.ID) + `" selected`).MatchString(body) {
			t.Error("the chosen customer is not kept")
		}
		if !regexp.MustCompile(`<option value="in_maintenance" selected`).MatchString(body) {
			t.Error("the chosen status is not kept")
		}
		if countDevices(t, h) != n {
			t.Fatal("a refused form created a device")
		}
		// A duplicate serial is an error at the field, not a 500.
		r, body = ab.Post("/devices/new", "/devices", url.Values{"name": {"Copy"}, "serial_number": {"ec-100"}, "status": {"operational"}})
		webtest.WantStatus(t, r, 409, body)
		webtest.WantContains(t, body, "Another device already has this serial number.", `value="ec-100"`)
		r, body = ab.Post("/devices/new", "/devices", url.Values{"name": {"Fresh"}, "serial_number": {"FR-1"}, "status": {"operational"},
			"customer_id": {webtest.Itoa64(h.CustB.ID)}})
		webtest.WantStatus(t, r, 303, body)
		if !strings.HasPrefix(r.Header.Get("Location"), "/devices/") {
			t.Fatalf("created device redirected to %q", r.Header.Get("Location"))
		}
	})
}

func TestDeviceAndCodeLabelSheets(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		a1 := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Label One", "serial_number": "LB-1"})
		a2 := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Label Two", "serial_number": "LB-2"})
		mb := h.LoggedIn("a_member")
		r, body := mb.Get("/devices/labels?id=" + webtest.SID(a1) + "&id=" + webtest.SID(a2))
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 2 {
			t.Fatalf("%d labels, want 2", n)
		}
		webtest.WantContains(t, body, "Label One", "Label Two", "S/N LB-1", "S/N LB-2")
		qrs := labelQR.FindAllStringSubmatch(body, -1)
		if len(qrs) != 2 {
			t.Fatalf("%d data:image/png QR images, want 2", len(qrs))
		}
		got := map[string]bool{}
		for _, m := range qrs {
			raw, err := base64.StdEncoding.DecodeString(m[1])
			webtest.Must(t, err)
			_, text := qrImage(t, raw)
			got[text] = true
		}
		for _, d := range []map[string]any{a1, a2} {
			if !got["http://desk.test/c/"+d["code"].(string)] {
				t.Fatalf("label QR codes %v lack %s", got, d["code"])
			}
		}
		// Comma lists work too; nonsense ids are skipped.
		r, body = mb.Get("/devices/labels?id=" + webtest.SID(a1) + "," + webtest.SID(a2) + "&id=abc&id=-1")
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 2 {
			t.Fatalf("comma list: %d labels", n)
		}
		r, body = mb.Get("/devices/labels")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Nothing to print")

		// The code list and a batch of labels.
		ab := h.LoggedIn("agent")
		r, body = ab.Get("/codes")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, shortToken(a1["code"].(string)), shortToken(a2["code"].(string)), "Label One")
		r, body = ab.Post("/codes", "/codes", url.Values{"count": {"4"}})
		webtest.WantStatus(t, r, 303, body)
		loc := r.Header.Get("Location")
		u, err := url.Parse(loc)
		webtest.Must(t, err)
		from, _ := strconv.ParseInt(u.Query().Get("from"), 10, 64)
		to, _ := strconv.ParseInt(u.Query().Get("to"), 10, 64)
		if u.Path != "/codes/labels" || from <= 0 || to-from != 3 {
			t.Fatalf("batch redirected to %q", loc)
		}
		r, body = ab.Get(loc)
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 4 {
			t.Fatalf("batch sheet has %d labels, want 4", n)
		}
		webtest.WantContains(t, body, "Provider Ltd", "data:image/png;base64,")
		_, unpaired := h.API("GET", "/api/v1/codes?state=unpaired", agent, nil)
		if n := len(webtest.Items(t, unpaired)); n != 4 {
			t.Fatalf("%d unpaired codes after the batch, want 4", n)
		}
		r, body = ab.Get("/codes?state=unpaired")
		webtest.WantStatus(t, r, 200, body)
		for _, c := range webtest.Items(t, unpaired) {
			webtest.WantContains(t, body, shortToken(c["token"].(string)))
		}
		webtest.WantNotContains(t, body, shortToken(a1["code"].(string)))
		// A bad count re-renders the form.
		for _, count := range []string{"0", "501", "x", ""} {
			r, body = ab.Post("/codes", "/codes", url.Values{"count": {count}})
			webtest.WantStatus(t, r, 422, body)
			webtest.WantContains(t, body, "Enter a number from 1 to 500.")
		}
		// Labels of codes chosen by id; a paired code is labelled with its device.
		r, body = ab.Get("/codes/labels?id=" + webtest.Itoa64(webtest.IDOf(a1, "code_id")) + "&id=" + webtest.Itoa64(from))
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 2 {
			t.Fatalf("%d labels, want 2", n)
		}
		webtest.WantContains(t, body, "Label One", "S/N LB-1")
		// A range too long for one sheet prints nothing rather than everything.
		r, body = ab.Get("/codes/labels?from=1&to=100000")
		webtest.WantStatus(t, r, 200, body)
		if n := labelCount(body); n != 0 {
			t.Fatalf("huge range printed %d labels", n)
		}
	})
}

// ---------------------------------------------------------------------------
// Unusable input

// Text the database cannot take (a NUL byte) is a 422 at the filter in the
// API and dropped by the pages, never a 500.
func TestDeviceFiltersWithUnusableTextAreNotServerErrors(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		d := mkDevice(t, h, agent, map[string]any{"customer_id": h.CustA.ID, "name": "Press", "serial_number": "PR-1",
			"site": "North", "category": "Presses"})
		_, batch := h.API("POST", "/api/v1/codes", agent, map[string]any{"count": 1})
		unpaired := webtest.Items(t, batch)[0]["token"].(string)
		ab, mb := h.LoggedIn("agent"), h.LoggedIn("a_member")
		for _, param := range []string{"q", "site", "category"} {
			for _, value := range []string{"%00", "Pr%00ess"} {
				query := param + "=" + value
				for _, path := range []string{"/api/v1/devices?", "/api/v1/devices/export?"} {
					resp, p := h.API("GET", path+query, agent, nil)
					webtest.WantProblem(t, resp, p, 422, param)
				}
				for _, b := range []*webtest.Browser{ab, mb} {
					r, body := b.Get("/devices?" + query)
					webtest.WantStatus(t, r, 200, body)
					webtest.WantContains(t, body, "PR-1")
					if r, _ := b.Get("/devices/export?" + query); r.StatusCode >= 500 {
						t.Fatalf("page export ?%s: %d", query, r.StatusCode)
					}
				}
			}
		}
		// The pairing search of a scanned label, and the pairing form.
		if r, body := ab.Get("/c/" + unpaired + "?q=%00"); r.StatusCode >= 500 {
			t.Fatalf("scan search with NUL: %d\n%s", r.StatusCode, body)
		}
		r, body := ab.Post("/devices/"+webtest.SID(d), "/devices/"+webtest.SID(d)+"/pair", url.Values{"code": {"\x00" + unpaired}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, `id="f-code"`, "field-error")
		if g := webtest.APIGet(t, h, "/api/v1/devices/"+webtest.SID(d), agent); g["code"] != d["code"] {
			t.Fatalf("device's code changed: %v", g)
		}
		// A token in the path is never unescaped into one.
		if r, _ := h.Browser().Get("/c/%00%00%00%00%00%00%00%00%00%00%00"); r.StatusCode != 404 {
			t.Fatalf("NUL token: %d", r.StatusCode)
		}
	})
}
