package deviceweb_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

var reportFields = regexp.MustCompile(`name="t" value="([0-9]+)".*?name="sig" value="([^"]+)"`)

// Anyone who scans a label can report a problem: it becomes a qr-channel
// ticket of the device's company, read-only for the company; forms posted
// at once, with the hidden field filled, replayed late or forged are
// refused, and an address may report 5 times an hour.
func TestScanPageReportsAProblem(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		d, err := h.Svc.Devices.Create(ctx, h.Users["agent"], device.Input{CustomerID: h.CustA.ID, Name: "Boiler", SerialNumber: "B-1"})
		webtest.Must(t, err)
		page := "/c/" + d.Code.Token
		visitor := h.Browser()
		visitor.IP = "198.51.100.7"
		form := func() url.Values {
			_, body := visitor.Get(page)
			webtest.WantContains(t, body, `action="/c/`+d.Code.Token+`/report"`)
			m := reportFields.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no signed time on the report form")
			}
			return url.Values{"t": {m[1]}, "sig": {m[2]}, "name": {"Jo Visitor"}, "email": {"a_member@A.test"},
				"description": {"Water under the boiler\nSince this morning."}}
		}
		post := func(v url.Values) (int, string) {
			resp, body := visitor.Post(page, page+"/report", v)
			return resp.StatusCode, body
		}

		v := form()
		if st, body := post(v); st != 422 || !strings.Contains(body, "very quick") {
			t.Fatalf("an instant post: %d", st)
		}
		h.Clock.Advance(5 * time.Second)
		hp := form()
		h.Clock.Advance(5 * time.Second)
		hp.Set("website", "http://spam")
		if st, _ := post(hp); st != 422 {
			t.Fatalf("honeypot filled: %d", st)
		}
		forged := form()
		h.Clock.Advance(5 * time.Second)
		forged.Set("t", "1")
		if st, _ := post(forged); st != 422 {
			t.Fatalf("forged time: %d", st)
		}
		bad := form()
		h.Clock.Advance(5 * time.Second)
		bad.Set("email", "not-an-email")
		bad.Set("description", "")
		st, body := post(bad)
		if st != 422 || !strings.Contains(body, `id="err-email"`) || !strings.Contains(body, `id="err-description"`) {
			t.Fatalf("bad input: %d", st)
		}
		if n, _ := h.DB.NewSelect().Table("tickets").Count(ctx); n != 0 {
			t.Fatalf("%d tickets after refused reports", n)
		}

		st, body = post(v) // the first form, now 20 s old
		if st != 201 {
			t.Fatalf("report: %d\n%s", st, body)
		}
		webtest.WantContains(t, body, "#1001")
		resp, m := h.API("GET", "/api/v1/tickets?device_id="+webtest.Itoa64(d.ID), h.Token("agent"), nil)
		webtest.WantStatus(t, resp, 200, "")
		items := m["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("the agent sees %d tickets", len(items))
		}
		tk := items[0].(map[string]any)
		if tk["channel"] != "qr" || tk["subject"] != "Water under the boiler" || tk["customer_id"] != float64(h.CustA.ID) ||
			tk["requester_id"] != float64(h.Users["a_member"].ID) {
			t.Fatalf("ticket %v", tk)
		}
		// The company reads it but continues it only through the provider.
		id := webtest.Itoa64(int64(tk["id"].(float64)))
		resp, _ = h.API("GET", "/api/v1/tickets/"+id, h.Token("a_admin"), nil)
		webtest.WantStatus(t, resp, 200, "")
		resp, _ = h.API("POST", "/api/v1/tickets/"+id+"/messages", h.Token("a_admin"), map[string]any{"body": "hi"})
		webtest.WantStatus(t, resp, 403, "")
		resp, _ = h.API("GET", "/api/v1/tickets/"+id, h.Token("b_admin"), nil)
		webtest.WantStatus(t, resp, 404, "")

		// Four more reports pass, the sixth in the hour is refused.
		for i := 0; i < 5; i++ {
			f := form()
			h.Clock.Advance(5 * time.Second)
			st, _ := post(f)
			if want := map[bool]int{true: 201, false: 429}[i < 4]; st != want {
				t.Fatalf("report %d: %d, want %d", i+2, st, want)
			}
		}
		// A form older than two hours is refused.
		old := form()
		h.Clock.Advance(3 * time.Hour)
		if st, _ := post(old); st != 422 {
			t.Fatalf("stale form: %d", st)
		}
	})
}

// 50 parallel posts of one valid report form from one address make no more
// tickets than the hourly limit.
func TestScanReportBurst(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		d, err := h.Svc.Devices.Create(ctx, h.Users["agent"], device.Input{CustomerID: h.CustA.ID, Name: "Boiler", SerialNumber: "B-1"})
		webtest.Must(t, err)
		page := "/c/" + d.Code.Token
		visitor := h.Browser()
		visitor.IP = "198.51.100.21"
		_, body := visitor.Get(page)
		m := reportFields.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no signed time on the report form")
		}
		form := url.Values{"t": {m[1]}, "sig": {m[2]}, "name": {"Jo Visitor"}, "email": {"jo@example.test"},
			"description": {"Water under the boiler"}, "_csrf": {visitor.CSRF(page)}}
		h.Clock.Advance(5 * time.Second)
		var wg sync.WaitGroup
		var mu sync.Mutex
		status := map[int]int{}
		start := make(chan struct{})
		for range 50 {
			wg.Go(func() {
				<-start
				req := httptest.NewRequest("POST", page+"/report", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", visitor.IP)
				req.RemoteAddr = "192.0.2.10:1234"
				for k, v := range visitor.Cookies {
					req.Header.Add("Cookie", k+"="+v)
				}
				resp, err := h.Server.App().Test(req, -1)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("post: %v", err)
					return
				}
				status[resp.StatusCode]++
			})
		}
		close(start)
		wg.Wait()
		n64, err := h.DB.NewSelect().Table("tickets").Count(ctx)
		n := int(n64)
		webtest.Must(t, err)
		t.Logf("burst of 50 reports: answers %v, %d tickets", status, n)
		if n > ticket.ReportLimit.Max || status[201] != n || status[201]+status[429] != 50 {
			t.Errorf("answers %v and %d tickets, limit %d", status, n, ticket.ReportLimit.Max)
		}
	})
}
