package device_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/app/device"
)

// actions lists the actions of a history, in order.
func actions(events []*device.Event) string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return strings.Join(out, " ")
}

func TestHistoryStartsWithTheDevicesOwnDates(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// Entered today for a device installed in 2024, serviced in October,
		// whose status dates from a week ago (as an import or the demo data
		// enter it).
		st := f.svc.Store()
		installed, _ := device.ParseDate("2024-03-01")
		serviced, _ := device.ParseDate("2026-10-01")
		cust := f.customerA.ID
		d := &device.Device{ProviderID: f.provider.ID, CustomerID: &cust, Name: "Old pump", SerialNumber: "OP-1",
			Status: device.StatusNeedsAttention, StatusChangedAt: start.Add(-7 * 24 * time.Hour),
			InstalledOn: &installed, LastServiceOn: &serviced}
		if err := st.Create(f.ctx, d); err != nil {
			t.Fatal(err)
		}
		id := d.ID
		if err := st.Record(f.ctx, &device.Event{ProviderID: f.provider.ID, DeviceID: &id, Action: device.ActionImported, ToValue: d.Name}); err != nil {
			t.Fatal(err)
		}
		// Then changed in the application.
		f.clock.Advance(time.Hour)
		got := f.device(f.staff, id)
		changed := device.InputOf(got)
		changed.Location = "Hall 2"
		f.update(f.staff, id, changed)

		events, more, err := f.svc.History(f.ctx, f.member, id, 0, 50)
		if err != nil || more {
			t.Fatalf("history: %v, more %v", err, more)
		}
		if a := actions(events); a != "updated imported status_since serviced installed" {
			t.Fatalf("history %q", a)
		}
		last := events[len(events)-1]
		if !last.Derived || last.ID != 0 || !last.CreatedAt.Equal(installed.Time()) || last.ToValue != "2024-03-01" {
			t.Errorf("installation entry %+v", last)
		}
		if e := events[2]; e.ToValue != device.StatusNeedsAttention || !e.CreatedAt.Equal(start.Add(-7*24*time.Hour)) {
			t.Errorf("status entry %+v", e)
		}

		// In pages of one, every entry comes once, in the same order, and
		// each page ends on a recorded event (the cursor).
		var paged []*device.Event
		var before int64
		for range 10 {
			page, more, err := f.svc.History(f.ctx, f.staff, id, before, 1)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page...)
			if !more {
				break
			}
			if page[len(page)-1].Derived {
				t.Fatalf("page ends on a derived entry: %q", actions(page))
			}
			before = page[len(page)-1].ID
		}
		if actions(paged) != actions(events) {
			t.Errorf("paged history %q, want %q", actions(paged), actions(events))
		}

		// A device entered in the application starts with its creation; its
		// status is as old as the record, so no separate entry.
		fresh := f.create(f.staff, at(f.customerA, in("New pump", "NP-1")))
		events, _, err = f.svc.History(f.ctx, f.staff, fresh.ID, 0, 50)
		if err != nil || slices.ContainsFunc(events, func(e *device.Event) bool { return e.Derived }) {
			t.Errorf("history of a new device: %q, %v", actions(events), err)
		}

		// Another company's device: not found.
		_, _, err = f.svc.History(f.ctx, f.modB, id, 0, 50)
		wantNotFound(t, err)
	})
}
