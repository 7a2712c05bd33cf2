package ticket

import (
	"strings"
	"unicode"
)

// searchWords are the words of a search, at most 8, each at least one
// letter or digit long.
func searchWords(query string) []string {
	words := strings.FieldsFunc(strings.ToLower(query), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	return words
}

// searchCond is the condition "the subject, or one of the ticket's
// messages, contains query" (case-insensitive, % and _ literal). Messages
// are found through the text index of the dialect (a GIN index on
// PostgreSQL, the FTS5 table ticket_search on SQLite) by the beginnings of
// the query's words, then checked for the whole query; the subject is
// matched directly. withNotes lets internal notes match (staff).
func searchCond(pg bool, query string, withNotes bool) (string, []any) {
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(query)) + "%"
	subject := "lower(t.subject) LIKE ? ESCAPE '\\'"
	words := searchWords(query)
	if len(words) == 0 {
		return subject, []any{like}
	}
	if pg {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = w + ":*"
		}
		notes := " AND m.internal = FALSE"
		if withNotes {
			notes = ""
		}
		return "(" + subject + " OR t.id IN (SELECT m.ticket_id FROM ticket_messages AS m WHERE to_tsvector('simple', m.body) @@ to_tsquery('simple', ?)" +
			" AND lower(m.body) LIKE ? ESCAPE '\\'" + notes + "))", []any{like, strings.Join(terms, " & "), like}
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	notes := " AND internal = 0"
	if withNotes {
		notes = ""
	}
	return "(" + subject + " OR t.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ? AND lower(body) LIKE ? ESCAPE '\\'" +
		notes + "))", []any{like, strings.Join(terms, " "), like}
}
