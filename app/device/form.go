package device

import (
	"strings"

	"backoffice/app/apperr"
	"backoffice/app/org"
)

// Field lengths.
const (
	maxName   = 200
	maxSerial = 100
	maxShort  = 120
	maxNotes  = 5000
)

// Input is a device as a form or API body gives it. Dates are YYYY-MM-DD,
// "" for none. CustomerID 0 means in stock (no customer).
type Input struct {
	CustomerID     int64
	Name           string
	SerialNumber   string
	Manufacturer   string
	Model          string
	Category       string
	Site           string
	Location       string
	Status         string
	InstalledOn    string
	WarrantyUntil  string
	LastServiceOn  string
	NextServiceDue string
	Notes          string
}

// InputOf is the input that reproduces d.
func InputOf(d *Device) Input {
	in := Input{Name: d.Name, SerialNumber: d.SerialNumber, Manufacturer: d.Manufacturer, Model: d.Model,
		Category: d.Category, Site: d.Site, Location: d.Location, Status: d.Status, Notes: d.Notes,
		InstalledOn: DateString(d.InstalledOn), WarrantyUntil: DateString(d.WarrantyUntil),
		LastServiceOn: DateString(d.LastServiceOn), NextServiceDue: DateString(d.NextServiceDue)}
	if d.CustomerID != nil {
		in.CustomerID = *d.CustomerID
	}
	return in
}

// Normalize trims the single-line fields.
func (in *Input) Normalize() {
	for _, p := range []*string{&in.Name, &in.SerialNumber, &in.Manufacturer, &in.Model, &in.Category, &in.Site,
		&in.Location, &in.Status, &in.InstalledOn, &in.WarrantyUntil, &in.LastServiceOn, &in.NextServiceDue} {
		*p = strings.TrimSpace(*p)
	}
	in.Notes = strings.TrimRight(strings.ReplaceAll(in.Notes, "\r\n", "\n"), " \n\t")
	if in.Status == "" {
		in.Status = StatusOperational
	}
}

// Validate checks the input; problems are reported per field (the API's
// snake_case names).
func (in *Input) Validate() error {
	v := &apperr.ValidationError{}
	in.check(v)
	return v.Err()
}

func (in *Input) check(v *apperr.ValidationError) {
	org.CheckText(v, "name", in.Name, true, maxName)
	org.CheckText(v, "serial_number", in.SerialNumber, true, maxSerial)
	org.CheckText(v, "manufacturer", in.Manufacturer, false, maxShort)
	org.CheckText(v, "model", in.Model, false, maxShort)
	org.CheckText(v, "category", in.Category, false, maxShort)
	org.CheckText(v, "site", in.Site, false, maxShort)
	org.CheckText(v, "location", in.Location, false, maxName)
	if StatusRank(in.Status) < 0 {
		v.Add("status", "error.device_status", nil)
	}
	for _, f := range []struct{ name, value string }{{"installed_on", in.InstalledOn}, {"warranty_until", in.WarrantyUntil},
		{"last_service_on", in.LastServiceOn}, {"next_service_due", in.NextServiceDue}} {
		if f.value == "" {
			continue
		}
		if _, err := parseDay(f.value); err != nil {
			v.Add(f.name, "error.date", nil)
		}
	}
	org.CheckMultiline(v, "notes", in.Notes, maxNotes)
	if in.CustomerID < 0 {
		v.Add("customer_id", "error.customer_unknown", nil)
	}
}

// parseDay reads a plausible YYYY-MM-DD day.
func parseDay(s string) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return d, err
	}
	if y := d.t.Year(); y < 1900 || y > 2200 {
		return d, apperr.ErrNotFound
	}
	return d, nil
}

func dayPtr(s string) *Date {
	if s == "" {
		return nil
	}
	d, err := parseDay(s)
	if err != nil {
		return nil
	}
	return &d
}

// apply writes the input's fields into d (not the status).
func (in *Input) apply(d *Device) {
	d.Name, d.SerialNumber, d.Manufacturer, d.Model = in.Name, in.SerialNumber, in.Manufacturer, in.Model
	d.Category, d.Site, d.Location, d.Notes = in.Category, in.Site, in.Location, in.Notes
	d.InstalledOn, d.WarrantyUntil = dayPtr(in.InstalledOn), dayPtr(in.WarrantyUntil)
	d.LastServiceOn, d.NextServiceDue = dayPtr(in.LastServiceOn), dayPtr(in.NextServiceDue)
	d.CustomerID = nil
	if in.CustomerID > 0 {
		id := in.CustomerID
		d.CustomerID = &id
	}
}

// CheckPIN validates a code PIN: 4 to 8 digits.
func CheckPIN(v *apperr.ValidationError, field, pin string) {
	if len(pin) < 4 || len(pin) > 8 || strings.Trim(pin, "0123456789") != "" {
		v.Add(field, "error.pin_format", nil)
	}
}

// Filter selects devices of a list.
type Filter struct {
	Status     string
	Site       string
	Category   string
	Query      string // name, serial number, manufacturer or model contains
	DueWithin  int    // days; 0: no filter
	CustomerID int64  // staff: one customer; 0: all
}

// Sort orders of device lists. A leading "-" reverses.
var Sorts = []string{"name", "status", "status_changed_at", "next_service_due"}

// ValidSort reports whether s is a sort order a list accepts.
func ValidSort(s string) bool {
	s = strings.TrimPrefix(s, "-")
	for _, o := range Sorts {
		if o == s {
			return true
		}
	}
	return false
}
