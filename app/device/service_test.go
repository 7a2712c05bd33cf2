package device_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/device"
)

func TestCreateValidatesEachField(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, c := range []struct {
			name  string
			edit  func(*device.Input)
			field string
		}{
			{"empty name", func(in *device.Input) { in.Name = "  " }, "name"},
			{"long name", func(in *device.Input) { in.Name = strings.Repeat("n", 201) }, "name"},
			{"empty serial", func(in *device.Input) { in.SerialNumber = "" }, "serial_number"},
			{"NUL in serial", func(in *device.Input) { in.SerialNumber = "SN\x001" }, "serial_number"},
			{"tab in name", func(in *device.Input) { in.Name = "Pump\tA" }, "name"},
			{"bidi override in site", func(in *device.Input) { in.Site = "Site\u202e" }, "site"},
			{"control in manufacturer", func(in *device.Input) { in.Manufacturer = "Ac\x07me" }, "manufacturer"},
			{"control in notes", func(in *device.Input) { in.Notes = "line\x1bone" }, "notes"},
			{"invalid UTF-8 in location", func(in *device.Input) { in.Location = "\xff" }, "location"},
			{"bad status", func(in *device.Input) { in.Status = "broken" }, "status"},
			{"month 13", func(in *device.Input) { in.InstalledOn = "2026-13-01" }, "installed_on"},
			{"day 31 in November", func(in *device.Input) { in.WarrantyUntil = "2026-11-31" }, "warranty_until"},
			{"not a date", func(in *device.Input) { in.LastServiceOn = "tomorrow" }, "last_service_on"},
			{"implausible year", func(in *device.Input) { in.NextServiceDue = "0999-01-01" }, "next_service_due"},
			{"negative customer", func(in *device.Input) { in.CustomerID = -1 }, "customer_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				input := in("Pump", "SN-1")
				c.edit(&input)
				_, err := f.svc.Create(f.ctx, f.staff, input)
				wantFields(t, err, c.field)
			})
		}
		if n := f.count("devices", "1 = 1"); n != 0 {
			t.Errorf("%d devices stored after invalid input", n)
		}
		// Several problems at once are all reported.
		_, err := f.svc.Create(f.ctx, f.staff, device.Input{Status: "x", InstalledOn: "2026-02-30"})
		wantFields(t, err, "name", "serial_number", "status", "installed_on")
	})
}

func TestCreateStoresDeviceWithPairedCodeAndHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		input := device.Input{CustomerID: f.customerA.ID, Name: "  Pump 1 ", SerialNumber: " SN-1 ", Manufacturer: "Acme",
			Model: "P-100", Category: "pumps", Site: "Berlin", Location: "Cellar", Status: device.StatusNeedsAttention,
			InstalledOn: "2024-02-29", WarrantyUntil: "2027-02-28", LastServiceOn: "2026-06-01", NextServiceDue: "2026-12-01",
			Notes: "first line\r\nsecond line  \n"}
		d := f.create(f.agent, input)

		if d.ID == 0 || d.ProviderID != f.provider.ID || d.CustomerID == nil || *d.CustomerID != f.customerA.ID {
			t.Fatalf("created device id %d provider %d customer %v", d.ID, d.ProviderID, d.CustomerID)
		}
		if d.Customer == nil || d.Customer.Name != "Customer A" {
			t.Errorf("customer not loaded: %+v", d.Customer)
		}
		got := device.InputOf(d)
		want := input
		want.Name, want.SerialNumber, want.Notes = "Pump 1", "SN-1", "first line\nsecond line"
		if got != want {
			t.Errorf("stored input\n got %+v\nwant %+v", got, want)
		}
		if !d.StatusChangedAt.Equal(start) || !d.CreatedAt.Equal(start) {
			t.Errorf("status changed %s, created %s; want %s", d.StatusChangedAt, d.CreatedAt, start)
		}
		if d.StatusRank != device.StatusRank(device.StatusNeedsAttention) {
			t.Errorf("status rank %d", d.StatusRank)
		}

		// A fresh, active, paired code.
		c := d.Code
		if c == nil || c.ID == 0 || c.DeviceID == nil || *c.DeviceID != d.ID || c.State() != device.CodeActive ||
			c.HasPIN() || c.PairedAt == nil || c.ProviderID != f.provider.ID || !tokenPattern.MatchString(c.Token) {
			t.Fatalf("code of new device: %+v", c)
		}
		if s := f.scan(c.Token); s.Device == nil || s.Device.ID != d.ID || s.Device.Customer == nil {
			t.Errorf("scan of new code: %+v", s)
		}

		events := f.history(d.ID)
		if len(events) != 2 {
			t.Fatalf("history has %d events, want 2: %+v", len(events), events)
		}
		if e := events[0]; e.Action != device.ActionCreated || e.ToValue != "Pump 1" || e.ActorID == nil ||
			*e.ActorID != f.agent.ID || e.ActorName != f.agent.Name() || e.ProviderID != f.provider.ID {
			t.Errorf("created event %+v", e)
		}
		if e := events[1]; e.Action != device.ActionPaired || e.CodeID == nil || *e.CodeID != c.ID || e.ToValue != c.Token {
			t.Errorf("paired event %+v", e)
		}

		// Defaults: no status means operational, no customer means in stock.
		stock := f.create(f.staff, in("Spare", "SN-2"))
		if stock.Status != device.StatusOperational || stock.CustomerID != nil || stock.Customer != nil {
			t.Errorf("defaults: status %q customer %v", stock.Status, stock.CustomerID)
		}
		if stock.Code == nil || stock.Code.Token == c.Token {
			t.Errorf("second device's code %+v", stock.Code)
		}
	})
}

