package device_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db/dbtest"
	"backoffice/app/device"
	"backoffice/app/event"
	"backoffice/app/org"
	"backoffice/rbac"
)

// start is the fake clock's time at the beginning of every test: the
// fixture's "today" is 2026-11-23.
var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// cheapParams keep PIN hashing fast in tests.
var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// fixture is a migrated database with two providers and their customers,
// a user of every kind that matters to devices, and the service on a fake
// clock.
//
//	provider "Provider"       staff: staff (provider admin), agent
//	  customer "Customer A"   admin, mod, member
//	  customer "Customer B"   modB
//	provider "Provider Two"   staff2
//	  customer "Customer A"   (same name as provider 1's, for imports)
type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *bun.DB
	clock *clock.Fake
	orgs  *org.Store
	svc   *device.Service

	provider, customerA, customerB *org.Organization
	provider2, customer2A          *org.Organization

	staff, agent, admin, mod, member, modB, staff2 *caller.Caller
}

// eachDB runs fn on a fresh database of every available dialect, in
// parallel with the other tests (each has its own database or schema).
func eachDB(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) { fn(t, newFixture(t, bdb)) })
}

func newFixture(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	fc := clock.NewFake(start)
	f := &fixture{t: t, ctx: context.Background(), db: bdb, clock: fc, orgs: org.NewStore(bdb, fc),
		svc: device.New(bdb, fc, auth.NewHasher(cheapParams, 4), event.NewBus(bdb, fc))}
	f.provider = f.organization("Provider", nil)
	f.customerA = f.organization("Customer A", f.provider)
	f.customerB = f.organization("Customer B", f.provider)
	f.provider2 = f.organization("Provider Two", nil)
	f.customer2A = f.organization("Customer A", f.provider2)

	f.staff = f.user(f.provider, "staff@provider.test", rbac.ProviderAdmin)
	f.agent = f.user(f.provider, "agent@provider.test", rbac.ProviderAgent)
	f.admin = f.user(f.customerA, "admin@a.test", rbac.Administrator)
	f.mod = f.user(f.customerA, "mod@a.test", rbac.Moderator)
	f.member = f.user(f.customerA, "member@a.test", rbac.Member)
	f.modB = f.user(f.customerB, "mod@b.test", rbac.Moderator)
	f.staff2 = f.user(f.provider2, "staff@two.test", rbac.ProviderAdmin)
	return f
}

func (f *fixture) organization(name string, provider *org.Organization) *org.Organization {
	f.t.Helper()
	o := &org.Organization{Name: name}
	if provider != nil {
		o.ProviderID = &provider.ID
	}
	if err := f.orgs.CreateOrganization(f.ctx, o, nil); err != nil {
		f.t.Fatalf("create organization %s: %v", name, err)
	}
	return o
}

// user creates a user of o and returns it as loaded back, organization
// included (the service reads the user's organization).
func (f *fixture) user(o *org.Organization, email string, role rbac.Role) *caller.Caller {
	f.t.Helper()
	u := &org.User{OrganizationID: o.ID, Email: email, FirstName: "Test", LastName: string(role), Role: role}
	if err := f.orgs.CreateUser(f.ctx, u); err != nil {
		f.t.Fatalf("create user %s: %v", email, err)
	}
	loaded, err := f.orgs.User(f.ctx, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return caller.Of(loaded, "")
}

// customers are the users of customer organizations.
func (f *fixture) customers() []*caller.Caller {
	return []*caller.Caller{f.admin, f.mod, f.member, f.modB}
}

// in is a valid input with name and serial.
func in(name, serial string) device.Input {
	return device.Input{Name: name, SerialNumber: serial}
}

// at places an input with customer o.
func at(o *org.Organization, input device.Input) device.Input {
	input.CustomerID = o.ID
	return input
}

// create registers a device through the service as u, failing the test on
// an error.
func (f *fixture) create(u *caller.Caller, input device.Input) *device.Device {
	f.t.Helper()
	d, err := f.svc.Create(f.ctx, u, input)
	if err != nil {
		f.t.Fatalf("create device %q: %v", input.Name, err)
	}
	return d
}

// device loads a device as u, failing the test on an error.
func (f *fixture) device(u *caller.Caller, id int64) *device.Device {
	f.t.Helper()
	d, err := f.svc.Device(f.ctx, u, id)
	if err != nil {
		f.t.Fatalf("load device %d: %v", id, err)
	}
	return d
}

// history is the whole history of a device, oldest first.
func (f *fixture) history(id int64) []*device.Event {
	f.t.Helper()
	events, _, err := f.svc.Store().History(f.ctx, id, 0, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	slices.Reverse(events)
	return events
}

// changes is the history of a device after its creation (the created and
// paired events), oldest first.
func (f *fixture) changes(id int64) []*device.Event {
	f.t.Helper()
	events := f.history(id)
	if len(events) < 2 {
		f.t.Fatalf("device %d has %d events, want at least created and paired", id, len(events))
	}
	return events[2:]
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

// scan resolves a token through the public Scan, failing the test on an
// error.
func (f *fixture) scan(token string) *device.Code {
	f.t.Helper()
	c, err := f.svc.Scan(f.ctx, token)
	if err != nil {
		f.t.Fatalf("scan %s: %v", token, err)
	}
	return c
}

// names lists the names of devices, in order.
func names(ds []*device.Device) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

// ids lists the ids of devices, in order.
func ids(ds []*device.Device) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// customerOf is the id of a device's customer, 0 for none.
func customerOf(d *device.Device) int64 {
	if d.CustomerID == nil {
		return 0
	}
	return *d.CustomerID
}

func ptr[T any](v T) *T { return &v }

// fieldErrors returns the fields of a validation error's problems, failing
// the test when err is not one.
func fieldErrors(t *testing.T, err error) []apperr.FieldError {
	t.Helper()
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want *apperr.ValidationError, got %T: %v", err, err)
	}
	return v.Fields
}

// wantFields checks that err is a validation error at exactly fields, in
// order.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var got []string
	for _, fe := range fieldErrors(t, err) {
		got = append(got, fe.Field)
	}
	if !slices.Equal(got, fields) {
		t.Errorf("validation error at %q, want %q (%v)", got, fields, err)
	}
}

func wantNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}
