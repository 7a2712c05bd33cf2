// Package event records domain events. Every state change writes one Event,
// in the transaction of the change (db.InTx), and the subscribers of the Bus
// run in that same transaction: the audit log, mail composition and rollups
// commit or roll back with the change itself. Domains record events; they
// do not call the audit log or the mail composer themselves.
package event

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/org"
)

// Event is one state change.
type Event struct {
	bun.BaseModel `bun:"table:events,alias:ev"`

	ID          int64  `bun:",pk,autoincrement"`
	Type        string // "<domain>.<what happened>", e.g. "ticket.replied"
	ProviderID  *int64
	CustomerID  *int64
	ActorID     *int64
	SubjectType string
	SubjectID   *int64
	Data        string // a JSON object: Fields with IP and Detail
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Actor did it; nil for the system or an anonymous visitor (the public
	// scan page). Stored as ActorID.
	Actor *org.User `bun:"-"`
	// IP is the client address of the change, Detail a one-line human
	// summary (the audit log shows both); both are stored in Data.
	IP     string `bun:"-"`
	Detail string `bun:"-"`
	// Fields are the type's own facts, stored in Data.
	Fields map[string]any `bun:"-"`
	// Payload is what subscribers of this transaction need beyond the stored
	// facts, such as the loaded records or a link's token for its email. It
	// is never stored: a credential must not outlive its email in the table.
	Payload any `bun:"-"`
}

// Subject names the record an event is about.
func (e *Event) Subject(kind string, id int64) *Event {
	e.SubjectType = kind
	if id != 0 {
		e.SubjectID = &id
	}
	return e
}

// Provider sets the provider the event belongs to (0 for none).
func (e *Event) Provider(id int64) *Event {
	if id != 0 {
		e.ProviderID = &id
	}
	return e
}

// Customer sets the customer company the event concerns (0 for none).
func (e *Event) Customer(id int64) *Event {
	if id != 0 {
		e.CustomerID = &id
	}
	return e
}

// Describe sets the one-line summary the audit log shows.
func (e *Event) Describe(detail string) *Event {
	e.Detail = detail
	return e
}

// With adds a fact to the event's data.
func (e *Event) With(key string, value any) *Event {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[key] = value
	return e
}

// Carry sets the payload for this transaction's subscribers.
func (e *Event) Carry(payload any) *Event {
	e.Payload = payload
	return e
}

// New starts an event of typ done by actor (nil for none) from ip. It
// belongs to the actor's provider scope, when the actor's organization is
// loaded, unless Provider says otherwise.
func New(typ string, actor *org.User, ip string) *Event {
	e := &Event{Type: typ, Actor: actor, IP: ip}
	if actor != nil {
		id := actor.ID
		e.ActorID = &id
		if actor.Organization != nil {
			e.Provider(actor.Organization.ScopeProviderID())
		}
	}
	return e
}

// By starts an event of typ done by caller c from their address; a nil c is
// an anonymous visitor.
func By(typ string, c *caller.Caller) *Event {
	if c == nil {
		return New(typ, nil, "")
	}
	return New(typ, c.User, c.IP)
}

// Handler reacts to an event inside the transaction that records it; an
// error rolls the change back.
type Handler func(ctx context.Context, e *Event) error

// Bus records events and hands them to its subscribers. Subscribe while
// wiring the application, before the first Record.
type Bus struct {
	db    *bun.DB
	clock clock.Clock

	mu     sync.RWMutex
	byType map[string][]Handler
	all    []Handler
}

// NewBus returns a bus without subscribers on db.
func NewBus(bdb *bun.DB, c clock.Clock) *Bus {
	return &Bus{db: bdb, clock: c, byType: map[string][]Handler{}}
}

// Subscribe calls h for every event of the given types, or for every event
// when none is given. Handlers run in the order they subscribed.
func (b *Bus) Subscribe(h Handler, types ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(types) == 0 {
		b.all = append(b.all, h)
		return
	}
	for _, t := range types {
		b.byType[t] = append(b.byType[t], h)
	}
}

// Record stores e and runs its subscribers, in the transaction of ctx (in a
// transaction of its own without one).
func (b *Bus) Record(ctx context.Context, e *Event) error {
	return db.InTx(ctx, b.db, func(ctx context.Context) error {
		data := make(map[string]any, len(e.Fields)+2)
		for k, v := range e.Fields {
			data[k] = v
		}
		if e.IP != "" {
			data["ip"] = e.IP
		}
		if e.Detail != "" {
			data["detail"] = e.Detail
		}
		raw, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("encode event %s: %w", e.Type, err)
		}
		now := b.clock.Now()
		e.Data, e.CreatedAt, e.UpdatedAt = string(raw), now, now
		if _, err := db.Conn(ctx, b.db).NewInsert().Model(e).Exec(ctx); err != nil {
			return fmt.Errorf("record event %s: %w", e.Type, err)
		}
		b.mu.RLock()
		handlers := append(append([]Handler(nil), b.all...), b.byType[e.Type]...)
		b.mu.RUnlock()
		for _, h := range handlers {
			if err := h(ctx, e); err != nil {
				return fmt.Errorf("event %s: %w", e.Type, err)
			}
		}
		return nil
	})
}

// Since lists the events of providerID after the event id after, oldest
// first, up to limit (for tests and tools; pages read the subscribers'
// tables).
func (b *Bus) Since(ctx context.Context, providerID, after int64, limit int) ([]*Event, error) {
	var out []*Event
	err := db.Conn(ctx, b.db).NewSelect().Model(&out).Where("ev.provider_id = ?", providerID).Where("ev.id > ?", after).
		OrderExpr("ev.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return out, nil
}

// About lists the events of the given types about subject kind id, oldest
// first, up to limit, with their facts decoded into Fields and their actor's
// name in Actor (nil for the system or a visitor) — one indexed query.
func (b *Bus) About(ctx context.Context, kind string, id int64, types []string, limit int) ([]*Event, error) {
	var rows []struct {
		ID        int64
		Type      string
		ActorID   *int64
		Data      string
		CreatedAt time.Time
		FirstName *string
		LastName  *string
	}
	err := db.Conn(ctx, b.db).NewRaw(`SELECT ev.id, ev.type, ev.actor_id, ev.data, ev.created_at, u.first_name, u.last_name
		FROM events AS ev LEFT JOIN users AS u ON u.id = ev.actor_id
		WHERE ev.subject_type = ? AND ev.subject_id = ? AND ev.type IN (?) ORDER BY ev.id LIMIT ?`,
		kind, id, bun.In(types), limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("events about %s %d: %w", kind, id, err)
	}
	out := make([]*Event, 0, len(rows))
	for _, r := range rows {
		e := &Event{ID: r.ID, Type: r.Type, ActorID: r.ActorID, Data: r.Data, CreatedAt: r.CreatedAt, SubjectType: kind, SubjectID: &id}
		_ = json.Unmarshal([]byte(r.Data), &e.Fields)
		if r.ActorID != nil && r.FirstName != nil {
			e.Actor = &org.User{ID: *r.ActorID, FirstName: *r.FirstName, LastName: deref(r.LastName)}
		}
		out = append(out, e)
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
