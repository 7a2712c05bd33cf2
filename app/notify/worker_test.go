package notify_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/db/dbtest"
	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
)

const from = "Backoffice <noreply@example.com>"

func newMailer(t *testing.T, url string) *notify.SMTPMailer {
	t.Helper()
	m, err := notify.NewSMTPMailer(url)
	if err != nil {
		t.Fatalf("NewSMTPMailer(%s): %v", url, err)
	}
	return m
}

func newWorker(t *testing.T, bdb *bun.DB, mailer notify.Mailer, c clock.Clock) *notify.Worker {
	return &notify.Worker{DB: bdb, Mailer: mailer, From: from, Clock: c,
		Log: slog.New(slog.NewTextHandler(t.Output(), nil))}
}

func runOnce(t *testing.T, w *notify.Worker, wantSent, wantFailed int) {
	t.Helper()
	sent, failed, err := w.RunOnce(t.Context())
	if err != nil || sent != wantSent || failed != wantFailed {
		t.Fatalf("RunOnce = %d sent, %d failed, %v; want %d, %d, nil", sent, failed, err, wantSent, wantFailed)
	}
}

func load(t *testing.T, ob *notify.Outbox, to string) *notify.Message {
	t.Helper()
	m, err := ob.LatestTo(t.Context(), to)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWorkerDelivers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		provider := newProvider(t, bdb, "Müller & Co")
		letter := notify.Letter{
			Greeting:    "Hallo Jürgen,",
			Paragraphs:  []string{"Sie wurden zu Müller & Co eingeladen."},
			ActionLabel: "Einladung annehmen",
			ActionURL:   "https://desk.example.com/invitations/abc123?lang=de",
			After:       []string{"Der Link ist 7 Tage gültig."},
			Signature:   "Müller & Co",
		}
		html, err := letter.HTML()
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, bdb, func(ctx context.Context) error {
			return ob.Enqueue(ctx, &notify.Message{ProviderID: &provider,
				Recipient: "Juergen@Example.com", RecipientName: "Jürgen Groß",
				Subject: "Einladung für Jürgen", BodyText: letter.Text(), BodyHTML: html})
		})
		if err != nil {
			t.Fatal(err)
		}

		clk.Advance(time.Second)
		w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
		runOnce(t, w, 1, 0)

		got := srv.Wait(t, "juergen@example.com", 2*time.Second)
		if got.Subject != "Einladung für Jürgen" {
			t.Errorf("Subject = %q", got.Subject)
		}
		if got.From != "noreply@example.com" || len(got.To) != 1 {
			t.Errorf("envelope = %s → %v", got.From, got.To)
		}
		if to, err := netmail.ParseAddress(got.Header.Get("To")); err != nil || to.Name != "Jürgen Groß" || !strings.EqualFold(to.Address, "juergen@example.com") {
			t.Errorf("To header %q = %v, %v", got.Header.Get("To"), to, err)
		}
		if f, err := netmail.ParseAddress(got.Header.Get("From")); err != nil || f.Name != "Backoffice" {
			t.Errorf("From header %q = %v, %v", got.Header.Get("From"), f, err)
		}
		if id := got.Header.Get("Message-ID"); !strings.HasSuffix(id, "@example.com>") {
			t.Errorf("Message-ID = %q", id)
		}
		if got.Header.Get("Date") == "" {
			t.Error("no Date header")
		}
		if got.Text != letter.Text() {
			t.Errorf("Text =\n%q\nwant\n%q", got.Text, letter.Text())
		}
		if link := got.Link("https://desk.example.com/invitations/"); link != letter.ActionURL {
			t.Errorf("Link = %q", link)
		}
		if !strings.Contains(got.HTML, `href="https://desk.example.com/invitations/abc123?lang=de"`) ||
			!strings.Contains(got.HTML, "Der Link ist 7 Tage gültig.") {
			t.Errorf("HTML part =\n%s", got.HTML)
		}

		m := load(t, ob, "juergen@example.com")
		if m.Status != notify.StatusSent || m.Attempts != 1 || m.LastError != "" || m.SentAt == nil || !m.SentAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("after delivery: %+v", m)
		}
		if n, _ := ob.Pending(ctx); n != 0 {
			t.Fatalf("Pending = %d", n)
		}
		runOnce(t, w, 0, 0)
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("server received %d messages; want 1", n)
		}
	})
}

