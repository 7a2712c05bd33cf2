package notify

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/event"
)

// maxListLimit bounds one page of List.
const maxListLimit = 200

// Outbox holds the SQL of queued email.
type Outbox struct {
	db    bun.IDB
	clock clock.Clock
	queue *event.Queue // nil: the worker's rounds find the message
}

// NewOutbox returns an outbox on db (a *bun.DB or a transaction).
func NewOutbox(db bun.IDB, c clock.Clock) *Outbox { return &Outbox{db: db, clock: c} }

// conn is the connection of one call: the transaction of ctx, if any, so
// that a message commits or rolls back with the change that causes it.
func (o *Outbox) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, o.db) }

// Through returns a copy of the outbox that queues a delivery job with
// every message it enqueues, in the message's transaction.
func (o *Outbox) Through(q *event.Queue) *Outbox {
	c := *o
	c.queue = q
	return &c
}

// Enqueue queues m for delivery as soon as possible. It sets the status,
// attempt counters and timestamps; the recipient must be a bare address.
func (o *Outbox) Enqueue(ctx context.Context, m *Message) error {
	m.Recipient = strings.TrimSpace(m.Recipient)
	addr, err := mail.ParseAddress(m.Recipient)
	if err != nil || addr.Address != m.Recipient {
		return fmt.Errorf("enqueue mail: invalid recipient %q", m.Recipient)
	}
	now := o.clock.Now()
	m.Status = StatusPending
	m.Attempts = 0
	m.NextAttemptAt = now
	m.LastError = ""
	m.SentAt = nil
	m.CreatedAt, m.UpdatedAt = now, now
	insert := func(ctx context.Context) error {
		if _, err := o.conn(ctx).NewInsert().Model(m).Exec(ctx); err != nil {
			return fmt.Errorf("enqueue mail %q: %w", m.Subject, err)
		}
		if o.queue == nil {
			return nil
		}
		return o.queue.Insert(ctx, DeliverArgs{MessageID: m.ID}, nil)
	}
	if bdb, ok := o.db.(*bun.DB); ok && o.queue != nil && !db.InTransaction(ctx) {
		return db.InTx(ctx, bdb, insert) // the message and its job commit together
	}
	return insert(ctx)
}

// messages starts every query of a provider's mailbox.
func (o *Outbox) messages(ctx context.Context, dest any, providerID int64) *bun.SelectQuery {
	return o.conn(ctx).NewSelect().Model(dest).Where("ob.provider_id = ?", providerID)
}

// List returns up to limit messages of providerID's mailbox, newest first,
// older than the message beforeID (0 for the newest).
func (o *Outbox) List(ctx context.Context, providerID, beforeID int64, limit int) ([]*Message, error) {
	if limit <= 0 || limit > maxListLimit {
		limit = maxListLimit
	}
	var out []*Message
	q := o.messages(ctx, &out, providerID)
	if beforeID > 0 {
		q = q.Where("ob.id < ?", beforeID)
	}
	if err := q.Order("ob.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list mail of provider %d: %w", providerID, err)
	}
	return out, nil
}

// Message loads one message of providerID's mailbox; another provider's
// message is ErrNotFound.
func (o *Outbox) Message(ctx context.Context, providerID, id int64) (*Message, error) {
	m := new(Message)
	err := o.messages(ctx, m, providerID).Where("ob.id = ?", id).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("mail %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load mail %d: %w", id, err)
	}
	return m, nil
}

// LatestTo returns the newest message to recipient, compared
// case-insensitively, whatever its provider. It serves tests and the CLI,
// never a page.
func (o *Outbox) LatestTo(ctx context.Context, recipient string) (*Message, error) {
	m := new(Message)
	err := o.conn(ctx).NewSelect().Model(m).
		Where("lower(ob.recipient) = ?", strings.ToLower(strings.TrimSpace(recipient))).
		Order("ob.id DESC").Limit(1).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("mail to %q: %w", recipient, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load mail to %q: %w", recipient, err)
	}
	return m, nil
}

// Pending counts the messages still waiting for delivery.
func (o *Outbox) Pending(ctx context.Context) (int, error) {
	n, err := o.conn(ctx).NewSelect().Model((*Message)(nil)).Where("status = ?", StatusPending).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count pending mail: %w", err)
	}
	return int(n), nil
}
