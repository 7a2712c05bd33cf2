package ticket_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/db/dbtest"
	"backoffice/app/ticket"
)

// Every ticket list, for every kind of caller, filter and order, is served
// by an index on PostgreSQL: with sequential scans and sorts priced out, a
// plan that still scans the table or sorts it has no index to use, and
// would read or sort more than the page on a large data set.
func TestListQueriesUseIndexes(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(t), dbtest.Postgres) {
		t.Skip("plans are checked on PostgreSQL: set TEST_POSTGRES_URL")
	}
	t.Parallel()
	bdb := dbtest.New(t, dbtest.Postgres)
	f := newFixture(t, bdb)
	for i := range 3 {
		f.web(f.member, fmt.Sprintf("Pump %d", i))
	}
	// Customer B's members see only their own tickets (another scope).
	if _, err := f.svc.SetCompanyPerms(f.ctx, f.staff, f.customerB.ID, ticket.PermChoices{"see_all": "deny"}); err != nil {
		t.Fatal(err)
	}
	hook := dbtest.Record(bdb, func(q string) bool {
		return strings.HasPrefix(q, "SELECT") && strings.Contains(q, `FROM "tickets" AS "t"`) && strings.Contains(q, " LIMIT ")
	})
	sorts := []string{"updated_at", "-updated_at", "created_at", "-created_at", "priority", "-priority", "status", "-status", "rating", "-rating"}
	callers := map[string]*caller.Caller{"provider admin": f.staff, "agent": f.agent, "customer admin": f.admin, "moderator": f.mod, "member": f.member,
		"member of own tickets": f.memberB}
	plans := map[string]string{} // query: the caller, filter and order that made it
	for name, u := range callers {
		filters := map[string]ticket.Filter{"none": {}, "status": {Status: "open"}, "priority": {Priority: "high"}, "type": {Type: "question"},
			"device": {DeviceID: f.devA.ID}, "requester": {RequesterID: u.ID}, "rated": {Rating: 5}}
		if u.IsStaff() {
			filters["assignee"] = ticket.Filter{AssigneeID: f.agent.ID}
			filters["unassigned"] = ticket.Filter{Unassigned: true}
			filters["customer"] = ticket.Filter{CustomerID: f.customerA.ID}
			for _, v := range ticket.Views {
				filters["view "+v] = ticket.Filter{View: v}
			}
		}
		for fname, filter := range filters {
			for _, sort := range sorts {
				if _, err := f.svc.List(f.ctx, u, filter, sort, nil, 25); err != nil {
					t.Fatalf("%s, filter %s, sort %s: %v", name, fname, sort, err)
				}
				for _, q := range hook.Take() {
					plans[q] = fmt.Sprintf("%s, filter %s, sort %s", name, fname, sort)
				}
			}
		}
	}
	dbtest.WantIndexed(t, bdb, "tickets", plans)
}