func TestWorkerSendsTextOnlyAndAuthenticates(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		enqueue(t, ob, nil, "anna@example.com", "Plain")
		url := strings.Replace(srv.URL(), "smtp://", "smtp://user:s%40cret@", 1)
		runOnce(t, newWorker(t, bdb, newMailer(t, url), clk), 1, 0)
		got := srv.Wait(t, "anna@example.com", 2*time.Second)
		if strings.TrimSpace(got.Text) != "Hello" || got.HTML != "" || got.Subject != "Plain" || got.User != "user" {
			t.Fatalf("got %+v", got)
		}
	})
}

func TestWorkerRetriesWithBackoff(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		reg := prometheus.NewRegistry()
		w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
		w.Metrics = notify.NewMetrics(reg)
		enqueue(t, ob, nil, "anna@example.com", "Retry me")
		srv.FailNext(2)

		runOnce(t, w, 0, 1)
		m := load(t, ob, "anna@example.com")
		if m.Status != notify.StatusPending || m.Attempts != 1 || !m.NextAttemptAt.Equal(t0.Add(30*time.Second)) ||
			!strings.Contains(m.LastError, "451") {
			t.Fatalf("after first failure: %+v", m)
		}
		firstError := m.LastError
		clk.Advance(29 * time.Second)
		runOnce(t, w, 0, 0) // not due yet

		clk.Advance(time.Second)
		runOnce(t, w, 0, 1)
		m = load(t, ob, "anna@example.com")
		if m.Status != notify.StatusPending || m.Attempts != 2 || !m.NextAttemptAt.Equal(t0.Add(90*time.Second)) {
			t.Fatalf("after second failure: %+v", m)
		}

		clk.Advance(time.Minute)
		runOnce(t, w, 1, 0)
		m = load(t, ob, "anna@example.com")
		if m.Status != notify.StatusSent || m.Attempts != 3 || m.LastError != "" {
			t.Fatalf("after delivery: %+v", m)
		}
		got := srv.Wait(t, "anna@example.com", 2*time.Second)
		// go-mail names the Message-ID in its error: it stays the same across attempts.
		if id := got.Header.Get("Message-ID"); id == "" || !strings.Contains(firstError, id) {
			t.Errorf("Message-ID %q differs from the first attempt's: %s", id, firstError)
		}
		if got := counters(t, reg); got != "failed=0 retry=2 sent=1" {
			t.Fatalf("metrics: %s", got)
		}
	})
}

// counters renders backoffice_mail_deliveries_total by result.
func counters(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, f := range families {
		if f.GetName() != "backoffice_mail_deliveries_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			parts = append(parts, fmt.Sprintf("%s=%g", m.GetLabel()[0].GetValue(), m.GetCounter().GetValue()))
		}
	}
	return strings.Join(parts, " ")
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
		w.MaxAttempts = 3
		enqueue(t, ob, nil, "anna@example.com", "Doomed")
		srv.FailNext(100)
		for range 3 {
			runOnce(t, w, 0, 1)
			clk.Advance(time.Hour)
		}
		m := load(t, ob, "anna@example.com")
		if m.Status != notify.StatusFailed || m.Attempts != 3 || !strings.Contains(m.LastError, "451") || m.SentAt != nil {
			t.Fatalf("after %d attempts: %+v", m.Attempts, m)
		}
		runOnce(t, w, 0, 0)
		if n, _ := ob.Pending(t.Context()); n != 0 {
			t.Fatalf("Pending = %d", n)
		}
	})
}

