package device

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/db"
)

// searchColumns are what a device search looks in.
var searchColumns = []string{"dv.name", "dv.serial_number", "dv.manufacturer", "dv.model"}

// minTrigram is the shortest search a trigram index serves.
const minTrigram = 3

// searchCond is the condition "the name, serial number, manufacturer or
// model contains query" (case-insensitive, % and _ literal), served by the
// trigram index of the dialect: on PostgreSQL pg_trgm's GIN index over the
// four lower-cased columns (devices_search_trgm_idx), on SQLite the FTS5
// trigram table device_search. A query shorter than three characters has no
// trigram and is matched directly.
func searchCond(pg bool, query string) (string, []any) {
	if !pg && utf8.RuneCountInString(query) >= minTrigram {
		phrase := `"` + strings.ReplaceAll(query, `"`, `""`) + `"`
		return "dv.id IN (SELECT rowid FROM device_search WHERE device_search MATCH ?)", []any{phrase}
	}
	like := db.Containing(strings.ToLower(query))
	parts := make([]string, len(searchColumns))
	args := make([]any, len(searchColumns))
	for i, col := range searchColumns {
		parts[i], args[i] = "lower("+col+") LIKE ? ESCAPE '\\'", like
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Label is how a picker names a device: "Name (serial number)".
func Label(d *Device) string { return d.Name + " (" + d.SerialNumber + ")" }

func errNoDeviceMatches() error { return apperr.Invalid("device", "error.device_not_found") }

func errDevicesMatch() error { return apperr.Invalid("device", "error.device_ambiguous") }

// Find is the device u means by text, among the devices u may see (for
// staff, of customer customerID when it is not 0): the one with that serial
// number (or the serial of a Label), ignoring case, else the only one whose
// name, serial number, manufacturer or model contains text. None, or
// several, is a validation error at "device". It serves forms that work
// without script, where a company's thousands of devices fit no select.
func (s *Service) Find(ctx context.Context, u *caller.Caller, customerID int64, text string) (*Device, error) {
	text = strings.TrimSpace(text)
	f := Filter{Query: text, CustomerID: customerID}
	if err := CheckFilter(f, ""); err != nil || text == "" {
		return nil, errNoDeviceMatches()
	}
	if !u.IsStaff() {
		f.CustomerID = 0
	}
	serials := []string{text}
	if i := strings.LastIndex(text, " ("); i > 0 && strings.HasSuffix(text, ")") {
		serials = append([]string{text[i+2 : len(text)-1]}, serials...)
	}
	for _, serial := range serials {
		d, err := s.store.bySerial(ctx, ScopeOf(u), f.CustomerID, serial)
		if err == nil || !errors.Is(err, apperr.ErrNotFound) {
			return d, err
		}
	}
	page, err := s.store.List(ctx, ScopeOf(u), f, "name", nil, 2)
	switch {
	case err != nil:
		return nil, err
	case len(page.Items) == 0:
		return nil, errNoDeviceMatches()
	case len(page.Items) > 1:
		return nil, errDevicesMatch()
	}
	return page.Items[0], nil
}
