package views

import (
	"net/url"
	"strconv"

	"backoffice/app/device"
)

// DeviceQuery is a device list's filter and sort as a query string, with
// status in place of the filter's status.
func DeviceQuery(f device.Filter, sort, status string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", f.Query)
	set("status", status)
	set("site", f.Site)
	set("category", f.Category)
	if f.CustomerID != 0 {
		v.Set("customer_id", strconv.FormatInt(f.CustomerID, 10))
	}
	if f.DueWithin > 0 {
		v.Set("due", strconv.Itoa(f.DueWithin))
	}
	if sort != "" && sort != "name" {
		v.Set("sort", sort)
	}
	return v.Encode()
}

// TelHref keeps the characters a tel: link may hold.
func TelHref(phone string) string {
	out := make([]rune, 0, len(phone))
	for _, r := range phone {
		if (r >= '0' && r <= '9') || r == '+' {
			out = append(out, r)
		}
	}
	return string(out)
}

// TicketQuery is a ticket list's filter and sort as a query string, with
// status in place of the filter's status.
func TicketQuery(d TicketsData, status string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	f := d.Filter
	set("view", f.View)
	set("q", f.Query)
	set("status", status)
	set("priority", f.Priority)
	set("type", f.Type)
	set("requester", d.Requester)
	set("assignee", d.Assignee)
	if f.DeviceID != 0 {
		v.Set("device_id", strconv.FormatInt(f.DeviceID, 10))
	}
	if f.CustomerID != 0 {
		v.Set("customer_id", strconv.FormatInt(f.CustomerID, 10))
	}
	if f.CreatedWithin > 0 {
		v.Set("created_within", strconv.Itoa(f.CreatedWithin))
	}
	if f.Rating > 0 {
		v.Set("rating", strconv.Itoa(f.Rating))
	}
	if d.Sort != "" && d.Sort != "-updated_at" {
		v.Set("sort", d.Sort)
	}
	return v.Encode()
}

// FileSize is a byte count for people: 512 B, 14 KB, 2.3 MB.
func FileSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
}

// ActiveFilters counts the filters in use besides the search and the
// status tabs, for the phones' "Filters" button.
func (d TicketsData) ActiveFilters() int {
	f := d.Filter
	n := 0
	for _, on := range []bool{f.Priority != "", f.Type != "", d.Requester != "", d.Assignee != "", f.DeviceID != 0,
		f.CustomerID != 0, f.CreatedWithin > 0, f.Rating > 0} {
		if on {
			n++
		}
	}
	return n
}
