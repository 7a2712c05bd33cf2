package device_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/device"
)

// importCSV imports text as u.
func (f *fixture) importCSV(u *caller.Caller, text string) ([]*device.Device, error) {
	return f.svc.Import(f.ctx, u, strings.NewReader(text))
}

// lineErrors renders a validation error's problems as "line:field:message".
func lineErrors(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, fe := range fieldErrors(t, err) {
		out = append(out, fmt.Sprintf("%d:%s:%s", fe.Line, fe.Field, fe.Message))
	}
	return out
}

func wantLineErrors(t *testing.T, err error, want ...string) {
	t.Helper()
	if got := lineErrors(t, err); !slices.Equal(got, want) {
		t.Errorf("import errors\n got %q\nwant %q", got, want)
	}
}

// wantDevices checks that provider 1 has exactly n devices and n codes (a
// refused import leaves nothing behind).
func (f *fixture) wantDevices(n int) {
	f.t.Helper()
	if got := f.count("devices", "provider_id = ?", f.provider.ID); got != n {
		f.t.Errorf("provider has %d devices, want %d", got, n)
	}
	if got := f.count("codes", "provider_id = ?", f.provider.ID); got != n {
		f.t.Errorf("provider has %d codes, want %d", got, n)
	}
}

func TestImport(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		text := "name,serial_number,customer,status,site,next_service_due,notes\n" +
			"Pump,SN-1,customer a,needs_attention,Berlin,2026-12-01,\"two\nlines, with \"\"quotes\"\"\"\n" +
			"Fan,SN-2,,,,,\n" +
			"\n" +
			" Dryer ,SN-3,CUSTOMER B,retired,Hamburg,,\n"
		devices, err := f.importCSV(f.agent, text)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(devices); fmt.Sprint(got) != "[Pump Fan Dryer]" {
			t.Fatalf("imported %v", got)
		}
		pump, fan, dryer := f.device(f.staff, devices[0].ID), f.device(f.staff, devices[1].ID), f.device(f.staff, devices[2].ID)
		if pump.CustomerID == nil || *pump.CustomerID != f.customerA.ID || pump.Status != device.StatusNeedsAttention ||
			pump.Site != "Berlin" || device.DateString(pump.NextServiceDue) != "2026-12-01" || pump.Notes != "two\nlines, with \"quotes\"" {
			t.Errorf("pump %+v", device.InputOf(pump))
		}
		if fan.CustomerID != nil || fan.Status != device.StatusOperational || !fan.StatusChangedAt.Equal(start) {
			t.Errorf("fan %+v", device.InputOf(fan))
		}
		if dryer.CustomerID == nil || *dryer.CustomerID != f.customerB.ID || dryer.StatusRank != device.StatusRank(device.StatusRetired) {
			t.Errorf("dryer %+v rank %d", device.InputOf(dryer), dryer.StatusRank)
		}
		tokens := map[string]bool{}
		for i, d := range []*device.Device{pump, fan, dryer} {
			if d.Code == nil || d.Code.ID != devices[i].Code.ID || tokens[d.Code.Token] {
				t.Errorf("%s: code %+v", d.Name, d.Code)
				continue
			}
			tokens[d.Code.Token] = true
			if s := f.scan(d.Code.Token); s.Device == nil || s.Device.ID != d.ID {
				t.Errorf("%s: code resolves to %+v", d.Name, s.Device)
			}
			events := describe(f.history(d.ID))
			if want := []string{"imported  →" + d.Name, "code_paired code →" + d.Code.Token}; !slices.Equal(events, want) {
				t.Errorf("%s: history %q, want %q", d.Name, events, want)
			}
		}
		// The imported devices are sorted by status like any other.
		if page, err := f.svc.List(f.ctx, f.staff, device.Filter{}, "status", nil, 10); err != nil || fmt.Sprint(names(page.Items)) != "[Pump Fan Dryer]" {
			t.Errorf("by status %v, %v", names(page.Items), err)
		}

		// Customers do not import.
		for _, u := range f.customers() {
			_, err := f.importCSV(u, "name,serial_number\nX,SN-X\n")
			wantNotFound(t, err)
		}
		f.wantDevices(3)
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.create(f.staff, in("Existing", "SN-OLD"))
		f.create(f.staff2, in("Elsewhere", "SN-OTHER")) // another provider's serial is free

		for _, c := range []struct {
			name, text string
			want       []string
		}{
			{"one bad status", "name,serial_number,status\nA,SN-1,operational\nB,SN-2,broken\nC,SN-3,\n",
				[]string{"3:status:error.device_status"}},
			{"lines count in a multi-line cell", "name,serial_number,notes,installed_on\nA,SN-1,\"x\ny\nz\",\n,SN-2,,2026-13-01\n",
				[]string{"5:name:error.required", "5:installed_on:error.date"}},
			{"control characters", "name,serial_number\n\"A\x07\",SN-1\nB,\"SN\x002\"\nC,SN\xff\n",
				[]string{"2:name:error.invalid_chars", "3:serial_number:error.invalid_chars", "4:serial_number:error.invalid_chars"}},
			{"serial repeated in the file", "name,serial_number\nA,SN-1\nB,SN-2\nC,sn-1\n",
				[]string{"4:serial_number:error.import_serial_repeated"}},
			{"serial of an existing device", "name,serial_number\nA,SN-1\nB,sn-old\n",
				[]string{"3:serial_number:error.serial_taken"}},
			{"unknown customer name", "name,serial_number,customer\nA,SN-1,Customer A\nB,SN-2,Nobody\nC,SN-3,Customer A\n",
				[]string{"3:customer:error.customer_unknown"}},
			{"customer of another provider by id", fmt.Sprintf("name,serial_number,customer_id\nA,SN-1,%d\nB,SN-2,%d\n", f.customerA.ID, f.customer2A.ID),
				[]string{"3:customer_id:error.customer_unknown"}},
			{"customer id not a number", "name,serial_number,customer_id\nA,SN-1,abc\nB,SN-2,-3\n",
				[]string{"2:customer_id:error.customer_unknown", "3:customer_id:error.customer_unknown"}},
			{"wrong number of cells", "name,serial_number,site\nA,SN-1,Berlin\nB,SN-2\nC,SN-3,x,y\n",
				[]string{"3:file:error.import_field_count", "4:file:error.import_field_count"}},
			{"unknown column", "name,serial_number,colour\nA,SN-1,red\n", []string{"1:colour:error.import_unknown_column"}},
			{"formula column name", "name,serial_number,=cmd\nA,SN-1,x\n", []string{"1:'=cmd:error.import_unknown_column"}},
			{"missing name column", "serial_number,site\nSN-1,Berlin\n", []string{"1:name:error.import_missing_column"}},
			{"missing both columns", "site\nBerlin\n", []string{"1:name:error.import_missing_column", "1:serial_number:error.import_missing_column"}},
			{"duplicate column", "name,serial_number,Name\nA,SN-1,B\n", []string{"1:name:error.import_duplicate_column"}},
			{"empty file", "", []string{"0:file:error.import_empty"}},
			{"only a BOM and blanks", "\xef\xbb\xbf \n\n", []string{"0:file:error.import_empty"}},
			{"header only", "name,serial_number\n", []string{"2:file:error.import_no_rows"}},
			{"unterminated quote", "name,serial_number\nA,SN-1\nB,\"SN-2\n", []string{"3:file:error.import_malformed"}},
			{"bare quote in the first cell", "name,serial_number\nA,SN-1\nB\"x,SN-2\n", []string{"3:file:error.import_malformed"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				devices, err := f.importCSV(f.staff, c.text)
				if devices != nil {
					t.Errorf("returned %d devices", len(devices))
				}
				wantLineErrors(t, err, c.want...)
				f.wantDevices(1)
			})
		}
	})
}

