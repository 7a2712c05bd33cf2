// Package dbtest gives tests a fresh, migrated database of each dialect:
// SQLite always, PostgreSQL when TEST_POSTGRES_URL is set. With CI=true a
// missing TEST_POSTGRES_URL fails the test instead of skipping PostgreSQL.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"backoffice/app/db"
)

// Dialect names a database kind under test.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Dialects lists the dialects available to this test run. Under CI=true a
// missing PostgreSQL is a failure.
func Dialects(t testing.TB) []Dialect {
	t.Helper()
	ds := []Dialect{SQLite}
	if os.Getenv("TEST_POSTGRES_URL") != "" {
		ds = append(ds, Postgres)
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but TEST_POSTGRES_URL is not set: PostgreSQL tests cannot run")
	}
	return ds
}

// Run runs fn once per available dialect, as subtests named after the
// dialect, each with its own fresh migrated database.
func Run(t *testing.T, fn func(t *testing.T, bdb *bun.DB)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a fresh migrated database of dialect d, removed when the test ends.
func New(t testing.TB, d Dialect) *bun.DB {
	t.Helper()
	ctx := context.Background()
	var bdb *bun.DB
	switch d {
	case SQLite:
		path := filepath.Join(t.TempDir(), "test.db")
		var err error
		bdb, err = db.Open(ctx, "sqlite:"+path)
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { bdb.Close() })
	case Postgres:
		bdb = newPostgresSchema(t)
	default:
		t.Fatalf("unknown dialect %q", d)
	}
	if _, err := db.Migrate(ctx, bdb); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return bdb
}

// URL returns a DATABASE_URL for a fresh, empty database of dialect d (not
// migrated), for tests that drive the whole program.
func URL(t testing.TB, d Dialect) string {
	t.Helper()
	if d == SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	_, u := createSchema(t)
	return u
}

// newPostgresSchema isolates a test in a schema of its own on the test
// server: cheaper than a database per test, and dropped at the end.
func newPostgresSchema(t testing.TB) *bun.DB {
	t.Helper()
	_, u := createSchema(t)
	bdb, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { bdb.Close() })
	return bdb
}

var trgmOnce sync.Once

func createSchema(t testing.TB) (schema, dsn string) {
	t.Helper()
	base := os.Getenv("TEST_POSTGRES_URL")
	if base == "" {
		t.Fatal("TEST_POSTGRES_URL is not set")
	}
	ctx := context.Background()
	admin, err := db.Open(ctx, base)
	if err != nil {
		t.Fatalf("open TEST_POSTGRES_URL: %v", err)
	}
	trgmOnce.Do(func() {
		// The subject search index needs pg_trgm (see its migration); made
		// once here so that tests running side by side all find it.
		if _, err := admin.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"); err != nil {
			t.Logf("pg_trgm: %v", err)
		}
	})
	raw := make([]byte, 6)
	rand.Read(raw)
	schema = "t_" + hex.EncodeToString(raw)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return schema, u.String()
}
