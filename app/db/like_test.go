package db_test

import (
	"testing"

	"backoffice/app/db"
)

func TestContaining(t *testing.T) {
	for in, want := range map[string]string{
		"abc": "%abc%", "50%": `%50\%%`, "a_b": `%a\_b%`, `c:\x`: `%c:\\x%`, "": "%%",
	} {
		if got := db.Containing(in); got != want {
			t.Errorf("Containing(%q) = %q; want %q", in, got, want)
		}
	}
}