// A password link is a credential: the outbox keeps it while the message
// waits, the recipient gets it, and once the worker is done with the message
// (delivered or given up) the stored copy holds the link without its token.
func TestWorkerRemovesLinkTokensWhenDone(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
		w.MaxAttempts = 2
		queue := func(to, token string) {
			t.Helper()
			l := notify.Letter{Greeting: "Hello Anna,", ActionLabel: "Choose a password",
				ActionURL: "https://desk.example.com/password/set?token=" + token, Signature: "Provider"}
			html, err := l.HTML()
			if err != nil {
				t.Fatal(err)
			}
			m := &notify.Message{Recipient: to, Subject: "Your link ?token=" + token, BodyText: l.Text(), BodyHTML: html}
			if err := ob.Enqueue(t.Context(), m); err != nil {
				t.Fatal(err)
			}
		}
		stored := func(to string) string {
			m := load(t, ob, to)
			return m.Subject + "\n" + m.BodyText + "\n" + m.BodyHTML
		}
		queue("anna@example.com", "pw_Secret-Token_1")
		srv.FailNext(1)
		runOnce(t, w, 0, 1)
		if got := stored("anna@example.com"); strings.Count(got, "pw_Secret-Token_1") != 5 {
			t.Fatalf("a message waiting for its next attempt lost its link:\n%s", got)
		}
		clk.Advance(time.Hour)
		runOnce(t, w, 1, 0)
		got := srv.Wait(t, "anna@example.com", 2*time.Second)
		if got.Link("https://desk.example.com/password/set?token=") != "https://desk.example.com/password/set?token=pw_Secret-Token_1" ||
			!strings.Contains(got.HTML, `href="https://desk.example.com/password/set?token=pw_Secret-Token_1"`) ||
			got.Subject != "Your link ?token=pw_Secret-Token_1" {
			t.Fatalf("delivered mail lacks the link: %q\n%s", got.Text, got.HTML)
		}
		kept := stored("anna@example.com")
		if strings.Contains(kept, "Secret-Token") || strings.Count(kept, "/password/set?token="+notify.RedactedLink) != 4 ||
			!strings.Contains(kept, "Hello Anna,") || !strings.HasPrefix(kept, "Your link ?token="+notify.RedactedLink+"\n") {
			t.Fatalf("delivered message kept as:\n%s", kept)
		}

		queue("ben@example.com", "inv_Never-Sent")
		srv.FailNext(2)
		runOnce(t, w, 0, 1)
		clk.Advance(time.Hour)
		runOnce(t, w, 0, 1)
		if m := load(t, ob, "ben@example.com"); m.Status != notify.StatusFailed || strings.Contains(stored("ben@example.com"), "Never-Sent") {
			t.Fatalf("given-up message %s kept as:\n%s", m.Status, stored("ben@example.com"))
		}
	})
}

func TestWorkerUnreachableServerIsRetry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()

		clk := clock.NewFake(t0)
		ob := notify.NewOutbox(bdb, clk)
		enqueue(t, ob, nil, "anna@example.com", "Nobody listens")
		runOnce(t, newWorker(t, bdb, newMailer(t, "smtp://"+addr), clk), 0, 1)
		m := load(t, ob, "anna@example.com")
		if m.Status != notify.StatusPending || m.Attempts != 1 || m.LastError == "" || !m.NextAttemptAt.Equal(t0.Add(30*time.Second)) {
			t.Fatalf("after unreachable server: %+v", m)
		}
	})
}

// mailerFunc adapts a function to notify.Mailer.
type mailerFunc func(ctx context.Context, from string, m *notify.Message) error

func (f mailerFunc) Send(ctx context.Context, from string, m *notify.Message) error {
	return f(ctx, from, m)
}

func TestWorkerRecordsOnlyItsOwnClaim(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		clk := clock.NewFake(t0)
		ob := notify.NewOutbox(bdb, clk)
		enqueue(t, ob, nil, "anna@example.com", "Slow")
		var calls int
		var second *notify.Worker
		mailer := mailerFunc(func(ctx context.Context, _ string, _ *notify.Message) error {
			calls++
			if calls == 1 {
				// The first worker's lease runs out mid-send; another claims
				// the message and delivers it.
				clk.Advance(notify.DefaultLease + time.Second)
				runOnce(t, second, 1, 0)
				return errors.New("too slow")
			}
			return nil
		})
		first := newWorker(t, bdb, mailer, clk)
		second = newWorker(t, bdb, mailer, clk)
		runOnce(t, first, 0, 1)
		m := load(t, ob, "anna@example.com")
		if m.Status != notify.StatusSent || m.Attempts != 2 || m.LastError != "" {
			t.Fatalf("late failure overwrote the delivery: %+v", m)
		}
	})
}

