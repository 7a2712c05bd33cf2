package ticket

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/device"
	"backoffice/app/event"
	"backoffice/app/keyset"
	"backoffice/app/org"
	"backoffice/rbac"
)

// Refusals with a reason the user can act on.
var (
	ErrChannelReadOnly = &apperr.Denied{Message: "error.ticket_channel_read_only"}
	ErrClosed          = &apperr.Denied{Message: "error.ticket_closed", Conflict: true}
	ErrNotClosed       = &apperr.Denied{Message: "error.ticket_not_closed", Conflict: true}
	ErrCannotClose     = &apperr.Denied{Message: "error.ticket_close_denied"}
)

// Perms are what a customer user may do with tickets beyond their role.
// They come from the customer company's settings, overridden per user; a
// user-level setting wins over the company's, which wins over the defaults.
type Perms struct {
	SeeAll       bool // all company tickets, not only their own
	ViewPriority bool
	EditPriority bool
	ViewType     bool
	EditType     bool
	ViewTags     bool
	EditTags     bool
	SeeAssignee  bool
	EditAssignee bool
	Close        bool
	SeeGroup     bool
	EditGroup    bool
}

// DefaultPerms are what a member may do while neither the company nor the
// user changed a setting (the role defaults of rbac/ticketperm.csv).
var DefaultPerms = Perms{SeeAll: true, ViewPriority: true, ViewType: true, ViewTags: true, SeeAssignee: true, Close: true}

// Service applies the rules of tickets.
type Service struct {
	db      *bun.DB
	clock   clock.Clock
	store   *Store
	orgs    *org.Store
	devices *device.Store
	events  *event.Bus
	perms   *rbac.TicketPermEnforcer
	files   Files
}

// New wires the service; it records its events on bus and keeps the
// rolled-up counts as a subscriber of them (one service per bus).
func New(db *bun.DB, c clock.Clock, bus *event.Bus, mail Mail) *Service {
	perms, err := rbac.NewTicketPermEnforcer()
	if err != nil {
		panic(err) // the model and policy are embedded; a test covers them
	}
	dir := mail.FilesDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "backoffice-attachments")
	}
	s := &Service{db: db, clock: c, store: NewStore(db, c), orgs: org.NewStore(db, c), devices: device.NewStore(db, c),
		events: bus, perms: perms, files: Files{Dir: dir}}
	bus.Subscribe(s.count, EventCreated, EventStatusChanged)
	return s
}

// ScopeOf is the set of tickets u may see: a member whose company does not
// let them see all company tickets sees only their own.
func (s *Service) ScopeOf(ctx context.Context, u *caller.Caller) (Scope, error) {
	p, err := s.PermsOf(ctx, u)
	if err != nil {
		return Scope{}, err
	}
	return scopeOf(u, p), nil
}

// scopeOf is ScopeOf for u holding permissions p.
func scopeOf(u *caller.Caller, p Perms) Scope {
	if u.IsStaff() {
		return Scope{ProviderID: u.Organization.ScopeProviderID()}
	}
	sc := Scope{CustomerID: u.OrganizationID}
	if !p.SeeAll {
		sc.RequesterID = u.ID
	}
	return sc
}

// VisibleFilter drops from a list's filter and sort the parameters p does not
// let the caller see: which tickets come back, and in which order, would
// reveal them.
func (p Perms) VisibleFilter(f Filter, sort string) (Filter, string) {
	if !p.ViewPriority {
		f.Priority = ""
		if strings.TrimPrefix(sort, "-") == "priority" {
			sort = "-updated_at"
		}
	}
	if !p.ViewType {
		f.Type = ""
	}
	return f, sort
}

func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context, st *Store) error) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error { return fn(ctx, s.store) })
}

