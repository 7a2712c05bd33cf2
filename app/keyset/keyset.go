// Package keyset pages sorted lists by keyset: each page continues after
// the sort key and id of the previous page's last row, so that a page deep
// in a list of millions is read off an index as quickly as the first.
package keyset

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
)

// Cursor is a keyset position: the sort key of the last row (as text) and
// its id.
type Cursor struct {
	Key string `json:"k"`
	ID  int64  `json:"i"`
}

// Page is one page of rows.
type Page[T any] struct {
	Items []T
	Next  *Cursor // nil on the last page
}

// Sort is how one order of a list reads in SQL: the expression sorted by
// (an index serves it together with the id), a row's key as text, and a
// key read back into a query argument.
type Sort[T any] struct {
	Expr string
	Key  func(T) string
	Arg  func(string) (any, error)
}

// Sorts are a list's orders by name; a leading "-" on a name reverses it.
type Sorts[T any] map[string]Sort[T]

// Valid reports whether name names one of the orders.
func (s Sorts[T]) Valid(name string) bool {
	_, ok := s[strings.TrimPrefix(name, "-")]
	return ok
}

// Fetch reads into page.Items at most limit rows of q (its model is
// &page.Items) in order sort, after cursor after (nil: from the start); id
// is the rows' id column ("t.id") and idOf a row's id. An unknown order is
// a field error at "sort", a cursor that does not fit it one at "cursor".
func (s Sorts[T]) Fetch(ctx context.Context, q *bun.SelectQuery, page *Page[T], sort, id string, idOf func(T) int64, after *Cursor, limit int) error {
	spec, ok := s[strings.TrimPrefix(sort, "-")]
	if !ok {
		return apperr.Invalid("sort", "error.sort_invalid")
	}
	limit = max(limit, 1)
	dir, cmp := "ASC", ">"
	if strings.HasPrefix(sort, "-") {
		dir, cmp = "DESC", "<"
	}
	if after != nil {
		arg, err := spec.Arg(after.Key)
		if err != nil {
			return apperr.Invalid("cursor", "error.cursor_invalid")
		}
		// A row-value comparison lets both databases seek the index.
		q.Where("("+spec.Expr+", "+id+") "+cmp+" (?, ?)", arg, after.ID)
	}
	q.OrderExpr(spec.Expr + " " + dir + ", " + id + " " + dir).Limit(int64(limit + 1))
	if err := q.Scan(ctx); err != nil {
		return fmt.Errorf("list %s: %w", q.GetTableName(), err)
	}
	page.Next = nil
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = &Cursor{Key: spec.Key(last), ID: idOf(last)}
	}
	return nil
}

// Collect fetches pages of at most batch rows, each after the cursor the
// previous one returned (nil: the last page), until max rows are read.
func Collect[T any, C any](max, batch int, fetch func(after *C, n int) ([]T, *C, error)) ([]T, error) {
	var out []T
	var after *C
	for len(out) < max {
		items, next, err := fetch(after, min(batch, max-len(out)))
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == nil {
			break
		}
		after = next
	}
	return out, nil
}
