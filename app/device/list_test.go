package device_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/app/caller"
	"backoffice/app/device"
)

// listAll lists every device u may see matching flt in order sort, in one page.
func (f *fixture) listAll(u *caller.Caller, flt device.Filter, sort string) []*device.Device {
	f.t.Helper()
	page, err := f.svc.List(f.ctx, u, flt, sort, nil, 1000)
	if err != nil {
		f.t.Fatalf("list %+v sorted by %q: %v", flt, sort, err)
	}
	if page.Next != nil {
		f.t.Fatalf("one page of 1000 has a next cursor")
	}
	return page.Items
}

func TestListFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		mk := func(name, serial, status, site, category, due string) {
			f.create(f.staff, at(f.customerA, device.Input{Name: name, SerialNumber: serial, Status: status, Site: site,
				Category: category, NextServiceDue: due}))
		}
		mk("Filter_A", "F-1", device.StatusOperational, "Berlin", "filters", "2026-11-20")    // overdue
		mk("FilterXA", "F-2", device.StatusNeedsAttention, "Berlin", "filters", "2026-11-23") // due today
		mk("100% Dryer", "D-1", device.StatusOperational, "Hamburg", "dryers", "2026-11-30")  // in 7 days
		mk("100 Percent Dryer", "D-2", device.StatusRetired, "Hamburg", "dryers", "2026-12-01")
		mk("Mixer", "SN-ABC-1", device.StatusOperational, "berlin", "mixers", "")
		mk(`Back\slash`, "B-1", device.StatusOutOfService, "Munich", "", "2027-01-01")
		f.create(f.staff, in("Stock Filter_A", "ST-1")) // not at customer A

		for _, c := range []struct {
			name string
			flt  device.Filter
			want string
		}{
			{"none", device.Filter{}, `[100 Percent Dryer 100% Dryer Back\slash FilterXA Filter_A Mixer]`},
			{"status", device.Filter{Status: device.StatusOperational}, "[100% Dryer Filter_A Mixer]"},
			{"site is exact", device.Filter{Site: "Berlin"}, "[FilterXA Filter_A]"},
			{"category", device.Filter{Category: "dryers"}, "[100 Percent Dryer 100% Dryer]"},
			{"site and status", device.Filter{Site: "Hamburg", Status: device.StatusRetired}, "[100 Percent Dryer]"},
			{"query in name ignores case", device.Filter{Query: "  filter"}, "[FilterXA Filter_A]"},
			{"underscore is literal", device.Filter{Query: "r_a"}, "[Filter_A]"},
			{"percent is literal", device.Filter{Query: "100%"}, "[100% Dryer]"},
			{"percent alone", device.Filter{Query: "%"}, "[100% Dryer]"},
			{"backslash is literal", device.Filter{Query: `k\s`}, `[Back\slash]`},
			{"query in serial", device.Filter{Query: "sn-abc"}, "[Mixer]"},
			{"query matching nothing", device.Filter{Query: "zzz"}, "[]"},
			{"due within 7 days, overdue included", device.Filter{DueWithin: 7}, "[100% Dryer FilterXA Filter_A]"},
			{"due within 8 days", device.Filter{DueWithin: 8}, "[100 Percent Dryer 100% Dryer FilterXA Filter_A]"},
			{"due today", device.Filter{DueWithin: 1, Site: "Berlin", Query: "xa"}, "[FilterXA]"},
			{"staff's customer filter ignored for customers", device.Filter{CustomerID: f.customerB.ID}, `[100 Percent Dryer 100% Dryer Back\slash FilterXA Filter_A Mixer]`},
		} {
			if got := fmt.Sprint(names(f.listAll(f.admin, c.flt, "name"))); got != c.want {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		}

		// DueWithin follows the clock.
		f.clock.Advance(24 * time.Hour)
		if got := fmt.Sprint(names(f.listAll(f.admin, device.Filter{DueWithin: 7}, "name"))); got != "[100 Percent Dryer 100% Dryer FilterXA Filter_A]" {
			t.Errorf("due within 7 days of tomorrow: %s", got)
		}

		// Counts per status ignore the status filter but keep the others.
		counts, err := f.svc.Counts(f.ctx, f.admin, device.Filter{Status: device.StatusRetired, Category: "filters"})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{device.StatusOperational: 1, device.StatusNeedsAttention: 1}; fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("counts of filters %v, want %v", counts, want)
		}
		counts, err = f.svc.Counts(f.ctx, f.staff, device.Filter{Status: device.StatusOperational})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{device.StatusOperational: 4, device.StatusNeedsAttention: 1, device.StatusRetired: 1, device.StatusOutOfService: 1}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("staff counts %v, want %v", counts, want)
		}
		counts, err = f.svc.Counts(f.ctx, f.staff, device.Filter{Query: "100%", DueWithin: 30})
		if err != nil || fmt.Sprint(counts) != fmt.Sprint(map[string]int{device.StatusOperational: 1}) {
			t.Errorf("counts with query and due: %v, %v", counts, err)
		}

		// Facets: distinct, sorted, without empty values.
		sites, categories, err := f.svc.Facets(f.ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sites) != "[Berlin Hamburg Munich berlin]" || fmt.Sprint(categories) != "[dryers filters mixers]" {
			t.Errorf("facets %q %q", sites, categories)
		}
		sites, _, err = f.svc.Facets(f.ctx, f.modB)
		if err != nil || len(sites) != 0 {
			t.Errorf("customer B facets %q, %v", sites, err)
		}
	})
}

func TestListRefusesBadSortAndFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.create(f.staff, in("Pump", "SN-1"))
		for _, sort := range []string{"colour", "--name", "name;", "Name", "id", "created_at"} {
			_, err := f.svc.List(f.ctx, f.staff, device.Filter{}, sort, nil, 10)
			wantFields(t, err, "sort")
			_, err = f.svc.Export(f.ctx, f.staff, device.Filter{}, sort, 10)
			wantFields(t, err, "sort")
		}
		_, err := f.svc.List(f.ctx, f.staff, device.Filter{Status: "broken", Query: strings.Repeat("q", 201)}, "name", nil, 10)
		wantFields(t, err, "status", "q")
		// A NUL reaches no database: refused, or matching nothing.
		for _, flt := range []device.Filter{{Query: "a\x00"}, {Site: "\x00"}, {Category: "x\x00y"}} {
			if _, err := f.svc.List(f.ctx, f.staff, flt, "name", nil, 10); err != nil {
				fieldErrors(t, err)
			}
			if counts, err := f.svc.Counts(f.ctx, f.staff, flt); err != nil {
				fieldErrors(t, err)
			} else if len(counts) != 0 {
				t.Errorf("counts %v for %+v", counts, flt)
			}
			if _, err := f.svc.Export(f.ctx, f.staff, flt, "name", 10); err != nil {
				fieldErrors(t, err)
			}
		}
		// A cursor that does not fit the sort is refused, not a 500.
		for sort, key := range map[string]string{"status": "high", "status_changed_at": "yesterday", "next_service_due": "2026-13-01"} {
			_, err := f.svc.List(f.ctx, f.staff, device.Filter{}, sort, &device.Cursor{Key: key, ID: 1}, 10)
			wantFields(t, err, "cursor")
		}
	})
}

// sortKey orders devices as sort does, for the expected results.
func sortKey(sort string) func(a, b *device.Device) int {
	due := func(d *device.Device) string {
		if d.NextServiceDue == nil {
			return "9999-12-31"
		}
		return d.NextServiceDue.String()
	}
	var key func(a, b *device.Device) int
	switch strings.TrimPrefix(sort, "-") {
	case "name":
		key = func(a, b *device.Device) int { return strings.Compare(a.Name, b.Name) }
	case "status":
		key = func(a, b *device.Device) int {
			return cmp.Compare(device.StatusRank(a.Status), device.StatusRank(b.Status))
		}
	case "status_changed_at":
		key = func(a, b *device.Device) int { return a.StatusChangedAt.Compare(b.StatusChangedAt) }
	case "next_service_due":
		key = func(a, b *device.Device) int { return strings.Compare(due(a), due(b)) }
	}
	return func(a, b *device.Device) int {
		c := cmp.Or(key(a, b), cmp.Compare(a.ID, b.ID))
		if strings.HasPrefix(sort, "-") {
			return -c
		}
		return c
	}
}