func TestWorkerRunWakes(t *testing.T) {
	var idle notify.Worker
	idle.Wake() // before Run and without one: must not block
	idle.Wake()

	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
		w.Interval = time.Hour
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.Run(ctx)
		}()
		enqueue(t, ob, nil, "anna@example.com", "Woken")
		w.Wake()
		srv.Wait(t, "anna@example.com", 5*time.Second)
		enqueue(t, ob, nil, "anna@example.com", "Woken again")
		w.Wake()
		if got := srv.Wait(t, "anna@example.com", 5*time.Second); got.Subject != "Woken again" {
			t.Fatalf("second mail = %q", got.Subject)
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
}

func TestWorkersDeliverEachMessageOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		ob := notify.NewOutbox(bdb, clk)
		const total = 30
		for i := range total {
			enqueue(t, ob, nil, fmt.Sprintf("user%02d@example.com", i), fmt.Sprintf("Message %d", i))
		}
		var wg sync.WaitGroup
		sentBy := make([]int, 2)
		errs := make([]error, 2)
		for i := range 2 {
			w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
			w.Batch = 4
			wg.Go(func() {
				for {
					sent, failed, err := w.RunOnce(ctx)
					sentBy[i] += sent
					if err != nil || failed > 0 {
						errs[i] = fmt.Errorf("RunOnce: %d failed, %v", failed, err)
						return
					}
					if sent == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: worker 1 sent %d, worker 2 sent %d", bdb.Dialect().Name(), sentBy[0], sentBy[1])

		seen, ids := map[string]int{}, map[string]bool{}
		for _, m := range srv.Messages() {
			ids[m.Header.Get("Message-ID")] = true
			for _, to := range m.To {
				seen[to]++
			}
		}
		if len(srv.Messages()) != total || len(seen) != total {
			t.Fatalf("server received %d messages for %d recipients; want %d each", len(srv.Messages()), len(seen), total)
		}
		if len(ids) != total {
			t.Errorf("%d distinct Message-IDs; want %d", len(ids), total)
		}
		for to, n := range seen {
			if n != 1 {
				t.Errorf("%s received %d messages", to, n)
			}
		}
		if sentBy[0]+sentBy[1] != total {
			t.Errorf("workers report %d sent", sentBy[0]+sentBy[1])
		}
		var unsent int
		if err := bdb.NewSelect().Model((*notify.Message)(nil)).ColumnExpr("count(*)").
			Where("status <> ? OR attempts <> 1", notify.StatusSent).Scan(ctx, &unsent); err != nil {
			t.Fatal(err)
		}
		if unsent != 0 {
			t.Fatalf("%d messages not sent exactly once", unsent)
		}
		if db.IsPostgres(bdb) && (sentBy[0] == 0 || sentBy[1] == 0) {
			t.Logf("one worker did all the work; the race was not exercised this time")
		}
	})
}

func TestBackoff(t *testing.T) {
	for attempts, want := range map[int]time.Duration{
		1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 4: 4 * time.Minute,
		7: 32 * time.Minute, 8: time.Hour, 100: time.Hour,
	} {
		if got := notify.Backoff(attempts); got != want {
			t.Errorf("Backoff(%d) = %v; want %v", attempts, got, want)
		}
	}
}

func TestNewSMTPMailer(t *testing.T) {
	for _, u := range []string{
		"smtp://mail.example.com", "smtp://user:pass@mail.example.com:587",
		"smtps://user:pass@mail.example.com", "smtp://localhost:1025?tls=none",
		"smtp://mail.example.com?tls=starttls",
	} {
		if _, err := notify.NewSMTPMailer(u); err != nil {
			t.Errorf("NewSMTPMailer(%s): %v", u, err)
		}
	}
	for _, u := range []string{
		"", "http://mail.example.com", "smtp://", "smtp://mail.example.com:0",
		"smtp://mail.example.com:x", "smtp://mail.example.com?tls=maybe", "smtps://mail.example.com?tls=none",
	} {
		if _, err := notify.NewSMTPMailer(u); err == nil {
			t.Errorf("NewSMTPMailer(%q) succeeded", u)
		}
	}
}