func TestImportFormulaCellsStayText(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		text := "name,serial_number,site,location,notes,manufacturer\n" +
			"\"=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\",SN-1,+1,-2,@x,=1+1\n" +
			"Plain,SN-2,Berlin,Cellar,\"-a note\",Acme\n"
		devices, err := f.importCSV(f.staff, text)
		if err != nil {
			t.Fatal(err)
		}
		d := f.device(f.staff, devices[0].ID)
		if d.Name != `=HYPERLINK("http://evil.test","x")` || d.Site != "+1" || d.Location != "-2" || d.Notes != "@x" || d.Manufacturer != "=1+1" {
			t.Errorf("stored %+v", device.InputOf(d))
		}

		var buf bytes.Buffer
		if err := device.WriteCSV(&buf, []*device.Device{d, f.device(f.staff, devices[1].ID)}); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, buf.Bytes())
		row := rows[1]
		want := map[string]string{"name": `'=HYPERLINK("http://evil.test","x")`, "site": "'+1", "location": "'-2", "notes": "'@x",
			"manufacturer": "'=1+1", "serial_number": "SN-1", "code": d.Code.Token}
		if strings.HasPrefix(d.Code.Token, "-") { // one token in 64 starts with a minus sign
			want["code"] = "'" + d.Code.Token
		}
		for col, v := range want {
			if got := row[slices.Index(device.ExportColumns, col)]; got != v {
				t.Errorf("exported %s = %q, want %q", col, got, v)
			}
		}
		if got := rows[2][slices.Index(device.ExportColumns, "notes")]; got != "'-a note" {
			t.Errorf("exported plain row notes %q", got)
		}
		if got := rows[2][slices.Index(device.ExportColumns, "site")]; got != "Berlin" {
			t.Errorf("exported plain row site %q", got)
		}
	})
}

