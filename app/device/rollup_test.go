package device_test

import (
	"reflect"
	"strings"
	"testing"

	"backoffice/app/device"
	"backoffice/app/org"
)

// The staff list's counts per status come from a rollup kept in the
// transaction of every change; after creates, status changes, a customer
// moderator's edit, deletes and an import it equals a live count, per
// provider.
func TestStatusCountsRollupFollowsEveryChange(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		live := func() map[string]int {
			out := map[string]int{}
			var rows []struct {
				Status string
				N      int
			}
			if err := f.db.NewRaw("SELECT status, count(*) AS n FROM devices WHERE provider_id = ? GROUP BY status", f.provider.ID).Scan(f.ctx, &rows); err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out[r.Status] = r.N
			}
			return out
		}
		check := func(step string) {
			t.Helper()
			got, err := f.svc.Counts(f.ctx, f.agent, device.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if want := live(); !reflect.DeepEqual(got, want) {
				t.Fatalf("after %s: rollup %v, live count %v", step, got, want)
			}
		}
		check("nothing")
		a := f.create(f.agent, at(f.customerA, in("Pump", "P-1")))
		b := f.create(f.agent, at(f.customerB, device.Input{Name: "Fan", SerialNumber: "F-1", Status: device.StatusOutOfService}))
		f.create(f.agent, in("Spare", "S-1"))
		f.create(f.staff2, in("Other provider's", "P-1"))
		check("creates")
		if _, err := f.svc.SetStatus(f.ctx, f.agent, a.ID, device.StatusNeedsAttention); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetStatus(f.ctx, f.mod, a.ID, device.StatusInMaintenance); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetStatus(f.ctx, f.agent, a.ID, device.StatusInMaintenance); err != nil { // no change
			t.Fatal(err)
		}
		check("status changes")
		if err := f.svc.Delete(f.ctx, f.agent, b.ID); err != nil {
			t.Fatal(err)
		}
		check("delete")
		csv := "name,serial_number,status\nA,I-1,retired\nB,I-2,retired\nC,I-3,operational\n"
		if _, err := f.svc.Import(f.ctx, f.agent, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Import(f.ctx, f.agent, strings.NewReader("name,serial_number,status\nD,I-1,retired\n")); err == nil {
			t.Fatal("a refused import must not count")
		}
		check("imports")
		// A filtered count is a live one, bounded by the filter.
		got, err := f.svc.Counts(f.ctx, f.agent, device.Filter{CustomerID: f.customerA.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, map[string]int{device.StatusInMaintenance: 1}) {
			t.Fatalf("customer A's counts: %v", got)
		}
		other, err := f.svc.Counts(f.ctx, f.staff2, device.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(other, map[string]int{device.StatusOperational: 1}) {
			t.Fatalf("the other provider's counts: %v", other)
		}
	})
}

// The filter values are cached briefly, and a change shows at once.
func TestFacetsShowANewSiteAtOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		sites, _, err := f.svc.Facets(f.ctx, f.mod)
		if err != nil || len(sites) != 0 {
			t.Fatalf("sites %v, %v", sites, err)
		}
		f.create(f.agent, at(f.customerA, device.Input{Name: "Pump", SerialNumber: "P-1", Site: "Plant North", Category: "Pumps"}))
		sites, cats, err := f.svc.Facets(f.ctx, f.mod)
		if err != nil || !reflect.DeepEqual(sites, []string{"Plant North"}) || !reflect.DeepEqual(cats, []string{"Pumps"}) {
			t.Fatalf("after a create: sites %v, categories %v, %v", sites, cats, err)
		}
		if sites, _, _ := f.svc.Facets(f.ctx, f.modB); len(sites) != 0 {
			t.Fatalf("customer B sees customer A's sites: %v", sites)
		}
	})
}

// The devices placed with each customer are rolled up too, for the customer
// list: after creates, moves between customers and to stock, a customer's
// own edit, deletes and imports the rollup equals a live count.
func TestCustomerDeviceCountsFollowEveryChange(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		check := func(step string) {
			t.Helper()
			for _, o := range []*org.Organization{f.customerA, f.customerB, f.customer2A} {
				var rolled int
				err := f.db.NewRaw("SELECT COALESCE((SELECT devices FROM customer_counts WHERE customer_id = ?), 0)", o.ID).Scan(f.ctx, &rolled)
				if err != nil {
					t.Fatal(err)
				}
				if live := f.count("devices", "customer_id = ?", o.ID); rolled != live {
					t.Fatalf("after %s: %s has %d devices rolled up, %d live", step, o.Name, rolled, live)
				}
			}
		}
		a := f.create(f.agent, at(f.customerA, in("Pump", "P-1")))
		f.create(f.agent, at(f.customerA, in("Fan", "F-1")))
		spare := f.create(f.agent, in("Spare", "S-1"))
		f.create(f.staff2, at(f.customer2A, in("Other provider's", "P-1")))
		check("creates")
		moved := device.InputOf(a)
		moved.CustomerID = f.customerB.ID
		f.update(f.agent, a.ID, moved)
		check("a move to customer B")
		placed := device.InputOf(spare)
		placed.CustomerID = f.customerA.ID
		f.update(f.agent, spare.ID, placed)
		moved.CustomerID = 0
		f.update(f.agent, a.ID, moved)
		check("a move to stock and one from it")
		if _, err := f.svc.SetStatus(f.ctx, f.mod, spare.ID, device.StatusNeedsAttention); err != nil {
			t.Fatal(err)
		}
		check("a customer's status change")
		if err := f.svc.Delete(f.ctx, f.agent, spare.ID); err != nil {
			t.Fatal(err)
		}
		check("a delete")
		csv := "customer,name,serial_number\nCustomer A,I1,I-1\nCustomer B,I2,I-2\nCustomer B,I3,I-3\n,I4,I-4\n"
		if _, err := f.svc.Import(f.ctx, f.agent, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Import(f.ctx, f.agent, strings.NewReader("customer,name,serial_number\nCustomer A,I5,I-1\n")); err == nil {
			t.Fatal("a refused import must not count")
		}
		check("imports")
	})
}
