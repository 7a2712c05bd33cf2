package db_test

import (
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/db"
	"backoffice/app/db/dbtest"
)

// TestBucket: both databases put times into the same days, Monday weeks
// and months of the reader's time zone.
func TestBucket(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		type probe struct {
			bun.BaseModel `bun:"table:bucket_probe"`
			ID            int64 `bun:",pk,autoincrement"`
			At            time.Time
		}
		if _, err := bdb.NewCreateTable().Model((*probe)(nil)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		times := []time.Time{
			time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), // Tue 1 Dec 00:30 in Berlin
			time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),   // Tue 1 Dec
			time.Date(2026, 12, 6, 22, 59, 0, 0, time.UTC),  // Sun 6 Dec 23:59
			time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC),   // Mon 7 Dec 00:00
			time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC),  // Fri 1 Jan 2027 00:00
		}
		for _, at := range times {
			if _, err := bdb.NewInsert().Model(&probe{At: at}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) // winter time, +01:00
		for unit, want := range map[db.Unit]map[string]int{
			db.Day:   {"2026-12-01": 2, "2026-12-06": 1, "2026-12-07": 1, "2027-01-01": 1},
			db.Week:  {"2026-11-30": 3, "2026-12-07": 1, "2026-12-28": 1},
			db.Month: {"2026-12-01": 4, "2027-01-01": 1},
		} {
			expr, args, err := db.Bucket(bdb, unit, "at", berlin, now)
			if err != nil {
				t.Fatal(err)
			}
			var rows []struct {
				B string
				N int
			}
			if err := bdb.NewSelect().Model((*probe)(nil)).ColumnExpr(expr+" AS b", args...).ColumnExpr("count(*) AS n").
				GroupExpr("b").Scan(ctx, &rows); err != nil {
				t.Fatalf("%s: %v", unit, err)
			}
			got := map[string]int{}
			for _, r := range rows {
				got[r.B] = r.N
			}
			if len(got) != len(want) {
				t.Errorf("%s buckets %v, want %v", unit, got, want)
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("%s buckets %v, want %v", unit, got, want)
					break
				}
			}
		}
		if _, _, err := db.Bucket(bdb, "year", "at", berlin, now); err == nil {
			t.Error("an unknown unit was taken")
		}
	})
}
