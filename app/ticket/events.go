package ticket

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"backoffice/app/caller"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Event types of tickets.
const (
	EventCreated       = "ticket.created"
	EventReplied       = "ticket.replied"    // a public message; payload Reply
	EventNoteAdded     = "ticket.note_added" // an internal note; payload Reply
	EventUpdated       = "ticket.updated"    // parameters changed; data "fields"
	EventStatusChanged = "ticket.status_changed"
	EventRated         = "ticket.rated"
)

// Reply is the payload of EventReplied and EventNoteAdded.
type Reply struct {
	Ticket  *Ticket
	Message *Message
}

// newEvent starts an event of typ about t done by u (nil: an anonymous
// visitor of the scan page).
func newEvent(typ string, u *caller.Caller, t *Ticket) *event.Event {
	return event.By(typ, u).Subject("ticket", t.ID).Provider(t.ProviderID).Customer(t.CustomerID).
		Describe("#"+strconv.FormatInt(t.Number, 10)+" "+t.Subject).With("number", t.Number)
}

// setStatus moves t to status to at now, with the times that follow the
// status, and returns the columns it changed. Leaving resolved or closed
// clears resolved_at and closed_at; resolving sets resolved_at; closing
// sets closed_at and clears resolved_at, unless keepResolved: the Close
// action keeps when a resolved ticket was resolved, an edit of the status
// does not (as they always did). The first response time is the reply's
// (Reply); save writes the columns and records the change.
func setStatus(t *Ticket, to string, now time.Time, keepResolved bool) []string {
	t.Status = to
	switch to {
	case StatusResolved:
		t.ResolvedAt, t.ClosedAt = &now, nil
	case StatusClosed:
		t.ClosedAt = &now
		if keepResolved {
			return []string{"status", "closed_at"}
		}
		t.ResolvedAt = nil
	default:
		t.ResolvedAt, t.ClosedAt = nil, nil
	}
	return []string{"status", "resolved_at", "closed_at"}
}

// count keeps the rolled-up ticket counts per customer and status: a
// subscriber of EventCreated and EventStatusChanged, in their transaction.
func (s *Service) count(ctx context.Context, e *event.Event) error {
	if e.ProviderID == nil || e.CustomerID == nil {
		return fmt.Errorf("%s event without provider or customer", e.Type)
	}
	from, _ := e.Fields["from"].(string)
	to, _ := e.Fields["to"].(string)
	return s.store.Count(ctx, *e.ProviderID, *e.CustomerID, from, to)
}

// save writes the given columns of t and records the change: EventUpdated
// for parameters (columns beyond the status and its times), and
// EventStatusChanged when the status moved from old. Every change of a
// ticket's status goes through here, so the rolled-up counts and the event
// follow it alike.
func (s *Service) save(ctx context.Context, u *caller.Caller, t *Ticket, before Ticket, columns ...string) error {
	old := before.Status
	if err := s.store.Update(ctx, t, old, columns...); err != nil {
		return err
	}
	var fields []string
	changes := map[string][2]string{}
	for _, c := range columns {
		switch c {
		case "status", "resolved_at", "closed_at", "first_response_at", "rating", "rating_comment", "rated_at":
		default:
			fields = append(fields, c)
			if from, to, ok := traced(c, &before, t); ok && from != to {
				changes[c] = [2]string{from, to}
			}
		}
	}
	if len(fields) > 0 {
		e := newEvent(EventUpdated, u, t).With("fields", fields)
		if len(changes) > 0 {
			e.With("changes", changes)
		}
		if err := s.events.Record(ctx, e); err != nil {
			return err
		}
	}
	if old != t.Status {
		e := newEvent(EventStatusChanged, u, t).With("from", old).With("to", t.Status)
		e.Detail += ": " + old + " → " + t.Status
		return s.events.Record(ctx, e)
	}
	return nil
}

// traced are the parameters whose changes the ticket's activity shows, by
// their column, with their values before and after: priority and type keys,
// the assignee's name, the group ("" for none).
func traced(column string, before, after *Ticket) (from, to string, ok bool) {
	name := func(u *org.User) string {
		if u == nil {
			return ""
		}
		return u.Name()
	}
	switch column {
	case "priority":
		return before.Priority, after.Priority, true
	case "type":
		return before.Type, after.Type, true
	case "assignee_id":
		return name(before.Assignee), name(after.Assignee), true
	case "group_name":
		return before.GroupName, after.GroupName, true
	}
	return "", "", false
}
