package device

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/csvsafe"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Import limits.
const (
	MaxImportBytes = 2 << 20
	MaxImportRows  = 5000
	maxImportErrs  = 100
)

// ExportColumns are the columns of an export, in order. An import reads the
// same columns (id, code and status_changed_at are ignored there), so an
// exported file can be edited and imported into another provider.
var ExportColumns = []string{"id", "customer_id", "customer", "name", "serial_number", "manufacturer", "model", "category",
	"site", "location", "status", "status_changed_at", "installed_on", "warranty_until", "last_service_on",
	"next_service_due", "notes", "code"}

var importIgnored = map[string]bool{"id": true, "code": true, "status_changed_at": true}

// WriteCSV writes devices as CSV with a header row. Cells that a
// spreadsheet would run as formulas are neutralized.
func WriteCSV(w io.Writer, devices []*Device) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	for _, d := range devices {
		customerID, customer, code := "", "", ""
		if d.CustomerID != nil {
			customerID = strconv.FormatInt(*d.CustomerID, 10)
		}
		if d.Customer != nil {
			customer = d.Customer.Name
		}
		if d.Code != nil {
			code = d.Code.Token
		}
		row := []string{strconv.FormatInt(d.ID, 10), customerID, customer, d.Name, d.SerialNumber, d.Manufacturer, d.Model,
			d.Category, d.Site, d.Location, d.Status, d.StatusChangedAt.UTC().Format(time.RFC3339), DateString(d.InstalledOn),
			DateString(d.WarrantyUntil), DateString(d.LastServiceOn), DateString(d.NextServiceDue), d.Notes, code}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// lineErr is a problem at a line and column of an import.
func lineErr(v *apperr.ValidationError, line int, column, message string, data map[string]any) {
	v.Fields = append(v.Fields, apperr.FieldError{Field: column, Message: message, Data: data, Line: line})
}

type importRow struct {
	line     int
	in       Input
	customer string // by name: when customer_id is empty or not the provider's (exported by another provider)
}

// parseImport reads and checks the CSV; every problem is reported with its
// line and column.
func parseImport(r io.Reader) ([]importRow, *apperr.ValidationError, error) {
	v := &apperr.ValidationError{}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxImportBytes {
		lineErr(v, 0, "file", "error.import_too_large", map[string]any{"MB": MaxImportBytes >> 20})
		return nil, v, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		lineErr(v, 0, "file", "error.import_empty", nil)
		return nil, v, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';' // as spreadsheets write it in many European locales
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		lineErr(v, 1, "file", "error.import_malformed", nil)
		return nil, v, nil
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue // a trailing separator; its cells are ignored
		}
		if _, dup := cols[h]; dup {
			lineErr(v, 1, h, "error.import_duplicate_column", map[string]any{"Column": h})
			continue
		}
		cols[h] = i
		known := importIgnored[h] || h == "customer" || h == "customer_id"
		for _, c := range ExportColumns {
			known = known || c == h
		}
		if !known {
			lineErr(v, 1, csvsafe.Cell(h), "error.import_unknown_column", map[string]any{"Column": csvsafe.Cell(h)})
		}
	}
	for _, need := range []string{"name", "serial_number"} {
		if _, ok := cols[need]; !ok {
			lineErr(v, 1, need, "error.import_missing_column", map[string]any{"Column": need})
		}
	}
	if len(v.Fields) > 0 {
		return nil, v, nil
	}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Not cr.FieldPos: it panics when the first cell did not parse.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			lineErr(v, line, "file", "error.import_malformed", nil)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rows) == MaxImportRows {
			lineErr(v, line, "file", "error.import_too_many_rows", map[string]any{"Max": MaxImportRows})
			break
		}
		if len(rec) != len(header) {
			lineErr(v, line, "file", "error.import_field_count", map[string]any{"Want": len(header), "Got": len(rec)})
			if len(v.Fields) >= maxImportErrs {
				break
			}
			continue
		}
		get := func(name string) string {
			if i, ok := cols[name]; ok {
				return csvsafe.Uncell(rec[i])
			}
			return ""
		}
		row := importRow{line: line, customer: strings.TrimSpace(get("customer"))}
		row.in = Input{Name: get("name"), SerialNumber: get("serial_number"), Manufacturer: get("manufacturer"),
			Model: get("model"), Category: get("category"), Site: get("site"), Location: get("location"),
			Status: get("status"), InstalledOn: get("installed_on"), WarrantyUntil: get("warranty_until"),
			LastServiceOn: get("last_service_on"), NextServiceDue: get("next_service_due"), Notes: get("notes")}
		if s := strings.TrimSpace(get("customer_id")); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				lineErr(v, line, "customer_id", "error.customer_unknown", nil)
			} else {
				row.in.CustomerID = id
			}
		}
		row.in.Normalize()
		rv := &apperr.ValidationError{}
		row.in.check(rv)
		for _, fe := range rv.Fields {
			lineErr(v, line, fe.Field, fe.Message, fe.Data)
		}
		rows = append(rows, row)
		if len(v.Fields) >= maxImportErrs {
			break
		}
	}
	if len(rows) == 0 && len(v.Fields) == 0 {
		lineErr(v, 2, "file", "error.import_no_rows", nil)
	}
	return rows, v, nil
}

