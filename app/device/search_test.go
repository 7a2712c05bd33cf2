package device_test

import (
	"fmt"
	"testing"

	"backoffice/app/device"
)

// A search finds devices by any part of their name, serial number,
// manufacturer or model, ignoring case, within the caller's scope only, and
// follows changes and deletions of the device.
func TestSearchCoversManufacturerAndModel(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		mk := func(o int, name, serial, manufacturer, model string) *device.Device {
			input := device.Input{Name: name, SerialNumber: serial, Manufacturer: manufacturer, Model: model}
			if o == 1 {
				input.CustomerID = f.customerA.ID
			} else if o == 2 {
				input.CustomerID = f.customerB.ID
			}
			return f.create(f.staff, input)
		}
		filler := mk(1, "Abfülllinie 1", "KR-100", "Krones", "Modulfill HRS")
		mk(1, "Etikettiermaschine", "KR-200", "Krones", "Ergomatic")
		mk(1, "Kompressor", "AC-1", "Atlas Copco", "GA 30")
		mk(2, "Foreign filler", "KR-900", "Krones", "Modulfill VFS")
		mk(0, "Stock filler", "KR-000", "Krones", "Modulfill")
		staff2 := f.create(f.staff2, device.Input{Name: "Other provider's Krones", SerialNumber: "KR-1"})

		for _, c := range []struct {
			name  string
			query string
			want  string
		}{
			{"manufacturer", "Krones", "[Abfülllinie 1 Etikettiermaschine]"},
			{"manufacturer, other case", "KRONES", "[Abfülllinie 1 Etikettiermaschine]"},
			{"part of a model", "fill h", "[Abfülllinie 1]"},
			{"model", "ergomatic", "[Etikettiermaschine]"},
			{"two letters of a manufacturer", "co", "[Kompressor]"},
			{"serial still", "ac-1", "[Kompressor]"},
			{"name still, umlaut", "abfüll", "[Abfülllinie 1]"},
			{"quotes are literal", `"krones"`, "[]"},
			{"nothing", "Siemens", "[]"},
		} {
			if got := fmt.Sprint(names(f.listAll(f.admin, device.Filter{Query: c.query}, "name"))); got != c.want {
				t.Errorf("customer A, %s (%q): got %s, want %s", c.name, c.query, got, c.want)
			}
		}
		// Staff find every device of their provider, none of another's.
		if got := fmt.Sprint(names(f.listAll(f.staff, device.Filter{Query: "krones"}, "name"))); got != "[Abfülllinie 1 Etikettiermaschine Foreign filler Stock filler]" {
			t.Errorf("staff search for krones: %s", got)
		}
		if got := fmt.Sprint(names(f.listAll(f.staff, device.Filter{Query: "krones", CustomerID: f.customerB.ID}, "name"))); got != "[Foreign filler]" {
			t.Errorf("staff search for krones at customer B: %s", got)
		}
		if got := fmt.Sprint(names(f.listAll(f.staff2, device.Filter{Query: "krones"}, "name"))); got != "[Other provider's Krones]" {
			t.Errorf("the other provider's search: %s", got)
		}

		// A change of the manufacturer is found at once; the old one is not.
		input := device.InputOf(filler)
		input.Manufacturer, input.Model = "KHS", "Innofill Glass"
		if _, err := f.svc.Update(f.ctx, f.staff, filler.ID, input); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(names(f.listAll(f.admin, device.Filter{Query: "innofill"}, "name"))); got != "[Abfülllinie 1]" {
			t.Errorf("after the change, innofill: %s", got)
		}
		if got := fmt.Sprint(names(f.listAll(f.admin, device.Filter{Query: "modulfill"}, "name"))); got != "[]" {
			t.Errorf("after the change, modulfill: %s", got)
		}
		if err := f.svc.Delete(f.ctx, f.staff2, staff2.ID); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(names(f.listAll(f.staff2, device.Filter{Query: "krones"}, "name"))); got != "[]" {
			t.Errorf("after the deletion: %s", got)
		}
	})
}
