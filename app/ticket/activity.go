package ticket

import (
	"context"
	"time"

	"backoffice/app/caller"
)

// Activity is one change of a ticket that its thread shows among the
// messages: who set what to which value, and when.
type Activity struct {
	At   time.Time
	Who  string // "" for the system or a visitor of the scan page
	What string // "status", "priority", "type", "assignee" or "group"
	To   string // a status, priority or type key, a name, a group; "" for none
}

// activityOf maps the columns of a recorded change to what the thread
// calls them, in the order it shows them, each with whether p shows it.
var activityOf = []struct {
	column, what string
	shown        func(Perms) bool
}{
	{"priority", "priority", func(p Perms) bool { return p.ViewPriority }},
	{"type", "type", func(p Perms) bool { return p.ViewType }},
	{"assignee_id", "assignee", func(p Perms) bool { return p.SeeAssignee }},
	{"group_name", "group", func(p Perms) bool { return p.SeeGroup }},
}

// ActivityOf lists the changes of t that u may see, oldest first, from its
// domain events: every status change, and the changes of the parameters u's
// permissions show.
func (s *Service) ActivityOf(ctx context.Context, u *caller.Caller, t *Ticket) ([]Activity, error) {
	perms, err := s.PermsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	events, err := s.events.About(ctx, "ticket", t.ID, []string{EventUpdated, EventStatusChanged}, 500)
	if err != nil {
		return nil, err
	}
	var out []Activity
	for _, e := range events {
		who := ""
		if e.Actor != nil {
			who = e.Actor.Name()
		}
		if e.Type == EventStatusChanged {
			if to, ok := e.Fields["to"].(string); ok {
				out = append(out, Activity{At: e.CreatedAt, Who: who, What: "status", To: to})
			}
			continue
		}
		changes, _ := e.Fields["changes"].(map[string]any)
		for _, a := range activityOf {
			pair, ok := changes[a.column].([]any)
			if !ok || len(pair) != 2 || !a.shown(perms) {
				continue
			}
			to, _ := pair[1].(string)
			out = append(out, Activity{At: e.CreatedAt, Who: who, What: a.what, To: to})
		}
	}
	return out, nil
}
