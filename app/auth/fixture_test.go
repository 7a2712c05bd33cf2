package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/clock"
	"backoffice/app/db/dbtest"
	"backoffice/app/org"
	"backoffice/rbac"
)

// cheapParams keep fixtures fast; DefaultParams are checked in password_test.go.
var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// testPassword is the password of every fixture user.
const testPassword = "Correct-Horse-7-Battery"

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// The session timeouts of the fixture's stores.
const (
	sessionIdle = 30 * time.Minute
	sessionMax  = 12 * time.Hour
)

// fixture is a migrated database with a provider, one of its customers and
// the auth stores on a fake clock.
type fixture struct {
	t        testing.TB
	ctx      context.Context
	db       *bun.DB
	clock    *clock.Fake
	hasher   *auth.Hasher
	orgs     *org.Store
	sessions *auth.SessionStore
	tokens   *auth.TokenStore
	svc      *auth.Service
	provider *org.Organization
	customer *org.Organization
}

// eachDB runs fn on a fresh database of every available dialect. The tests
// share nothing but the PostgreSQL server (each gets its own schema), so they
// run in parallel: most of their time is spent creating the schema.
func eachDB(t *testing.T, fn func(t *testing.T, bdb *bun.DB)) {
	t.Parallel()
	dbtest.Run(t, fn)
}

func newFixture(t testing.TB, bdb *bun.DB) *fixture {
	t.Helper()
	fc := clock.NewFake(start)
	h := auth.NewHasher(cheapParams, 4)
	sessions := auth.NewSessionStore(bdb, fc, sessionIdle, sessionMax)
	f := &fixture{t: t, ctx: context.Background(), db: bdb, clock: fc, hasher: h,
		orgs: org.NewStore(bdb, fc), sessions: sessions, tokens: auth.NewTokenStore(bdb, fc),
		svc: auth.NewService(bdb, fc, h, sessions)}
	f.provider = &org.Organization{Name: "Provider"}
	if err := f.orgs.CreateOrganization(f.ctx, f.provider, []string{"provider.test"}); err != nil {
		t.Fatal(err)
	}
	f.customer = &org.Organization{Name: "Customer", ProviderID: &f.provider.ID}
	if err := f.orgs.CreateOrganization(f.ctx, f.customer, []string{"customer.test"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// user creates a user of o with testPassword and returns it as loaded from
// the database, organization included.
func (f *fixture) user(o *org.Organization, email string, role rbac.Role) *org.User {
	f.t.Helper()
	hash, err := f.hasher.Hash(f.ctx, testPassword)
	if err != nil {
		f.t.Fatal(err)
	}
	u := &org.User{OrganizationID: o.ID, Email: email, FirstName: "Test", LastName: "User", Role: role, PasswordHash: hash}
	if err := f.orgs.CreateUser(f.ctx, u); err != nil {
		f.t.Fatal(err)
	}
	return f.reload(u.ID)
}

func (f *fixture) reload(id int64) *org.User {
	f.t.Helper()
	u, err := f.orgs.User(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// disable sets users.disabled_at, as an administrator disabling the user would.
func (f *fixture) disable(u *org.User) {
	f.t.Helper()
	if _, err := f.db.NewUpdate().Model((*org.User)(nil)).Set("disabled_at = ?", f.clock.Now()).Where("id = ?", u.ID).Exec(f.ctx); err != nil {
		f.t.Fatal(err)
	}
}

// count counts the rows of table matching where.
func (f *fixture) count(table, where string, args ...any) int {
	f.t.Helper()
	n, err := f.db.NewSelect().Table(table).Where(where, args...).Count(f.ctx)
	if err != nil {
		f.t.Fatalf("count %s: %v", table, err)
	}
	return int(n)
}

// session creates a session of u through the store.
func (f *fixture) session(u *org.User) (string, *auth.Session) {
	f.t.Helper()
	token, sess, err := f.sessions.Create(f.ctx, u.ID, "192.0.2.1", "test agent")
	if err != nil {
		f.t.Fatal(err)
	}
	return token, sess
}

// live reports whether a session token still signs in.
func (f *fixture) live(token string) bool {
	f.t.Helper()
	_, err := f.sessions.Lookup(f.ctx, token)
	if err != nil && !errors.Is(err, apperr.ErrUnauthorized) {
		f.t.Fatalf("Lookup: %v", err)
	}
	return err == nil
}

// fieldErrors returns "field=message" for each problem of a validation error,
// failing the test when err is not one.
func fieldErrors(t *testing.T, err error) []string {
	t.Helper()
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want *apperr.ValidationError, got %T: %v", err, err)
	}
	var out []string
	for _, fe := range v.Fields {
		out = append(out, fe.Field+"="+fe.Message)
	}
	return out
}

func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	if got := fieldErrors(t, err); !slices.Equal(got, want) {
		t.Errorf("field errors = %q, want %q", got, want)
	}
}
