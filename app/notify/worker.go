package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/db"
)

// Worker defaults, used where a field is zero.
const (
	DefaultBatch       = 20
	DefaultInterval    = 5 * time.Second
	DefaultMaxAttempts = 8
	DefaultLease       = 2 * time.Minute
)

const (
	backoffBase   = 30 * time.Second
	backoffMax    = time.Hour
	maxErrorLen   = 1000
	recordTimeout = 10 * time.Second
)

// Worker delivers due outbox messages. Set the fields, then call Run (or
// RunOnce); Wake may be called at any time, also before Run or when no
// worker runs. Use it by pointer.
type Worker struct {
	DB          *bun.DB
	Mailer      Mailer
	From        string // header sender, e.g. "Backoffice <noreply@example.com>"
	Clock       clock.Clock
	Log         *slog.Logger
	Batch       int           // messages claimed per round; default 20
	Interval    time.Duration // pause between rounds; default 5s
	MaxAttempts int           // attempts before a message fails; default 8
	Lease       time.Duration // how long a claim keeps other workers away; default 2m
	Metrics     *Metrics      // optional

	once sync.Once
	wake chan struct{}
}

// Wake asks a running worker to start its next round now. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default:
	}
}

func (w *Worker) wakeChan() chan struct{} {
	w.once.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// Run delivers rounds of due messages until ctx ends, pausing Interval
// between rounds unless woken or the last round was full. Errors are logged,
// never fatal.
func (w *Worker) Run(ctx context.Context) {
	wake := w.wakeChan()
	for ctx.Err() == nil {
		full := w.round(ctx)
		if full {
			continue
		}
		timer := time.NewTimer(w.interval())
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// round runs RunOnce, logs its outcome and reports whether the batch was full.
func (w *Worker) round(ctx context.Context) (full bool) {
	defer func() {
		if r := recover(); r != nil {
			w.log().Error("mail worker panicked", "panic", r)
			full = false
		}
	}()
	sent, failed, err := w.RunOnce(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log().Error("mail worker round failed", "err", err)
		}
		return false
	}
	return sent+failed >= w.batch()
}

// RunOnce claims up to Batch due messages and tries to send each. sent
// counts the deliveries, failed the unsuccessful attempts, whether the
// message will be retried or has failed for good.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	if w.DB == nil || w.Mailer == nil {
		return 0, 0, errors.New("mail worker: DB and Mailer are required")
	}
	if _, err := mail.ParseAddress(w.From); err != nil {
		return 0, 0, fmt.Errorf("mail worker: sender %q: %w", w.From, err)
	}
	msgs, err := w.claim(ctx, 0)
	if err != nil {
		return 0, 0, err
	}
	// Stop sending well before the lease runs out, so that another worker
	// cannot claim a message this one is still sending.
	deadline := time.Now().Add(w.lease() / 2)
	for i, m := range msgs {
		if ctx.Err() != nil || time.Now().After(deadline) {
			w.release(ctx, msgs[i:])
			if ctx.Err() != nil {
				return sent, failed, ctx.Err()
			}
			break
		}
		sendErr := w.Mailer.Send(ctx, w.From, m)
		if sendErr != nil && ctx.Err() != nil {
			// Shutting down: the attempt did not count.
			w.release(ctx, msgs[i:])
			return sent, failed, ctx.Err()
		}
		if _, err := w.record(ctx, m, sendErr); err != nil {
			w.log().Error("record mail delivery", "id", m.ID, "err", err)
		}
		if sendErr == nil {
			sent++
		} else {
			failed++
		}
	}
	return sent, failed, nil
}

