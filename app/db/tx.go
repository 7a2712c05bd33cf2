package db

import (
	"context"
	"database/sql"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// txKey keys the transaction of a context.
type txKey struct{}

// txState is the transaction a context carries, with the work to run once
// it commits.
type txState struct {
	tx          bun.Tx
	afterCommit []func()
}

// InTx runs fn in a transaction that travels in fn's context: stores reach it
// through Conn, so everything fn calls, in whatever domain, joins it. A call
// inside another InTx joins the outer transaction; only the outermost call
// commits (or rolls back, when fn or a nested fn returns an error).
func InTx(ctx context.Context, bdb *bun.DB, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	st := &txState{}
	err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		st.tx = tx
		return fn(context.WithValue(ctx, txKey{}, st))
	})
	if err != nil {
		return err
	}
	for _, f := range st.afterCommit {
		f()
	}
	return nil
}

// Conn is the connection a store uses for one call: the transaction of ctx,
// else bdb.
func Conn(ctx context.Context, bdb bun.IDB) bun.IDB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx
	}
	return bdb
}

// InTransaction reports whether ctx carries a transaction.
func InTransaction(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*txState)
	return ok
}

// AfterCommit runs fn once the transaction of ctx has committed (never when
// it rolls back); without a transaction it runs fn at once.
func AfterCommit(ctx context.Context, fn func()) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.afterCommit = append(st.afterCommit, fn)
		return
	}
	fn()
}

// SQLTx is the database/sql transaction of ctx, for libraries that take
// one (the job queue inserts its jobs in it).
func SQLTx(ctx context.Context) (*sql.Tx, bool) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx.Tx, true
	}
	return nil, false
}

// Lock makes q lock the rows it selects for the rest of the transaction
// ("FOR UPDATE", or "FOR UPDATE OF alias" to lock one table's rows of a
// join) on PostgreSQL, so that concurrent changes of a row apply in turn to
// its latest state. SQLite has a single writer and needs none.
func Lock(q *bun.SelectQuery, of ...string) *bun.SelectQuery {
	if q.Dialect().Name() != dialect.PG {
		return q
	}
	if len(of) > 0 {
		return q.For("UPDATE OF " + strings.Join(of, ", "))
	}
	return q.For("UPDATE")
}

// LockSkipping is Lock that passes over rows another transaction holds, for
// workers that share a queue (PostgreSQL; SQLite's single writer takes
// turns anyway).
func LockSkipping(q *bun.SelectQuery) *bun.SelectQuery {
	if q.Dialect().Name() != dialect.PG {
		return q
	}
	return q.For("UPDATE SKIP LOCKED")
}
