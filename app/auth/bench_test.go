package auth_test

import (
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/rbac"
)

// BenchmarkSessionLookup is the lookup every signed-in page starts with
// (go test -bench SessionLookup ./app/auth/, on PostgreSQL too with
// TEST_POSTGRES_URL).
func BenchmarkSessionLookup(b *testing.B) {
	for _, d := range dbtest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			f := newFixture(b, dbtest.New(b, d))
			u := f.user(f.customer, "mara@customer.test", rbac.Member)
			token, _ := f.session(u)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.sessions.Lookup(f.ctx, token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