// claim takes the due messages of one round (only message onlyID when not
// 0): their next attempt moves past the lease and their attempt counter goes
// up, in one transaction. On PostgreSQL, SKIP LOCKED lets concurrent workers
// take disjoint rows; SQLite transactions start IMMEDIATE and so run one at a
// time.
func (w *Worker) claim(ctx context.Context, onlyID int64) ([]*Message, error) {
	now := w.now()
	var msgs []*Message
	err := w.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var ids []int64
		q := tx.NewSelect().Model((*Message)(nil)).Column("id").
			Where("status = ?", StatusPending).
			Where("next_attempt_at <= ?", now).
			OrderExpr("next_attempt_at, id").
			Limit(int64(w.batch()))
		if onlyID != 0 {
			q = q.Where("id = ?", onlyID)
		}
		db.LockSkipping(q)
		if err := q.Scan(ctx, &ids); err != nil {
			return fmt.Errorf("select due mail: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.NewUpdate().Model((*Message)(nil)).
			Set("attempts = attempts + 1").
			Set("next_attempt_at = ?", now.Add(w.lease())).
			Set("updated_at = ?", now).
			Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
			return fmt.Errorf("claim due mail: %w", err)
		}
		if err := tx.NewSelect().Model(&msgs).Where("id IN (?)", bun.In(ids)).Order("id").Scan(ctx); err != nil {
			return fmt.Errorf("load claimed mail: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return msgs, nil
}

// record stores the outcome of one attempt on m, but only while m is still
// this worker's claim, and returns when to try again (zero when done).
func (w *Worker) record(ctx context.Context, m *Message, sendErr error) (time.Time, error) {
	// The outcome must be stored even when ctx ends right after a delivery,
	// or the message would go out twice.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := w.now()
	q := w.DB.NewUpdate().Model((*Message)(nil)).
		Set("updated_at = ?", now).
		Where("id = ?", m.ID).
		Where("attempts = ?", m.Attempts).
		Where("status = ?", StatusPending)
	var (
		result string
		next   time.Time
	)
	switch {
	case sendErr == nil:
		result = "sent"
		q = withoutTokens(q.Set("status = ?", StatusSent).Set("sent_at = ?", now).Set("last_error = ''"), m)
	case m.Attempts >= w.maxAttempts():
		result = "failed"
		q = withoutTokens(q.Set("status = ?", StatusFailed).Set("last_error = ?", errorText(sendErr)), m)
		w.log().Warn("mail delivery failed for good", "id", m.ID, "attempts", m.Attempts, "err", sendErr)
	default:
		result = "retry"
		next = now.Add(Backoff(m.Attempts))
		q = q.Set("next_attempt_at = ?", next).Set("last_error = ?", errorText(sendErr))
		w.log().Info("mail delivery failed, will retry", "id", m.ID, "attempts", m.Attempts, "next", next, "err", sendErr)
	}
	w.Metrics.observe(result)
	res, err := q.Exec(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("record %s of mail %d: %w", result, m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		w.log().Warn("mail claim lost before its outcome was recorded", "id", m.ID, "result", result)
		return time.Time{}, nil
	}
	return next, nil
}

// release hands claimed but unattempted messages back: due now, and the
// attempt not counted.
func (w *Worker) release(ctx context.Context, msgs []*Message) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := w.now()
	for _, m := range msgs {
		if _, err := w.DB.NewUpdate().Model((*Message)(nil)).
			Set("attempts = attempts - 1").
			Set("next_attempt_at = ?", now).
			Set("updated_at = ?", now).
			Where("id = ?", m.ID).
			Where("attempts = ?", m.Attempts).
			Where("status = ?", StatusPending).
			Exec(ctx); err != nil {
			w.log().Error("release mail claim", "id", m.ID, "err", err)
		}
	}
}

// RedactedLink stands in for the token of a link in a delivered message.
const RedactedLink = "[link removed after delivery]"

// tokenParam matches the token parameter of a link (invitation, set-password
// and reset links), in text and in HTML.
var tokenParam = regexp.MustCompile(`((?:[?&]|&amp;)token=)[^&\s"'<>]+`)

// withoutTokens stores m's subject and bodies with the tokens of their links
// replaced by RedactedLink. Once the worker is done with a message, delivered
// or given up, it stays for the delivery log, but its links are credentials
// that only the recipient may hold.
func withoutTokens(q *bun.UpdateQuery, m *Message) *bun.UpdateQuery {
	redact := func(s string) string { return tokenParam.ReplaceAllString(s, "${1}"+RedactedLink) }
	return q.Set("subject = ?", redact(m.Subject)).Set("body_text = ?", redact(m.BodyText)).Set("body_html = ?", redact(m.BodyHTML))
}

// Backoff is the pause after the given number of failed attempts: 30s
// doubling each time, at most an hour.
func Backoff(attempts int) time.Duration {
	d := backoffBase
	for i := 1; i < attempts && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// errorText makes an error fit last_error: valid UTF-8, no NUL (which
// PostgreSQL refuses in text) and at most maxErrorLen characters.
func errorText(err error) string {
	s := strings.ToValidUTF8(err.Error(), "?")
	s = strings.ReplaceAll(s, "\x00", "")
	if utf8.RuneCountInString(s) <= maxErrorLen {
		return s
	}
	return string([]rune(s)[:maxErrorLen])
}

func (w *Worker) now() time.Time {
	if w.Clock == nil {
		return clock.System{}.Now()
	}
	return w.Clock.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

func (w *Worker) batch() int {
	if w.Batch <= 0 {
		return DefaultBatch
	}
	return w.Batch
}

func (w *Worker) interval() time.Duration {
	if w.Interval <= 0 {
		return DefaultInterval
	}
	return w.Interval
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return w.MaxAttempts
}

func (w *Worker) lease() time.Duration {
	if w.Lease <= 0 {
		return DefaultLease
	}
	return w.Lease
}

// Metrics counts delivery attempts for Prometheus.
type Metrics struct {
	deliveries *prometheus.CounterVec
}

// NewMetrics registers backoffice_mail_deliveries_total{result} on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_mail_deliveries_total",
		Help: "Mail delivery attempts by result: sent, retry or failed (given up).",
	}, []string{"result"})}
	for _, r := range []string{"sent", "retry", "failed"} {
		m.deliveries.WithLabelValues(r)
	}
	reg.MustRegister(m.deliveries)
	return m
}

func (m *Metrics) observe(result string) {
	if m != nil {
		m.deliveries.WithLabelValues(result).Inc()
	}
}
