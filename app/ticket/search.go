package ticket

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"backoffice/app/db"
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

// minTrigram is the shortest search a trigram index serves.
const minTrigram = 3

// searchCond is the condition "the subject contains query, or one of the
// ticket's messages contains its words" (case-insensitive, % and _
// literal). Both go through indexes of the dialect:
//   - subjects by any part of them through a trigram index (pg_trgm on
//     PostgreSQL, the FTS5 trigram table ticket_subject_search on SQLite);
//     a query shorter than three characters is matched directly;
//   - messages by the beginnings of the query's words (a GIN index on
//     PostgreSQL, the FTS5 table ticket_search on SQLite), then checked for
//     the whole query.
//
// A number (1234 or #1234, number >= 0) also finds the provider's ticket
// of that number. The matches are gathered in one id list, so the database
// finds them through the indexes first and then reads only those tickets
// (an OR beside the list made PostgreSQL walk the whole sort index
// instead). withNotes lets internal notes match (staff).
func searchCond(pg bool, query string, withNotes bool, providerID, number int64) (string, []any) {
	lower := strings.ToLower(query)
	like := db.Containing(lower)
	words := searchWords(query)
	short := utf8.RuneCountInString(query) < minTrigram

	var parts []string
	var args []any
	if number >= 0 {
		parts, args = append(parts, "SELECT n.id FROM tickets AS n WHERE n.provider_id = ? AND n.number = ?"), append(args, providerID, number)
	}
	if !short {
		if pg {
			parts, args = append(parts, "SELECT s.id FROM tickets AS s WHERE lower(s.subject) LIKE ? ESCAPE '\\'"), append(args, like)
		} else {
			phrase := `"` + strings.ReplaceAll(query, `"`, `""`) + `"`
			parts, args = append(parts, "SELECT rowid FROM ticket_subject_search WHERE ticket_subject_search MATCH ?"), append(args, phrase)
		}
	}
	if len(words) > 0 {
		terms := make([]string, len(words))
		if pg {
			for i, w := range words {
				terms[i] = w + ":*"
			}
			notes := " AND m.internal = FALSE"
			if withNotes {
				notes = ""
			}
			parts = append(parts, "SELECT m.ticket_id FROM ticket_messages AS m WHERE to_tsvector('simple', m.body) @@ to_tsquery('simple', ?)"+
				" AND lower(m.body) LIKE ? ESCAPE '\\'"+notes)
			args = append(args, strings.Join(terms, " & "), like)
		} else {
			for i, w := range words {
				terms[i] = `"` + w + `"*`
			}
			notes := " AND internal = 0"
			if withNotes {
				notes = ""
			}
			parts = append(parts, "SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ? AND lower(body) LIKE ? ESCAPE '\\'"+notes)
			args = append(args, strings.Join(terms, " "), like)
		}
	}
	cond := ""
	if len(parts) > 0 {
		cond = "t.id IN (" + strings.Join(parts, " UNION ") + ")"
	}
	if short {
		subject := "lower(t.subject) LIKE ? ESCAPE '\\'"
		if cond == "" {
			return subject, []any{like}
		}
		return "(" + subject + " OR " + cond + ")", append([]any{like}, args...)
	}
	return cond, args
}
