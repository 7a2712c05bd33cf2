package device_test

import (
	"encoding/json"
	"testing"
	"time"

	"backoffice/app/device"
)

func day(t *testing.T, s string) device.Date {
	t.Helper()
	d, err := device.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026-11-23", "2024-02-29", "1900-01-01", "9999-12-31"} {
		if got := day(t, s).String(); got != s {
			t.Errorf("ParseDate(%q).String() = %q", s, got)
		}
	}
	for _, s := range []string{"", "2026-13-01", "2026-11-31", "2025-02-29", "2026-1-5", "23.11.2026", "2026-11-23T00:00:00Z", " 2026-11-23"} {
		if _, err := device.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if got := day(t, "2026-11-23").Time(); !got.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("Time() = %s", got)
	}
}

func TestDateScan(t *testing.T) {
	plus14 := time.FixedZone("+14", 14*3600)
	for _, c := range []struct {
		src  any
		want string
	}{
		{"2026-11-23", "2026-11-23"},
		{[]byte("2024-02-29"), "2024-02-29"},
		{time.Date(2026, 11, 23, 23, 59, 59, 0, time.UTC), "2026-11-23"},
		// The day in the time's own zone, not in UTC (where it is the 22nd).
		{time.Date(2026, 11, 23, 1, 0, 0, 0, plus14), "2026-11-23"},
	} {
		var d device.Date
		if err := d.Scan(c.src); err != nil || d.String() != c.want {
			t.Errorf("Scan(%#v) = %s, %v; want %s", c.src, d, err, c.want)
		}
	}
	for _, src := range []any{"2026-13-01", []byte("yesterday"), int64(20261123), 3.5} {
		var d device.Date
		if err := d.Scan(src); err == nil {
			t.Errorf("Scan(%#v) accepted: %s", src, d)
		}
	}
	// Value stores text, which Scan reads back.
	v, err := day(t, "2026-11-23").Value()
	if s, ok := v.(string); err != nil || !ok || s != "2026-11-23" {
		t.Errorf("Value() = %#v, %v", v, err)
	}
}

func TestDateJSON(t *testing.T) {
	d := day(t, "2026-11-23")
	raw, err := json.Marshal(struct {
		Due  device.Date  `json:"due"`
		Next *device.Date `json:"next"`
		None *device.Date `json:"none"`
	}{d, &d, nil})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"due":"2026-11-23","next":"2026-11-23","none":null}` {
		t.Errorf("JSON %s", raw)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := day(t, "2026-11-23")
	for n, want := range map[int]string{0: "2026-11-23", 7: "2026-11-30", 8: "2026-12-01", 39: "2027-01-01", -23: "2026-10-31", 98: "2027-03-01"} {
		if got := d.AddDays(n).String(); got != want {
			t.Errorf("AddDays(%d) = %s, want %s", n, got, want)
		}
	}
	next := d.AddDays(1)
	if !next.After(d) || d.After(next) || d.After(d) || !d.Before(next) || next.Before(d) || d.Before(d) {
		t.Errorf("After/Before wrong for %s and %s", d, next)
	}
	if got := device.DateOf(time.Date(2026, 11, 23, 23, 30, 0, 0, time.FixedZone("-5", -5*3600))); got != d {
		t.Errorf("DateOf in -5 = %s", got)
	}
	if device.DateString(nil) != "" || device.DateString(&d) != "2026-11-23" {
		t.Errorf("DateString")
	}
}

func TestServiceDueWithin(t *testing.T) {
	today := day(t, "2026-11-23")
	for _, c := range []struct {
		due  string
		days int
		want bool
	}{
		{"", 30, false},
		{"2026-11-01", 0, true}, // overdue
		{"2026-11-23", 0, true}, // due today
		{"2026-11-24", 0, false},
		{"2026-11-30", 7, true},
		{"2026-12-01", 7, false},
	} {
		d := &device.Device{}
		if c.due != "" {
			due := day(t, c.due)
			d.NextServiceDue = &due
		}
		if got := d.ServiceDueWithin(today, c.days); got != c.want {
			t.Errorf("due %q within %d days of %s: %v, want %v", c.due, c.days, today, got, c.want)
		}
	}
}
