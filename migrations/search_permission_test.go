package migrations_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"backoffice/app/db/dbtest"
	"backoffice/rbac"
)

// A policy seeded before the search existed gets the search rules from the
// migration; an empty table is left to the seeding at start.
func TestSearchPermissionReachesSeededPolicies(t *testing.T) {
	raw, err := os.ReadFile("20261204000004_search_permission.tx.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		migrate := func() {
			for _, stmt := range strings.Split(string(raw), "--bun:split") {
				if _, err := bdb.ExecContext(ctx, stmt); err != nil {
					t.Fatal(err)
				}
			}
		}
		count := func() int64 {
			n, err := bdb.NewSelect().Table("casbin_rules").Where("v1 = 'search'").Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := rbac.New(ctx, bdb); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.NewDelete().Table("casbin_rules").Where("v1 = 'search'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		migrate()
		if n := count(); n != 2 {
			t.Fatalf("a seeded policy has %d search rules after the migration, want 2", n)
		}
		migrate() // again: nothing doubles
		if n := count(); n != 2 {
			t.Fatalf("%d search rules after the second run", n)
		}
		e, err := rbac.New(ctx, bdb)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []rbac.Role{rbac.Member, rbac.Moderator, rbac.Administrator, rbac.IndependentAdmin, rbac.ProviderAgent, rbac.ProviderAdmin} {
			if !e.Can(role, "search", "read") {
				t.Errorf("%s may not search after the migration", role)
			}
		}
		if _, err := bdb.NewDelete().Table("casbin_rules").Where("1 = 1").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		migrate()
		if n, err := bdb.NewSelect().Table("casbin_rules").Count(ctx); err != nil || n != 0 {
			t.Fatalf("an empty policy holds %d rules after the migration (%v), want 0 so that the start seeds it", n, err)
		}
	})
}
