package people_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db/dbtest"
	"backoffice/app/i18n"
	"backoffice/app/notify"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/rbac"
)

// cheapParams keep fixtures fast; production parameters are tested in app/auth.
var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// testPassword is the password of every fixture user; newPassword one they
// choose.
const (
	testPassword = "Correct-Horse-7-Battery"
	newPassword  = "Staple-Lamp-42-Orbit"
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// fixture is a migrated database with a provider and two of its customers,
// a rival provider with a customer of its own, and the people service on a
// fake clock.
//
// provider (provider.test): admin, agent
// customer A (a.test): aAdmin, aMember
// customer B (b.test): bAdmin
// rival (rival.test): rAdmin; its customer R (r.test)
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *bun.DB
	clock  *clock.Fake
	auth   *auth.Service
	orgs   *org.Store
	svc    *people.Service
	hasher *auth.Hasher

	provider, custA, custB, rival, custR          *org.Organization
	admin, agent, aAdmin, aMember, bAdmin, rAdmin *org.User
}

// eachDB runs fn with a fresh fixture on every available dialect. The
// tests share nothing but the PostgreSQL server (each gets its own
// schema), so they run in parallel.
func eachDB(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		fn(t, newFixture(t, bdb))
	})
}

func newFixture(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	fc := clock.NewFake(start)
	h := auth.NewHasher(cheapParams, 4)
	sessions := auth.NewSessionStore(bdb, fc, 30*time.Minute, 12*time.Hour)
	a := auth.NewService(bdb, fc, h, sessions)
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	// Mail is composed from the events, as the server wires it.
	notify.NewComposer(bdb, fc, bundle, "http://desk.test", nil, nil).Subscribe(a.Events())
	f := &fixture{t: t, ctx: context.Background(), db: bdb, clock: fc, auth: a, orgs: org.NewStore(bdb, fc), hasher: h,
		svc: people.New(bdb, fc, people.Config{}, a)}
	f.provider = f.organization("Provider Ltd", nil, "provider.test")
	f.custA = f.organization("Customer A", f.provider, "a.test")
	f.custB = f.organization("Customer B", f.provider, "b.test")
	f.rival = f.organization("Rival Ltd", nil, "rival.test")
	f.custR = f.organization("Customer R", f.rival, "r.test")
	f.admin = f.user(f.provider, "admin@provider.test", rbac.ProviderAdmin)
	f.agent = f.user(f.provider, "agent@provider.test", rbac.ProviderAgent)
	f.aAdmin = f.user(f.custA, "admin@a.test", rbac.Administrator)
	f.aMember = f.user(f.custA, "member@a.test", rbac.Member)
	f.bAdmin = f.user(f.custB, "admin@b.test", rbac.Administrator)
	f.rAdmin = f.user(f.rival, "admin@rival.test", rbac.ProviderAdmin)
	return f
}

func (f *fixture) organization(name string, provider *org.Organization, domain string) *org.Organization {
	f.t.Helper()
	o := &org.Organization{Name: name}
	if provider != nil {
		o.ProviderID = &provider.ID
	}
	must(f.t, f.orgs.CreateOrganization(f.ctx, o, []string{domain}))
	o, err := f.orgs.Organization(f.ctx, o.ID)
	must(f.t, err)
	return o
}

// user creates a user of o with testPassword, as loaded from the database.
func (f *fixture) user(o *org.Organization, email string, role rbac.Role) *org.User {
	f.t.Helper()
	hash, err := f.hasher.Hash(f.ctx, testPassword)
	must(f.t, err)
	u := &org.User{OrganizationID: o.ID, Email: email, FirstName: "Test", LastName: strings.Split(email, "@")[0], Role: role,
		PasswordHash: hash, Language: "en", TimeZone: "Europe/Berlin"}
	must(f.t, f.orgs.CreateUser(f.ctx, u))
	return f.reload(u)
}

// reload reads u again, with its organization.
func (f *fixture) reload(u *org.User) *org.User {
	f.t.Helper()
	u, err := f.orgs.User(f.ctx, u.ID)
	must(f.t, err)
	return u
}

// as is u acting (the caller of a service call).
func (f *fixture) as(u *org.User) *caller.Caller {
	f.t.Helper()
	return caller.Of(f.reload(u), "192.0.2.1")
}