// wantSerialConflict checks err is the 409 at serial_number.
func wantSerialConflict(t *testing.T, err error) {
	t.Helper()
	var conflict *apperr.Conflict
	if !errors.As(err, &conflict) || conflict.Field != "serial_number" || !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("got %v, want a conflict at serial_number", err)
	}
}

func TestSerialUniquePerProviderIgnoringCase(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		first := f.create(f.staff, in("Pump", "AB-100x"))
		for _, serial := range []string{"AB-100x", "ab-100X", " Ab-100x "} {
			_, err := f.svc.Create(f.ctx, f.staff, in("Other", serial))
			wantSerialConflict(t, err)
		}
		if n := f.count("devices", "1 = 1"); n != 1 {
			t.Errorf("%d devices after conflicts, want 1", n)
		}
		if n := f.count("codes", "1 = 1"); n != 1 {
			t.Errorf("%d codes after conflicts, want 1 (the failed creations must roll back)", n)
		}
		// Another provider may use the same serial.
		other := f.create(f.staff2, in("Pump", "ab-100x"))
		if other.ProviderID != f.provider2.ID {
			t.Errorf("provider %d", other.ProviderID)
		}
		// Changing another device's serial to a taken one conflicts too.
		second := f.create(f.staff, in("Second", "CD-200"))
		input := device.InputOf(second)
		input.SerialNumber = "ab-100X"
		_, err := f.svc.Update(f.ctx, f.staff, second.ID, input)
		wantSerialConflict(t, err)
		// A device keeps its own serial in another case.
		input = device.InputOf(first)
		input.SerialNumber = "ab-100x"
		if d, err := f.svc.Update(f.ctx, f.staff, first.ID, input); err != nil || d.SerialNumber != "ab-100x" {
			t.Errorf("recase own serial: %v, %+v", err, d)
		}
	})
}

func TestCreateRefusesCustomerOfAnotherProvider(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, id := range []int64{f.customer2A.ID, f.provider.ID, f.provider2.ID, 987654} {
			_, err := f.svc.Create(f.ctx, f.staff, device.Input{CustomerID: id, Name: "Pump", SerialNumber: "SN-1"})
			wantFields(t, err, "customer_id")
		}
		if n := f.count("devices", "1 = 1"); n != 0 {
			t.Errorf("%d devices stored", n)
		}
	})
}

