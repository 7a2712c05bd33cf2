package ticket_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/ticket"
)

// sorts are every list order, both ways.
var sorts = []string{"updated_at", "-updated_at", "created_at", "-created_at", "priority", "-priority", "status", "-status"}

// sortedLike orders ts as the list order sort should: by the sort key, then
// by id, both reversed for a leading "-".
func sortedLike(ts []*ticket.Ticket, sort string) []*ticket.Ticket {
	key := strings.TrimPrefix(sort, "-")
	out := slices.Clone(ts)
	slices.SortStableFunc(out, func(a, b *ticket.Ticket) int {
		var c int
		switch key {
		case "updated_at":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		case "created_at":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "priority":
			c = cmp.Compare(a.PriorityRank, b.PriorityRank)
		case "status":
			c = cmp.Compare(a.Status, b.Status)
		default:
			panic("unknown sort " + sort)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if strings.HasPrefix(sort, "-") {
			c = -c
		}
		return c
	})
	return out
}

// pageThrough lists everything u sees in order sort, limit tickets a page,
// following the cursors; it fails on a page that is too long or on more
// pages than tickets.
func (f *fixture) pageThrough(u *caller.Caller, flt ticket.Filter, sort string, limit int) []*ticket.Ticket {
	f.t.Helper()
	var out []*ticket.Ticket
	var after *ticket.Cursor
	for range 100 {
		page, err := f.svc.List(f.ctx, u, flt, sort, after, limit)
		if err != nil {
			f.t.Fatalf("list %q after %+v: %v", sort, after, err)
		}
		if len(page.Items) > limit {
			f.t.Fatalf("page of %d with limit %d", len(page.Items), limit)
		}
		out = append(out, page.Items...)
		if page.Next == nil {
			return out
		}
		if len(page.Items) != limit {
			f.t.Fatalf("short page of %d with a next cursor", len(page.Items))
		}
		after = page.Next
	}
	f.t.Fatalf("list %q never ends", sort)
	return nil
}

// listFixture opens nine tickets of provider one (and one of provider
// two), a minute apart, then changes some of them.
func (f *fixture) listFixture() {
	f.t.Helper()
	step := func() { f.clock.Advance(time.Minute) }
	t1 := f.web(f.member, "Printer jams") // #1001
	step()
	t2 := f.create(f.staff, ticket.NewTicket{Subject: "Scanner 100% broken", Description: "x", CustomerID: f.customerA.ID, // #1002
		RequesterID: f.mod.ID, Priority: "urgent", Type: "incident", DeviceID: f.devA.ID})
	step()
	t3 := f.create(f.staff, ticket.NewTicket{Subject: "Network_down", Description: "x", CustomerID: f.customerA.ID, // #1003
		RequesterID: f.member.ID, Channel: ticket.ChannelEmail, Priority: "low", Type: "maintenance"})
	step()
	t4 := f.web(f.mod, "printer toner") // #1004
	step()
	f.web(f.memberB, "Room 1006 heater") // #1005
	step()
	t6 := f.create(f.staff, ticket.NewTicket{Subject: "Coffee machine", Description: "x", CustomerID: f.customerB.ID, // #1006
		Priority: "urgent"})
	step()
	f.web(f.member, "Mixed CASE Subject") // #1007
	step()
	f.web(f.member2, `Path C:\data`) // #1008
	step()
	f.web(f.member, "Network down") // #1009
	step()
	f.web(f.member2A, "Printer of provider two")

	step()
	f.update(f.staff, t1.ID, ticket.Change{Priority: ptr("high"), AssigneeID: ptr(&f.agent.ID)})
	step()
	f.reply(f.staff, t3.ID, "answer", false)
	step()
	if _, err := f.svc.Close(f.ctx, f.mod, t4.ID); err != nil {
		f.t.Fatal(err)
	}
	step()
	f.update(f.staff, t6.ID, ticket.Change{AssigneeID: ptr(&f.staff.ID)})
	step()
	f.setStatus(t2.ID, ticket.StatusPending)
}

func TestListFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.listFixture()
		for _, c := range []struct {
			name string
			u    *caller.Caller
			flt  ticket.Filter
			want string
		}{
			{"staff, everything", f.staff, ticket.Filter{}, "[1001 1002 1003 1004 1005 1006 1007 1008 1009]"},
			{"status new", f.staff, ticket.Filter{Status: "new"}, "[1001 1005 1006 1007 1008 1009]"},
			{"status open", f.staff, ticket.Filter{Status: "open"}, "[1003]"},
			{"status pending", f.staff, ticket.Filter{Status: "pending"}, "[1002]"},
			{"status closed", f.staff, ticket.Filter{Status: "closed"}, "[1004]"},
			{"status resolved", f.staff, ticket.Filter{Status: "resolved"}, "[]"},
			{"priority urgent", f.staff, ticket.Filter{Priority: "urgent"}, "[1002 1006]"},
			{"priority high", f.staff, ticket.Filter{Priority: "high"}, "[1001]"},
			{"priority low", f.staff, ticket.Filter{Priority: "low"}, "[1003]"},
			{"type incident", f.staff, ticket.Filter{Type: "incident"}, "[1002]"},
			{"type maintenance", f.staff, ticket.Filter{Type: "maintenance"}, "[1003]"},
			{"device", f.staff, ticket.Filter{DeviceID: f.devA.ID}, "[1002]"},
			{"requester", f.staff, ticket.Filter{RequesterID: f.member.ID}, "[1001 1003 1007 1009]"},
			{"assignee agent", f.staff, ticket.Filter{AssigneeID: f.agent.ID}, "[1001]"},
			{"assignee staff", f.staff, ticket.Filter{AssigneeID: f.staff.ID}, "[1006]"},
			{"unassigned", f.staff, ticket.Filter{Unassigned: true}, "[1002 1003 1004 1005 1007 1008 1009]"},
			{"customer B", f.staff, ticket.Filter{CustomerID: f.customerB.ID}, "[1005 1006]"},
			{"customer A and urgent", f.staff, ticket.Filter{CustomerID: f.customerA.ID, Priority: "urgent"}, "[1002]"},
			{"unassigned and new", f.staff, ticket.Filter{Unassigned: true, Status: "new"}, "[1005 1007 1008 1009]"},
			{"q ignores case", f.staff, ticket.Filter{Query: "printer"}, "[1001 1004]"},
			{"q upper case", f.staff, ticket.Filter{Query: "  PRINTER "}, "[1001 1004]"},
			{"q in the middle", f.staff, ticket.Filter{Query: "xed case"}, "[1007]"},
			{"q inside a word", f.staff, ticket.Filter{Query: "ixe"}, "[1007]"},
			{"q two letters inside a word", f.staff, ticket.Filter{Query: "xe"}, "[1007]"},
			{"q quote is literal", f.staff, ticket.Filter{Query: `jam"s`}, "[]"},
			{"q #number", f.staff, ticket.Filter{Query: "#1002"}, "[1002]"},
			{"q number", f.staff, ticket.Filter{Query: "1002"}, "[1002]"},
			{"q number or subject", f.staff, ticket.Filter{Query: "1006"}, "[1005 1006]"},
			{"q #number is not in subjects", f.staff, ticket.Filter{Query: "#1006"}, "[1006]"},
			{"q unknown number", f.staff, ticket.Filter{Query: "4711"}, "[]"},
			{"q percent is literal", f.staff, ticket.Filter{Query: "100%"}, "[1002]"},
			{"q percent alone", f.staff, ticket.Filter{Query: "%"}, "[1002]"},
			{"q underscore is literal", f.staff, ticket.Filter{Query: "k_d"}, "[1003]"},
			{"q underscore alone", f.staff, ticket.Filter{Query: "_"}, "[1003]"},
			{"q backslash is literal", f.staff, ticket.Filter{Query: `:\d`}, "[1008]"},
			{"q hash alone", f.staff, ticket.Filter{Query: "#"}, "[]"},
			{"q nothing", f.staff, ticket.Filter{Query: "zzz"}, "[]"},
			{"q and status", f.staff, ticket.Filter{Query: "printer", Status: "closed"}, "[1004]"},

			{"customer, everything of the company", f.member, ticket.Filter{}, "[1001 1002 1003 1004 1007 1008 1009]"},
			{"customer, requester me", f.member, ticket.Filter{RequesterID: f.member.ID}, "[1001 1003 1007 1009]"},
			{"customer, requester me (mod)", f.mod, ticket.Filter{RequesterID: f.mod.ID}, "[1002 1004]"},
			{"customer, status", f.member, ticket.Filter{Status: "closed"}, "[1004]"},
			{"customer, priority", f.member, ticket.Filter{Priority: "urgent"}, "[1002]"},
			{"customer, device", f.member, ticket.Filter{DeviceID: f.devA.ID}, "[1002]"},
			{"customer, assignee ignored", f.member, ticket.Filter{AssigneeID: f.agent.ID}, "[1001 1002 1003 1004 1007 1008 1009]"},
			{"customer, unassigned ignored", f.member, ticket.Filter{Unassigned: true}, "[1001 1002 1003 1004 1007 1008 1009]"},
			{"customer, customer ignored", f.member, ticket.Filter{CustomerID: f.customerB.ID}, "[1001 1002 1003 1004 1007 1008 1009]"},
			{"customer, q", f.member, ticket.Filter{Query: "PRINTER"}, "[1001 1004]"},
			{"customer, q number of another company", f.member, ticket.Filter{Query: "#1006"}, "[]"},
			{"customer, q subject of another company", f.member, ticket.Filter{Query: "1006"}, "[]"},
			{"customer B", f.memberB, ticket.Filter{}, "[1005 1006]"},
			{"provider two", f.staff2, ticket.Filter{}, "[1001]"},
			{"provider two, q", f.staff2, ticket.Filter{Query: "printer"}, "[1001]"},
		} {
			if got := fmt.Sprint(numbers(f.listAll(c.u, c.flt, "created_at"))); got != c.want {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		}
	})
}

