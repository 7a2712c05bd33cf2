package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backoffice/app/audit"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/db/dbtest"
	"backoffice/app/org"
	"backoffice/rbac"
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type fixture struct {
	db         *bun.DB
	clock      *clock.Fake
	audit      *audit.Store
	providerA  *org.Organization
	providerB  *org.Organization
	customer   *org.Organization // a customer of provider A
	staff      *org.User         // provider A's administrator
	employee   *org.User         // the customer's administrator
	otherStaff *org.User         // provider B's administrator
}

func newFixture(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	fc := clock.NewFake(start)
	s := org.NewStore(bdb, fc)
	f := &fixture{db: bdb, clock: fc, audit: audit.NewStore(bdb, fc)}
	mkOrg := func(name string, provider *org.Organization) *org.Organization {
		o := &org.Organization{Name: name}
		if provider != nil {
			o.ProviderID = &provider.ID
		}
		if err := s.CreateOrganization(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
		return o
	}
	mkUser := func(o *org.Organization, email string, role rbac.Role) *org.User {
		u := &org.User{OrganizationID: o.ID, Email: email, FirstName: "T", Role: role}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		loaded, err := s.User(ctx, u.ID) // with its organization, as the web layer has it
		if err != nil {
			t.Fatal(err)
		}
		return loaded
	}
	f.providerA = mkOrg("Provider A", nil)
	f.providerB = mkOrg("Provider B", nil)
	f.customer = mkOrg("Customer of A", f.providerA)
	f.staff = mkUser(f.providerA, "admin@a.example", rbac.ProviderAdmin)
	f.employee = mkUser(f.customer, "boss@customer.example", rbac.Administrator)
	f.otherStaff = mkUser(f.providerB, "admin@b.example", rbac.ProviderAdmin)
	return f
}

func (f *fixture) last(t *testing.T) *audit.Entry {
	t.Helper()
	e := new(audit.Entry)
	if err := f.db.NewSelect().Model(e).Order("id DESC").Limit(1).Scan(context.Background()); err != nil {
		t.Fatalf("load last audit entry: %v", err)
	}
	return e
}

func ptr(p *int64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}

func TestRecordScopesEntryToProvider(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)

		tests := []struct {
			name            string
			actor           *org.User
			provider, orgID *int64
			actorID         *int64
			email           string
		}{
			{"customer employee", f.employee, &f.providerA.ID, &f.customer.ID, &f.employee.ID, f.employee.Email},
			{"provider staff", f.staff, &f.providerA.ID, &f.providerA.ID, &f.staff.ID, f.staff.Email},
			{"other provider", f.otherStaff, &f.providerB.ID, &f.providerB.ID, &f.otherStaff.ID, f.otherStaff.Email},
			{"system", nil, nil, nil, nil, ""},
		}
		for _, tt := range tests {
			f.clock.Advance(time.Second)
			ev := audit.Event{Action: "test." + strings.ReplaceAll(tt.name, " ", "_"), TargetType: "user", TargetID: 42, IP: "192.0.2.7", Detail: "d"}
			if err := f.audit.Record(ctx, tt.actor, ev); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			e := f.last(t)
			if ptr(e.ProviderID) != ptr(tt.provider) || ptr(e.OrganizationID) != ptr(tt.orgID) || ptr(e.ActorID) != ptr(tt.actorID) {
				t.Errorf("%s: provider %s org %s actor %s; want %s %s %s", tt.name,
					ptr(e.ProviderID), ptr(e.OrganizationID), ptr(e.ActorID), ptr(tt.provider), ptr(tt.orgID), ptr(tt.actorID))
			}
			if e.ActorEmail != tt.email || e.Action != ev.Action || e.TargetType != "user" || ptr(e.TargetID) != "42" ||
				e.IP != "192.0.2.7" || e.Detail != "d" || !e.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("%s: entry = %+v", tt.name, e)
			}
		}

		// No target is stored as NULL, not as 0.
		if err := f.audit.Record(ctx, f.staff, audit.Event{Action: "test.no_target"}); err != nil {
			t.Fatal(err)
		}
		if e := f.last(t); e.TargetID != nil {
			t.Errorf("target id = %d, want NULL", *e.TargetID)
		}
	})
}

func TestListIsScopedToProvider(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		record := func(actor *org.User, action string) {
			t.Helper()
			f.clock.Advance(time.Second)
			if err := f.audit.Record(ctx, actor, audit.Event{Action: action}); err != nil {
				t.Fatal(err)
			}
		}
		record(f.staff, "a.1")
		record(f.otherStaff, "b.1")
		record(f.employee, "a.2")
		record(nil, "system.1")
		record(f.otherStaff, "b.2")
		record(f.staff, "a.3")

		actions := func(es []*audit.Entry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Action)
			}
			return out
		}
		got, more, err := f.audit.List(ctx, f.providerA.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if want := "a.3 a.2 a.1"; strings.Join(actions(got), " ") != want || more {
			t.Errorf("provider A sees %q (more %v), want %q", actions(got), more, want)
		}
		got, _, err = f.audit.List(ctx, f.providerB.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if want := "b.2 b.1"; strings.Join(actions(got), " ") != want {
			t.Errorf("provider B sees %q, want %q", actions(got), want)
		}
		// A customer id is not a provider scope: nothing is listed under it.
		if got, _, err := f.audit.List(ctx, f.customer.ID, 0, 100); err != nil || len(got) != 0 {
			t.Errorf("list under the customer id = %q, %v", actions(got), err)
		}
		// A cursor taken from another provider's entry still lists only
		// provider A's entries older than it.
		bEntries, _, err := f.audit.List(ctx, f.providerB.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		got, more, err = f.audit.List(ctx, f.providerA.ID, bEntries[0].ID, 100) // before "b.2"
		if err != nil {
			t.Fatal(err)
		}
		if want := "a.2 a.1"; strings.Join(actions(got), " ") != want || more {
			t.Errorf("provider A before b.2 sees %q (more %v), want %q", actions(got), more, want)
		}
	})
}