// Create opens a ticket. A customer user opens one for their company
// through the web channel; staff open one on behalf of a customer (and
// one of its users) through any channel but qr and video.
func (s *Service) Create(ctx context.Context, u *caller.Caller, in NewTicket) (*Ticket, error) {
	in.Normalize()
	verr := in.Validate()
	types, ferr := checkUploads(in.Files)
	if verr != nil || ferr != nil {
		v := &apperr.ValidationError{}
		for _, e := range []error{verr, ferr} {
			if ve, ok := e.(*apperr.ValidationError); ok {
				v.Fields = append(v.Fields, ve.Fields...)
			}
		}
		return nil, v
	}
	perms, err := s.PermsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	values, err := s.mergeValues(ctx, u, FieldValues{}, in.FieldValues)
	if err != nil {
		return nil, err
	}
	t := &Ticket{Fields: values, Subject: in.Subject, Status: StatusNew, Priority: "normal", Tags: ""}
	if perms.EditPriority {
		t.Priority = in.Priority
	}
	if perms.EditTags {
		t.Tags = JoinTags(in.Tags)
	}
	if perms.EditGroup {
		t.GroupName = in.Group
	}
	if u.IsStaff() {
		t.ProviderID = u.Organization.ScopeProviderID()
		if in.CustomerID == 0 {
			return nil, apperr.Invalid("customer_id", "error.required")
		}
		if _, err := s.orgs.Customer(ctx, t.ProviderID, in.CustomerID); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return nil, apperr.Invalid("customer_id", "error.customer_unknown")
			}
			return nil, err
		}
		t.CustomerID = in.CustomerID
		t.Channel = in.Channel
		if t.Channel == "" {
			t.Channel = ChannelPhone
		}
		if t.Channel == ChannelQR || t.Channel == ChannelVideo {
			return nil, apperr.Invalid("channel", "error.ticket_channel")
		}
		if in.RequesterID != 0 {
			r, err := s.orgs.User(ctx, in.RequesterID)
			if err != nil || r.OrganizationID != t.CustomerID {
				return nil, apperr.Invalid("requester_id", "error.requester_unknown")
			}
			t.RequesterID, t.RequesterName, t.RequesterEmail = &r.ID, r.Name(), r.Email
		}
	} else {
		t.CustomerID, t.Channel = u.OrganizationID, ChannelWeb
		t.ProviderID = u.Organization.ScopeProviderID()
		id := u.ID
		t.RequesterID, t.RequesterName, t.RequesterEmail = &id, u.Name(), u.Email
	}
	typeList, err := s.store.TypesOf(ctx, t.ProviderID)
	if err != nil {
		return nil, err
	}
	t.Type = typeList.Active()[0].Key
	if perms.EditType && in.Type != "" {
		if td := typeList.Find(in.Type); td == nil || !td.Active {
			return nil, apperr.Invalid("type", "error.ticket_type")
		}
		t.Type = in.Type
	}
	if perms.EditAssignee && in.AssigneeID != 0 {
		if _, err := s.checkAssignee(ctx, t.ProviderID, &in.AssigneeID); err != nil {
			return nil, err
		}
		t.AssigneeID = &in.AssigneeID
	}
	if in.DeviceID != 0 {
		d, err := s.devices.Device(ctx, device.Scope{CustomerID: t.CustomerID}, in.DeviceID)
		if err != nil || d.ProviderID != t.ProviderID {
			return nil, apperr.Invalid("device_id", "error.device_unknown")
		}
		t.DeviceID = &d.ID
	}
	due := s.clock.Now().Add(Targets[t.Priority])
	t.DueAt = &due
	// The ticket is loaded back in the transaction: once it commits, the
	// answer needs the database no more (a create answering an error after
	// its commit is retried, and duplicated, by its client).
	var created *Ticket
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		if err := st.Create(ctx, t); err != nil {
			return err
		}
		m := &Message{TicketID: t.ID, AuthorID: &u.ID, AuthorName: u.Name(), AuthorStaff: u.IsStaff(), Body: in.Description}
		if err := st.AddMessage(ctx, m); err != nil {
			return err
		}
		if err := s.addAttachments(ctx, m, in.Files, types); err != nil {
			return err
		}
		if created, err = st.Ticket(ctx, Scope{ProviderID: t.ProviderID}, t.ID); err != nil {
			return err
		}
		return s.events.Record(ctx, newEvent(EventCreated, u, created).With("channel", created.Channel).With("to", created.Status))
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// Ticket loads a ticket u may see.
func (s *Service) Ticket(ctx context.Context, u *caller.Caller, id int64) (*Ticket, error) {
	sc, err := s.ScopeOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return s.store.Ticket(ctx, sc, id)
}