func TestListSorts(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.listFixture()
		for _, c := range []struct {
			sort, want string
		}{
			{"created_at", "[1001 1002 1003 1004 1005 1006 1007 1008 1009]"},
			{"-created_at", "[1009 1008 1007 1006 1005 1004 1003 1002 1001]"},
			{"-updated_at", "[1002 1006 1004 1003 1001 1009 1008 1007 1005]"},
			{"", "[1002 1006 1004 1003 1001 1009 1008 1007 1005]"},
			{"updated_at", "[1005 1007 1008 1009 1001 1003 1004 1006 1002]"},
			{"priority", "[1002 1006 1001 1004 1005 1007 1008 1009 1003]"},
			{"-priority", "[1003 1009 1008 1007 1005 1004 1001 1006 1002]"},
			{"status", "[1004 1001 1005 1006 1007 1008 1009 1003 1002]"},
			{"-status", "[1002 1003 1009 1008 1007 1006 1005 1001 1004]"},
		} {
			if got := fmt.Sprint(numbers(f.listAll(f.staff, ticket.Filter{}, c.sort))); got != c.want {
				t.Errorf("sort %q: got %s, want %s", c.sort, got, c.want)
			}
		}
		all := f.listAll(f.staff, ticket.Filter{}, "created_at")
		for _, s := range sorts {
			if got, want := numbers(f.listAll(f.staff, ticket.Filter{}, s)), numbers(sortedLike(all, s)); !slices.Equal(got, want) {
				t.Errorf("sort %q: got %v, want %v", s, got, want)
			}
		}
	})
}

