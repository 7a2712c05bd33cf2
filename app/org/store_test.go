package org_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/db/dbtest"
	"backoffice/app/org"
	"backoffice/rbac"
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newStore(t *testing.T, bdb *bun.DB) (*org.Store, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(start)
	return org.NewStore(bdb, fc), fc
}

func createOrg(t *testing.T, s *org.Store, name string, provider *org.Organization, domains ...string) *org.Organization {
	t.Helper()
	o := &org.Organization{Name: name}
	if provider != nil {
		o.ProviderID = &provider.ID
	}
	if err := s.CreateOrganization(context.Background(), o, domains); err != nil {
		t.Fatalf("create organization %s: %v", name, err)
	}
	return o
}

func createUser(t *testing.T, s *org.Store, o *org.Organization, email string) *org.User {
	t.Helper()
	u := &org.User{OrganizationID: o.ID, Email: email, FirstName: "Test", Role: rbac.Member}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestCreateUserNormalizesEmail(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		o := createOrg(t, s, "Provider", nil)
		u := createUser(t, s, o, "  Anna.Schmidt@Example.COM ")
		if u.ID == 0 || u.Email != "anna.schmidt@example.com" {
			t.Fatalf("created user id %d email %q", u.ID, u.Email)
		}
		if u.Language != "en" || u.TimeZone != "UTC" || !u.CreatedAt.Equal(start) {
			t.Errorf("defaults: language %q time zone %q created %s", u.Language, u.TimeZone, u.CreatedAt)
		}
		var stored string
		if err := bdb.NewSelect().Table("users").Column("email").Where("id = ?", u.ID).Scan(ctx, &stored); err != nil {
			t.Fatal(err)
		}
		if stored != "anna.schmidt@example.com" {
			t.Errorf("stored email %q, want lower case", stored)
		}
	})
}

func TestCreateUserDuplicateEmailIsConflict(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		a := createOrg(t, s, "A", nil)
		b := createOrg(t, s, "B", nil)
		createUser(t, s, a, "bob@example.com")

		for _, email := range []string{"bob@example.com", "BOB@Example.com", " Bob@EXAMPLE.COM"} {
			// Another organization does not make the same email acceptable.
			err := s.CreateUser(ctx, &org.User{OrganizationID: b.ID, Email: email, FirstName: "Bob", Role: rbac.Member})
			var c *apperr.Conflict
			if !errors.As(err, &c) {
				t.Fatalf("duplicate %q: want *apperr.Conflict, got %T: %v", email, err, err)
			}
			if c.Field != "email" || c.Message != "error.email_taken" {
				t.Errorf("conflict = %+v, want field email", c)
			}
			if !errors.Is(err, apperr.ErrConflict) {
				t.Error("conflict does not unwrap to ErrConflict")
			}
		}
		if n, _ := s.CountUsers(ctx, b.ID); n != 0 {
			t.Errorf("organization B has %d users after the refused inserts", n)
		}
	})
}

func TestUserByEmailIgnoresCase(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		o := createOrg(t, s, "Provider", nil)
		u := createUser(t, s, o, "carla@example.com")
		createUser(t, s, o, "carl@example.com")

		for _, email := range []string{"carla@example.com", "CARLA@EXAMPLE.COM", "  Carla@Example.com  "} {
			got, err := s.UserByEmail(ctx, email)
			if err != nil {
				t.Fatalf("UserByEmail(%q): %v", email, err)
			}
			if got.ID != u.ID {
				t.Errorf("UserByEmail(%q) = user %d, want %d", email, got.ID, u.ID)
			}
			if got.Organization == nil || got.Organization.ID != o.ID {
				t.Errorf("UserByEmail(%q) did not load the organization: %+v", email, got.Organization)
			}
		}
		for _, email := range []string{"nobody@example.com", "carla@example", "", "carl%@example.com"} {
			if _, err := s.UserByEmail(ctx, email); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("UserByEmail(%q): want ErrNotFound, got %v", email, err)
			}
		}
	})
}

