package db

import (
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Unit is the length of a date bucket.
type Unit string

// The bucket lengths: a day, a week starting on Monday, a month.
const (
	Day   Unit = "day"
	Week  Unit = "week"
	Month Unit = "month"
)

// Bucket is the SQL expression (with its arguments) that puts the time in
// column into its bucket of unit in time zone loc, as 'YYYY-MM-DD' text
// naming the bucket's first day, the same on both databases — for counts
// per day, week or month with GROUP BY. PostgreSQL converts with the
// zone's rules at every time; SQLite has no zone rules and shifts by loc's
// offset at now, so across a change of daylight saving time an hour's
// worth of rows may fall into the neighbouring day there.
func Bucket(idb bun.IDB, unit Unit, column string, loc *time.Location, now time.Time) (string, []any, error) {
	if idb.Dialect().Name() == dialect.PG {
		local := "(" + column + " AT TIME ZONE ?)"
		switch unit {
		case Day:
			return "to_char(" + local + ", 'YYYY-MM-DD')", []any{loc.String()}, nil
		case Week:
			return "to_char(date_trunc('week', " + local + "), 'YYYY-MM-DD')", []any{loc.String()}, nil
		case Month:
			return "to_char(" + local + ", 'YYYY-MM-01')", []any{loc.String()}, nil
		}
		return "", nil, fmt.Errorf("date bucket: unknown unit %q", unit)
	}
	_, offset := now.In(loc).Zone()
	shift := fmt.Sprintf("%+d seconds", offset)
	switch unit {
	case Day:
		return "date(" + column + ", ?)", []any{shift}, nil
	case Week:
		// Back six days, then forward to the next Monday: the Monday on or
		// before the day.
		return "date(" + column + ", ?, '-6 days', 'weekday 1')", []any{shift}, nil
	case Month:
		return "strftime('%Y-%m-01', " + column + ", ?)", []any{shift}, nil
	}
	return "", nil, fmt.Errorf("date bucket: unknown unit %q", unit)
}
