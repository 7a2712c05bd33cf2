package ticket

import (
	"context"
	"encoding/json"

	"backoffice/app/apperr"
	"backoffice/app/caller"
)

// The rules of what a caller may do with one ticket live here, once: the
// service refuses with them, and the pages show exactly the actions they
// allow (ActionsFor).

// Act is something a caller does with a ticket.
type Act string

// The acts on a ticket.
const (
	ActReply  Act = "reply"  // continue the conversation
	ActClose  Act = "close"  // close it
	ActReopen Act = "reopen" // open a resolved or closed ticket again
	ActRate   Act = "rate"   // the requester rates a resolved or closed ticket
)

// Refusal is why the caller holding permissions p may not do act with t
// now, nil when they may. It knows the ticket's rules (its channel, its
// status, whose it is, the customer permissions); the role's own permission
// for the act is the route's (Casbin), asked before. Only closing asks p
// (the close permission); the other acts may be asked with Perms{}.
func Refusal(p Perms, c *caller.Caller, t *Ticket, act Act) error {
	switch act {
	case ActReply:
		if !c.IsStaff() && !CustomerWritable(t.Channel) {
			return ErrChannelReadOnly
		}
	case ActClose:
		if err := Refusal(p, c, t, ActReply); err != nil {
			return err
		}
		if !p.Close {
			return ErrCannotClose
		}
		if t.Status == StatusClosed {
			return ErrClosed
		}
	case ActReopen:
		if err := Refusal(p, c, t, ActReply); err != nil {
			return err
		}
		if t.Status != StatusClosed && t.Status != StatusResolved {
			return ErrNotClosed
		}
	case ActRate:
		// Any channel: rating is not continuing the conversation.
		if t.RequesterID == nil || *t.RequesterID != c.ID || (t.Status != StatusResolved && t.Status != StatusClosed) {
			return ErrNotRateable
		}
	}
	return nil
}

// Edits are the parameters of a ticket a caller may change.
type Edits struct {
	Subject, Status, Device               bool // staff alone
	Priority, Type, Assignee, Group, Tags bool
}

// Any reports whether any parameter may be changed.
func (e Edits) Any() bool {
	return e.Subject || e.Status || e.Device || e.Priority || e.Type || e.Assignee || e.Group || e.Tags
}

// EditsFor are the parameters the caller holding p may change: staff every
// one, customers those their permissions let them edit.
func EditsFor(p Perms, c *caller.Caller) Edits {
	staff := c.IsStaff()
	return Edits{Subject: staff, Status: staff, Device: staff,
		Priority: p.EditPriority, Type: p.EditType, Assignee: p.EditAssignee, Group: p.EditGroup, Tags: p.EditTags}
}

// Actions are what a caller may do with one ticket now, for the page to
// offer exactly those.
type Actions struct {
	Reply, Note, Close, Reopen, Rate bool
	Edit                             Edits
	// ReadOnly is why the caller cannot continue the conversation (nil
	// when they can).
	ReadOnly *apperr.Denied
}

// ActionsFor are the actions of the caller holding p on t. role answers
// whether the caller's role may do an act at all (the route permission,
// e.g. ticket/rate), so that the page offers nothing its route refuses.
func ActionsFor(p Perms, c *caller.Caller, t *Ticket, role func(act string) bool) Actions {
	may := func(act Act) bool { return role(string(act)) && Refusal(p, c, t, act) == nil }
	a := Actions{Reply: may(ActReply), Close: may(ActClose), Reopen: may(ActReopen), Rate: may(ActRate),
		Edit: EditsFor(p, c)}
	a.ReadOnly, _ = Refusal(p, c, t, ActReply).(*apperr.Denied)
	a.Note = a.Reply && c.IsStaff() // a note is a reply only staff read
	return a
}

// Redact is t as the holder of p may see it: a copy without the standard
// parameters p hides (priority, type, tags, assignee, group).
func Redact(p Perms, t *Ticket) *Ticket {
	r := *t
	if !p.ViewPriority {
		r.Priority, r.PriorityRank = "", 0
	}
	if !p.ViewType {
		r.Type = ""
	}
	if !p.ViewTags {
		r.Tags = ""
	}
	if !p.SeeAssignee {
		r.AssigneeID, r.Assignee = nil, nil
	}
	if !p.SeeGroup {
		r.GroupName = ""
	}
	return &r
}

// Redactor returns the function that shows a ticket as u may see it — a
// copy without the standard parameters and the data field values u's
// permissions hide — and those permissions (which tell a hidden parameter
// from an empty one). Pages and API answers show tickets through it, so
// what a caller sees of a ticket is decided here alone.
func (s *Service) Redactor(ctx context.Context, u *caller.Caller) (func(*Ticket) *Ticket, Perms, error) {
	perms, err := s.PermsOf(ctx, u)
	if err != nil {
		return nil, Perms{}, err
	}
	if u.IsStaff() {
		return func(t *Ticket) *Ticket { return t }, perms, nil
	}
	visible, err := s.fieldFilter(ctx, u)
	if err != nil {
		return nil, Perms{}, err
	}
	return func(t *Ticket) *Ticket {
		r := Redact(perms, t)
		raw, _ := json.Marshal(visible(t))
		r.Fields = string(raw)
		return r
	}, perms, nil
}
