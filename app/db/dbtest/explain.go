package dbtest

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"
)

// Recorder keeps the queries a database ran that match a test, for tests
// that count queries or explain them.
type Recorder struct {
	match   func(query string) bool
	mu      sync.Mutex
	queries []string
}

// Record starts recording the queries of bdb for which match is true.
func Record(bdb *bun.DB, match func(query string) bool) *Recorder {
	r := &Recorder{match: match}
	bdb.AddQueryHook(r)
	return r
}

// BeforeQuery implements bun.QueryHook.
func (r *Recorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

// AfterQuery implements bun.QueryHook.
func (r *Recorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if r.match(e.Query) {
		r.mu.Lock()
		r.queries = append(r.queries, e.Query)
		r.mu.Unlock()
	}
}

// Take returns the queries recorded since the last Take.
func (r *Recorder) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.queries
	r.queries = nil
	return q
}

// Unindexed explains query on PostgreSQL with sequential scans and sorts
// priced out, and returns the plan when it still scans table or sorts:
// then no index serves the query, and on a large data set it reads or
// sorts more than the page it answers. It returns "" for an indexed query.
func Unindexed(ctx context.Context, bdb *bun.DB, table, query string) (string, error) {
	var lines []string
	err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off"); err != nil {
			return err
		}
		return tx.NewRaw("EXPLAIN "+query).Scan(ctx, &lines)
	})
	if err != nil {
		return "", err
	}
	plan := strings.Join(lines, "\n")
	if regexp.MustCompile(`Seq Scan on ` + regexp.QuoteMeta(table) + `\b|(?m)^\s*(->\s*)?Sort\s`).MatchString(plan) {
		return plan, nil
	}
	return "", nil
}

// WantIndexed fails the test for every query of plans (query: what made
// it) that no index of table serves on PostgreSQL (see Unindexed).
func WantIndexed(t testing.TB, bdb *bun.DB, table string, plans map[string]string) {
	t.Helper()
	failed := 0
	for q, what := range plans {
		plan, err := Unindexed(context.Background(), bdb, table, q)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q, err)
		}
		if plan != "" {
			failed++
			t.Errorf("%s: the list has no index to use\n%s\n%s", what, q, plan)
		}
	}
	t.Logf("%d list query shapes explained, %d without an index", len(plans), failed)
}