// Import registers every device of a CSV file for u's provider, each with
// a fresh code, or none: any problem (reported by line and column) leaves
// the database as it was.
func (s *Service) Import(ctx context.Context, u *caller.Caller, r io.Reader) ([]*Device, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, err
	}
	rows, v, err := parseImport(r)
	if err != nil {
		return nil, err
	}
	if len(v.Fields) >= maxImportErrs || (len(rows) == 0 && len(v.Fields) > 0) {
		return nil, v
	}
	// Customers by id and by name.
	customers, err := s.store.customersOf(ctx, providerID)
	if err != nil {
		return nil, err
	}
	byID, byName := map[int64]bool{}, map[string]int64{}
	for _, c := range customers {
		byID[c.ID] = true
		key := strings.ToLower(c.Name)
		if _, twice := byName[key]; twice {
			byName[key] = 0 // two customers share the name: the file must give customer_id
		} else {
			byName[key] = c.ID
		}
	}
	seen := map[string]int{}
	var serials []string
	for i := range rows {
		row := &rows[i]
		switch {
		case row.in.CustomerID != 0 && byID[row.in.CustomerID]:
			// By id; a customer name beside it is only informative.
		case row.customer != "":
			if id, ok := byName[strings.ToLower(row.customer)]; ok && id != 0 {
				row.in.CustomerID = id
			} else if ok {
				lineErr(v, row.line, "customer", "error.customer_ambiguous", nil)
			} else {
				lineErr(v, row.line, "customer", "error.customer_unknown", nil)
			}
		case row.in.CustomerID != 0:
			lineErr(v, row.line, "customer_id", "error.customer_unknown", nil)
		}
		// An invalid serial is reported already; a NUL or invalid UTF-8 in
		// it must not reach the query below.
		sv := &apperr.ValidationError{}
		if org.CheckText(sv, "serial_number", row.in.SerialNumber, true, maxSerial); sv.Err() != nil {
			continue
		}
		key := strings.ToLower(row.in.SerialNumber)
		if first, dup := seen[key]; dup {
			lineErr(v, row.line, "serial_number", "error.import_serial_repeated", map[string]any{"Line": first})
			continue
		}
		seen[key] = row.line
		serials = append(serials, key)
	}
	for start := 0; start < len(serials); start += 500 {
		chunk := serials[start:min(start+500, len(serials))]
		taken, err := s.store.takenSerials(ctx, providerID, chunk)
		if err != nil {
			return nil, err
		}
		for _, t := range taken {
			lineErr(v, seen[t], "serial_number", "error.serial_taken", nil)
		}
	}
	if err := v.Err(); err != nil {
		sortByLine(v)
		return nil, err
	}
	devices := make([]*Device, len(rows))
	now := s.clock.Now()
	for i, row := range rows {
		d := &Device{ProviderID: providerID, Status: row.in.Status, StatusRank: StatusRank(row.in.Status),
			StatusChangedAt: now, CreatedAt: now, UpdatedAt: now}
		row.in.apply(d)
		devices[i] = d
	}
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		for start := 0; start < len(devices); start += 500 {
			chunk := devices[start:min(start+500, len(devices))]
			if err := st.insertDevices(ctx, chunk); err != nil {
				return err
			}
			codes := make([]*Code, len(chunk))
			events := make([]*Event, 0, 2*len(chunk))
			for i, d := range chunk {
				id := d.ID
				codes[i] = &Code{ProviderID: providerID, Token: NewCodeToken(), Active: true, DeviceID: &id,
					PairedAt: &now, CreatedAt: now, UpdatedAt: now}
			}
			if err := st.insertCodes(ctx, codes); err != nil {
				return err
			}
			for i, d := range chunk {
				d.Code = codes[i]
				events = append(events, historyEvent(u, d, ActionImported, "", "", d.Name),
					codeEvent(u, codes[i], &d.ID, ActionPaired, "", codes[i].Token))
			}
			if err := st.Record(ctx, events...); err != nil {
				return err
			}
		}
		perStatus := map[string]int{}
		perCustomer := map[int64]int{}
		for _, d := range devices {
			perStatus[d.Status]++
			if d.CustomerID != nil {
				perCustomer[*d.CustomerID]++
			}
		}
		return s.events.Record(ctx, event.By(EventDevicesImport, u).Provider(providerID).With("count", len(devices)).
			With("statuses", perStatus).With("customers", perCustomer).Describe(fmt.Sprintf("%d devices", len(devices))))
	})
	if err != nil {
		return nil, err
	}
	return devices, nil
}

func sortByLine(v *apperr.ValidationError) {
	fs := v.Fields
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Line < fs[j-1].Line; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}