func TestCustomerUsersCannotCreate(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, u := range f.customers() {
			_, err := f.svc.Create(f.ctx, u, at(f.customerA, in("Pump", "SN-"+u.Email)))
			wantNotFound(t, err)
		}
		if n := f.count("devices", "1 = 1"); n != 0 {
			t.Errorf("%d devices stored by customers", n)
		}
	})
}

func TestCustomerSeesOnlyOwnDevices(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		a1 := f.create(f.staff, at(f.customerA, device.Input{Name: "A one", SerialNumber: "A1", Status: device.StatusOutOfService}))
		a2 := f.create(f.staff, at(f.customerA, in("A two", "A2")))
		b1 := f.create(f.staff, at(f.customerB, in("B one", "B1")))
		stock := f.create(f.staff, in("Stock", "S1"))
		other := f.create(f.staff2, at(f.customer2A, in("Other provider", "O1")))

		for _, u := range []*caller.Caller{f.admin, f.mod, f.member} {
			// Asking for another customer's devices changes nothing.
			page, err := f.svc.List(f.ctx, u, device.Filter{CustomerID: f.customerB.ID}, "name", nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Items); fmt.Sprint(got) != fmt.Sprint([]int64{a1.ID, a2.ID}) {
				t.Errorf("%s lists %v, want %v", u.Email, got, []int64{a1.ID, a2.ID})
			}
			counts, err := f.svc.Counts(f.ctx, u, device.Filter{CustomerID: f.customerB.ID})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(counts) != fmt.Sprint(map[string]int{device.StatusOperational: 1, device.StatusOutOfService: 1}) {
				t.Errorf("%s counts %v", u.Email, counts)
			}
			if d := f.device(u, a1.ID); d.Code == nil || d.Code.ID != a1.Code.ID {
				t.Errorf("%s loads own device without its code: %+v", u.Email, d.Code)
			}
			if _, _, err := f.svc.History(f.ctx, u, a1.ID, 0, 10); err != nil {
				t.Errorf("%s history of own device: %v", u.Email, err)
			}
			for _, d := range []*device.Device{b1, stock, other} {
				_, err := f.svc.Device(f.ctx, u, d.ID)
				wantNotFound(t, err)
				_, _, err = f.svc.History(f.ctx, u, d.ID, 0, 10)
				wantNotFound(t, err)
				_, err = f.svc.Update(f.ctx, u, d.ID, device.InputOf(d))
				wantNotFound(t, err)
				_, err = f.svc.SetStatus(f.ctx, u, d.ID, device.StatusRetired)
				wantNotFound(t, err)
			}
			all, err := f.svc.Export(f.ctx, u, device.Filter{}, "", 100)
			if err != nil || fmt.Sprint(ids(all)) != fmt.Sprint([]int64{a1.ID, a2.ID}) {
				t.Errorf("%s exports %v, %v", u.Email, ids(all), err)
			}
			sites, _, err := f.svc.Facets(f.ctx, u)
			if err != nil || len(sites) != 0 {
				t.Errorf("%s facets %v, %v", u.Email, sites, err)
			}
		}

		// Customer B sees its one device only.
		page, err := f.svc.List(f.ctx, f.modB, device.Filter{}, "", nil, 100)
		if err != nil || fmt.Sprint(ids(page.Items)) != fmt.Sprint([]int64{b1.ID}) {
			t.Errorf("customer B lists %v, %v", ids(page.Items), err)
		}

		// Staff see every device of their provider, and may narrow to one customer.
		page, err = f.svc.List(f.ctx, f.agent, device.Filter{}, "name", nil, 100)
		if err != nil || fmt.Sprint(names(page.Items)) != "[A one A two B one Stock]" {
			t.Errorf("staff lists %v, %v", names(page.Items), err)
		}
		page, err = f.svc.List(f.ctx, f.agent, device.Filter{CustomerID: f.customerB.ID}, "name", nil, 100)
		if err != nil || fmt.Sprint(ids(page.Items)) != fmt.Sprint([]int64{b1.ID}) {
			t.Errorf("staff lists customer B as %v, %v", ids(page.Items), err)
		}

		// Staff of another provider see none of them.
		page, err = f.svc.List(f.ctx, f.staff2, device.Filter{}, "name", nil, 100)
		if err != nil || fmt.Sprint(ids(page.Items)) != fmt.Sprint([]int64{other.ID}) {
			t.Errorf("provider two lists %v, %v", ids(page.Items), err)
		}
		counts, err := f.svc.Counts(f.ctx, f.staff2, device.Filter{})
		if err != nil || fmt.Sprint(counts) != fmt.Sprint(map[string]int{device.StatusOperational: 1}) {
			t.Errorf("provider two counts %v, %v", counts, err)
		}
		for _, d := range []*device.Device{a1, b1, stock} {
			_, err := f.svc.Device(f.ctx, f.staff2, d.ID)
			wantNotFound(t, err)
			_, _, err = f.svc.History(f.ctx, f.staff2, d.ID, 0, 10)
			wantNotFound(t, err)
			_, err = f.svc.Update(f.ctx, f.staff2, d.ID, device.InputOf(d))
			wantNotFound(t, err)
			wantNotFound(t, f.svc.Delete(f.ctx, f.staff2, d.ID))
			_, err = f.svc.Regenerate(f.ctx, f.staff2, d.ID)
			wantNotFound(t, err)
		}
		if n := f.count("devices", "1 = 1"); n != 5 {
			t.Errorf("%d devices left, want 5", n)
		}
	})
}

