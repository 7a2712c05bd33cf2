package httpx

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

// List is the envelope of every list response.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// Paging is a parsed ?limit= and ?cursor=. Cursors are opaque to clients:
// base64 of the id after which the next page starts.
type Paging struct {
	Limit int
	After int64 // 0: from the start
}

// PageSize is the number of rows of a list page.
const PageSize = 25

// MaxExport bounds one CSV export.
const MaxExport = 20000

// Page sizes of API lists.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

// ParsePaging reads ?limit= and an id ?cursor= made by CursorFor.
func ParsePaging(c *fiber.Ctx) (Paging, error) {
	p := Paging{Limit: DefaultLimit}
	v := &apperr.ValidationError{}
	p.Limit = ParseLimit(c, v)
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

// ParseLimit reads ?limit=, recording a problem in v.
func ParseLimit(c *fiber.Ctx, v *apperr.ValidationError) int {
	s := c.Query("limit")
	if s == "" {
		return DefaultLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		v.Add("limit", "error.limit_range", map[string]any{"Max": MaxLimit})
		return DefaultLimit
	}
	return n
}

// KeyCursor encodes a keyset position (a small struct) as an opaque cursor.
func KeyCursor(key any) *string {
	raw, _ := json.Marshal(key)
	s := base64.RawURLEncoding.EncodeToString(append([]byte("k:"), raw...))
	return &s
}

// ParseKeyCursor decodes ?cursor= made by KeyCursor into dst, reporting
// whether one was given; a malformed cursor is a problem in v.
func ParseKeyCursor(c *fiber.Ctx, v *apperr.ValidationError, dst any) bool {
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

// KeyCursorOf is ParseKeyCursor into a new C: nil when the request names
// no position or an invalid one (then v holds the problem).
func KeyCursorOf[C any](c *fiber.Ctx, v *apperr.ValidationError) *C {
	cur := new(C)
	if !ParseKeyCursor(c, v, cur) {
		return nil
	}
	return cur
}

// decodeKey decodes a keyset position made by KeyCursor or EncodePageKey. It
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

// CursorFor is the cursor of the page after the row id.
func CursorFor(id int64) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
	return &s
}

// PathID parses the :id parameter; anything but a positive integer is 404,
// as for an id that does not exist.
func PathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// ParseBefore reads ?before= for id-keyset pages; anything odd starts over.
func ParseBefore(c *fiber.Ctx) int64 {
	n, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// EncodePageKey and DecodePageKey carry a keyset position in a page URL.
func EncodePageKey(key any) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodePageKey decodes a position made by EncodePageKey into dst.
func DecodePageKey(s string, dst any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return decodeKey(b, dst)
}

// PageSearch is a list page's ?q=, trimmed and cut to 200 characters. Pages
// drop what they cannot use: a value no database takes (a NUL, broken UTF-8)
// lists everything, as no search does.
func PageSearch(c *fiber.Ctx) string {
	q := strings.TrimSpace(c.Query("q"))
	if !utf8.ValidString(q) || strings.IndexByte(q, 0) >= 0 {
		return ""
	}
	if r := []rune(q); len(r) > 200 {
		q = string(r[:200])
	}
	return q
}

// JoinQuery joins two query strings, either of which may be empty.
func JoinQuery(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}
