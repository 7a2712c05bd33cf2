package web_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/people"
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