// CheckFilter validates a list's filter and sort.
func CheckFilter(f Filter, sort string) error {
	v := &apperr.ValidationError{}
	if f.Status != "" && indexOf(Statuses, f.Status) < 0 {
		v.Add("status", "error.ticket_status", nil)
	}
	if f.Priority != "" && PriorityRank(f.Priority) < 0 {
		v.Add("priority", "error.ticket_priority", nil)
	}
	if f.Type != "" && !typeKey.MatchString(f.Type) {
		v.Add("type", "error.ticket_type", nil)
	}
	if f.CreatedWithin < 0 || f.CreatedWithin > 3650 {
		v.Add("created_within", "error.due_range", nil)
	}
	if f.Rating < 0 || f.Rating > 5 {
		v.Add("rating", "error.rating_range", nil)
	}
	if f.View != "" && indexOf(Views, f.View) < 0 {
		v.Add("view", "error.view_unknown", nil)
	}
	if !ValidSort(sort) {
		v.Add("sort", "error.sort_invalid", nil)
	}
	if len(f.Query) > 200 {
		v.Add("q", "error.too_long", map[string]any{"Max": 200})
	} else if containsNUL(f.Query) {
		v.Add("q", "error.invalid_chars", nil)
	}
	return v.Err()
}

func containsNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}

// List returns a page of the tickets u may see; filters and sorts by
// parameters hidden from u are ignored.
func (s *Service) List(ctx context.Context, u *caller.Caller, f Filter, sort string, after *Cursor, limit int) (Page, error) {
	if sort == "" {
		sort = "-updated_at"
	}
	perms, err := s.PermsOf(ctx, u)
	if err != nil {
		return Page{}, err
	}
	f, sort = perms.VisibleFilter(f, sort)
	err = CheckFilter(f, sort)
	if f.Type != "" && typeKey.MatchString(f.Type) {
		// Any type the provider has or had, retired ones included.
		types, terr := s.Types(ctx, u)
		if terr != nil {
			return Page{}, terr
		}
		if types.Find(f.Type) == nil {
			v, _ := err.(*apperr.ValidationError)
			if v == nil {
				v = &apperr.ValidationError{}
			}
			v.Add("type", "error.ticket_type", nil)
			err = v
		}
	}
	if err != nil {
		return Page{}, err
	}
	if !u.IsStaff() {
		f.AssigneeID, f.Unassigned, f.CustomerID, f.View = 0, false, 0, ""
	}
	if f.View != "" {
		f = f.withView(u, s.clock.Now())
	}
	f.notes, f.providerID = u.IsStaff(), u.Organization.ScopeProviderID()
	if !u.IsStaff() {
		f.company = u.Organization
	}
	return s.store.List(ctx, scopeOf(u, perms), f, sort, after, limit)
}

// Counts are the tickets u may see per status.
func (s *Service) Counts(ctx context.Context, u *caller.Caller) (map[string]int, error) {
	sc, err := s.ScopeOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return s.store.Counts(ctx, sc)
}

// Messages returns a ticket's correspondence as u may read it: customers
// never see internal notes.
func (s *Service) Messages(ctx context.Context, u *caller.Caller, id, after int64, limit int) ([]*Message, bool, error) {
	t, err := s.Ticket(ctx, u, id)
	if err != nil {
		return nil, false, err
	}
	return s.MessagesOf(ctx, u, t, after, limit)
}

// MessagesOf is Messages for a ticket the caller already loaded for u with
// Ticket (a page that shows the ticket and its thread reads it once).
func (s *Service) MessagesOf(ctx context.Context, u *caller.Caller, t *Ticket, after int64, limit int) ([]*Message, bool, error) {
	msgs, more, err := s.store.Messages(ctx, t.ID, u.IsStaff(), after, limit)
	if err != nil {
		return nil, false, err
	}
	return msgs, more, s.store.Attachments(ctx, msgs)
}

