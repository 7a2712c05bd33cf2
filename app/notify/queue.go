package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"backoffice/app/db"
	"backoffice/app/event"
)

// DeliverArgs is the job that delivers one outbox message. Outbox.Enqueue
// inserts it in the transaction of the message, so it commits or rolls
// back with it; the outbox row stays the delivery log (status, attempts,
// last error) that the Mailbox page shows.
type DeliverArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "mail.deliver" }

// InsertOpts: one job per message; retries are the outbox's (the job is
// snoozed until the message's next attempt), so River's own attempts only
// count failures to reach the database.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AddTo registers the delivery job of w with workers.
func (w *Worker) AddTo(workers *river.Workers) {
	river.AddWorker(workers, &deliverJob{w: w})
}

type deliverJob struct {
	river.WorkerDefaults[DeliverArgs]
	w *Worker
}

func (j *deliverJob) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	next, err := j.w.Deliver(ctx, job.Args.MessageID)
	if err != nil {
		return err
	}
	if !next.IsZero() {
		return river.JobSnooze(max(next.Sub(j.w.now()), time.Second))
	}
	return nil
}

// Timeout leaves the attempt the half of the lease that RunOnce leaves it.
func (j *deliverJob) Timeout(*river.Job[DeliverArgs]) time.Duration { return j.w.lease() / 2 }

// Deliver makes one attempt at message id when it is pending and due, the
// way RunOnce does for a round, and returns when the message wants its next
// attempt (zero: delivered, given up, or not in the outbox any more).
func (w *Worker) Deliver(ctx context.Context, id int64) (time.Time, error) {
	if w.DB == nil || w.Mailer == nil {
		return time.Time{}, errors.New("mail worker: DB and Mailer are required")
	}
	msgs, err := w.claim(ctx, id)
	if err != nil {
		return time.Time{}, err
	}
	if len(msgs) == 0 {
		// Not due yet (a retry, or claimed by RunOnce), or done.
		m := new(Message)
		err := w.DB.NewSelect().Model(m).Column("status", "next_attempt_at").Where("id = ?", id).Scan(ctx)
		if db.NoRows(err) || (err == nil && m.Status != StatusPending) {
			return time.Time{}, nil
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("load mail %d: %w", id, err)
		}
		return m.NextAttemptAt, nil
	}
	m := msgs[0]
	sendErr := w.Mailer.Send(ctx, w.From, m)
	if sendErr != nil && ctx.Err() != nil {
		w.release(ctx, msgs)
		return time.Time{}, ctx.Err()
	}
	return w.record(ctx, m, sendErr)
}

// Adopt queues a delivery job for every pending message that has none
// (messages queued before the job queue took over, or by an instance
// without one). A message's job is unique, so adopting twice is harmless.
func (w *Worker) Adopt(ctx context.Context, q *event.Queue) (int, error) {
	var ids []int64
	if err := w.DB.NewSelect().Model((*Message)(nil)).Column("id").Where("status = ?", StatusPending).
		Order("id").Scan(ctx, &ids); err != nil {
		return 0, fmt.Errorf("list pending mail: %w", err)
	}
	for _, id := range ids {
		if err := q.Insert(ctx, DeliverArgs{MessageID: id}, nil); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