func TestListKeysetPaging(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.listFixture()
		for _, u := range []*caller.Caller{f.staff, f.member} {
			all := f.listAll(u, ticket.Filter{}, "created_at")
			for _, s := range sorts {
				want := numbers(sortedLike(all, s))
				for _, limit := range []int{1, 2, 4} {
					if got := numbers(f.pageThrough(u, ticket.Filter{}, s, limit)); !slices.Equal(got, want) {
						t.Errorf("%s, sort %q by %d: got %v, want %v", u.Email, s, limit, got, want)
					}
				}
			}
			// Paging keeps the filter.
			flt := ticket.Filter{Query: "printer"}
			if got := numbers(f.pageThrough(u, flt, "-updated_at", 1)); !slices.Equal(got, []int64{1004, 1001}) {
				t.Errorf("%s, paging printers: %v", u.Email, got)
			}
		}
	})
}

func TestListKeysetPagingThroughTies(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// Seven tickets created at one instant, three of them changed at a
		// second one: every sort has runs of equal keys.
		var ts []*ticket.Ticket
		priorities := []string{"normal", "urgent", "normal", "low", "urgent", "normal", "high"}
		for i, p := range priorities {
			ts = append(ts, f.create(f.staff, ticket.NewTicket{Subject: fmt.Sprint("Tie ", i), Description: "x",
				CustomerID: f.customerA.ID, Priority: p}))
		}
		f.clock.Advance(time.Second)
		f.setStatus(ts[1].ID, ticket.StatusPending)
		f.setStatus(ts[4].ID, ticket.StatusPending)
		f.reply(f.staff, ts[5].ID, "answer", false)

		all := f.listAll(f.staff, ticket.Filter{}, "created_at")
		if len(all) != 7 {
			t.Fatalf("%d tickets, want 7", len(all))
		}
		if got := fmt.Sprint(numbers(f.pageThrough(f.staff, ticket.Filter{}, "-created_at", 2))); got != "[1007 1006 1005 1004 1003 1002 1001]" {
			t.Errorf("-created_at over one instant: %s", got)
		}
		if got := fmt.Sprint(numbers(f.pageThrough(f.staff, ticket.Filter{}, "updated_at", 2))); got != "[1001 1003 1004 1007 1002 1005 1006]" {
			t.Errorf("updated_at with ties: %s", got)
		}
		for _, u := range []*caller.Caller{f.staff, f.mod} {
			for _, s := range sorts {
				got := numbers(f.pageThrough(u, ticket.Filter{}, s, 2))
				if want := numbers(sortedLike(all, s)); !slices.Equal(got, want) {
					t.Errorf("%s, sort %q: got %v, want %v", u.Email, s, got, want)
				}
			}
		}
	})
}

