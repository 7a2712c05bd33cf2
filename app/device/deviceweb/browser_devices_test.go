package deviceweb_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"backoffice/app/caller"
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/web/webtest"
)

// decodeQR reads the text of a QR code image.
func decodeQR(t *testing.T, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	webtest.Must(t, err)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	webtest.Must(t, err)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	webtest.Must(t, err)
	return res.GetText()
}

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// A customer's moderator finds a device among many by its serial number,
// edits it, prints its label (one clean A4 page), and a phone scanning
// that label reaches the device's page once signed in.
func TestBrowserModeratorFindsEditsPrintsAndScansADevice(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	bg := context.Background()
	agent := h.Users["agent"]
	var target *device.Device
	for i, st := range []string{"operational", "needs_attention", "out_of_service", "in_maintenance", "operational", "retired",
		"operational", "operational", "needs_attention", "operational", "operational", "operational"} {
		d, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: "Pump " + webtest.Itoa(i+1),
			SerialNumber: "SN-A-" + webtest.Itoa(1000+i), Manufacturer: "Grundfos", Model: "CR 10", Category: "Pumps",
			Site: []string{"Plant North", "Plant South"}[i%2], Location: "Hall " + webtest.Itoa(i%3+1), Status: st,
			NextServiceDue: "2026-12-0" + webtest.Itoa(i%9+1)})
		webtest.Must(t, err)
		if i == 7 {
			target = d
		}
	}
	_, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustB.ID, Name: "Foreign pump", SerialNumber: "SN-B-1"})
	webtest.Must(t, err)

	webtest.Must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users["a_moderator"].Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		chromedp.Click(chromedp.CSS(`.sidebar a[href="/devices"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.device-table")),
	))
	webtest.WaitText(t, ctx, ".status-pills", "12")
	webtest.Shoot(t, ctx, "devices-moderator-laptop")
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	webtest.Must(t, err)
	if strings.Contains(body, "Foreign pump") {
		t.Fatal("customer B's device is listed for customer A")
	}
	// Find it by serial number.
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#q"), "sn-a-1007"),
		chromedp.Submit(chromedp.CSS("#q")),
	))
	// The search reloads the page; wait for the new one.
	var rows []*chromedp.Node
	for i := 0; i < 50; i++ {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		if strings.Contains(loc, "q=sn-a-1007") {
			rows, err = chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("table.device-table tbody tr")))
			webtest.Must(t, err)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(rows) != 1 {
		t.Fatalf("search by serial shows %d rows, want 1", len(rows))
	}
	webtest.Must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`a[href="/devices/`+webtest.Itoa64(target.ID)+`"]`))))
	// Open, edit, save.
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/devices/`+webtest.Itoa64(target.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".qr-box img")),
		chromedp.Click(chromedp.CSS(`a[href="/devices/`+webtest.Itoa64(target.ID)+`/edit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-location")),
	))
	if n, _ := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#f-serial_number"), chromedp.AtLeast(0))); len(n) != 0 {
		t.Fatal("a moderator's edit form offers the serial number")
	}
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-location"), "Hall 9, bay 4"),
		chromedp.Click(chromedp.CSS(`form[action="/devices/`+webtest.Itoa64(target.ID)+`"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	webtest.WaitText(t, ctx, ".facts", "Hall 9, bay 4")
	webtest.WaitText(t, ctx, "table.table", "Hall 9, bay 4")
	webtest.Shoot(t, ctx, "device-moderator-laptop")

	// Print its label: one A4 page whose QR code carries the scan URL.
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.page-header a[href="/devices/labels?id=`+webtest.Itoa64(target.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".sheet .label")),
	))
	webtest.WaitText(t, ctx, ".label", "SN-A-1007")
	webtest.Shoot(t, ctx, "labels-laptop")
	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(".label-qr"), "src"))
	webtest.Must(t, err)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src.Value, "data:image/png;base64,"))
	webtest.Must(t, err)
	scanURL := decodeQR(t, raw)
	d, err := h.Svc.Devices.Device(bg, agent, target.ID)
	webtest.Must(t, err)
	if scanURL != base+"/c/"+d.Code.Token {
		t.Fatalf("label QR says %q, want the device's scan URL", scanURL)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	webtest.Must(t, err)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdfPage.FindAll(pdf, -1)) != 1 {
		t.Fatalf("label sheet printed %d pages (%d bytes), want 1", len(pdfPage.FindAll(pdf, -1)), len(pdf))
	}
	// A full sheet of 21 labels is still one page; 22 need two.
	ids := "/devices/labels?"
	for i := 0; i < 12; i++ {
		ids += "id=" + webtest.Itoa64(target.ID-7+int64(i)) + "&"
	}
	webtest.Must(t, chromedp.Do(ctx, chromedp.Navigate(base+ids), chromedp.WaitVisible(chromedp.CSS(".sheet .label"))))
	labels, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(".sheet .label")))
	webtest.Must(t, err)
	if len(labels) != 12 {
		t.Fatalf("sheet of the company's 12 devices shows %d labels", len(labels))
	}
	webtest.Shoot(t, ctx, "labels-sheet-laptop")

	// A phone scans the label: a visitor sees the public page, the
	// moderator signs in and lands on the device page.
	phone := webtest.Chromium(t)
	webtest.Must(t, chromedp.Do(phone,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(scanURL),
		chromedp.WaitVisible(chromedp.CSS(".scan-card h1")),
	))
	webtest.WaitText(t, phone, ".scan-card h1", "Pump 8")
	webtest.WaitText(t, phone, ".scan-card", "Provider Ltd")
	webtest.Shoot(t, phone, "scan-visitor-phone")
	if txt, _ := chromedp.Run(phone, chromedp.Text(chromedp.CSS(".scan-card"))); strings.Contains(txt, "SN-A-1007") || strings.Contains(txt, "Customer A") {
		t.Fatalf("the public page shows customer data: %q", txt)
	}
	webtest.Must(t, chromedp.Do(phone,
		chromedp.Click(chromedp.CSS(`.scan-card a[href^="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), h.Users["a_moderator"].Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".qr-box")),
	))
	loc, err := chromedp.Run(phone, chromedp.Location())
	webtest.Must(t, err)
	if loc != base+"/devices/"+webtest.Itoa64(target.ID) {
		t.Fatalf("scanning signed in lands on %s", loc)
	}
	webtest.Shoot(t, phone, "device-moderator-phone")
	webtest.Must(t, chromedp.Do(phone, chromedp.Navigate(base+"/devices"), chromedp.WaitVisible(chromedp.CSS("table.device-table"))))
	webtest.Shoot(t, phone, "devices-moderator-phone")
}

// The staff pages of devices and codes render at laptop and phone width.
func TestBrowserStaffDevicePages(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	bg := context.Background()
	agent := h.Users["agent"]
	d, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: "Compressor", SerialNumber: "C-1",
		Manufacturer: "Kaeser", Model: "SFC 22", Site: "Plant North", Status: "needs_attention", NextServiceDue: "2026-11-30"})
	webtest.Must(t, err)
	_, err = h.Svc.Devices.CreateCodes(bg, agent, 3)
	webtest.Must(t, err)
	code, err := h.Svc.Devices.CreateCodes(bg, agent, 1)
	webtest.Must(t, err)
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), agent.Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), webtest.Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
	))
	pages := []struct{ path, sel string }{
		{"/devices", "table.device-table"},
		{"/devices/" + webtest.Itoa64(d.ID), ".qr-box"},
		{"/devices/new", "#f-serial_number"},
		{"/devices/" + webtest.Itoa64(d.ID) + "/edit", "#f-customer_id"},
		{"/devices/import", "#f-file"},
		{"/codes", "table.table"},
		{"/codes/labels?from=" + webtest.Itoa64(code[0].ID-3) + "&to=" + webtest.Itoa64(code[0].ID), ".sheet .label"},
		{"/c/" + code[0].Token, ".scan-card h1"}, // saved as staff-scan-unpaired
	}
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		for _, pg := range pages {
			webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel))))
			name := strings.NewReplacer("/", "-", "?", "-", "=", "-", "&", "-").Replace(pg.path)
			if strings.HasPrefix(pg.path, "/c/") {
				name = "-scan-unpaired"
			}
			webtest.Shoot(t, ctx, "staff"+name+"-"+w.name)
		}
	}
	// A bad CSV file shows its problems by line and column.
	bad := filepath.Join(t.TempDir(), "devices.csv")
	webtest.Must(t, os.WriteFile(bad, []byte("name,serial_number,colour\nPump,P-1,red\n,P-2,blue\n"), 0o644))
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+"/devices/import"),
			chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{bad})))
		webtest.ClickAndLoad(t, ctx, `form[action="/devices/import"] button[type=submit]`)
		webtest.WaitText(t, ctx, ".import-problems", "colour")
		webtest.Shoot(t, ctx, "staff-devices-import-problems-"+w.name)
	}
	// The agent pairs the scanned spare label with the compressor.
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/c/"+code[0].Token+"?q=C-1"),
		chromedp.WaitVisible(chromedp.CSS(".pair-list button")),
		chromedp.Click(chromedp.CSS(".pair-list button")),
		chromedp.WaitVisible(chromedp.CSS(".qr-box")),
	))
	webtest.WaitText(t, ctx, ".flash", "Compressor")
	got, err := h.Svc.Devices.Device(bg, agent, d.ID)
	webtest.Must(t, err)
	if got.Code == nil || got.Code.Token != code[0].Token {
		t.Fatal("pairing by scanning did not give the device the scanned code")
	}
}

// The public scan page in each of its states, and the provider's settings,
// render at laptop and phone width.
func TestBrowserScanStatesAndSettings(t *testing.T) {
	ctx := webtest.Chromium(t)
	h, base := webtest.Served(t)
	bg := context.Background()
	agent := h.Users["agent"]
	mk := func(name, serial string) *device.Device {
		d, err := h.Svc.Devices.Create(bg, agent, device.Input{CustomerID: h.CustA.ID, Name: name, SerialNumber: serial,
			Manufacturer: "Viessmann", Model: "Vitodens 200", Status: "needs_attention"})
		webtest.Must(t, err)
		return d
	}
	plain, pinned, off := mk("Boiler hall 2", "B-2"), mk("Boiler hall 3", "B-3"), mk("Boiler hall 4", "B-4")
	pin, no := "2468", false
	_, err := h.Svc.Devices.UpdateCode(bg, agent, pinned.Code.ID, device.CodeChange{PIN: &pin})
	webtest.Must(t, err)
	_, err = h.Svc.Devices.UpdateCode(bg, agent, off.Code.ID, device.CodeChange{Active: &no})
	webtest.Must(t, err)
	_, err = h.Svc.People.UpdateOrganization(bg, actorOf(h, "admin"), orgInput(h, "+49 40 555 0100", "Dock 4\nHamburg"))
	webtest.Must(t, err)
	pages := []struct{ name, path, sel string }{
		{"device", "/c/" + plain.Code.Token, ".scan-report"},
		{"pin", "/c/" + pinned.Code.Token, "#f-pin"},
		{"inactive", "/c/" + off.Code.Token, ".scan-card h1"},
		{"unknown", "/c/does-not-exist-xyz", ".scan-card h1"},
	}
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		for _, pg := range pages {
			webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.sel))))
			webtest.Shoot(t, ctx, "scan-"+pg.name+"-"+w.name)
		}
	}
	// A visitor reports a problem.
	webtest.Must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/c/"+plain.Code.Token),
		chromedp.Click(chromedp.CSS(".scan-report summary")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Jo Visitor"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "jo@example.com"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "Water under the boiler"),
	))
	webtest.Shoot(t, ctx, "scan-report-form-phone")
	h.Clock.Advance(10 * time.Second)
	webtest.ClickAndLoad(t, ctx, `form[action$="/report"] button[type=submit]`)
	webtest.WaitText(t, ctx, ".scan-card", "#1001")
	webtest.Shoot(t, ctx, "scan-reported-phone")

	webtest.BrowserLogin(t, ctx, base, h.Users["admin"].Email)
	for _, w := range []struct {
		name string
		w, h int64
	}{{"laptop", 1366, 900}, {"phone", 390, 844}} {
		webtest.Must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w.w, w.h), chromedp.Navigate(base+"/settings/organization"), chromedp.WaitVisible(chromedp.CSS("#f-phone"))))
		webtest.Shoot(t, ctx, "settings-organization-"+w.name)
	}
}

func actorOf(h *webtest.Harness, name string) *caller.Caller {
	return h.Users[name]
}

// orgInput is the provider's details with the given phone and address.
func orgInput(h *webtest.Harness, phone, address string) org.CustomerInput {
	return org.CustomerInput{Name: h.Provider.Name, EmailDomains: []string{"provider.test"}, Phone: phone, Address: address}
}
