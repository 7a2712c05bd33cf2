package ticket_test

import (
	"context"
	"errors"
	"fmt"
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
	"backoffice/app/ticket"
	"backoffice/rbac"
)

// start is the fake clock's time at the beginning of every test.
var start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// fixture is a migrated database with two providers, their customers, a
// user of every kind that matters to tickets, a device per customer and
// the service on a fake clock.
//
//	provider "Provider"        staff (provider admin), agent (provider agent)
//	  customer "Customer A"    admin, mod, member, member2; device devA
//	  customer "Customer B"    memberB; device devB
//	provider "Provider Two"    staff2
//	  customer "Customer 2A"   member2A; device dev2
type fixture struct {
	t     testing.TB
	ctx   context.Context
	db    *bun.DB
	clock *clock.Fake
	orgs  *org.Store
	svc   *ticket.Service

	provider, customerA, customerB *org.Organization
	provider2, customer2A          *org.Organization

	staff, agent, admin, mod, member, member2, memberB *caller.Caller
	staff2, member2A                                   *caller.Caller

	devA, devB, dev2 *device.Device
}

// eachDB runs fn on a fresh database of every available dialect, in
// parallel with the other tests.
func eachDB(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) { fn(t, newFixture(t, bdb)) })
}

func newFixture(t testing.TB, bdb *bun.DB) *fixture {
	t.Helper()
	fc := clock.NewFake(start)
	f := &fixture{t: t, ctx: context.Background(), db: bdb, clock: fc, orgs: org.NewStore(bdb, fc),
		svc: ticket.New(bdb, fc, event.NewBus(bdb, fc), ticket.Mail{})}
	f.provider = f.organization("Provider", nil)
	f.customerA = f.organization("Customer A", f.provider)
	f.customerB = f.organization("Customer B", f.provider)
	f.provider2 = f.organization("Provider Two", nil)
	f.customer2A = f.organization("Customer 2A", f.provider2)

	f.staff = f.user(f.provider, "staff@provider.test", rbac.ProviderAdmin)
	f.agent = f.user(f.provider, "agent@provider.test", rbac.ProviderAgent)
	f.admin = f.user(f.customerA, "admin@a.test", rbac.Administrator)
	f.mod = f.user(f.customerA, "mod@a.test", rbac.Moderator)
	f.member = f.user(f.customerA, "member@a.test", rbac.Member)
	f.member2 = f.user(f.customerA, "member2@a.test", rbac.Member)
	f.memberB = f.user(f.customerB, "member@b.test", rbac.Member)
	f.staff2 = f.user(f.provider2, "staff@two.test", rbac.ProviderAdmin)
	f.member2A = f.user(f.customer2A, "member@2a.test", rbac.Member)

	devices := device.New(bdb, fc, auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 4), event.NewBus(bdb, fc))
	mkDevice := func(u *caller.Caller, customer *org.Organization, name, serial string) *device.Device {
		d, err := devices.Create(f.ctx, u, device.Input{CustomerID: customer.ID, Name: name, SerialNumber: serial})
		if err != nil {
			t.Fatalf("create device %s: %v", name, err)
		}
		return d
	}
	f.devA = mkDevice(f.staff, f.customerA, "Printer A", "SN-A")
	f.devB = mkDevice(f.staff, f.customerB, "Printer B", "SN-B")
	f.dev2 = mkDevice(f.staff2, f.customer2A, "Printer 2A", "SN-2A")
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

// web opens a ticket as customer user u with subject (web channel).
func (f *fixture) web(u *caller.Caller, subject string) *ticket.Ticket {
	f.t.Helper()
	return f.create(u, ticket.NewTicket{Subject: subject, Description: "About " + subject})
}

// onBehalf opens a ticket as staff u for customer c and requester r (nil:
// none) through channel.
func (f *fixture) onBehalf(u *caller.Caller, c *org.Organization, r *caller.Caller, channel, subject string) *ticket.Ticket {
	f.t.Helper()
	in := ticket.NewTicket{Subject: subject, Description: "About " + subject, CustomerID: c.ID, Channel: channel}
	if r != nil {
		in.RequesterID = r.ID
	}
	return f.create(u, in)
}

