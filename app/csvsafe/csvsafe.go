// Package csvsafe keeps CSV cells from being run as formulas by
// spreadsheets (CWE-1236), for every export of the application.
//
// A file written with ',' is often opened by a spreadsheet that splits on
// ';' (German and Russian settings) and then ignores quotes that do not start
// its own cells. So a formula is neutralised wherever any spreadsheet may see
// a cell begin: at the start of the cell and after every ',', ';' or line
// break inside it.
package csvsafe

import (
	"bufio"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// formulaStarts are the characters that make a spreadsheet read a cell as a
// formula, fullwidth forms included.
const formulaStarts = "=+-@\t\r＝＋－＠"

// breaks are where a spreadsheet of either dialect may start a new cell.
const breaks = ",;\r\n"

// formula reports whether a cell starting with s is a formula, or would be
// once Uncell took an apostrophe from it (so that apostrophes a value begins
// with survive an export and an import).
func formula(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "'"))
	return strings.ContainsRune(formulaStarts, r)
}

// Cell puts an apostrophe before every formula start of s: at its beginning
// and after each separator or line break in it.
func Cell(s string) string {
	var b strings.Builder
	from := 0
	for at := 0; at < len(s); {
		if formula(s[at:]) {
			b.WriteString(s[from:at])
			b.WriteByte('\'')
			from = at
		}
		next := strings.IndexAny(s[at:], breaks)
		if next < 0 {
			break
		}
		at += next + 1
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[from:])
	return b.String()
}

// Uncell undoes Cell, so an exported file imports unchanged.
func Uncell(s string) string {
	var b strings.Builder
	from := 0
	for at := 0; at < len(s); {
		if s[at] == '\'' && formula(s[at+1:]) {
			b.WriteString(s[from:at])
			from = at + 1
		}
		next := strings.IndexAny(s[at:], breaks)
		if next < 0 {
			break
		}
		at += next + 1
	}
	if from == 0 {
		return s
	}
	b.WriteString(s[from:])
	return b.String()
}

// Writer writes CSV like encoding/csv's Writer (',' between cells, "\n"
// after records) with every cell through Cell, and quotes every cell holding
// a ',', ';', quote or line break, so that neither dialect splits it.
type Writer struct {
	w *bufio.Writer
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Write writes one record.
func (w *Writer) Write(record []string) error {
	for i, cell := range record {
		if i > 0 {
			w.w.WriteByte(',')
		}
		cell = Cell(cell)
		if !needsQuotes(cell) {
			w.w.WriteString(cell)
			continue
		}
		w.w.WriteByte('"')
		w.w.WriteString(strings.ReplaceAll(cell, `"`, `""`))
		w.w.WriteByte('"')
	}
	_, err := w.w.WriteString("\n")
	return err
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.w.Flush() }

// needsQuotes follows encoding/csv (a leading space and `\.` are quoted too),
// with ';' quoted as well as ','.
func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, `,;"`+"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
