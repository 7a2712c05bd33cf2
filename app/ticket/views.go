package ticket

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/caller"
	"backoffice/app/db"
)

// The staff queue's saved views: the lists an agent works from, each a
// filter of the list.
const (
	ViewMine       = "mine"       // open tickets assigned to the caller
	ViewUnassigned = "unassigned" // open tickets nobody has
	ViewOverdue    = "overdue"    // open, unanswered, past their answer target
	ViewWaiting    = "waiting"    // waiting for the customer
	ViewOpen       = "open"       // every ticket not resolved or closed
)

// Views are the saved views in the order the queue offers them.
var Views = []string{ViewMine, ViewUnassigned, ViewOverdue, ViewWaiting, ViewOpen}

// OpenStatuses are the statuses of tickets still to be worked on.
var OpenStatuses = []string{StatusNew, StatusOpen, StatusPending}

// AtRisk is how long before its answer target an unanswered ticket is at
// risk.
const AtRisk = 2 * time.Hour

// ViewFilter is the filter of saved view name for staff u at now; false
// for a name that is no view.
func ViewFilter(name string, u *caller.Caller, now time.Time) (Filter, bool) {
	switch name {
	case ViewMine:
		return Filter{Open: true, AssigneeID: u.ID}, true
	case ViewUnassigned:
		return Filter{Open: true, Unassigned: true}, true
	case ViewOverdue:
		return Filter{Open: true, UnansweredBefore: now}, true
	case ViewWaiting:
		return Filter{Status: StatusPending}, true
	case ViewOpen:
		return Filter{Open: true}, true
	}
	return Filter{}, false
}

// withView is f with the conditions of its saved view (which win over the
// same fields set otherwise) for staff u at now.
func (f Filter) withView(u *caller.Caller, now time.Time) Filter {
	v, ok := ViewFilter(f.View, u, now)
	if !ok {
		return f
	}
	f.Open = f.Open || v.Open
	if v.AssigneeID != 0 {
		f.AssigneeID, f.Unassigned = v.AssigneeID, false
	}
	if v.Unassigned {
		f.AssigneeID, f.Unassigned = 0, true
	}
	if !v.UnansweredBefore.IsZero() {
		f.UnansweredBefore = v.UnansweredBefore
	}
	if v.Status != "" {
		f.Status = v.Status
	}
	return f
}

// ViewCountCap bounds the counts of the saved views: past it the queue
// shows "99+", so that a count never reads more than that many rows (a
// queue that long is worked from its top, not counted).
const ViewCountCap = 100

// ViewCounts are how many tickets each saved view holds for staff u, up to
// ViewCountCap: the waiting and open ones from the status counts, the
// others by one query of index-bounded counts.
func (s *Service) ViewCounts(ctx context.Context, u *caller.Caller, byStatus map[string]int) (map[string]int, error) {
	if !u.IsStaff() {
		return nil, nil
	}
	out := map[string]int{ViewWaiting: byStatus[StatusPending]}
	for _, st := range OpenStatuses {
		out[ViewOpen] += byStatus[st]
	}
	var n struct {
		Mine, Unassigned, Overdue int
	}
	now := s.clock.Now()
	counted := func(f Filter) string {
		q := db.Conn(ctx, s.db).NewSelect().TableExpr("tickets AS t").ColumnExpr("1").Where("t.provider_id = ?", u.Organization.ScopeProviderID())
		f.where(q)
		return "(SELECT count(*) FROM (" + q.Limit(ViewCountCap).String() + ") AS c)"
	}
	mine, _ := ViewFilter(ViewMine, u, now)
	unassigned, _ := ViewFilter(ViewUnassigned, u, now)
	overdue, _ := ViewFilter(ViewOverdue, u, now)
	err := db.Conn(ctx, s.db).NewRaw("SELECT "+counted(mine)+" AS mine, "+counted(unassigned)+" AS unassigned, "+
		counted(overdue)+" AS overdue").Scan(ctx, &n)
	if err != nil {
		return nil, fmt.Errorf("count the queue's views: %w", err)
	}
	out[ViewMine], out[ViewUnassigned], out[ViewOverdue] = n.Mine, n.Unassigned, n.Overdue
	return out, nil
}

// where adds the conditions of the fields the saved views set to q (the
// list and the views' counts share them).
func (f Filter) where(q *bun.SelectQuery) {
	if f.Open {
		q.Where("t.status IN (?)", bun.In(OpenStatuses))
	}
	if f.AssigneeID != 0 {
		q.Where("t.assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		q.Where("t.assignee_id IS NULL")
	}
	if !f.UnansweredBefore.IsZero() {
		q.Where("t.first_response_at IS NULL").Where("t.due_at < ?", f.UnansweredBefore)
	}
	if f.Status != "" {
		q.Where("t.status = ?", f.Status)
	}
}

// Due is where an open ticket stands against its answer target at now.
type Due struct {
	State string        // "overdue", "at_risk", "due", "answered" or "" (none)
	In    time.Duration // overdue: by how long; at_risk/due: how long is left; answered: how long it took
	// Target is the answer target of the ticket's priority.
	Target time.Duration
}

// DueOf is t's answer target state at now.
func DueOf(t *Ticket, now time.Time) Due {
	d := Due{Target: Targets[t.Priority]}
	switch {
	case t.FirstResponseAt != nil:
		d.State, d.In = "answered", t.FirstResponseAt.Sub(t.CreatedAt)
	case t.DueAt == nil || t.Status == StatusResolved || t.Status == StatusClosed:
	case now.After(*t.DueAt):
		d.State, d.In = "overdue", now.Sub(*t.DueAt)
	case t.DueAt.Sub(now) <= AtRisk:
		d.State, d.In = "at_risk", t.DueAt.Sub(now)
	default:
		d.State, d.In = "due", t.DueAt.Sub(now)
	}
	return d
}
