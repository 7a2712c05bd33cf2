package device_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/db/dbtest"
	"backoffice/app/device"
)

// Every device list, for staff and customers, each filter and order, is
// served by an index on PostgreSQL (see the ticket lists' test); searches by
// name, serial number, manufacturer and model included.
func TestListQueriesUseIndexes(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(t), dbtest.Postgres) {
		t.Skip("plans are checked on PostgreSQL: set TEST_POSTGRES_URL")
	}
	t.Parallel()
	bdb := dbtest.New(t, dbtest.Postgres)
	f := newFixture(t, bdb)
	for i := range 3 {
		f.create(f.staff, in(fmt.Sprintf("Pump %d", i), fmt.Sprintf("SN-%d", i)))
	}
	hook := dbtest.Record(bdb, func(q string) bool {
		return strings.HasPrefix(q, "SELECT") && strings.Contains(q, `FROM "devices" AS "dv"`) && strings.Contains(q, " LIMIT ")
	})
	callers := map[string]*caller.Caller{"provider admin": f.staff, "agent": f.agent, "customer admin": f.admin, "moderator": f.mod, "member": f.member}
	plans := map[string]string{}
	for name, u := range callers {
		filters := map[string]device.Filter{"none": {}, "status": {Status: "operational"}, "site": {Site: "Hall 1"},
			"category": {Category: "Pumps"}, "due": {DueWithin: 30},
			"search": {Query: "krones"}, "short search": {Query: "kr"}, "search and status": {Query: "pump", Status: "operational"}}
		if u.IsStaff() {
			filters["customer"] = device.Filter{CustomerID: f.customerA.ID}
		}
		for fname, filter := range filters {
			for _, s := range device.Sorts {
				for _, sort := range []string{s, "-" + s} {
					if _, err := f.svc.List(f.ctx, u, filter, sort, nil, 25); err != nil {
						t.Fatalf("%s, filter %s, sort %s: %v", name, fname, sort, err)
					}
					for _, q := range hook.Take() {
						plans[q] = fmt.Sprintf("%s, filter %s, sort %s", name, fname, sort)
					}
				}
			}
		}
	}
	dbtest.WantIndexed(t, bdb, "devices", plans)
}
