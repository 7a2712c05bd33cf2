// Package migrations holds the schema as SQL files, embedded into the binary.
//
// One set of files serves both databases: each file is a text/template whose
// placeholders {{.PK}} (identity primary key) and {{.TS}} (timestamp with time
// zone) are filled per dialect by app/db. Everything else is SQL that SQLite
// and PostgreSQL read alike. Files named *.tx.up.sql run in a transaction.
//
// Released migrations are append-only: migrations_test.go holds the SHA-256
// of every released file and fails when one changes or disappears. A fix or
// a change of the schema is a new migration, named after the last one.
package migrations

import (
	"embed"

	"github.com/uptrace/bun/migrate"
)

//go:embed *.sql
var files embed.FS

// New returns the embedded migrations, discovered afresh (a Migrations value
// is mutated by the migrator, so it is not shared).
func New() *migrate.Migrations {
	m := migrate.NewMigrations()
	if err := m.Discover(files); err != nil {
		panic("migrations: " + err.Error())
	}
	return m
}
