package ticket

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/device"
	"backoffice/app/keyset"
	"backoffice/app/org"
)

// Scope is the set of tickets a caller may see: a provider's, a
// customer's, or one requester's within a customer.
type Scope struct {
	ProviderID  int64 // staff
	CustomerID  int64 // customer users
	RequesterID int64 // customer users who see only their own tickets
}

func (sc Scope) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if sc.CustomerID != 0 {
		q.Where("t.customer_id = ?", sc.CustomerID)
		if sc.RequesterID != 0 {
			q.Where("t.requester_id = ?", sc.RequesterID)
		}
		return q
	}
	return q.Where("t.provider_id = ?", sc.ProviderID)
}

// Store holds the SQL of tickets and messages.
type Store struct {
	db    bun.IDB
	clock clock.Clock
}

// NewStore returns a store on db.
func NewStore(db bun.IDB, c clock.Clock) *Store { return &Store{db: db, clock: c} }

// conn is the connection of one call: the transaction of ctx, if any.
func (s *Store) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

// nextNumber takes the provider's next ticket number; the row lock of the
// counter serializes concurrent creations.
func (s *Store) nextNumber(ctx context.Context, providerID int64) (int64, error) {
	now := s.clock.Now()
	var n int64
	err := s.conn(ctx).NewRaw(`INSERT INTO ticket_counters (provider_id, next_number, created_at, updated_at) VALUES (?, 1001, ?, ?)
		ON CONFLICT (provider_id) DO UPDATE SET next_number = ticket_counters.next_number + 1, updated_at = EXCLUDED.updated_at
		RETURNING next_number`, providerID, now, now).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("next ticket number of provider %d: %w", providerID, err)
	}
	return n, nil
}

// Create inserts a ticket with the provider's next number. The rolled-up
// counts follow from its ticket.created event (Count).
func (s *Store) Create(ctx context.Context, t *Ticket) error {
	n, err := s.nextNumber(ctx, t.ProviderID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	t.Number, t.CreatedAt, t.UpdatedAt = n, now, now
	t.PriorityRank = PriorityRank(t.Priority)
	if t.Fields == "" {
		t.Fields = "{}"
	}
	if _, err := s.conn(ctx).NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	return nil
}

// Count moves one ticket of a customer in the rolled-up counts from status
// from ("" for a new ticket) to status to.
func (s *Store) Count(ctx context.Context, providerID, customerID int64, from, to string) error {
	if from == "" {
		return s.bump(ctx, providerID, customerID, to, 1)
	}
	if from == to {
		return nil
	}
	// The two count rows are taken in one order (by status), so that two
	// tickets moving the opposite way at once cannot deadlock.
	if from < to {
		if err := s.bump(ctx, providerID, customerID, from, -1); err != nil {
			return err
		}
		return s.bump(ctx, providerID, customerID, to, 1)
	}
	if err := s.bump(ctx, providerID, customerID, to, 1); err != nil {
		return err
	}
	return s.bump(ctx, providerID, customerID, from, -1)
}

// bump adds delta to the rolled-up count of a customer's tickets in status.
func (s *Store) bump(ctx context.Context, providerID, customerID int64, status string, delta int) error {
	now := s.clock.Now()
	_, err := s.conn(ctx).NewRaw(`INSERT INTO ticket_status_counts (provider_id, customer_id, status, n, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, status) DO UPDATE SET n = ticket_status_counts.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at`,
		providerID, customerID, status, delta, now, now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("count tickets: %w", err)
	}
	return nil
}

// Ticket loads ticket id within scope, with its customer, device,
// requester and assignee; outside the scope it is ErrNotFound.
func (s *Store) Ticket(ctx context.Context, sc Scope, id int64) (*Ticket, error) {
	return s.ticket(ctx, sc, id, false)
}

// TicketForUpdate loads ticket id like Ticket and, on PostgreSQL, locks its
// row for the rest of the transaction, so that concurrent changes of one
// ticket apply in turn to its latest state (and its status moves between
// the counts once). SQLite has a single writer.
func (s *Store) TicketForUpdate(ctx context.Context, sc Scope, id int64) (*Ticket, error) {
	return s.ticket(ctx, sc, id, true)
}

func (s *Store) ticket(ctx context.Context, sc Scope, id int64, lock bool) (*Ticket, error) {
	t := new(Ticket)
	q := s.conn(ctx).NewSelect().Model(t).Relation("Customer").Relation("Device").Relation("Requester").Relation("Assignee").
		Where("t.id = ?", id)
	if lock {
		db.Lock(q, "t")
	}
	err := sc.apply(q).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("ticket %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load ticket %d: %w", id, err)
	}
	return t, nil
}

