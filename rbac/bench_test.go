package rbac_test

import (
	"context"
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/rbac"
)

// BenchmarkCan is the permission decision every guarded request and every
// menu entry makes (go test -bench Can ./rbac/).
func BenchmarkCan(b *testing.B) {
	e, err := rbac.New(context.Background(), dbtest.New(b, dbtest.SQLite))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !e.Can(rbac.Member, "ticket", "read") {
			b.Fatal("member may not read tickets")
		}
	}
}
