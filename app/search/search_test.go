package search_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db/dbtest"
	"backoffice/app/demo"
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/search"
	"backoffice/app/ticket"
)

var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// demoSearch loads the demo data and returns a search over it, with a way to
// sign in as a demo account.
func demoSearch(t *testing.T, bdb *bun.DB) (*search.Service, func(email string) *caller.Caller) {
	t.Helper()
	ctx := context.Background()
	fc := clock.NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	hasher := auth.NewHasher(cheapParams, 4)
	if _, err := demo.Seed(ctx, bdb, fc, hasher, "Demo-Password-42"); err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(bdb, fc, hasher, auth.NewSessionStore(bdb, fc, time.Hour, 24*time.Hour))
	svc := search.New(ticket.New(bdb, fc, a.Events(), ticket.Mail{FilesDir: t.TempDir()}),
		device.New(bdb, fc, hasher, a.Events()), people.New(bdb, fc, people.Config{}, a))
	users := org.NewStore(bdb, fc)
	return svc, func(email string) *caller.Caller {
		t.Helper()
		u, err := users.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if u, err = users.User(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		return caller.Of(u, "")
	}
}

func titles(groups []*search.Group) map[search.Kind][]string {
	out := map[search.Kind][]string{}
	for _, g := range groups {
		for _, t := range g.Tickets {
			out[g.Kind] = append(out[g.Kind], t.Subject)
		}
		for _, d := range g.Devices {
			out[g.Kind] = append(out[g.Kind], d.Name)
		}
		for _, c := range g.Customers {
			out[g.Kind] = append(out[g.Kind], c.Name)
		}
		for _, p := range g.People {
			out[g.Kind] = append(out[g.Kind], p.Email)
		}
	}
	return out
}

// "Krones" is a manufacturer: it finds the brewery's Krones machines, for
// the brewery and for the provider's staff, and nothing for the clinic.
func TestKronesFindsTheDemoDevicesByManufacturer(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		svc, as := demoSearch(t, bdb)
		ctx := context.Background()
		all := []search.Kind{search.Tickets, search.Devices, search.Customers, search.People}
		for _, c := range []struct {
			email string
			want  string
		}{
			{"member@hafenbraeu.example", "Abfülllinie 1"},
			{"agent@nordlicht-service.example", "Abfülllinie 1"},
			{"member@kliniken-sued.example", ""},
		} {
			groups, err := svc.Search(ctx, as(c.email), search.Query{Text: "Krones", Kinds: all, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			devices := strings.Join(titles(groups)[search.Devices], ", ")
			if c.want == "" && devices != "" || !strings.Contains(devices, c.want) {
				t.Errorf("%s: Krones finds devices %q, want %q among them", c.email, devices, c.want)
			}
			if c.want != "" && !strings.Contains(devices, "Etikettiermaschine") {
				t.Errorf("%s: Krones finds %q, not the Krones labeller", c.email, devices)
			}
		}
	})
}

// Customers and people answer only callers who serve customers, whatever
// kinds are asked for; a customer never finds another company's records.
func TestKindsAndScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		svc, as := demoSearch(t, bdb)
		ctx := context.Background()
		all := []search.Kind{search.Tickets, search.Devices, search.Customers, search.People}

		admin := as("admin@nordlicht-service.example")
		groups, err := svc.Search(ctx, admin, search.Query{Text: "hafenbraeu", Kinds: all, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		got := titles(groups)
		if len(got[search.Customers]) != 1 || len(got[search.People]) != 3 {
			t.Errorf("staff searching hafenbraeu: %v", got)
		}
		// Two of the three brewery people, then the rest on the next page.
		groups, err = svc.Search(ctx, admin, search.Query{Text: "hafenbraeu", Kinds: []search.Kind{search.People}, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || len(groups[0].People) != 2 || !groups[0].More || groups[0].PeopleNext == nil {
			t.Fatalf("first page of people: %+v", groups)
		}
		groups, err = svc.Search(ctx, admin, search.Query{Text: "hafenbraeu", Kinds: []search.Kind{search.People}, Limit: 2,
			PeopleAfter: groups[0].PeopleNext})
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || len(groups[0].People) != 1 || groups[0].More {
			t.Fatalf("second page of people: %+v", groups)
		}

		// A customer asking for every kind gets tickets and devices only,
		// of their own company.
		for _, email := range []string{"admin@kliniken-sued.example", "member@kliniken-sued.example"} {
			for _, text := range []string{"hafenbraeu", "Abfüll", "Krones", "Nordlicht", "Marta"} {
				groups, err := svc.Search(ctx, as(email), search.Query{Text: text, Kinds: all, Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				if got := titles(groups); len(got) > 0 {
					t.Errorf("%s searching %q finds %v", email, text, got)
				}
			}
		}
	})
}

func TestBadQueries(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		svc, as := demoSearch(t, bdb)
		ctx := context.Background()
		u := as("member@hafenbraeu.example")
		for _, text := range []string{strings.Repeat("x", search.MaxQuery+1), "a\x00b", "\xff"} {
			_, err := svc.Search(ctx, u, search.Query{Text: text, Kinds: search.Kinds, Limit: 5})
			var v *apperr.ValidationError
			if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Field != "q" {
				t.Errorf("%.20q: %v, want a validation error at q", text, err)
			}
		}
		for _, limit := range []int{0, search.MaxLimit + 1} {
			_, err := svc.Search(ctx, u, search.Query{Text: "x", Kinds: search.Kinds, Limit: limit})
			var v *apperr.ValidationError
			if !errors.As(err, &v) || v.Fields[0].Field != "limit" {
				t.Errorf("limit %d: %v", limit, err)
			}
		}
		groups, err := svc.Search(ctx, u, search.Query{Text: "   ", Kinds: search.Kinds, Limit: 5})
		if err != nil || len(groups) != 0 {
			t.Errorf("blank search: %v, %v", groups, err)
		}
		// Exactly the limit is fine.
		if _, err := svc.Search(ctx, u, search.Query{Text: strings.Repeat("ü", search.MaxQuery/2), Kinds: search.Kinds, Limit: 5}); err != nil {
			t.Errorf("200 characters: %v", err)
		}
	})
}
