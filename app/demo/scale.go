package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/org"
	"backoffice/app/ticket"
)

// Scale adds n generated tickets, each with a first message, over two years,
// for measuring lists on a large data set. Like a real provider's, the
// customers differ in size: half the tickets go to the first customer (the
// one the benchmarks sign in to), the rest to the other demo customer and to
// generated customers (one per thousand tickets, at most a thousand) with
// Zipf-distributed sizes, a few large and many small. Counts and numbers are
// kept right, and the planner's statistics are updated at the end.
func Scale(ctx context.Context, db *bun.DB, c clock.Clock, n int, progress func(done int)) error {
	orgs := org.NewStore(db, c)
	provider, err := orgs.FirstProvider(ctx)
	if err != nil {
		return fmt.Errorf("scale: no provider (seed the demo data first): %w", err)
	}
	var customers []*org.Organization
	if err := db.NewSelect().Model(&customers).Where("provider_id = ?", provider.ID).Scan(ctx); err != nil {
		return err
	}
	if len(customers) == 0 {
		return fmt.Errorf("scale: the provider has no customers")
	}
	slices.SortFunc(customers, func(a, b *org.Organization) int { return cmp.Compare(a.ID, b.ID) })
	for i := range min(n/1000, 1000) {
		cu := &org.Organization{Name: fmt.Sprintf("Generated customer %04d", i+1), ProviderID: &provider.ID}
		if err := orgs.CreateOrganization(ctx, cu, []string{fmt.Sprintf("customer-%04d.example", i+1)}); err != nil {
			return fmt.Errorf("scale: create customer: %w", err)
		}
		customers = append(customers, cu)
	}
	requesters := map[int64][]*org.User{}
	for _, cu := range customers {
		users, _, err := orgs.ListUsers(ctx, org.UserFilter{OrganizationID: cu.ID}, nil, 50)
		if err != nil {
			return err
		}
		requesters[cu.ID] = users
	}
	var next int64
	if err := db.NewRaw("SELECT COALESCE(MAX(number), 1000) FROM tickets WHERE provider_id = ?", provider.ID).Scan(ctx, &next); err != nil {
		return err
	}
	statuses := []string{"new", "open", "pending", "resolved", "resolved", "closed", "closed", "closed"}
	channels := []string{"web", "web", "email", "phone", "messenger", "qr"}
	words := []string{"pump", "valve", "display", "sensor", "compressor", "filter", "door", "alarm", "leak", "noise", "update", "calibration"}
	r := rand.New(rand.NewPCG(1, 2))
	customerOf := func() *org.Organization { return customers[0] }
	if len(customers) > 1 {
		zipf := rand.NewZipf(r, 1.2, 1, uint64(len(customers)-2))
		customerOf = func() *org.Organization {
			if r.IntN(2) == 0 {
				return customers[0]
			}
			return customers[1+zipf.Uint64()]
		}
	}
	now := c.Now()
	const batch = 2000
	for done := 0; done < n; {
		size := min(batch, n-done)
		tickets := make([]*ticket.Ticket, size)
		for i := range tickets {
			cu := customerOf()
			created := now.Add(-time.Duration(r.Int64N(int64(730 * 24 * time.Hour))))
			updated := created.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
			if updated.After(now) {
				updated = now
			}
			p := ticket.Priorities[r.IntN(len(ticket.Priorities))]
			due := created.Add(ticket.Targets[p])
			next++
			t := &ticket.Ticket{ProviderID: provider.ID, Number: next, CustomerID: cu.ID, Status: statuses[r.IntN(len(statuses))],
				Priority: p, PriorityRank: ticket.PriorityRank(p), Type: ticket.Types[r.IntN(len(ticket.Types))],
				Channel: channels[r.IntN(len(channels))], Fields: "{}", DueAt: &due, CreatedAt: created, UpdatedAt: updated,
				Subject: fmt.Sprintf("%s %s at unit %d", words[r.IntN(len(words))], words[r.IntN(len(words))], r.IntN(5000))}
			if us := requesters[cu.ID]; len(us) > 0 {
				u := us[r.IntN(len(us))]
				t.RequesterID, t.RequesterName, t.RequesterEmail = &u.ID, u.Name(), u.Email
			}
			tickets[i] = t
		}
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.NewInsert().Model(&tickets).Exec(ctx); err != nil {
				return err
			}
			msgs := make([]*ticket.Message, size)
			for i, t := range tickets {
				msgs[i] = &ticket.Message{TicketID: t.ID, AuthorID: t.RequesterID, AuthorName: t.RequesterName,
					Body: "Generated report: the " + t.Subject + " needs a look.", CreatedAt: t.CreatedAt, UpdatedAt: t.CreatedAt}
			}
			_, err := tx.NewInsert().Model(&msgs).Exec(ctx)
			return err
		})
		if err != nil {
			return fmt.Errorf("scale: insert tickets: %w", err)
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	// Counts and the next number, as the application keeps them.
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw("DELETE FROM ticket_status_counts WHERE provider_id = ?", provider.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewRaw(`INSERT INTO ticket_status_counts (provider_id, customer_id, status, n, created_at, updated_at)
			SELECT provider_id, customer_id, status, count(*), ?, ? FROM tickets WHERE provider_id = ? GROUP BY provider_id, customer_id, status`,
			now, now, provider.ID).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewRaw(`INSERT INTO ticket_counters (provider_id, next_number, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (provider_id) DO UPDATE SET next_number = EXCLUDED.next_number`, provider.ID, next, now, now).Exec(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("scale: analyze: %w", err)
	}
	return nil
}
