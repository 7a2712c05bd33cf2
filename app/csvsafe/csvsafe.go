// Package csvsafe keeps CSV cells from being run as formulas by
// spreadsheets (CWE-1236), for every export of the application.
package csvsafe

import "strings"

// Cell prefixes a cell that a spreadsheet would read as a formula (one
// starting with = + - @ tab or CR) with an apostrophe.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Uncell undoes Cell, so an exported file imports unchanged.
func Uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