func TestUserAndOrganizationLoad(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		p := createOrg(t, s, "Provider", nil, "Provider.example ")
		c := createOrg(t, s, "Customer", p, "customer.example", "customer.test")
		u := createUser(t, s, c, "dora@customer.example")

		got, err := s.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != u.Email || got.Organization == nil || got.Organization.ID != c.ID {
			t.Fatalf("User = %+v with organization %+v", got, got.Organization)
		}
		if got.Organization.IsProvider() || got.Organization.ScopeProviderID() != p.ID {
			t.Errorf("customer scope provider = %d, want %d", got.Organization.ScopeProviderID(), p.ID)
		}
		if _, err := s.User(ctx, u.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("User(missing): want ErrNotFound, got %v", err)
		}

		o, err := s.Organization(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !o.IsProvider() || o.ScopeProviderID() != p.ID || len(o.Domains) != 1 || o.Domains[0].Domain != "provider.example" {
			t.Errorf("provider = %+v, domains %+v", o, o.Domains)
		}
		if o, err := s.Organization(ctx, c.ID); err != nil || len(o.Domains) != 2 {
			t.Errorf("customer domains = %v, %v", o, err)
		}
		if _, err := s.Organization(ctx, c.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("Organization(missing): want ErrNotFound, got %v", err)
		}
	})
}

func TestCreateOrganizationDomainTaken(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		p := createOrg(t, s, "Provider", nil)
		createOrg(t, s, "Brewery", p, "brewery.example")

		err := s.CreateOrganization(ctx, &org.Organization{Name: "Copycat", ProviderID: &p.ID}, []string{"other.example", " Brewery.EXAMPLE"})
		var c *apperr.Conflict
		if !errors.As(err, &c) || c.Field != "email_domains" {
			t.Fatalf("want *apperr.Conflict at email_domains, got %T: %v", err, err)
		}

		// Callers run CreateOrganization in a transaction, so the refused
		// organization leaves nothing behind.
		err = db.InTx(ctx, bdb, func(ctx context.Context) error {
			return s.CreateOrganization(ctx, &org.Organization{Name: "Copycat 2", ProviderID: &p.ID}, []string{"brewery.example"})
		})
		if !errors.As(err, &c) {
			t.Fatalf("in a transaction: want *apperr.Conflict, got %v", err)
		}
		n, err := bdb.NewSelect().Model((*org.Organization)(nil)).Where("name = ?", "Copycat 2").Count(ctx)
		if err != nil || n != 0 {
			t.Errorf("rolled-back organization still stored: %d, %v", n, err)
		}
	})
}

func TestFirstProviderAndEmpty(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		if empty, err := s.Empty(ctx); err != nil || !empty {
			t.Fatalf("Empty on a new database = %v, %v", empty, err)
		}
		if _, err := s.FirstProvider(ctx); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("FirstProvider on a new database: want ErrNotFound, got %v", err)
		}
		p1 := createOrg(t, s, "First provider", nil)
		createOrg(t, s, "Customer", p1)
		createOrg(t, s, "Second provider", nil)

		if empty, err := s.Empty(ctx); err != nil || empty {
			t.Errorf("Empty with organizations = %v, %v", empty, err)
		}
		got, err := s.FirstProvider(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != p1.ID || !got.IsProvider() {
			t.Errorf("FirstProvider = %d %q, want %d", got.ID, got.Name, p1.ID)
		}
	})
}

