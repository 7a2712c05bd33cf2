package device_test

import (
	"strings"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/device"
)

func TestInputNormalize(t *testing.T) {
	in := device.Input{Name: "  Pump ", SerialNumber: "\tSN-1 ", Site: " Berlin", InstalledOn: " 2026-01-02 ",
		Notes: "  keep leading\r\nsecond  \r\n\n\t"}
	in.Normalize()
	want := device.Input{Name: "Pump", SerialNumber: "SN-1", Site: "Berlin", InstalledOn: "2026-01-02",
		Status: device.StatusOperational, Notes: "  keep leading\nsecond"}
	if in != want {
		t.Errorf("normalized\n got %+v\nwant %+v", in, want)
	}
	in = device.Input{Status: " retired "}
	in.Normalize()
	if in.Status != device.StatusRetired {
		t.Errorf("status %q", in.Status)
	}
}

func TestInputValidate(t *testing.T) {
	valid := device.Input{Name: "Pump", SerialNumber: "SN-1", Status: device.StatusOperational, InstalledOn: "2026-01-02",
		WarrantyUntil: "2200-12-31", LastServiceOn: "1900-01-01", Notes: "tabs\tand\nnew lines"}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	for _, c := range []struct {
		edit    func(*device.Input)
		field   string
		message string
	}{
		{func(in *device.Input) { in.Name = "" }, "name", "error.required"},
		{func(in *device.Input) { in.Name = strings.Repeat("é", 201) }, "name", "error.too_long"},
		{func(in *device.Input) { in.SerialNumber = strings.Repeat("s", 101) }, "serial_number", "error.too_long"},
		{func(in *device.Input) { in.Model = "a\nb" }, "model", "error.invalid_chars"},
		{func(in *device.Input) { in.Category = strings.Repeat("c", 121) }, "category", "error.too_long"},
		{func(in *device.Input) { in.Location = "\u2066x" }, "location", "error.invalid_chars"},
		{func(in *device.Input) { in.Notes = strings.Repeat("n", 5001) }, "notes", "error.too_long"},
		{func(in *device.Input) { in.Notes = "a\x00b" }, "notes", "error.invalid_chars"},
		{func(in *device.Input) { in.Status = "Operational" }, "status", "error.device_status"},
		{func(in *device.Input) { in.Status = "" }, "status", "error.device_status"},
		{func(in *device.Input) { in.InstalledOn = "2026-13-01" }, "installed_on", "error.date"},
		{func(in *device.Input) { in.WarrantyUntil = "2201-01-01" }, "warranty_until", "error.date"},
		{func(in *device.Input) { in.LastServiceOn = "1899-12-31" }, "last_service_on", "error.date"},
		{func(in *device.Input) { in.NextServiceDue = "01/12/2026" }, "next_service_due", "error.date"},
		{func(in *device.Input) { in.CustomerID = -7 }, "customer_id", "error.customer_unknown"},
	} {
		in := valid
		c.edit(&in)
		fields := fieldErrors(t, in.Validate())
		if len(fields) != 1 || fields[0].Field != c.field || fields[0].Message != c.message {
			t.Errorf("%+v: got %+v, want %s at %s", in, fields, c.message, c.field)
		}
	}
}

func TestInputOfRoundTrips(t *testing.T) {
	customer := int64(42)
	due := day(t, "2027-03-01")
	d := &device.Device{CustomerID: &customer, Name: "Pump", SerialNumber: "SN", Manufacturer: "M", Model: "X", Category: "C",
		Site: "S", Location: "L", Status: device.StatusRetired, NextServiceDue: &due, Notes: "N"}
	in := device.InputOf(d)
	want := device.Input{CustomerID: 42, Name: "Pump", SerialNumber: "SN", Manufacturer: "M", Model: "X", Category: "C",
		Site: "S", Location: "L", Status: device.StatusRetired, NextServiceDue: "2027-03-01", Notes: "N"}
	if in != want {
		t.Errorf("InputOf\n got %+v\nwant %+v", in, want)
	}
	if device.InputOf(&device.Device{}).CustomerID != 0 {
		t.Errorf("a device in stock has a customer")
	}
}

func TestCheckPINFormat(t *testing.T) {
	for pin, ok := range map[string]bool{"1234": true, "0000": true, "12345678": true, "123": false, "123456789": false,
		"12ab": false, "": false, "12 4": false, "+123": false, "١٢٣٤": false} {
		v := &apperr.ValidationError{}
		device.CheckPIN(v, "pin", pin)
		if got := v.Err() == nil; got != ok {
			t.Errorf("CheckPIN(%q) valid = %v, want %v", pin, got, ok)
		}
		if !ok && !v.Has("pin") {
			t.Errorf("CheckPIN(%q) not reported at pin", pin)
		}
	}
}

func TestSortsAndStatuses(t *testing.T) {
	for s, ok := range map[string]bool{"name": true, "-name": true, "status": true, "-status_changed_at": true,
		"next_service_due": true, "": false, "-": false, "--name": false, "Name": false, "id": false, "name ": false} {
		if device.ValidSort(s) != ok {
			t.Errorf("ValidSort(%q) = %v", s, !ok)
		}
	}
	if device.StatusRank(device.StatusOutOfService) != 0 || device.StatusRank(device.StatusRetired) != len(device.Statuses)-1 ||
		device.StatusRank("unknown") != -1 {
		t.Errorf("status ranks")
	}
	for i, s := range device.Statuses {
		if device.StatusRank(s) != i {
			t.Errorf("rank of %s", s)
		}
	}
	if err := device.CheckFilter(device.Filter{Status: device.StatusRetired, Query: strings.Repeat("q", 200)}, "-name"); err != nil {
		t.Errorf("valid filter: %v", err)
	}
	wantFields(t, device.CheckFilter(device.Filter{Status: "x", Site: strings.Repeat("s", 201),
		Category: strings.Repeat("c", 201)}, "x"), "status", "sort", "site", "category")
}

func TestCodeState(t *testing.T) {
	now := start
	for _, c := range []struct {
		code device.Code
		want string
	}{
		{device.Code{Active: true}, device.CodeActive},
		{device.Code{Active: false}, device.CodeDisabled},
		{device.Code{Active: true, RetiredAt: &now}, device.CodeRetired},
		{device.Code{Active: false, RetiredAt: &now}, device.CodeRetired},
	} {
		if got := c.code.State(); got != c.want {
			t.Errorf("%+v: state %s, want %s", c.code, got, c.want)
		}
	}
}