// Reply adds a message. Staff may add internal notes; a customer's
// "internal" is ignored. A customer's reply reopens a pending, resolved or
// closed ticket; the first public staff reply opens a new one.
func (s *Service) Reply(ctx context.Context, u *caller.Caller, id int64, body string, internal bool) (*Message, error) {
	return s.ReplyWithFiles(ctx, u, id, body, internal, nil)
}

// ReplyWithFiles is Reply with attached files.
func (s *Service) ReplyWithFiles(ctx context.Context, u *caller.Caller, id int64, body string, internal bool, files []Upload) (*Message, error) {
	body = normalizeBody(body)
	v := &apperr.ValidationError{}
	CheckBody(v, "body", body)
	types, ferr := checkUploads(files)
	if fv, ok := ferr.(*apperr.ValidationError); ok {
		v.Fields = append(v.Fields, fv.Fields...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		internal = false
	}
	sc, err := s.ScopeOf(ctx, u)
	if err != nil {
		return nil, err
	}
	var m *Message
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		t, err := st.TicketForUpdate(ctx, sc, id)
		if err != nil {
			return err
		}
		if err := Refusal(Perms{}, u, t, ActReply); err != nil {
			return err
		}
		m = &Message{TicketID: t.ID, AuthorID: &u.ID, AuthorName: u.Name(), AuthorStaff: u.IsStaff(), Body: body, Internal: internal}
		if err := st.AddMessage(ctx, m); err != nil {
			return err
		}
		if err := s.addAttachments(ctx, m, files, types); err != nil {
			return err
		}
		typ := EventReplied
		if internal {
			typ = EventNoteAdded
		}
		if err := s.events.Record(ctx, newEvent(typ, u, t).With("message_id", m.ID).Carry(Reply{Ticket: t, Message: m})); err != nil {
			return err
		}
		if internal {
			return nil // a note changes nothing customers see, not even the time of the last update
		}
		before, now := *t, s.clock.Now()
		old := before.Status
		var cols []string
		if u.IsStaff() {
			if t.FirstResponseAt == nil {
				t.FirstResponseAt = &now
				cols = append(cols, "first_response_at")
			}
			if t.Status == StatusNew {
				cols = append(cols, setStatus(t, StatusOpen, now, false)...)
			}
		} else if t.Status != StatusNew && t.Status != StatusOpen {
			cols = append(cols, setStatus(t, StatusOpen, now, false)...)
		}
		if t.Status == old {
			cols = append(cols, "status") // a public reply touches the ticket all the same
		}
		return s.save(ctx, u, t, before, cols...)
	})
	return m, err
}

// ReplyStatuses are the statuses a reply may move a ticket to in the same
// step ("Send and wait for the customer", "Send and resolve").
var ReplyStatuses = []string{StatusPending, StatusResolved}