func TestListSortsAndPagesByKeyset(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// Seven devices with ties on every sort key, created and changed at
		// times with fractions of a second.
		mk := func(name, status, due string) *device.Device {
			return f.create(f.staff, at(f.customerA, device.Input{Name: name, SerialNumber: "SN-" + fmt.Sprint(f.count("devices", "1 = 1")),
				Status: status, NextServiceDue: due}))
		}
		mk("Bravo", device.StatusOperational, "2026-12-10")
		alpha := mk("Alpha", device.StatusOutOfService, "")
		f.clock.Advance(250 * time.Millisecond)
		mk("Charlie", device.StatusOperational, "2026-11-20")
		f.clock.Advance(time.Second + 1234*time.Microsecond)
		mk("Bravo", device.StatusNeedsAttention, "2026-12-10")
		mk("Delta", device.StatusRetired, "")
		f.clock.Advance(999 * time.Millisecond)
		mk("Echo", device.StatusInMaintenance, "2026-11-30")
		f.clock.Advance(10 * time.Second)
		mk("Alpha", device.StatusOperational, "2026-11-23")
		f.clock.Advance(1500 * time.Millisecond)
		if _, err := f.svc.SetStatus(f.ctx, f.staff, alpha.ID, device.StatusNeedsAttention); err != nil {
			t.Fatal(err)
		}
		f.create(f.staff2, in("Alpha", "SN-X")) // another provider's, never listed

		all := f.listAll(f.staff, device.Filter{}, "name")
		if len(all) != 7 {
			t.Fatalf("listed %d devices, want 7", len(all))
		}
		for _, sort := range []string{"name", "-name", "status", "-status", "status_changed_at", "-status_changed_at",
			"next_service_due", "-next_service_due"} {
			want := slices.SortedFunc(slices.Values(all), sortKey(sort))
			for _, u := range []*caller.Caller{f.staff, f.admin} {
				if got := f.listAll(u, device.Filter{}, sort); !slices.Equal(ids(got), ids(want)) {
					t.Errorf("%s sorted by %s: %v, want %v", u.Email, sort, names(got), names(want))
				}
				// Pages of two, the cursor going through JSON as it does in the API.
				var paged []*device.Device
				var after *device.Cursor
				for pages := 0; ; pages++ {
					if pages > 7 {
						t.Fatalf("%s: paging does not end", sort)
					}
					page, err := f.svc.List(f.ctx, u, device.Filter{}, sort, after, 2)
					if err != nil {
						t.Fatalf("%s page %d: %v", sort, pages, err)
					}
					paged = append(paged, page.Items...)
					if page.Next == nil {
						break
					}
					if len(page.Items) != 2 {
						t.Errorf("%s: a page of %d before the last", sort, len(page.Items))
					}
					raw, err := json.Marshal(page.Next)
					if err != nil {
						t.Fatal(err)
					}
					after = new(device.Cursor)
					if err := json.Unmarshal(raw, after); err != nil {
						t.Fatal(err)
					}
				}
				if !slices.Equal(ids(paged), ids(want)) {
					t.Errorf("%s paged by %s: %v, want %v", u.Email, sort, ids(paged), ids(want))
				}
			}
		}

		// Devices without a due date come last.
		bydue := f.listAll(f.staff, device.Filter{}, "next_service_due")
		if len(bydue) != 7 || bydue[5].NextServiceDue != nil || bydue[6].NextServiceDue != nil || bydue[0].NextServiceDue.String() != "2026-11-20" {
			t.Errorf("by due: %v", names(bydue))
		}
		// Empty sort is by name.
		if got := f.listAll(f.staff, device.Filter{}, ""); !slices.Equal(ids(got), ids(all)) {
			t.Errorf("default sort %v", names(got))
		}
		// A page exactly as long as the rest has no next cursor.
		for limit, more := range map[int]bool{6: true, 7: false, 8: false} {
			page, err := f.svc.List(f.ctx, f.staff, device.Filter{}, "status", nil, limit)
			if err != nil || (page.Next != nil) != more {
				t.Errorf("limit %d: next %+v, %v", limit, page.Next, err)
			}
		}
		// Paging combines with a filter.
		var got []string
		var after *device.Cursor
		for pages := 0; pages < 10; pages++ {
			page, err := f.svc.List(f.ctx, f.staff, device.Filter{Status: device.StatusOperational}, "-name", after, 1)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, names(page.Items)...)
			if after = page.Next; after == nil {
				break
			}
		}
		if fmt.Sprint(got) != "[Charlie Bravo Alpha]" {
			t.Errorf("operational by -name, one per page: %v", got)
		}
		// Export reads every page.
		exported, err := f.svc.Export(f.ctx, f.staff, device.Filter{}, "-status_changed_at", 1000)
		if err != nil || !slices.Equal(ids(exported), ids(slices.SortedFunc(slices.Values(all), sortKey("-status_changed_at")))) {
			t.Errorf("export %v, %v", names(exported), err)
		}
		if len(exported) == 0 || exported[0].ID != alpha.ID || exported[0].Code == nil {
			t.Errorf("latest status change first, with its code: %+v", exported[0])
		}
		if capped, err := f.svc.Export(f.ctx, f.staff, device.Filter{}, "name", 3); err != nil || len(capped) != 3 {
			t.Errorf("export capped at 3: %d, %v", len(capped), err)
		}
	})
}
