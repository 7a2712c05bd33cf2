package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
)

// decodeJSON reads a JSON request body into dst. Unknown fields are ignored
// (a client cannot set what dst does not hold); malformed JSON is a 422 at
// "body" and a wrongly typed field a 422 at that field.
func decodeJSON(c *fiber.Ctx, dst any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) && !strings.Contains(ct, "+json") {
		return fiber.ErrUnsupportedMediaType
	}
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		return apperr.Invalid("body", "error.body_required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				field = "body"
			}
			return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: field, Message: "error.json_type", Data: map[string]any{"Type": jsonType(te.Type.String())}}}}
		}
		return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: "body", Message: "error.json_malformed"}}}
	}
	if dec.More() {
		return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: "body", Message: "error.json_malformed"}}}
	}
	return nil
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "number"
	case strings.Contains(goType, "bool"):
		return "boolean"
	case strings.Contains(goType, "string"):
		return "string"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	}
	return "object"
}

// list is the envelope of every list response.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// paging is a parsed ?limit= and ?cursor=. Cursors are opaque to clients:
// base64 of the id after which the next page starts.
type paging struct {
	Limit int
	After int64 // 0: from the start
}

const (
	defaultLimit = 25
	maxLimit     = 100
)

func parsePaging(c *fiber.Ctx) (paging, error) {
	p := paging{Limit: defaultLimit}
	v := &apperr.ValidationError{}
	p.Limit = parseLimit(c, v)
	if s := c.Query("cursor"); s != "" {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		id, err2 := strconv.ParseInt(strings.TrimPrefix(string(raw), "id:"), 10, 64)
		if err != nil || err2 != nil || id <= 0 || !strings.HasPrefix(string(raw), "id:") {
			v.Add("cursor", "error.cursor_invalid", nil)
		} else {
			p.After = id
		}
	}
	return p, v.Err()
}

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

// parseLimit reads ?limit=, recording a problem in v.
func parseLimit(c *fiber.Ctx, v *apperr.ValidationError) int {
	s := c.Query("limit")
	if s == "" {
		return defaultLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		v.Add("limit", "error.limit_range", map[string]any{"Max": maxLimit})
		return defaultLimit
	}
	return n
}

// keyCursor encodes a keyset position (a small struct) as an opaque cursor.
func keyCursor(key any) *string {
	raw, _ := json.Marshal(key)
	s := base64.RawURLEncoding.EncodeToString(append([]byte("k:"), raw...))
	return &s
}

// parseKeyCursor decodes ?cursor= made by keyCursor into dst, reporting
// whether one was given; a malformed cursor is a problem in v.
func parseKeyCursor(c *fiber.Ctx, v *apperr.ValidationError, dst any) bool {
	s := c.Query("cursor")
	if s == "" {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !bytes.HasPrefix(raw, []byte("k:")) || decodeKey(raw[2:], dst) != nil {
		v.Add("cursor", "error.cursor_invalid", nil)
		return false
	}
	return true
}

// decodeKey decodes a keyset position made by keyCursor or encodePageKey. It
// is client input: a NUL in a string (JSON \u0000), which no database takes,
// makes it invalid.
func decodeKey(raw []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return json.Unmarshal(raw, dst)
		}
		if err != nil {
			return err
		}
		if s, ok := tok.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return errors.New("NUL in a keyset position")
		}
	}
}

func cursorFor(id int64) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
	return &s
}

// pathID parses the :id parameter; anything but a positive integer is 404,
// as for an id that does not exist.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}