// readCSV parses an export, checking its header.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("read export: %v", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], device.ExportColumns) {
		t.Fatalf("export header %q", rows[0])
	}
	return rows
}

func TestWriteCSVNeutralizesEveryFormulaStart(t *testing.T) {
	var buf bytes.Buffer
	for _, lead := range []string{"=", "+", "-", "@", "\t", "\r"} {
		buf.Reset()
		d := &device.Device{Name: lead + "x", Notes: "a" + lead}
		if err := device.WriteCSV(&buf, []*device.Device{d}); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, buf.Bytes())
		if got := rows[1][slices.Index(device.ExportColumns, "name")]; got != "'"+lead+"x" {
			t.Errorf("name %q exported as %q", lead+"x", got)
		}
		if got := rows[1][slices.Index(device.ExportColumns, "notes")]; got != "a"+lead {
			t.Errorf("notes %q exported as %q", "a"+lead, got)
		}
	}
}

// endless is a reader of n bytes of a valid CSV that counts how much was read.
type endless struct {
	n, read int
}

func (r *endless) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	p = p[:min(len(p), r.n-r.read)]
	for i := range p {
		p[i] = "x,SN\n"[(r.read+i)%5]
	}
	r.read += len(p)
	return len(p), nil
}

func TestImportRefusesLargeFiles(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		// One byte over the limit.
		header := "name,serial_number,notes\n"
		over := header + "A,SN-1," + strings.Repeat("n", device.MaxImportBytes-len(header)-len("A,SN-1,")+1)
		_, err := f.importCSV(f.staff, over)
		wantLineErrors(t, err, "0:file:error.import_too_large")

		// 10 MB are refused without being read.
		r := &endless{n: 10 << 20}
		_, err = f.svc.Import(f.ctx, f.staff, r)
		wantLineErrors(t, err, "0:file:error.import_too_large")
		if r.read > device.MaxImportBytes+1 {
			t.Errorf("read %d bytes of a 10 MB upload, limit %d", r.read, device.MaxImportBytes)
		}
		f.wantDevices(0)

		// More rows than allowed.
		var b strings.Builder
		b.WriteString("name,serial_number\n")
		for i := range device.MaxImportRows + 1 {
			fmt.Fprintf(&b, "D,S%d\n", i)
		}
		_, err = f.importCSV(f.staff, b.String())
		wantLineErrors(t, err, fmt.Sprintf("%d:file:error.import_too_many_rows", device.MaxImportRows+2))
		f.wantDevices(0)
	})
}

func TestImportSemicolonsAndBOM(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		text := "\xef\xbb\xbfName ; Serial_Number;Customer;notes\r\n" +
			"Pumpe 1;SN-1;customer A;\"a; b, c\"\r\n" +
			"Lüfter;SN-2;;\r\n"
		devices, err := f.importCSV(f.staff, text)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(names(devices)) != "[Pumpe 1 Lüfter]" {
			t.Fatalf("imported %v", names(devices))
		}
		if devices[0].Notes != "a; b, c" || devices[1].SerialNumber != "SN-2" {
			t.Errorf("imported %+v, %+v", device.InputOf(devices[0]), device.InputOf(devices[1]))
		}
		if got, want := customersOf(devices), []int64{f.customerA.ID, 0}; !slices.Equal(got, want) {
			t.Errorf("customers %v, want %v", got, want)
		}
		// An error in such a file still names the line.
		_, err = f.importCSV(f.staff, "\xef\xbb\xbfname;serial_number;status\r\nA;SN-9;\r\nB;SN-10;kaputt\r\n")
		wantLineErrors(t, err, "3:status:error.device_status")
	})
}

// customersOf lists the customer ids of devices (0 for none).
func customersOf(ds []*device.Device) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = customerOf(d)
	}
	return out
}