// create opens a ticket through the service, failing the test on an error.
func (f *fixture) create(u *caller.Caller, in ticket.NewTicket) *ticket.Ticket {
	f.t.Helper()
	tk, err := f.svc.Create(f.ctx, u, in)
	if err != nil {
		f.t.Fatalf("create ticket %q as %s: %v", in.Subject, u.Email, err)
	}
	return tk
}

// ticket loads a ticket as u, failing the test on an error.
func (f *fixture) ticket(u *caller.Caller, id int64) *ticket.Ticket {
	f.t.Helper()
	tk, err := f.svc.Ticket(f.ctx, u, id)
	if err != nil {
		f.t.Fatalf("load ticket %d as %s: %v", id, u.Email, err)
	}
	return tk
}

// reply adds a message as u, failing the test on an error.
func (f *fixture) reply(u *caller.Caller, id int64, body string, internal bool) *ticket.Message {
	f.t.Helper()
	m, err := f.svc.Reply(f.ctx, u, id, body, internal)
	if err != nil {
		f.t.Fatalf("reply to ticket %d as %s: %v", id, u.Email, err)
	}
	return m
}

// update changes a ticket as u, failing the test on an error.
func (f *fixture) update(u *caller.Caller, id int64, ch ticket.Change) *ticket.Ticket {
	f.t.Helper()
	tk, err := f.svc.Update(f.ctx, u, id, ch)
	if err != nil {
		f.t.Fatalf("update ticket %d as %s: %v", id, u.Email, err)
	}
	return tk
}

// setStatus sets a ticket's status as staff.
func (f *fixture) setStatus(id int64, status string) *ticket.Ticket {
	f.t.Helper()
	return f.update(f.staff, id, ticket.Change{Status: &status})
}

// messages is a ticket's whole correspondence as u reads it.
func (f *fixture) messages(u *caller.Caller, id int64) []*ticket.Message {
	f.t.Helper()
	ms, more, err := f.svc.Messages(f.ctx, u, id, 0, 1000)
	if err != nil {
		f.t.Fatalf("messages of ticket %d as %s: %v", id, u.Email, err)
	}
	if more {
		f.t.Fatalf("1000 messages and more")
	}
	return ms
}

// listAll lists every ticket u may see matching flt in order sort, in one page.
func (f *fixture) listAll(u *caller.Caller, flt ticket.Filter, sort string) []*ticket.Ticket {
	f.t.Helper()
	page, err := f.svc.List(f.ctx, u, flt, sort, nil, 1000)
	if err != nil {
		f.t.Fatalf("list %+v sorted by %q as %s: %v", flt, sort, u.Email, err)
	}
	if page.Next != nil {
		f.t.Fatalf("one page of 1000 has a next cursor")
	}
	return page.Items
}

// counts are the ticket counts u sees per status.
func (f *fixture) counts(u *caller.Caller) map[string]int {
	f.t.Helper()
	c, err := f.svc.Counts(f.ctx, u)
	if err != nil {
		f.t.Fatalf("counts as %s: %v", u.Email, err)
	}
	return c
}

// liveCounts counts the tickets matching where per status, in the table.
func (f *fixture) liveCounts(where string, args ...any) map[string]int {
	f.t.Helper()
	var rows []struct {
		Status string
		N      int
	}
	if err := f.db.NewRaw("SELECT status, count(*) AS n FROM tickets WHERE "+where+" GROUP BY status", args...).Scan(f.ctx, &rows); err != nil {
		f.t.Fatalf("count tickets: %v", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
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

// numbers lists the numbers of tickets, in order.
func numbers(ts []*ticket.Ticket) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.Number
	}
	return out
}

// bodies lists the bodies of messages, in order.
func bodies(ms []*ticket.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Body
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// fieldErrors returns the problems of a validation error, failing the test
// when err is not one.
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

// wantProblem checks that err is a validation error with exactly one
// problem: message at field.
func wantProblem(t *testing.T, err error, field, message string) {
	t.Helper()
	fes := fieldErrors(t, err)
	if len(fes) != 1 || fes[0].Field != field || fes[0].Message != message {
		t.Errorf("got %+v, want %s at %s", fes, message, field)
	}
}

func wantIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("got %v, want %v", err, target)
	}
}

// sameTime reports whether a and b are both nil or the same instant.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func fmtTime(p *time.Time) string {
	if p == nil {
		return "nil"
	}
	return p.UTC().Format(time.RFC3339Nano)
}

func fmtID(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}