func TestStaffUpdateRecordsEveryChange(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, device.Input{Name: "Pump", SerialNumber: "SN-1", Manufacturer: "Acme", Model: "P1",
			Category: "pumps", Site: "Berlin", Location: "Cellar", InstalledOn: "2025-01-10", WarrantyUntil: "2027-01-10",
			Notes: "old"})
		f.clock.Advance(time.Hour + 1500*time.Millisecond)
		changed := device.Input{CustomerID: f.customerA.ID, Name: "Pump XL", SerialNumber: "SN-2", Manufacturer: "Bolt",
			Model: "P2", Category: "big pumps", Site: "Hamburg", Location: "Roof", Status: device.StatusInMaintenance,
			InstalledOn: "2025-01-11", WarrantyUntil: "", LastServiceOn: "2026-11-01", NextServiceDue: "2027-05-01",
			Notes: "new\nnotes"}
		got, err := f.svc.Update(f.ctx, f.agent, d.ID, changed)
		if err != nil {
			t.Fatal(err)
		}
		if in := device.InputOf(got); in != changed {
			t.Errorf("after update\n got %+v\nwant %+v", in, changed)
		}
		if got.Customer == nil || got.Customer.ID != f.customerA.ID {
			t.Errorf("customer %+v", got.Customer)
		}
		if !got.StatusChangedAt.Equal(f.clock.Now()) || !got.UpdatedAt.Equal(f.clock.Now()) {
			t.Errorf("status changed at %s, updated at %s, want %s", got.StatusChangedAt, got.UpdatedAt, f.clock.Now())
		}
		if got.StatusRank != device.StatusRank(device.StatusInMaintenance) {
			t.Errorf("status rank %d", got.StatusRank)
		}
		if got.Code == nil || got.Code.ID != d.Code.ID {
			t.Errorf("code changed by an update: %+v", got.Code)
		}

		events := f.changes(d.ID)
		want := []string{
			"updated name Pump→Pump XL", "updated serial_number SN-1→SN-2", "updated manufacturer Acme→Bolt",
			"updated model P1→P2", "updated category pumps→big pumps", "updated site Berlin→Hamburg",
			"updated location Cellar→Roof", "updated installed_on 2025-01-10→2025-01-11",
			"updated warranty_until 2027-01-10→", "updated last_service_on →2026-11-01",
			"updated next_service_due →2027-05-01", "updated notes old→new\nnotes",
			"status status operational→in_maintenance", "assigned customer →Customer A",
		}
		if got := describe(events); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("history\n got %q\nwant %q", got, want)
		}
		for _, e := range events {
			if e.ActorID == nil || *e.ActorID != f.agent.ID || e.DeviceID == nil || *e.DeviceID != d.ID || !e.CreatedAt.Equal(f.clock.Now()) {
				t.Errorf("event %+v", e)
			}
		}

		// History pages newest first.
		var paged []*device.Event
		var before int64
		for pages := 0; pages < 10; pages++ {
			page, more, err := f.svc.History(f.ctx, f.staff, d.ID, before, 4)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page...)
			if !more {
				break
			}
			before = page[len(page)-1].ID
		}
		all := f.history(d.ID)
		slices.Reverse(all)
		// The entries of the device's dates stand among them once each.
		recorded := slices.DeleteFunc(slices.Clone(paged), func(e *device.Event) bool { return e.Derived })
		if len(recorded) != 16 || fmt.Sprint(describe(recorded)) != fmt.Sprint(describe(all)) {
			t.Errorf("history in pages of 4: %d events, want %d newest first", len(recorded), len(all))
		}
		if n := len(paged) - len(recorded); n != len(device.DerivedHistory(f.device(f.staff, d.ID))) || n != 2 {
			t.Errorf("history in pages of 4 holds %d derived entries, want installed and serviced once", n)
		}

		// Moving to another customer and back to stock is recorded by name.
		changed.CustomerID = f.customerB.ID
		f.update(f.staff, d.ID, changed)
		changed.CustomerID = 0
		stock := f.update(f.staff, d.ID, changed)
		if stock.CustomerID != nil || stock.Customer != nil {
			t.Errorf("back in stock: customer %v", stock.CustomerID)
		}
		events = f.history(d.ID)
		if got := describe(events[len(events)-2:]); fmt.Sprint(got) != "[assigned customer Customer A→Customer B assigned customer Customer B→]" {
			t.Errorf("assignments %q", got)
		}

		// Saving the same input again records nothing and keeps status_changed_at.
		n := len(events)
		f.clock.Advance(time.Minute)
		same := f.update(f.staff, d.ID, changed)
		if len(f.history(d.ID)) != n || !same.StatusChangedAt.Equal(got.StatusChangedAt) {
			t.Errorf("an unchanged save recorded %d events, status changed at %s", len(f.history(d.ID))-n, same.StatusChangedAt)
		}

		// Another provider's customer cannot be assigned.
		changed.CustomerID = f.customer2A.ID
		_, err = f.svc.Update(f.ctx, f.staff, d.ID, changed)
		wantFields(t, err, "customer_id")
		// Nor can invalid input be saved.
		_, err = f.svc.Update(f.ctx, f.staff, d.ID, device.Input{Name: "", SerialNumber: "SN-2", Status: "bad"})
		wantFields(t, err, "name", "status")
		if len(f.history(d.ID)) != n {
			t.Errorf("refused updates recorded history")
		}
	})
}

