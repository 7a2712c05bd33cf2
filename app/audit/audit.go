// Package audit records who did what, for the provider administrators of the
// provider organization the change belongs to. It subscribes to every
// domain event (Subscribe): domains record events, never audit entries.
package audit

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Entry is one audited event.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log,alias:a"`

	ID             int64 `bun:",pk,autoincrement"`
	ProviderID     *int64
	OrganizationID *int64
	ActorID        *int64
	ActorEmail     string
	Action         string
	TargetType     string
	TargetID       *int64
	IP             string
	Detail         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Event describes what happened; Record fills in who and when.
type Event struct {
	Action     string // such as "auth.login"
	TargetType string
	TargetID   int64
	IP         string
	Detail     string
}

// Store writes and reads the audit log.
type Store struct {
	db    bun.IDB
	clock clock.Clock
}

// NewStore returns an audit store on db.
func NewStore(db bun.IDB, c clock.Clock) *Store { return &Store{db: db, clock: c} }

// conn is the connection of one call: the transaction of ctx, if any, so an
// entry commits with the change it describes.
func (s *Store) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

// Record writes an event done by actor (nil for the system).
func (s *Store) Record(ctx context.Context, actor *org.User, ev Event) error {
	now := s.clock.Now()
	e := &Entry{Action: ev.Action, TargetType: ev.TargetType, IP: ev.IP, Detail: truncate(ev.Detail, 1000),
		CreatedAt: now, UpdatedAt: now}
	if ev.TargetID != 0 {
		e.TargetID = &ev.TargetID
	}
	if actor != nil {
		e.ActorID, e.ActorEmail = &actor.ID, actor.Email
		e.OrganizationID = &actor.OrganizationID
		p, err := s.providerOf(ctx, actor)
		if err != nil {
			return err
		}
		e.ProviderID = &p
	}
	if _, err := s.conn(ctx).NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("record audit event %s: %w", ev.Action, err)
	}
	return nil
}

// providerOf is the provider scope of actor's organization, loading the
// organization when the caller did not, so no entry is stored unreadable.
func (s *Store) providerOf(ctx context.Context, actor *org.User) (int64, error) {
	if actor.Organization != nil {
		return actor.Organization.ScopeProviderID(), nil
	}
	o := new(org.Organization)
	if err := s.conn(ctx).NewSelect().Model(o).Column("id", "provider_id").Where("id = ?", actor.OrganizationID).Scan(ctx); err != nil {
		return 0, fmt.Errorf("load organization of the audit actor: %w", err)
	}
	return o.ScopeProviderID(), nil
}

// List returns up to limit entries of providerID older than the entry before
// (0 for the newest), newest first, and whether more follow.
func (s *Store) List(ctx context.Context, providerID int64, before int64, limit int) ([]*Entry, bool, error) {
	var out []*Entry
	q := s.conn(ctx).NewSelect().Model(&out).Where("provider_id = ?", providerID)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if err := q.Order("id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("list audit log: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Subscribe writes an audit entry for every event recorded on b but those
// of the types in unlisted, in the event's transaction: done by the event's
// actor, under the actor's provider scope (the event's provider when nobody
// acted).
func (s *Store) Subscribe(b *event.Bus, unlisted ...string) {
	skip := map[string]bool{}
	for _, t := range unlisted {
		skip[t] = true
	}
	b.Subscribe(func(ctx context.Context, e *event.Event) error {
		if skip[e.Type] {
			return nil
		}
		ev := Event{Action: e.Type, TargetType: e.SubjectType, IP: e.IP, Detail: e.Detail}
		if e.SubjectID != nil {
			ev.TargetID = *e.SubjectID
		}
		if e.Actor == nil {
			return s.recordFor(ctx, e.ProviderID, ev)
		}
		return s.Record(ctx, e.Actor, ev)
	})
}

// recordFor writes an event nobody signed in did, for providerID's log.
func (s *Store) recordFor(ctx context.Context, providerID *int64, ev Event) error {
	now := s.clock.Now()
	e := &Entry{ProviderID: providerID, Action: ev.Action, TargetType: ev.TargetType, IP: ev.IP,
		Detail: truncate(ev.Detail, 1000), CreatedAt: now, UpdatedAt: now}
	if ev.TargetID != 0 {
		e.TargetID = &ev.TargetID
	}
	if _, err := s.conn(ctx).NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("record audit event %s: %w", ev.Action, err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
