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

// Find names a device by its serial number (or a picker's label), else by
// the one device a text matches, within the caller's scope only.
func TestFindNamesOneDevice(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		pump := f.create(f.staff, at(f.customerA, device.Input{Name: "Pump", SerialNumber: "SN-1", Manufacturer: "Grundfos"}))
		f.create(f.staff, at(f.customerA, device.Input{Name: "Pump 2", SerialNumber: "SN-12", Manufacturer: "Grundfos"}))
		mixer := f.create(f.staff, at(f.customerA, device.Input{Name: "Mixer", SerialNumber: "MX-1", Manufacturer: "Bosch"}))
		foreign := f.create(f.staff, at(f.customerB, device.Input{Name: "Foreign", SerialNumber: "FB-1", Manufacturer: "Bosch"}))
		for _, c := range []struct {
			name  string
			text  string
			want  int64
			field string
		}{
			{"serial, other case", "sn-1", pump.ID, ""},
			{"label", "Pump (SN-1)", pump.ID, ""},
			{"the one match", "bosch", mixer.ID, ""},
			{"the one match by name", "mix", mixer.ID, ""},
			{"several", "grundfos", 0, "error.device_ambiguous"},
			{"none", "siemens", 0, "error.device_not_found"},
			{"another company's serial", "FB-1", 0, "error.device_not_found"},
			{"another company's name", "Foreign", 0, "error.device_not_found"},
			{"blank", "  ", 0, "error.device_not_found"},
			{"NUL", "a\x00", 0, "error.device_not_found"},
		} {
			d, err := f.svc.Find(f.ctx, f.member, 0, c.text)
			switch {
			case c.field != "":
				if errs := fieldErrors(t, err); len(errs) != 1 || errs[0].Field != "device" || errs[0].Message != c.field {
					t.Errorf("%s: %v, want %s at device", c.name, err, c.field)
				}
			case err != nil || d.ID != c.want:
				t.Errorf("%s: %v, %v", c.name, d, err)
			}
		}
		// Staff find within the chosen customer, or the whole provider.
		if d, err := f.svc.Find(f.ctx, f.staff, f.customerB.ID, "bosch"); err != nil || d.ID != foreign.ID {
			t.Errorf("staff at customer B: %v, %v", d, err)
		}
		if _, err := f.svc.Find(f.ctx, f.staff, f.customerB.ID, "SN-1"); err == nil {
			t.Error("staff at customer B find customer A's serial")
		}
		if _, err := f.svc.Find(f.ctx, f.staff2, 0, "SN-1"); err == nil {
			t.Error("another provider finds the serial")
		}
	})
}
