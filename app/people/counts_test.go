package people_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/people"
	"backoffice/rbac"
)

// backfill runs the statement of the customer_counts migration that fills
// the counts from the tables, after emptying them.
func (f *fixture) backfill() {
	f.t.Helper()
	raw, err := os.ReadFile("../../migrations/20261204000002_customer_counts.tx.up.sql")
	must(f.t, err)
	parts := strings.Split(string(raw), "--bun:split")
	insert := strings.TrimSpace(parts[len(parts)-1])
	if !strings.HasPrefix(insert, "INSERT INTO customer_counts") {
		f.t.Fatalf("the migration's last statement is not the backfill: %.80s", insert)
	}
	_, err = f.db.ExecContext(f.ctx, "DELETE FROM customer_counts")
	must(f.t, err)
	_, err = f.db.ExecContext(f.ctx, insert)
	must(f.t, err)
}

// counts reads the rolled-up counts of a customer.
func (f *fixture) counts(id int64) people.Counts {
	f.t.Helper()
	n, err := people.NewStore(f.db, f.clock).CountsOf(f.ctx, []int64{id})
	must(f.t, err)
	return n[id]
}

func TestCustomerCountsFollowPeopleEvents(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// The fixture's users were written without events: the migration's
		// backfill counts them.
		f.backfill()
		if n := f.counts(f.custA.ID); n.People != 2 || n.Devices != 0 || n.OpenTickets != 0 {
			t.Fatalf("customer A after the backfill: %+v", n)
		}
		admin, aAdmin := f.as(f.admin), f.as(f.aAdmin)
		u, _, err := f.svc.CreateUser(f.ctx, aAdmin, 0, person("new@a.test", rbac.Member))
		must(t, err)
		inv, err := f.svc.Invite(f.ctx, admin, f.custA.ID, person("invited@a.test", rbac.Member))
		must(t, err)
		if n := f.counts(f.custA.ID); n.People != 4 {
			t.Fatalf("after a new user and an invitation: %+v", n)
		}
		// A refused change counts nothing (its transaction rolls back).
		if _, _, err := f.svc.CreateUser(f.ctx, aAdmin, 0, person("new@a.test", rbac.Member)); err == nil {
			t.Fatal("duplicate email accepted")
		}
		// Staff users are nobody's customer.
		_, _, err = f.svc.CreateUser(f.ctx, admin, 0, person("colleague@provider.test", rbac.ProviderAgent))
		must(t, err)
		must(t, f.svc.DeleteInvitation(f.ctx, admin, inv.ID))
		must(t, f.svc.DeleteUser(f.ctx, aAdmin, u.ID))
		if n := f.counts(f.custA.ID); n.People != 2 {
			t.Fatalf("after deleting both: %+v", n)
		}
		if n := f.counts(f.provider.ID); n != (people.Counts{}) {
			t.Errorf("the provider has counts %+v", n)
		}
		// What the events kept is what the backfill finds.
		want := map[int64]people.Counts{f.custA.ID: f.counts(f.custA.ID), f.custB.ID: f.counts(f.custB.ID)}
		f.backfill()
		for id, n := range want {
			if got := f.counts(id); got != n {
				t.Errorf("customer %d: events kept %+v, the tables hold %+v", id, n, got)
			}
		}

		// Open tickets: new, open and pending, from the ticket rollup.
		for status, n := range map[string]int{"new": 2, "open": 1, "pending": 1, "resolved": 5, "closed": 3} {
			_, err := f.db.ExecContext(f.ctx, `INSERT INTO ticket_status_counts (provider_id, customer_id, status, n) VALUES (?, ?, ?, ?)`,
				f.provider.ID, f.custA.ID, status, n)
			must(t, err)
		}
		page, err := f.svc.CustomerSummaries(f.ctx, admin, "", "", 0, 25)
		must(t, err)
		got := map[string]people.Counts{}
		for _, c := range page.Items {
			got[c.Name] = c.Counts
		}
		if len(got) != 2 || got["Customer A"] != (people.Counts{OpenTickets: 4, People: 2}) || got["Customer B"] != (people.Counts{People: 1}) {
			t.Errorf("customer list counts %+v", got)
		}
		n, err := f.svc.CustomerCounts(f.ctx, admin, f.custA.ID)
		if err != nil || n.OpenTickets != 4 {
			t.Errorf("counts of customer A: %+v, %v", n, err)
		}
		// Another provider sees neither the customers nor their counts.
		rival := f.as(f.rAdmin)
		page, err = f.svc.CustomerSummaries(f.ctx, rival, "", "", 0, 25)
		must(t, err)
		for _, c := range page.Items {
			if c.ID == f.custA.ID || c.ID == f.custB.ID {
				t.Errorf("the rival lists %s", c.Name)
			}
		}
		if _, err = f.svc.CustomerCounts(f.ctx, rival, f.custA.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("the rival reads customer A's counts: %v", err)
		}
	})
}
