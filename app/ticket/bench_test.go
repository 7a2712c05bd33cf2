package ticket_test

import (
	"fmt"
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/app/ticket"
)

// BenchmarkList is one page of a customer's ticket list, 25 rows of 500,
// newest first, as the member's list page asks for it (go test -bench List
// ./app/ticket/, on PostgreSQL too with TEST_POSTGRES_URL).
func BenchmarkList(b *testing.B) {
	for _, d := range dbtest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			f := newFixture(b, dbtest.New(b, d))
			for i := range 500 {
				if _, err := f.svc.Create(f.ctx, f.member, ticket.NewTicket{Subject: fmt.Sprintf("Pump %d", i), Description: "noise"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				page, err := f.svc.List(f.ctx, f.member, ticket.Filter{}, "", nil, 25)
				if err != nil || len(page.Items) != 25 {
					b.Fatalf("list: %d items, %v", len(page.Items), err)
				}
			}
		})
	}
}