func TestImportCustomerByIDAndName(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		text := fmt.Sprintf("name,serial_number,customer_id\nA,SN-1,%d\nB,SN-2,\nC,SN-3, %d \n", f.customerA.ID, f.customerB.ID)
		devices, err := f.importCSV(f.staff, text)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := customersOf(devices), []int64{f.customerA.ID, 0, f.customerB.ID}; !slices.Equal(got, want) {
			t.Errorf("customers by id: %v, want %v", got, want)
		}
		devices, err = f.importCSV(f.staff, "name,serial_number,customer\nD,SN-4,CUSTOMER a\nE,SN-5, Customer B \n")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := customersOf(devices), []int64{f.customerA.ID, f.customerB.ID}; !slices.Equal(got, want) {
			t.Errorf("customers by name: %v, want %v", got, want)
		}
		// With both columns the id decides when it is one of the provider's
		// customers, else the name (a file exported by another provider).
		text = fmt.Sprintf("name,serial_number,customer_id,customer\nG,SN-7,%d,Customer A\nH,SN-8,%d,customer b\n",
			f.customerB.ID, f.customer2A.ID)
		devices, err = f.importCSV(f.staff, text)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := customersOf(devices), []int64{f.customerB.ID, f.customerB.ID}; !slices.Equal(got, want) {
			t.Errorf("customers by id and name: %v, want %v", got, want)
		}
		_, err = f.importCSV(f.staff, fmt.Sprintf("name,serial_number,customer_id,customer\nI,SN-9,%d,Nobody\nJ,SN-10,%d,\n",
			f.customer2A.ID, f.customer2A.ID))
		wantLineErrors(t, err, "2:customer:error.customer_unknown", "3:customer_id:error.customer_unknown")

		// Provider two's "Customer A" is its own.
		devices, err = f.importCSV(f.staff2, "name,serial_number,customer\nF,SN-6,Customer A\n")
		if err != nil || !slices.Equal(customersOf(devices), []int64{f.customer2A.ID}) {
			t.Errorf("provider two's customer: %v, %v", customersOf(devices), err)
		}
	})
}

// exportRows exports every device of u's provider and returns the rows
// without the columns that cannot survive a move to another provider.
func (f *fixture) exportRows(u *caller.Caller) [][]string {
	f.t.Helper()
	devices, err := f.svc.Export(f.ctx, u, device.Filter{}, "name", 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := device.WriteCSV(&buf, devices); err != nil {
		f.t.Fatal(err)
	}
	var out [][]string
	for _, row := range readCSV(f.t, buf.Bytes()) {
		var kept []string
		for i, col := range device.ExportColumns {
			switch col {
			case "id", "customer_id", "code", "status_changed_at":
			default:
				kept = append(kept, row[i])
			}
		}
		out = append(out, kept)
	}
	return out
}

func TestExportImportsIntoAnotherProvider(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.create(f.staff, device.Input{CustomerID: f.customerA.ID, Name: "Pump", SerialNumber: "SN-1", Manufacturer: "Acme",
			Model: "P1", Category: "pumps", Site: "Berlin", Location: "Cellar, left", Status: device.StatusNeedsAttention,
			InstalledOn: "2024-02-29", WarrantyUntil: "2027-02-28", LastServiceOn: "2026-06-01", NextServiceDue: "2026-12-01",
			Notes: "line one\nline \"two\"; three"})
		f.create(f.staff, device.Input{Name: "Fan", SerialNumber: "sn-2", Status: device.StatusRetired})
		f.create(f.staff, device.Input{Name: "Ärzte-Kühlschrank", SerialNumber: "К-3", Site: "Köln", Notes: "é"})

		devices, err := f.svc.Export(f.ctx, f.staff, device.Filter{}, "name", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := device.WriteCSV(&buf, devices); err != nil {
			t.Fatal(err)
		}
		imported, err := f.svc.Import(f.ctx, f.staff2, &buf)
		if err != nil {
			t.Fatalf("import of an export: %v (%q)", err, lineErrors(t, err))
		}
		if len(imported) != 3 {
			t.Fatalf("imported %d", len(imported))
		}
		for _, d := range imported {
			if d.ProviderID != f.provider2.ID || (d.CustomerID != nil && *d.CustomerID != f.customer2A.ID) {
				t.Errorf("%s: provider %d customer %v", d.Name, d.ProviderID, d.CustomerID)
			}
		}
		want, got := f.exportRows(f.staff), f.exportRows(f.staff2)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("round trip\n got %q\nwant %q", got, want)
		}
	})
}
