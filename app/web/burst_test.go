package web_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/device"
	"backoffice/app/people"
	"backoffice/app/web"
	"backoffice/app/web/webtest"
)

// Parallel bursts against the attempt limits that the pages share with the
// services (sign-in and PIN bursts are in app/auth and app/device).

// 100 parallel password-link requests for one email queue no more mail
// than the per-email limit allows.
func TestPasswordLinkBurst(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		email := h.Users["a_member"].Email
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		start := make(chan struct{})
		for range 100 {
			wg.Go(func() {
				<-start
				err := h.Svc.People.RequestPasswordLink(ctx, email, "198.51.100.20")
				var tm *apperr.TooManyRequests
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					accepted++
				case !errors.As(err, &tm):
					t.Errorf("RequestPasswordLink: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		n64, err := h.DB.NewSelect().Table("outbox").Where("recipient = ?", email).Count(ctx)
		n := int(n64)
		webtest.Must(t, err)
		t.Logf("burst of 100 link requests: %d accepted, %d mails queued", accepted, n)
		if accepted > people.LinkEmailLimit.Max || n > people.LinkEmailLimit.Max {
			t.Errorf("%d requests accepted and %d mails queued, limit %d", accepted, n, people.LinkEmailLimit.Max)
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
		if n > web.ReportLimit.Max || status[201] != n || status[201]+status[429] != 50 {
			t.Errorf("answers %v and %d tickets, limit %d", status, n, web.ReportLimit.Max)
		}
	})
}
