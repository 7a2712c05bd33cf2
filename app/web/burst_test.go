package web

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
)

// Parallel bursts against the attempt limits that the pages share with the
// services (sign-in and PIN bursts are in app/auth and app/device).

// 100 parallel password-link requests for one email queue no more mail
// than the per-email limit allows.
func TestPasswordLinkBurst(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		email := h.users["a_member"].Email
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		start := make(chan struct{})
		for range 100 {
			wg.Go(func() {
				<-start
				err := h.srv.people.RequestPasswordLink(ctx, email, "198.51.100.20")
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
		n64, err := h.db.NewSelect().Table("outbox").Where("recipient = ?", email).Count(ctx)
		n := int(n64)
		must(t, err)
		t.Logf("burst of 100 link requests: %d accepted, %d mails queued", accepted, n)
		if accepted > people.LinkEmailLimit.Max || n > people.LinkEmailLimit.Max {
			t.Errorf("%d requests accepted and %d mails queued, limit %d", accepted, n, people.LinkEmailLimit.Max)
		}
	})
}

// 50 parallel posts of one valid report form from one address make no more
// tickets than the hourly limit.
func TestScanReportBurst(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d, err := h.srv.devices.Create(ctx, h.users["agent"], device.Input{CustomerID: h.custA.ID, Name: "Boiler", SerialNumber: "B-1"})
		must(t, err)
		page := "/c/" + d.Code.Token
		visitor := h.browser()
		visitor.ip = "198.51.100.21"
		_, body := visitor.get(page)
		m := reportFields.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no signed time on the report form")
		}
		form := url.Values{"t": {m[1]}, "sig": {m[2]}, "name": {"Jo Visitor"}, "email": {"jo@example.test"},
			"description": {"Water under the boiler"}, "_csrf": {visitor.csrf(page)}}
		h.clock.Advance(5 * time.Second)
		var wg sync.WaitGroup
		var mu sync.Mutex
		status := map[int]int{}
		start := make(chan struct{})
		for range 50 {
			wg.Go(func() {
				<-start
				req := httptest.NewRequest("POST", page+"/report", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", visitor.ip)
				req.RemoteAddr = "192.0.2.10:1234"
				for k, v := range visitor.cookies {
					req.Header.Add("Cookie", k+"="+v)
				}
				resp, err := h.srv.App().Test(req, -1)
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
		n64, err := h.db.NewSelect().Table("tickets").Count(ctx)
		n := int(n64)
		must(t, err)
		t.Logf("burst of 50 reports: answers %v, %d tickets", status, n)
		if n > reportLimit.Max || status[201] != n || status[201]+status[429] != 50 {
			t.Errorf("answers %v and %d tickets, limit %d", status, n, reportLimit.Max)
		}
	})
}
