package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/db"
	"backoffice/app/db/dbtest"
)

// TestInTx: stores reach the transaction through the context, a nested
// InTx joins the outer one, and work after commit runs only on commit.
func TestInTx(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		if _, err := bdb.ExecContext(ctx, "CREATE TABLE tx_probe (n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			t.Helper()
			var n int
			if err := bdb.NewRaw("SELECT count(*) FROM tx_probe").Scan(ctx, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := func(ctx context.Context, n int) error {
			_, err := db.Conn(ctx, bdb).NewRaw("INSERT INTO tx_probe (n) VALUES (?)", n).Exec(ctx)
			return err
		}
		if db.Conn(ctx, bdb) != bun.IDB(bdb) || db.InTransaction(ctx) {
			t.Fatal("a context without a transaction must use the database")
		}
		var after []string
		abort := errors.New("abort")
		err := db.InTx(ctx, bdb, func(ctx context.Context) error {
			if !db.InTransaction(ctx) {
				t.Error("InTx's context carries no transaction")
			}
			db.AfterCommit(ctx, func() { after = append(after, "rolled back") })
			if err := insert(ctx, 1); err != nil {
				return err
			}
			// The nested call joins: its rows go with the outer rollback.
			return db.InTx(ctx, bdb, func(ctx context.Context) error {
				if err := insert(ctx, 2); err != nil {
					return err
				}
				return abort
			})
		})
		if !errors.Is(err, abort) {
			t.Fatalf("InTx = %v; want abort", err)
		}
		if n := count(); n != 0 || len(after) != 0 {
			t.Fatalf("after rollback: %d rows, after-commit ran %v", n, after)
		}

		err = db.InTx(ctx, bdb, func(ctx context.Context) error {
			if err := insert(ctx, 1); err != nil {
				return err
			}
			return db.InTx(ctx, bdb, func(ctx context.Context) error {
				db.AfterCommit(ctx, func() { after = append(after, "inner") })
				if len(after) != 0 {
					t.Error("after-commit work ran before the commit")
				}
				return insert(ctx, 2)
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 2 || len(after) != 1 {
			t.Fatalf("after commit: %d rows, after-commit ran %v", n, after)
		}
		db.AfterCommit(ctx, func() { after = append(after, "now") })
		if len(after) != 2 {
			t.Fatalf("AfterCommit without a transaction did not run at once: %v", after)
		}
	})
}

// TestLock: on PostgreSQL a locked row waits for its holder and is passed
// over by LockSkipping; SQLite, with its single writer, gets no lock clause
// at all.
func TestLock(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		if _, err := bdb.ExecContext(ctx, "CREATE TABLE lock_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.ExecContext(ctx, "INSERT INTO lock_probe (id, n) VALUES (1, 0)"); err != nil {
			t.Fatal(err)
		}
		sel := func(idb bun.IDB) *bun.SelectQuery {
			return idb.NewSelect().TableExpr("lock_probe AS p").Column("p.id").Where("p.id = 1")
		}
		if !db.IsPostgres(bdb) {
			for _, q := range []*bun.SelectQuery{db.Lock(sel(bdb)), db.Lock(sel(bdb), "p"), db.LockSkipping(sel(bdb))} {
				if s := q.String(); strings.Contains(s, "FOR ") {
					t.Fatalf("SQLite query with a lock clause: %s", s)
				}
			}
			return
		}
		if s := db.Lock(sel(bdb), "p").String(); !strings.Contains(s, "FOR UPDATE OF p") {
			t.Fatalf("no FOR UPDATE OF p: %s", s)
		}
		holder, err := bdb.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Rollback()
		var ids []int64
		if err := db.Lock(sel(holder)).Scan(ctx, &ids); err != nil || len(ids) != 1 {
			t.Fatalf("holder: %v %v", ids, err)
		}
		other, err := bdb.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Rollback()
		ids = nil
		if err := db.LockSkipping(sel(other)).Scan(ctx, &ids); err != nil || len(ids) != 0 {
			t.Fatalf("LockSkipping read a held row: %v %v", ids, err)
		}
		wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := db.Lock(sel(other)).Scan(wait, &ids); err == nil {
			t.Fatal("Lock did not wait for the holder")
		}
	})
}
