package dbtest_test

import (
	"context"
	"slices"
	"testing"

	"backoffice/app/db/dbtest"
)

// Unindexed tells a query no index serves from one that an index does.
func TestUnindexed(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(t), dbtest.Postgres) {
		t.Skip("plans are checked on PostgreSQL: set TEST_POSTGRES_URL")
	}
	ctx := context.Background()
	bdb := dbtest.New(t, dbtest.Postgres)
	for _, q := range []string{"CREATE TABLE things (id bigint PRIMARY KEY, owner bigint, name text)",
		"CREATE INDEX things_owner_idx ON things (owner, id)"} {
		if _, err := bdb.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for q, want := range map[string]bool{
		"SELECT * FROM things WHERE owner = 1 ORDER BY id LIMIT 25":   false,
		"SELECT * FROM things WHERE owner = 1 ORDER BY name LIMIT 25": true, // sorts all of the owner's
		"SELECT * FROM things WHERE name = 'x' LIMIT 25":              true, // scans the table
	} {
		plan, err := dbtest.Unindexed(ctx, bdb, "things", q)
		if err != nil {
			t.Fatal(err)
		}
		if (plan != "") != want {
			t.Errorf("%s: unindexed %v, want %v\n%s", q, plan != "", want, plan)
		}
	}
}
