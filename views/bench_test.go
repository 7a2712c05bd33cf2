package views_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/rbac"
	"backoffice/views"
)

// BenchmarkTicketsPage renders a member's ticket list of 25 rows, the page
// the benchmarks measure most (go test -bench TicketsPage ./views/).
func BenchmarkTicketsPage(b *testing.B) {
	bundle, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	company := &org.Organization{ID: 2, Name: "Hafenbräu AG"}
	u := &org.User{ID: 7, OrganizationID: 2, Organization: company, Email: "member@hafenbraeu.example", FirstName: "Sofia",
		LastName: "Richter", Role: rbac.Member, Language: "en", TimeZone: "Europe/Berlin"}
	p := &views.Page{Title: "Tickets", Tr: bundle.Translator("en", time.UTC), User: u, Path: "/tickets", Area: "office", Now: now,
		Can: func(string, string) bool { return true }}
	d := views.TicketsData{Counts: map[string]int{"open": 25}, Total: 25, Perms: ticket.Perms{SeeAll: true, ViewPriority: true, ViewType: true}}
	for i := range 25 {
		due := now.Add(time.Duration(i) * time.Hour)
		d.Items = append(d.Items, &ticket.Ticket{ID: int64(i + 1), Number: int64(1001 + i), CustomerID: 2, Status: "open",
			Priority: "normal", Type: "question", Channel: "web", Subject: fmt.Sprintf("Pump %d makes a noise", i),
			RequesterName: "Sofia Richter", DueAt: &due, CreatedAt: now, UpdatedAt: now})
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := views.TicketsPage(p, d).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