func (f *fixture) update(u *caller.Caller, id int64, input device.Input) *device.Device {
	f.t.Helper()
	d, err := f.svc.Update(f.ctx, u, id, input)
	if err != nil {
		f.t.Fatalf("update device %d: %v", id, err)
	}
	return d
}

// describe renders events as "action field from→to".
func describe(events []*device.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Action + " " + e.Field + " " + e.FromValue + "→" + e.ToValue
	}
	return out
}

func TestCustomerUpdateChangesOnlyCustomerFields(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		original := device.Input{CustomerID: f.customerA.ID, Name: "Pump", SerialNumber: "SN-1", Manufacturer: "Acme",
			Model: "P1", Category: "pumps", Site: "Berlin", Location: "Cellar", Status: device.StatusOperational,
			NextServiceDue: "2027-01-01", Notes: "old"}
		d := f.create(f.staff, original)
		f.clock.Advance(2 * time.Hour)

		attempt := device.Input{CustomerID: f.customerB.ID, Name: "My pump", SerialNumber: "HACKED", Manufacturer: "Evil",
			Model: "X", Category: "other", Site: "Munich", Location: "Hall 2", Status: device.StatusNeedsAttention,
			InstalledOn: "2020-01-01", NextServiceDue: "", Notes: "leaks"}
		got := f.update(f.mod, d.ID, attempt)

		want := original
		want.Name, want.Site, want.Location, want.Status, want.Notes = "My pump", "Munich", "Hall 2", device.StatusNeedsAttention, "leaks"
		if in := device.InputOf(got); in != want {
			t.Errorf("after a customer's update\n got %+v\nwant %+v", in, want)
		}
		if !got.StatusChangedAt.Equal(f.clock.Now()) {
			t.Errorf("status changed at %s, want %s", got.StatusChangedAt, f.clock.Now())
		}
		events := f.changes(d.ID)
		wantEvents := []string{"updated name Pump→My pump", "updated site Berlin→Munich", "updated location Cellar→Hall 2",
			"updated notes old→leaks", "status status operational→needs_attention"}
		if fmt.Sprint(describe(events)) != fmt.Sprint(wantEvents) {
			t.Errorf("history\n got %q\nwant %q", describe(events), wantEvents)
		}
		for _, e := range events {
			if e.ActorID == nil || *e.ActorID != f.mod.ID {
				t.Errorf("actor %v", e.ActorID)
			}
		}
		// The device still belongs to customer A: customer B cannot see it.
		_, err := f.svc.Device(f.ctx, f.modB, d.ID)
		wantNotFound(t, err)

		// The customer fields are still validated.
		_, err = f.svc.Update(f.ctx, f.admin, d.ID, device.Input{Name: "", Site: "a\x00", Status: "gone"})
		wantFields(t, err, "name", "site", "status")

		// SetStatus changes the status alone.
		f.clock.Advance(time.Minute)
		got, err = f.svc.SetStatus(f.ctx, f.admin, d.ID, device.StatusOutOfService)
		if err != nil {
			t.Fatal(err)
		}
		want.Status = device.StatusOutOfService
		if in := device.InputOf(got); in != want || !got.StatusChangedAt.Equal(f.clock.Now()) {
			t.Errorf("after SetStatus %+v at %s", in, got.StatusChangedAt)
		}
		_, err = f.svc.SetStatus(f.ctx, f.admin, d.ID, "exploded")
		wantFields(t, err, "status")
	})
}