// ReplyAndSet adds a reply like ReplyWithFiles and, when status is not "",
// moves the ticket to status (one of ReplyStatuses; staff only) in the same
// transaction: both happen, or neither.
func (s *Service) ReplyAndSet(ctx context.Context, u *caller.Caller, id int64, body string, internal bool, files []Upload, status string) (*Message, error) {
	if status != "" && (!u.IsStaff() || indexOf(ReplyStatuses, status) < 0) {
		return nil, apperr.Invalid("status", "error.reply_status")
	}
	var m *Message
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if m, err = s.ReplyWithFiles(ctx, u, id, body, internal, files); err != nil || status == "" {
			return err
		}
		_, err = s.Update(ctx, u, id, Change{Status: &status})
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Close closes a ticket: staff always, customers for web and email
// tickets when their permissions allow.
func (s *Service) Close(ctx context.Context, u *caller.Caller, id int64) (*Ticket, error) {
	perms, err := s.PermsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	return s.setState(ctx, u, id, func(t *Ticket) ([]string, error) {
		if err := Refusal(perms, u, t, ActClose); err != nil {
			return nil, err
		}
		return setStatus(t, StatusClosed, s.clock.Now(), true), nil
	})
}

// Reopen opens a closed or resolved ticket again.
func (s *Service) Reopen(ctx context.Context, u *caller.Caller, id int64) (*Ticket, error) {
	return s.setState(ctx, u, id, func(t *Ticket) ([]string, error) {
		if err := Refusal(Perms{}, u, t, ActReopen); err != nil {
			return nil, err
		}
		return setStatus(t, StatusOpen, s.clock.Now(), false), nil
	})
}

func (s *Service) setState(ctx context.Context, u *caller.Caller, id int64, change func(*Ticket) ([]string, error)) (*Ticket, error) {
	return s.withTicket(ctx, u, id, func(ctx context.Context, st *Store, t *Ticket) error {
		before := *t
		cols, err := change(t)
		if err != nil {
			return err
		}
		return s.save(ctx, u, t, before, cols...)
	})
}

// withTicket runs fn on ticket id, locked for the transaction, if u may
// see it, and returns the ticket as saved (loaded in the transaction).
func (s *Service) withTicket(ctx context.Context, u *caller.Caller, id int64, fn func(ctx context.Context, st *Store, t *Ticket) error) (*Ticket, error) {
	sc, err := s.ScopeOf(ctx, u)
	if err != nil {
		return nil, err
	}
	var saved *Ticket
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		t, err := st.TicketForUpdate(ctx, sc, id)
		if err != nil {
			return err
		}
		if err := fn(ctx, st, t); err != nil {
			return err
		}
		saved, err = st.Ticket(ctx, sc, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// assignable reports whether a ticket of provider providerID may be
// assigned to u: an active staff user of that provider.
func assignable(u *org.User, providerID int64) bool {
	return u.IsStaff() && u.Organization != nil && u.Organization.ScopeProviderID() == providerID && !u.Disabled()
}

// Assignable are the people a ticket of provider providerID may be assigned
// to (for the forms' choice; the service checks the same rule).
func (s *Service) Assignable(ctx context.Context, providerID int64) ([]*org.User, error) {
	staff, _, err := s.orgs.ListUsers(ctx, org.UserFilter{OrganizationID: providerID}, nil, 500)
	if err != nil {
		return nil, err
	}
	out := staff[:0]
	for _, a := range staff {
		if assignable(a, providerID) {
			out = append(out, a)
		}
	}
	return out, nil
}

// checkAssignee refuses anyone but an active staff user of the provider
// and returns them (nil, unassigning, passes as nobody).
func (s *Service) checkAssignee(ctx context.Context, providerID int64, id *int64) (*org.User, error) {
	if id == nil {
		return nil, nil
	}
	agent, err := s.orgs.UserIn(ctx, org.UserFilter{OrganizationID: providerID}, *id)
	if err != nil || !assignable(agent, providerID) {
		return nil, apperr.Invalid("assignee_id", "error.assignee_unknown")
	}
	return agent, nil
}

// Update changes a ticket's parameters. Staff change every one; customers
// those their permissions let them edit (the rest of ch is ignored).
func (s *Service) Update(ctx context.Context, u *caller.Caller, id int64, ch Change) (*Ticket, error) {
	perms, err := s.PermsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, p := range []*string{ch.Subject, ch.Group} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	v := &apperr.ValidationError{}
	if ch.Subject != nil {
		org.CheckText(v, "subject", *ch.Subject, true, maxSubject)
	}
	if ch.Status != nil && indexOf(Statuses, *ch.Status) < 0 {
		v.Add("status", "error.ticket_status", nil)
	}
	// A sent priority or type must be one: "" (or null in the API) is not
	// "unchanged" but a value the database refuses.
	if ch.Priority != nil && PriorityRank(*ch.Priority) < 0 {
		v.Add("priority", "error.ticket_priority", nil)
	}
	if ch.Type != nil && !typeKey.MatchString(*ch.Type) {
		v.Add("type", "error.ticket_type", nil)
	}
	var tags []string
	if ch.Tags != nil {
		tags = NormalizeTags(*ch.Tags)
		checkTags(v, tags)
	}
	if ch.Group != nil {
		org.CheckText(v, "group", *ch.Group, false, maxGroup)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	may := EditsFor(perms, u)
	return s.withTicket(ctx, u, id, func(ctx context.Context, st *Store, t *Ticket) error {
		before := *t
		var cols []string
		if ch.Fields != nil {
			values, err := s.mergeValues(ctx, u, t.Values(), ch.Fields)
			if err != nil {
				return err
			}
			if values != t.Fields {
				t.Fields, cols = values, append(cols, "fields")
			}
		}
		if ch.Priority != nil && may.Priority {
			t.Priority, cols = *ch.Priority, append(cols, "priority")
			if t.FirstResponseAt == nil { // still unanswered: the target follows the priority
				due := t.CreatedAt.Add(Targets[t.Priority])
				t.DueAt, cols = &due, append(cols, "due_at")
			}
		}
		if ch.Type != nil && may.Type && *ch.Type != t.Type {
			types, err := st.TypesOf(ctx, t.ProviderID)
			if err != nil {
				return err
			}
			if td := types.Find(*ch.Type); td == nil || !td.Active {
				return apperr.Invalid("type", "error.ticket_type")
			}
			t.Type, cols = *ch.Type, append(cols, "type")
		}
		if ch.Tags != nil && may.Tags {
			t.Tags, cols = JoinTags(tags), append(cols, "tags")
		}
		if ch.Group != nil && may.Group {
			t.GroupName, cols = *ch.Group, append(cols, "group_name")
		}
		if ch.AssigneeID != nil && may.Assignee {
			agent, err := s.checkAssignee(ctx, t.ProviderID, *ch.AssigneeID)
			if err != nil {
				return err
			}
			t.AssigneeID, t.Assignee, cols = *ch.AssigneeID, agent, append(cols, "assignee_id")
		}
		if ch.Subject != nil && may.Subject {
			t.Subject, cols = *ch.Subject, append(cols, "subject")
		}
		if ch.Status != nil && may.Status && *ch.Status != t.Status {
			cols = append(cols, setStatus(t, *ch.Status, s.clock.Now(), false)...)
		}
		if ch.DeviceID != nil && may.Device {
			if d := *ch.DeviceID; d != nil {
				dev, err := st.deviceOf(ctx, t, *d)
				if err != nil {
					return err
				}
				t.DeviceID = &dev
			} else {
				t.DeviceID = nil
			}
			cols = append(cols, "device_id")
		}
		if len(cols) == 0 {
			return nil
		}
		return s.save(ctx, u, t, before, cols...)
	})
}

// deviceOf checks that device id belongs to the ticket's customer.
func (s *Store) deviceOf(ctx context.Context, t *Ticket, id int64) (int64, error) {
	d, err := device.NewStore(s.db, s.clock).Device(ctx, device.Scope{CustomerID: t.CustomerID}, id)
	if err != nil || d.ProviderID != t.ProviderID {
		return 0, apperr.Invalid("device_id", "error.device_unknown")
	}
	return d.ID, nil
}

// ErrNotRateable refuses a rating before the ticket is resolved or by
// someone other than its requester.
var ErrNotRateable = &apperr.Denied{Message: "error.ticket_not_rateable"}

// Rate records the requester's rating (1 to 5, with an optional comment)
// of a resolved or closed ticket; rating again replaces it.
func (s *Service) Rate(ctx context.Context, u *caller.Caller, id int64, score int, comment string) (*Ticket, error) {
	comment = normalizeBody(comment)
	v := &apperr.ValidationError{}
	if score < 1 || score > 5 {
		v.Add("score", "error.rating_range", nil)
	}
	if comment != "" && len([]rune(comment)) > 2000 {
		v.Add("comment", "error.too_long", map[string]any{"Max": 2000})
	} else if comment != "" {
		cv := &apperr.ValidationError{}
		CheckBody(cv, "comment", comment)
		v.Fields = append(v.Fields, cv.Fields...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.withTicket(ctx, u, id, func(ctx context.Context, st *Store, t *Ticket) error {
		if err := Refusal(Perms{}, u, t, ActRate); err != nil {
			return err
		}
		now := s.clock.Now()
		t.Rating, t.RatingComment, t.RatedAt = &score, comment, &now
		if err := s.save(ctx, u, t, *t, "rating", "rating_comment", "rated_at"); err != nil {
			return err
		}
		return s.events.Record(ctx, newEvent(EventRated, u, t).With("score", score))
	})
}

// Export returns up to max tickets u may see matching f, for a CSV file.
func (s *Service) Export(ctx context.Context, u *caller.Caller, f Filter, sort string, max int) ([]*Ticket, error) {
	return keyset.Collect(max, 500, func(after *Cursor, n int) ([]*Ticket, *Cursor, error) {
		page, err := s.List(ctx, u, f, sort, after, n)
		return page.Items, page.Next, err
	})
}

// Report is a problem reported by anyone who scanned a device's label.
type Report struct {
	Name        string
	Email       string
	Description string
}

// ReportProblem opens a ticket of channel qr for device d (which must be
// placed with a customer) from the public scan page.
func (s *Service) ReportProblem(ctx context.Context, d *device.Device, r Report) (*Ticket, error) {
	r.Name, r.Email, r.Description = strings.TrimSpace(r.Name), org.NormalizeEmail(r.Email), normalizeBody(r.Description)
	v := &apperr.ValidationError{}
	org.CheckText(v, "name", r.Name, true, 100)
	org.CheckEmail(v, "email", r.Email)
	CheckBody(v, "description", r.Description)
	if len([]rune(r.Description)) > 5000 {
		v.Add("description", "error.too_long", map[string]any{"Max": 5000})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if d.CustomerID == nil {
		return nil, apperr.ErrNotFound
	}
	subject := strings.SplitN(r.Description, "\n", 2)[0]
	if rs := []rune(subject); len(rs) > 80 {
		subject = string(rs[:79]) + "…"
	}
	t := &Ticket{ProviderID: d.ProviderID, CustomerID: *d.CustomerID, DeviceID: &d.ID, RequesterName: r.Name,
		RequesterEmail: r.Email, Subject: subject, Status: StatusNew, Priority: "normal", Type: "incident", Channel: ChannelQR}
	// A user of the device's company who gives their address is the requester.
	if u, err := s.orgs.UserByEmail(ctx, r.Email); err == nil && u.OrganizationID == *d.CustomerID && !u.Disabled() {
		t.RequesterID = &u.ID
	}
	due := s.clock.Now().Add(Targets[t.Priority])
	t.DueAt = &due
	err := s.inTx(ctx, func(ctx context.Context, st *Store) error {
		if err := st.Create(ctx, t); err != nil {
			return err
		}
		if err := st.AddMessage(ctx, &Message{TicketID: t.ID, AuthorID: t.RequesterID, AuthorName: r.Name, Body: r.Description}); err != nil {
			return err
		}
		return s.events.Record(ctx, newEvent(EventCreated, nil, t).With("channel", t.Channel).With("to", t.Status))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// MaxBulk bounds one bulk change.
const MaxBulk = 100

// BulkUpdate applies one change to several tickets (staff), each in its
// own transaction; it reports how many changed. Tickets outside u's scope
// are skipped.
func (s *Service) BulkUpdate(ctx context.Context, u *caller.Caller, ids []int64, ch Change) (int, error) {
	if !u.IsStaff() {
		return 0, apperr.ErrNotFound
	}
	if len(ids) == 0 {
		return 0, apperr.Invalid("id", "error.select_tickets")
	}
	if len(ids) > MaxBulk {
		return 0, &apperr.ValidationError{Fields: []apperr.FieldError{{Field: "id", Message: "error.too_many_selected", Data: map[string]any{"Max": MaxBulk}}}}
	}
	n := 0
	for _, id := range ids {
		if _, err := s.Update(ctx, u, id, ch); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				continue
			}
			return n, err
		}
		n++
	}
	return n, nil
}
