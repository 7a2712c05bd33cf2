package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
)

// Limits of query parameter values, for every parameter an API route
// declares: valid UTF-8 without NUL (no database takes one) and short.
const (
	maxQueryValue  = 256  // characters of a filter or search; an email address has at most 254
	maxCursorValue = 2048 // a cursor carries a sort key of up to 200 characters, JSON-escaped and base64-encoded
)

// maxQuery is the longest value query parameter name may have.
func maxQuery(name string) int {
	if name == "cursor" {
		return maxCursorValue
	}
	return maxQueryValue
}

// checkQuery checks the values of the query parameters names before any
// handler reads them, so that no list hands the store what it cannot query;
// each problem is a 422 at its parameter.
func checkQuery(c *fiber.Ctx, names []string) error {
	v := &apperr.ValidationError{}
	for _, name := range names {
		s, max := c.Query(name), maxQuery(name)
		switch {
		case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
			v.Add(name, "error.invalid_chars", nil)
		case utf8.RuneCountInString(s) > max:
			v.Add(name, "error.too_long", map[string]any{"Max": max})
		}
	}
	return v.Err()
}
