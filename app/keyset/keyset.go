// Package keyset walks keyset-paged lists, for exports that need more rows
// than one page.
package keyset

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
