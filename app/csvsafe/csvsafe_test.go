package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"backoffice/app/csvsafe"
)

// OWASP CSV injection payloads, and the ones that hide behind a separator of
// either dialect.
var payloads = []string{
	`=cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	`+1+1`,
	`-1+1`,
	`=HYPERLINK("http://evil","x")`,
	`;=1+2;`,
	`,=1+2,`,
	`"=1+2"`,
	"\t=1+2",
	"\r=1+2",
	`a;=1+2`,
	`a,=1+2`,
	"a\n=1+2",
	"a\r@x",
	"'=1",
	"a; +1",
	"a;;-1",
	"＝1+2",
	"a;＠SUM(1)",
	"a;'=1",
}

// writeRow writes one record with the payload between two plain cells.
func writeRow(t *testing.T, payload string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csvsafe.NewWriter(&buf)
	if err := w.Write([]string{"x", payload, "y"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func startsFormula(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("=+-@\t\r＝＋－＠", r)
}

// Read with ',' the file keeps its three cells and the payload comes back
// through Uncell; read with ';' (as German and Russian spreadsheets do, quotes
// ignored where they do not open a cell) no cell starts a formula either.
func TestNoDialectSeesAFormula(t *testing.T) {
	for _, p := range payloads {
		out := writeRow(t, p)
		rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil || len(rows) != 1 || len(rows[0]) != 3 {
			t.Errorf("%q: written %q, read with ',' as %q, %v", p, out, rows, err)
			continue
		}
		if got := csvsafe.Uncell(rows[0][1]); got != p {
			t.Errorf("%q: reads back as %q", p, got)
		}
		for _, comma := range []rune{',', ';'} {
			r := csv.NewReader(bytes.NewReader(out))
			r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
			rows, err := r.ReadAll()
			if err != nil {
				t.Errorf("%q: read with %q: %v", p, comma, err)
			}
			for _, row := range rows {
				for _, cell := range row {
					if startsFormula(cell) {
						t.Errorf("%q: written %q, read with %q, has the formula cell %q", p, out, comma, cell)
					}
				}
			}
		}
	}
}

func TestSeparatorsAreQuoted(t *testing.T) {
	for in, want := range map[string]string{
		";=1+2;": `x,";'=1+2;",y` + "\n",
		"a;b":    `x,"a;b",y` + "\n",
		"a,b":    `x,"a,b",y` + "\n",
		"+49 30": `x,'+49 30,y` + "\n",
	} {
		if got := string(writeRow(t, in)); got != want {
			t.Errorf("%q written as %q, want %q", in, got, want)
		}
	}
}

// Plain values are written byte for byte as encoding/csv writes them.
func TestPlainValuesAsEncodingCSV(t *testing.T) {
	record := []string{"", "plain", "two words", " leading space", `\.`, `say "hi"`, "a, b", "two\nlines",
		"cr\rhere", "Grüße", "#12", "2026-11-23T09:00:00Z", "x=1", "a-b", "mail@example.com", "'quoted'"}
	var want, got bytes.Buffer
	cw := csv.NewWriter(&want)
	must(t, cw.Write(record))
	must(t, cw.Write(record[:3]))
	cw.Flush()
	w := csvsafe.NewWriter(&got)
	must(t, w.Write(record))
	must(t, w.Write(record[:3]))
	must(t, w.Flush())
	if got.String() != want.String() {
		t.Errorf("written\n%q\nencoding/csv writes\n%q", got.String(), want.String())
	}
}

func TestUncellLeavesOtherApostrophes(t *testing.T) {
	for _, s := range []string{"", "'", "it's", "'quoted'", "a;'b", "x'=1"} {
		if got := csvsafe.Uncell(s); got != s {
			t.Errorf("Uncell(%q) = %q", s, got)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