func TestDeleteUnpairsTheCode(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, at(f.customerA, in("Pump", "SN-1")))
		old, err := f.svc.Regenerate(f.ctx, f.staff, d.ID) // leaves a retired code behind
		if err != nil {
			t.Fatal(err)
		}
		retired := d.Code
		keep := f.create(f.staff, in("Keep", "SN-2"))

		for _, u := range f.customers() {
			wantNotFound(t, f.svc.Delete(f.ctx, u, d.ID))
		}
		wantNotFound(t, f.svc.Delete(f.ctx, f.staff2, d.ID))
		if err := f.svc.Delete(f.ctx, f.agent, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Device(f.ctx, f.staff, d.ID)
		wantNotFound(t, err)
		wantNotFound(t, f.svc.Delete(f.ctx, f.staff, d.ID))

		// The current code is back in stock: unpaired, not retired, still resolving.
		c := f.scan(old.Token)
		if c.Device != nil || c.DeviceID != nil || c.PairedAt != nil || c.State() != device.CodeActive {
			t.Errorf("code after delete: %+v", c)
		}
		// The retired code stays retired.
		_, err = f.svc.Scan(f.ctx, retired.Token)
		wantNotFound(t, err)
		if code, err := f.svc.Code(f.ctx, f.staff, retired.ID); err != nil || code.State() != device.CodeRetired || code.DeviceID != nil {
			t.Errorf("retired code after delete: %+v, %v", code, err)
		}
		// The device's history went with it; the unpairing is recorded on the code.
		if n := f.count("device_history", "device_id = ?", d.ID); n != 0 {
			t.Errorf("%d history rows of the deleted device", n)
		}
		if n := f.count("device_history", "code_id = ? AND action = ?", old.ID, device.ActionUnpaired); n != 1 {
			t.Errorf("%d unpaired events of the code, want 1", n)
		}
		// Other devices are untouched.
		if k := f.device(f.staff, keep.ID); k.Code == nil || k.Code.ID != keep.Code.ID {
			t.Errorf("other device lost its code")
		}
	})
}
