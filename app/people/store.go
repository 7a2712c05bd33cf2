package people

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Counts are the rolled-up figures of a customer company: its open tickets
// (from ticket_status_counts), the devices placed with it and its people
// (from customer_counts).
type Counts struct {
	OpenTickets int
	Devices     int
	People      int
}

// openStatuses are the ticket statuses that still need work.
var openStatuses = []string{"new", "open", "pending"}

// Store holds the SQL of the people rollups; everything else people keep
// is in org.Store.
type Store struct {
	db    bun.IDB
	clock clock.Clock
}

// NewStore returns a store on db.
func NewStore(db bun.IDB, c clock.Clock) *Store { return &Store{db: db, clock: c} }

func (s *Store) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

// BumpPeople adds delta to the rolled-up count of customerID's people. Call
// it in the transaction of the change.
func (s *Store) BumpPeople(ctx context.Context, customerID int64, delta int) error {
	return org.NewStore(s.db, s.clock).BumpCustomerCount(ctx, customerID, org.CountPeople, delta)
}

// CountsOf reads the rolled-up counts of the given customers in one query
// (a customer without a row has none of anything).
func (s *Store) CountsOf(ctx context.Context, customerIDs []int64) (map[int64]Counts, error) {
	out := make(map[int64]Counts, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID          int64
		OpenTickets int
		Devices     int
		People      int
	}
	err := s.conn(ctx).NewRaw(`SELECT o.id,
			(SELECT COALESCE(SUM(t.n), 0) FROM ticket_status_counts AS t WHERE t.customer_id = o.id AND t.status IN (?)) AS open_tickets,
			COALESCE(cc.devices, 0) AS devices, COALESCE(cc.people, 0) AS people
		FROM organizations AS o LEFT JOIN customer_counts AS cc ON cc.customer_id = o.id
		WHERE o.id IN (?)`, bun.In(openStatuses), bun.In(customerIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("counts of %d customers: %w", len(customerIDs), err)
	}
	for _, r := range rows {
		out[r.ID] = Counts{OpenTickets: r.OpenTickets, Devices: r.Devices, People: r.People}
	}
	return out, nil
}

// Recount rebuilds the rolled-up devices and people of providerID's
// customers from the tables, as the migration that made them did (for
// data loaded without events, such as the demo data).
func (s *Store) Recount(ctx context.Context, providerID int64) error {
	now := s.clock.Now()
	_, err := s.conn(ctx).NewRaw(`INSERT INTO customer_counts (customer_id, devices, people, created_at, updated_at)
		SELECT o.id, (SELECT count(*) FROM devices AS d WHERE d.customer_id = o.id),
			(SELECT count(*) FROM users AS u WHERE u.organization_id = o.id), ?, ?
		FROM organizations AS o WHERE o.provider_id = ?
		ON CONFLICT (customer_id) DO UPDATE SET devices = EXCLUDED.devices, people = EXCLUDED.people, updated_at = EXCLUDED.updated_at`,
		now, now, providerID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("recount the customers of provider %d: %w", providerID, err)
	}
	return nil
}

// Events that add or remove a customer's person (an invitation comes with
// its user and goes with it).
var (
	peopleIn  = []string{EventUserCreated, EventInvitationCreated}
	peopleOut = []string{EventUserDeleted, EventInvitationDeleted}
)

// countPeople keeps the rolled-up people of the event's customer, in the
// transaction of the change.
func (s *Service) countPeople(ctx context.Context, e *event.Event) error {
	if e.CustomerID == nil {
		return nil // the provider's own staff
	}
	delta := 1
	for _, t := range peopleOut {
		if e.Type == t {
			delta = -1
		}
	}
	return s.counts.BumpPeople(ctx, *e.CustomerID, delta)
}

// CustomerSummary is a customer of the list with its rolled-up counts.
type CustomerSummary struct {
	*org.Organization
	Counts
}

// CustomerSummaries is one page of the customer list with the counts of
// each customer: the page and one query for all of its counts.
type CustomerSummaries struct {
	Items    []CustomerSummary
	NextName string
	NextID   int64
}