// Update saves the given columns of t (updated_at always). A status change
// moves the ticket between the rolled-up counts through its
// ticket.status_changed event (Count).
func (s *Store) Update(ctx context.Context, t *Ticket, oldStatus string, columns ...string) error {
	t.UpdatedAt = s.clock.Now()
	t.PriorityRank = PriorityRank(t.Priority)
	if _, err := s.conn(ctx).NewUpdate().Model(t).Column(append(columns, "priority_rank", "updated_at")...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update ticket %d: %w", t.ID, err)
	}
	return nil
}

// AddMessage appends a message to the correspondence.
func (s *Store) AddMessage(ctx context.Context, m *Message) error {
	now := s.clock.Now()
	m.CreatedAt, m.UpdatedAt = now, now
	if _, err := s.conn(ctx).NewInsert().Model(m).Exec(ctx); err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	return nil
}

// Messages returns a ticket's correspondence, oldest first; internal notes
// only when withInternal.
func (s *Store) Messages(ctx context.Context, ticketID int64, withInternal bool, after int64, limit int) ([]*Message, bool, error) {
	var out []*Message
	q := s.conn(ctx).NewSelect().Model(&out).Where("m.ticket_id = ?", ticketID).OrderExpr("m.id").Limit(int64(limit + 1))
	if !withInternal {
		q.Where("m.internal = ?", false)
	}
	if after > 0 {
		q.Where("m.id > ?", after)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("messages of ticket %d: %w", ticketID, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Filter selects tickets of a list.
type Filter struct {
	Status      string
	Priority    string
	Type        string
	DeviceID    int64
	RequesterID int64 // "requester=me"
	AssigneeID  int64 // staff: one agent's
	Unassigned  bool
	CustomerID  int64  // staff: one customer's
	Query       string // subject, number, or the text of a message
	// CreatedWithin keeps tickets created in the last so many days.
	CreatedWithin int
	Rating        int // 1-5: rated so
	// View is a saved view of the staff queue (Views), whose conditions
	// the service adds.
	View string
	// Open keeps the tickets still to be worked on (OpenStatuses).
	Open bool
	// UnansweredBefore, when set, keeps the unanswered tickets whose answer
	// target is before it (the overdue ones).
	UnansweredBefore time.Time
	notes            bool  // search internal notes too (staff)
	providerID       int64 // whose numbers a search for #1234 means
	// company is the caller's own company when they are a customer user:
	// every ticket they see is its, so it is not read again.
	company *org.Organization
}

// Cursor is a keyset position: the sort key of the last row and its id.
type Cursor = keyset.Cursor

// Page is one page of tickets.
type Page = keyset.Page[*Ticket]

func timeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (any, error) { return time.Parse(time.RFC3339Nano, s) }

// Sorts are the list orders; a leading "-" reverses. The default is
// "-updated_at", newest change first.
var sortSpecs = keyset.Sorts[*Ticket]{
	"updated_at": {Expr: "t.updated_at", Key: func(t *Ticket) string { return timeKey(t.UpdatedAt) }, Arg: parseTime},
	"created_at": {Expr: "t.created_at", Key: func(t *Ticket) string { return timeKey(t.CreatedAt) }, Arg: parseTime},
	"priority": {Expr: "t.priority_rank", Key: func(t *Ticket) string { return strconv.Itoa(t.PriorityRank) },
		Arg: func(s string) (any, error) { return strconv.Atoi(s) }},
	"rating": {Expr: "COALESCE(t.rating, 0)", Key: func(t *Ticket) string {
		if t.Rating == nil {
			return "0"
		}
		return strconv.Itoa(*t.Rating)
	}, Arg: func(s string) (any, error) { return strconv.Atoi(s) }},
	"status": {Expr: "t.status", Key: func(t *Ticket) string { return t.Status },
		Arg: func(s string) (any, error) { return s, nil }},
}

func ticketID(t *Ticket) int64 { return t.ID }

// ValidSort reports whether s names a list order.
func ValidSort(s string) bool { return sortSpecs.Valid(s) }

// List returns a page of the tickets in scope matching f, in order sort.
func (s *Store) List(ctx context.Context, sc Scope, f Filter, sort string, after *Cursor, limit int) (Page, error) {
	var page Page
	if !sortSpecs.Valid(sort) {
		return page, apperr.Invalid("sort", "error.sort_invalid")
	}
	// The page's customers, devices and people are loaded by id afterwards:
	// a five-table join cost more to plan on PostgreSQL than the query took.
	q := sc.apply(s.conn(ctx).NewSelect().Model(&page.Items))
	f.where(q)
	if f.Priority != "" {
		q.Where("t.priority = ?", f.Priority)
	}
	if f.Type != "" {
		q.Where("t.type = ?", f.Type)
	}
	if f.DeviceID != 0 {
		q.Where("t.device_id = ?", f.DeviceID)
	}
	if f.RequesterID != 0 {
		q.Where("t.requester_id = ?", f.RequesterID)
	}
	if f.CustomerID != 0 {
		q.Where("t.customer_id = ?", f.CustomerID)
	}
	if query := strings.TrimSpace(f.Query); query != "" {
		// By number (#1234), or by the words of the subject and the
		// correspondence the caller may read: customers never find a ticket
		// by the words of an internal note.
		number := int64(-1)
		if n, err := strconv.ParseInt(strings.TrimPrefix(query, "#"), 10, 64); err == nil && f.providerID != 0 {
			number = n
		}
		cond, args := searchCond(db.IsPostgres(s.conn(ctx)), query, f.notes, f.providerID, number)
		q.Where(cond, args...)
	}
	if f.CreatedWithin > 0 {
		q.Where("t.created_at >= ?", s.clock.Now().AddDate(0, 0, -f.CreatedWithin))
	}
	if f.Rating > 0 {
		q.Where("t.rating = ?", f.Rating)
	}
	if err := sortSpecs.Fetch(ctx, q, &page, sort, "t.id", ticketID, after, limit); err != nil {
		return page, err
	}
	return page, s.attach(ctx, page.Items, f.company)
}

// attach loads the customers, devices, requesters and assignees of
// tickets, one query each, each id asked for once; known is a customer
// already at hand (nil: none), which is not read again.
func (s *Store) attach(ctx context.Context, tickets []*Ticket, known *org.Organization) error {
	if len(tickets) == 0 {
		return nil
	}
	var orgIDs, devIDs, userIDs idSet
	for _, t := range tickets {
		if known == nil || t.CustomerID != known.ID {
			orgIDs.add(t.CustomerID)
		}
		if t.DeviceID != nil {
			devIDs.add(*t.DeviceID)
		}
		for _, u := range []*int64{t.RequesterID, t.AssigneeID} {
			if u != nil {
				userIDs.add(*u)
			}
		}
	}
	byOrg := map[int64]*org.Organization{}
	if known != nil {
		byOrg[known.ID] = known
	}
	if len(orgIDs.ids) > 0 {
		var orgs []*org.Organization
		if err := s.conn(ctx).NewSelect().Model(&orgs).Where("o.id IN (?)", bun.In(orgIDs.ids)).Scan(ctx); err != nil {
			return fmt.Errorf("customers of tickets: %w", err)
		}
		for _, o := range orgs {
			byOrg[o.ID] = o
		}
	}
	byDev := map[int64]*device.Device{}
	if len(devIDs.ids) > 0 {
		var devs []*device.Device
		if err := s.conn(ctx).NewSelect().Model(&devs).Where("dv.id IN (?)", bun.In(devIDs.ids)).Scan(ctx); err != nil {
			return fmt.Errorf("devices of tickets: %w", err)
		}
		for _, d := range devs {
			byDev[d.ID] = d
		}
	}
	byUser := map[int64]*org.User{}
	if len(userIDs.ids) > 0 {
		var users []*org.User
		if err := s.conn(ctx).NewSelect().Model(&users).Where("u.id IN (?)", bun.In(userIDs.ids)).Scan(ctx); err != nil {
			return fmt.Errorf("people of tickets: %w", err)
		}
		for _, u := range users {
			byUser[u.ID] = u
		}
	}
	for _, t := range tickets {
		t.Customer = byOrg[t.CustomerID]
		if t.DeviceID != nil {
			t.Device = byDev[*t.DeviceID]
		}
		if t.RequesterID != nil {
			t.Requester = byUser[*t.RequesterID]
		}
		if t.AssigneeID != nil {
			t.Assignee = byUser[*t.AssigneeID]
		}
	}
	return nil
}

// idSet collects ids in the order first seen, each once (for IN lists).
type idSet struct {
	ids  []int64
	seen map[int64]bool
}

func (s *idSet) add(id int64) {
	if s.seen == nil {
		s.seen = map[int64]bool{}
	}
	if !s.seen[id] {
		s.seen[id] = true
		s.ids = append(s.ids, id)
	}
}

// Counts are the tickets per status in scope: from the rollup for a
// provider or a customer, by an index-bounded count for one requester.
func (s *Store) Counts(ctx context.Context, sc Scope) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	var q *bun.RawQuery
	switch {
	case sc.RequesterID != 0:
		q = s.conn(ctx).NewRaw("SELECT status, count(*) AS n FROM tickets WHERE customer_id = ? AND requester_id = ? GROUP BY status", sc.CustomerID, sc.RequesterID)
	case sc.CustomerID != 0:
		q = s.conn(ctx).NewRaw("SELECT status, n FROM ticket_status_counts WHERE customer_id = ?", sc.CustomerID)
	default:
		q = s.conn(ctx).NewRaw("SELECT status, sum(n) AS n FROM ticket_status_counts WHERE provider_id = ? GROUP BY status", sc.ProviderID)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("count tickets: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		if r.N != 0 {
			out[r.Status] = r.N
		}
	}
	return out, nil
}
