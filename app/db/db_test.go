package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/db"
	"backoffice/app/db/dbtest"
)

type probe struct {
	bun.BaseModel `bun:"table:organizations"`
	ID            int64 `bun:",pk,autoincrement"`
	Name          string
	Independent   bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func TestMigrateUpDownAndRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		st, err := db.Status(ctx, bdb)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if !s.Applied {
				t.Fatalf("migration %s not applied", s.Name)
			}
		}
		if n, err := db.Pending(ctx, bdb); err != nil || n != 0 {
			t.Fatalf("pending = %d, %v; want 0", n, err)
		}

		now := time.Date(2026, 11, 23, 9, 30, 15, 123456000, time.UTC)
		p := &probe{Name: "Acme", CreatedAt: now, UpdatedAt: now}
		if _, err := bdb.NewInsert().Model(p).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		var got probe
		if err := bdb.NewSelect().Model(&got).Where("id = ?", p.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(now) || got.Name != "Acme" || got.Independent {
			t.Fatalf("round trip: got %+v", got)
		}

		// Unique violations are recognised on both dialects.
		_, err = bdb.ExecContext(ctx, "INSERT INTO users (organization_id, email, first_name, role) VALUES (?, 'A@x.io', 'a', 'member')", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = bdb.ExecContext(ctx, "INSERT INTO users (organization_id, email, first_name, role) VALUES (?, 'a@X.IO', 'b', 'member')", p.ID)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("case-insensitive duplicate email: want unique violation, got %v", err)
		}
		// Foreign keys are enforced on both dialects.
		_, err = bdb.ExecContext(ctx, "INSERT INTO users (organization_id, email, first_name, role) VALUES (999999, 'b@x.io', 'b', 'member')")
		if !db.IsForeignKeyViolation(err) {
			t.Fatalf("want foreign key violation, got %v", err)
		}
		// The role check constraint holds.
		_, err = bdb.ExecContext(ctx, "INSERT INTO users (organization_id, email, first_name, role) VALUES (?, 'c@x.io', 'c', 'root')", p.ID)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "check") {
			t.Fatalf("want check violation, got %v", err)
		}

		total := len(st)
		for i := total; i > 0; i-- {
			name, err := db.RollbackOne(ctx, bdb)
			if err != nil || name == "" {
				t.Fatalf("rollback %d: %q %v", i, name, err)
			}
			if n, err := db.Pending(ctx, bdb); err != nil || n != total-i+1 {
				t.Fatalf("after rollback pending = %d, %v; want %d", n, err, total-i+1)
			}
		}
		if name, err := db.RollbackOne(ctx, bdb); err != nil || name != "" {
			t.Fatalf("rollback with nothing applied: %q %v", name, err)
		}
		if _, err := bdb.NewSelect().Model((*probe)(nil)).Count(ctx); err == nil {
			t.Fatal("organizations table still exists after rolling everything back")
		}
		if names, err := db.Migrate(ctx, bdb); err != nil || len(names) != total {
			t.Fatalf("migrate again: %v %v", names, err)
		}
	})
}

// Unreachable tells "the database is not there" (which the web shell answers
// with 503 and Retry-After) from a statement that failed.
func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	// Nothing listens on port 1: the connection is refused.
	if _, err := db.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"); err == nil || !db.Unreachable(err) {
		t.Errorf("dead PostgreSQL: Unreachable(%v) = false", err)
	}
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		_, err := bdb.ExecContext(ctx, "SELECT * FROM no_such_table")
		if err == nil || db.Unreachable(err) {
			t.Errorf("a failed statement: Unreachable(%v) = true", err)
		}
		if db.IsPostgres(bdb) {
			// What a restart tells connected clients: 57P01 admin_shutdown.
			conn, err := bdb.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = conn.ExecContext(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
			if err == nil || !db.Unreachable(err) {
				t.Errorf("terminated backend: Unreachable(%v) = false", err)
			}
			conn.Close()
		}
		bdb.Close()
		if err := bdb.PingContext(ctx); err == nil || !db.Unreachable(err) {
			t.Errorf("closed pool: Unreachable(%v) = false", err)
		}
	})
}