// gone reports whether the user with id no longer exists.
func (f *fixture) gone(id int64) bool {
	f.t.Helper()
	_, err := f.orgs.User(f.ctx, id)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		f.t.Fatal(err)
	}
	return err != nil
}

// signsIn reports whether email signs in with password.
func (f *fixture) signsIn(email, password string) bool {
	f.t.Helper()
	_, err := f.auth.Authenticate(f.ctx, auth.Credentials{Email: email, Password: password, IP: "198.51.100.7"})
	if err != nil && !errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, auth.ErrDisabled) {
		f.t.Fatalf("sign in %s: %v", email, err)
	}
	return err == nil
}

// mail is an email queued for delivery.
type mail struct {
	to, subject, text string
}

// mailTo is the latest email queued to address, or nil.
func (f *fixture) mailTo(address string) *mail {
	f.t.Helper()
	m, err := notify.NewOutbox(f.db, f.clock).LatestTo(f.ctx, address)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	}
	must(f.t, err)
	return &mail{to: m.Recipient, subject: m.Subject, text: m.BodyText}
}

// mails counts the emails queued to address.
func (f *fixture) mails(address string) int {
	f.t.Helper()
	n, err := f.db.NewSelect().Model((*notify.Message)(nil)).Where("lower(recipient) = ?", strings.ToLower(address)).Count(f.ctx)
	must(f.t, err)
	return int(n)
}

var linkRe = regexp.MustCompile(`http://desk\.test(/[a-z/-]+)\?token=([^\s"<>]+)`)

// link is the path of the link in m and its token, failing the test when m
// holds none.
func (m *mail) link(t *testing.T) (path, token string) {
	t.Helper()
	if m == nil {
		t.Fatal("no mail")
	}
	sub := linkRe.FindStringSubmatch(m.text)
	if sub == nil {
		t.Fatalf("mail %q holds no link:\n%s", m.subject, m.text)
	}
	token, err := url.QueryUnescape(sub[2])
	must(t, err)
	return sub[1], token
}

// session signs u in (a session and an API token), to show what ends.
func (f *fixture) session(u *org.User) (session, token string) {
	f.t.Helper()
	session, _, err := f.auth.Sessions().Create(f.ctx, u.ID, "192.0.2.1", "test")
	must(f.t, err)
	token, _, err = f.auth.Tokens().Create(f.ctx, u.ID, "test", 24*time.Hour)
	must(f.t, err)
	return session, token
}

// live reports whether a session and an API token still work.
func (f *fixture) live(session, token string) (sessionLive, tokenLive bool) {
	f.t.Helper()
	_, serr := f.auth.Sessions().Lookup(f.ctx, session)
	_, terr := f.auth.Tokens().Authenticate(f.ctx, token)
	for _, err := range []error{serr, terr} {
		if err != nil && !errors.Is(err, apperr.ErrUnauthorized) {
			f.t.Fatal(err)
		}
	}
	return serr == nil, terr == nil
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails the test unless errors.Is(err, target).
func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got %v, want %v", what, err, target)
	}
}

// fieldErrors returns "field=message" for each problem of a validation
// error or a conflict at a field, failing the test when err is neither.
func fieldErrors(t *testing.T, err error) []string {
	t.Helper()
	var v *apperr.ValidationError
	var c *apperr.Conflict
	switch {
	case errors.As(err, &v):
		var out []string
		for _, fe := range v.Fields {
			out = append(out, fe.Field+"="+fe.Message)
		}
		return out
	case errors.As(err, &c):
		return []string{c.Field + "=" + c.Message}
	}
	t.Fatalf("want a validation error or a conflict at a field, got %T: %v", err, err)
	return nil
}

// wantField fails the test unless err is a problem at field with message.
func wantField(t *testing.T, err error, field, message string) {
	t.Helper()
	got := fieldErrors(t, err)
	if !slices.Contains(got, field+"="+message) {
		t.Fatalf("errors %v, want %s=%s", got, field, message)
	}
}

// person is the input for a new person at email.
func person(email string, role rbac.Role) org.PersonInput {
	return org.PersonInput{FirstName: "New", LastName: "Person", Email: email, Language: "de", Role: role}
}