func TestListPaging(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		for i := range 7 {
			f.clock.Advance(time.Second)
			actor := f.staff
			if i%2 == 1 {
				actor = f.employee
			}
			if err := f.audit.Record(ctx, actor, audit.Event{Action: fmt.Sprintf("e.%d", i)}); err != nil {
				t.Fatal(err)
			}
			// Interleave another provider's entries so that ids have gaps.
			if err := f.audit.Record(ctx, f.otherStaff, audit.Event{Action: "other"}); err != nil {
				t.Fatal(err)
			}
		}

		var pages [][]string
		var before int64
		for range 10 {
			page, more, err := f.audit.List(ctx, f.providerA.ID, before, 3)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for i, e := range page {
				names = append(names, e.Action)
				if i > 0 && e.ID >= page[i-1].ID {
					t.Errorf("page not newest first: %d after %d", e.ID, page[i-1].ID)
				}
				if ptr(e.ProviderID) != ptr(&f.providerA.ID) {
					t.Errorf("entry %d of provider %s listed for provider A", e.ID, ptr(e.ProviderID))
				}
			}
			pages = append(pages, names)
			if !more {
				break
			}
			before = page[len(page)-1].ID
		}
		want := "[[e.6 e.5 e.4] [e.3 e.2 e.1] [e.0]]"
		if got := fmt.Sprint(pages); got != want {
			t.Errorf("pages = %s, want %s", got, want)
		}

		// Exactly a page left: no further page is promised.
		page, more, err := f.audit.List(ctx, f.providerA.ID, 0, 7)
		if err != nil || len(page) != 7 || more {
			t.Errorf("limit 7 of 7: %d entries, more %v, %v", len(page), more, err)
		}
	})
}

func TestDetailTruncatedOnRuneBoundary(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		tests := []struct {
			name   string
			detail string
			want   string
		}{
			{"short", "renamed to Café", "renamed to Café"},
			{"exactly 1000 bytes", strings.Repeat("a", 1000), strings.Repeat("a", 1000)},
			{"ASCII over the limit", strings.Repeat("a", 1500), strings.Repeat("a", 1000)},
			// 999 bytes, then a 2-byte é across the limit: it is dropped whole.
			{"two-byte rune across the limit", strings.Repeat("a", 999) + "é" + "tail", strings.Repeat("a", 999)},
			// 998 bytes, then a 4-byte emoji spanning bytes 999-1002.
			{"four-byte rune across the limit", strings.Repeat("a", 998) + "😀" + "tail", strings.Repeat("a", 998)},
			// 2-byte runes only: 1000 bytes end exactly on a boundary.
			{"multi-byte ending on the limit", strings.Repeat("ж", 600), strings.Repeat("ж", 500)},
			{"three-byte runes", strings.Repeat("€", 400), strings.Repeat("€", 333)},
		}
		for _, tt := range tests {
			if err := f.audit.Record(ctx, f.staff, audit.Event{Action: "test.detail", Detail: tt.detail}); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got := f.last(t).Detail
			if got != tt.want {
				t.Errorf("%s: stored %d bytes (%q…), want %d bytes", tt.name, len(got), got[:min(len(got), 10)], len(tt.want))
			}
			if !utf8.ValidString(got) || len(got) > 1000 {
				t.Errorf("%s: stored detail is %d bytes, valid UTF-8 %v", tt.name, len(got), utf8.ValidString(got))
			}
		}
	})
}

func TestRecordInTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		rollback := errors.New("roll back")
		err := db.InTx(ctx, bdb, func(ctx context.Context) error {
			if err := f.audit.Record(ctx, f.staff, audit.Event{Action: "test.rolled_back"}); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("RunInTx = %v", err)
		}
		got, _, err := f.audit.List(ctx, f.providerA.ID, 0, 10)
		if err != nil || len(got) != 0 {
			t.Errorf("rolled-back event listed: %d entries, %v", len(got), err)
		}
	})
}

func TestRecordLoadsTheProviderWhenTheCallerDidNot(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := clock.NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		store := org.NewStore(db, c)
		provider := &org.Organization{Name: "P"}
		if err := store.CreateOrganization(ctx, provider, nil); err != nil {
			t.Fatal(err)
		}
		cust := &org.Organization{Name: "C", ProviderID: &provider.ID}
		if err := store.CreateOrganization(ctx, cust, nil); err != nil {
			t.Fatal(err)
		}
		u := &org.User{OrganizationID: cust.ID, Email: "bare@c.test", FirstName: "B", Role: "member"}
		if err := store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		a := audit.NewStore(db, c)
		if err := a.Record(ctx, u, audit.Event{Action: "auth.login"}); err != nil { // u.Organization is nil
			t.Fatal(err)
		}
		entries, _, err := a.List(ctx, provider.ID, 0, 10)
		if err != nil || len(entries) != 1 {
			t.Fatalf("entry not visible to the provider: %v %v", entries, err)
		}
	})
}
