package db

import "strings"

// likeEscaper escapes the wildcards of LIKE (and the escape character), for
// patterns used with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// EscapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }

// Containing is the LIKE pattern (with ESCAPE '\') of values that contain s.
func Containing(s string) string { return "%" + EscapeLike(s) + "%" }