func TestListRefusesBadInput(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.web(f.member, "Printer")
		for _, c := range []struct {
			name   string
			flt    ticket.Filter
			sort   string
			after  *ticket.Cursor
			fields []string
		}{
			{"unknown sort", ticket.Filter{}, "number", nil, []string{"sort"}},
			{"dash alone", ticket.Filter{}, "-", nil, []string{"sort"}},
			{"double dash", ticket.Filter{}, "--updated_at", nil, []string{"sort"}},
			{"sort with SQL", ticket.Filter{}, "updated_at; DROP TABLE tickets", nil, []string{"sort"}},
			{"unknown status", ticket.Filter{Status: "done"}, "", nil, []string{"status"}},
			{"unknown priority", ticket.Filter{Priority: "critical"}, "", nil, []string{"priority"}},
			{"unknown type", ticket.Filter{Type: "complaint"}, "", nil, []string{"type"}},
			{"all at once", ticket.Filter{Status: "x", Priority: "y", Type: "z"}, "w", nil, []string{"status", "priority", "sort", "type"}},
			{"q too long", ticket.Filter{Query: strings.Repeat("q", 201)}, "", nil, []string{"q"}},
			{"q with NUL", ticket.Filter{Query: "a\x00b"}, "", nil, []string{"q"}},
			{"bad time cursor", ticket.Filter{}, "-updated_at", &ticket.Cursor{Key: "yesterday", ID: 1}, []string{"cursor"}},
			{"bad priority cursor", ticket.Filter{}, "priority", &ticket.Cursor{Key: "urgent", ID: 1}, []string{"cursor"}},
		} {
			for _, u := range []*caller.Caller{f.staff, f.member} {
				_, err := f.svc.List(f.ctx, u, c.flt, c.sort, c.after, 10)
				if err == nil {
					t.Errorf("%s as %s: listed", c.name, u.Email)
					continue
				}
				wantFields(t, err, c.fields...)
			}
		}
		if n := f.count("tickets", "1 = 1"); n != 1 {
			t.Errorf("%d tickets, want 1", n)
		}
	})
}

// Subject search follows changes of the subject through its index, and on
// PostgreSQL the trigram index serves it.
func TestSearchFollowsSubjects(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Network down")
		f.web(f.member, "Кофемашина не греет")
		search := func(q string) string {
			return fmt.Sprint(numbers(f.listAll(f.staff, ticket.Filter{Query: q}, "")))
		}
		f.update(f.staff, tk.ID, ticket.Change{Subject: ptr("Router offline")})
		if got := search("outer offl"); got != "[1001]" {
			t.Errorf("new subject: %s", got)
		}
		if got := search("work dow"); got != "[]" {
			t.Errorf("old subject still found: %s", got)
		}
		if got := search("МАШИНА"); got != "[1002]" {
			t.Errorf("Cyrillic inside a word, other case: %s", got)
		}
		if db.IsPostgres(f.db) {
			var plan []string
			err := f.db.RunInTx(f.ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
					return err
				}
				return tx.NewRaw("EXPLAIN SELECT id FROM tickets WHERE lower(subject) LIKE ?", "%offl%").Scan(ctx, &plan)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(plan, "\n"), "tickets_subject_trgm_idx") {
				t.Errorf("the subject search does not use the trigram index:\n%s", strings.Join(plan, "\n"))
			}
		}
	})
}
