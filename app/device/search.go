package device

import (
	"strings"
	"unicode/utf8"

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