func TestFirstProviderSkipsCustomers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		// Turn the two oldest organizations into customers of the newest: the
		// provider_id filter, not the id order, must pick the provider.
		p1 := createOrg(t, s, "Provider 1", nil)
		c := createOrg(t, s, "Customer", p1)
		p2 := createOrg(t, s, "Provider 2", nil)
		if _, err := bdb.NewUpdate().Model((*org.Organization)(nil)).Set("provider_id = ?", p2.ID).Where("id = ?", c.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.NewUpdate().Model((*org.Organization)(nil)).Set("provider_id = ?", c.ID).Where("id = ?", p1.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := s.FirstProvider(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != p2.ID {
			t.Errorf("FirstProvider = %d, want the only provider %d", got.ID, p2.ID)
		}
	})
}

func TestUpdateProfile(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, fc := newStore(t, bdb)
		o := createOrg(t, s, "Provider", nil)
		u := createUser(t, s, o, "eve@example.com")
		other := createUser(t, s, o, "frank@example.com")
		fc.Advance(time.Hour)

		in := org.ProfileInput{FirstName: "Eve", LastName: "Müller", Language: "de", TimeZone: "Europe/Berlin"}
		if err := s.UpdateProfile(ctx, u.ID, in); err != nil {
			t.Fatal(err)
		}
		got, err := s.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstName != "Eve" || got.LastName != "Müller" || got.Language != "de" || got.TimeZone != "Europe/Berlin" {
			t.Errorf("profile not saved: %+v", got)
		}
		if !got.UpdatedAt.Equal(start.Add(time.Hour)) {
			t.Errorf("updated_at = %s, want %s", got.UpdatedAt, start.Add(time.Hour))
		}
		if got.Location().String() != "Europe/Berlin" {
			t.Errorf("Location = %s", got.Location())
		}
		if o, _ := s.User(ctx, other.ID); o.FirstName != "Test" || o.Language != "en" {
			t.Errorf("another user changed: %+v", o)
		}

		if err := s.UpdateProfile(ctx, u.ID+1000, in); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("UpdateProfile(missing): want ErrNotFound, got %v", err)
		}
		if err := s.SetPasswordHash(ctx, u.ID+1000, "x"); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("SetPasswordHash(missing): want ErrNotFound, got %v", err)
		}
	})
}

func TestSetPasswordHashAndRecordLogin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, fc := newStore(t, bdb)
		o := createOrg(t, s, "Provider", nil)
		u := createUser(t, s, o, "gina@example.com")
		if got, _ := s.User(ctx, u.ID); got.Status() != org.StatusInvited || got.LastLoginAt != nil {
			t.Fatalf("new user without password: status %q last login %v", got.Status(), got.LastLoginAt)
		}
		if err := s.SetPasswordHash(ctx, u.ID, "$argon2id$stub"); err != nil {
			t.Fatal(err)
		}
		fc.Advance(2 * time.Minute)
		if err := s.RecordLogin(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.User(ctx, u.ID)
		if got.PasswordHash != "$argon2id$stub" || got.Status() != org.StatusActive {
			t.Errorf("password hash %q status %q", got.PasswordHash, got.Status())
		}
		if got.LastLoginAt == nil || !got.LastLoginAt.Equal(start.Add(2*time.Minute)) {
			t.Errorf("last login = %v, want %s", got.LastLoginAt, start.Add(2*time.Minute))
		}
	})
}

func TestCountUsersIsScopedToOrganization(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s, _ := newStore(t, bdb)
		p := createOrg(t, s, "Provider", nil)
		a := createOrg(t, s, "A", p)
		b := createOrg(t, s, "B", p)
		for i := range 3 {
			createUser(t, s, a, strings.Repeat("a", i+1)+"@a.example")
		}
		createUser(t, s, b, "b@b.example")

		for _, tt := range []struct {
			o    int64
			want int
		}{{a.ID, 3}, {b.ID, 1}, {p.ID, 0}, {b.ID + 1000, 0}} {
			if n, err := s.CountUsers(ctx, tt.o); err != nil || n != tt.want {
				t.Errorf("CountUsers(%d) = %d, %v; want %d", tt.o, n, err, tt.want)
			}
		}
	})
}
