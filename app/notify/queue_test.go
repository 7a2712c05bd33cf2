package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/db/dbtest"
	"backoffice/app/event"
	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
)

// jobs counts the delivery jobs in the queue.
func jobs(t *testing.T, bdb *bun.DB) int {
	t.Helper()
	var n int
	if err := bdb.NewRaw("SELECT count(*) FROM river_job WHERE kind = ?", notify.DeliverArgs{}.Kind()).Scan(t.Context(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A message queued in a transaction gets its delivery job in that
// transaction: a rollback leaves neither, a commit both, and the job queue
// delivers it and records the outcome on the outbox row, which stays the
// delivery log. A message queued without a job (before the queue took
// over) is adopted at start, so nothing queued is lost.
func TestQueueDeliversInTheMessagesTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		clk := clock.NewFake(t0)
		srv := smtptest.Start(t)
		w := newWorker(t, bdb, newMailer(t, srv.URL()), clk)
		workers := river.NewWorkers()
		w.AddTo(workers)
		q, err := event.NewQueue(bdb, event.QueueConfig{Workers: workers, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ob := notify.NewOutbox(bdb, clk)
		queued := ob.Through(q)

		// Before the queue: a message without a job.
		enqueue(t, ob, nil, "early@example.com", "Queued before")
		if n := jobs(t, bdb); n != 0 {
			t.Fatalf("%d jobs for a message queued without the queue", n)
		}

		abort := errors.New("abort")
		err = db.InTx(ctx, bdb, func(ctx context.Context) error {
			if err := queued.Enqueue(ctx, &notify.Message{Recipient: "gone@example.com", Subject: "Never", BodyText: "x"}); err != nil {
				return err
			}
			return abort
		})
		if !errors.Is(err, abort) || jobs(t, bdb) != 0 {
			t.Fatalf("rolled back: %v, %d jobs", err, jobs(t, bdb))
		}
		err = db.InTx(ctx, bdb, func(ctx context.Context) error {
			return queued.Enqueue(ctx, &notify.Message{Recipient: "anna@example.com", Subject: "Hello Anna", BodyText: "x"})
		})
		if err != nil || jobs(t, bdb) != 1 {
			t.Fatalf("committed: %v, %d jobs", err, jobs(t, bdb))
		}
		if n, err := w.Adopt(ctx, q); err != nil || n != 2 {
			t.Fatalf("Adopt = %d, %v; want the 2 pending messages", n, err)
		}
		if n := jobs(t, bdb); n != 2 {
			t.Fatalf("after Adopt: %d jobs; want one per message", n)
		}

		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(sctx)
		}()
		for _, to := range []string{"anna@example.com", "early@example.com"} {
			srv.Wait(t, to, 20*time.Second)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			a, b := load(t, ob, "anna@example.com"), load(t, ob, "early@example.com")
			if a.Status == notify.StatusSent && b.Status == notify.StatusSent {
				if a.Attempts != 1 || b.Attempts != 1 || !a.SentAt.Equal(t0) {
					t.Fatalf("delivery log: %+v / %+v", a, b)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("outbox rows not marked sent: %s / %s", a.Status, b.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := len(srv.Messages()); got != 2 {
			t.Fatalf("server received %d messages; want 2 (the rolled-back one never)", got)
		}
	})
}
