package sql_test

import (
	"context"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// TestQuarterOfMatchesTimeZoneConversion: quarter_of (0006) skips the
// time-zone conversion away from quarter boundaries. It must give exactly
// what converting every instant in the session zone gives, in the zones
// furthest from UTC (+14, -12, -11), with odd offsets (+5:45, -3:30), with
// half-hour DST (Lord Howe) and with ordinary DST, for every 15 minutes
// within two days of each quarter boundary from 1999 to 2031, around the
// ends of the years it looks up (1900-2199), and for a spread of instants
// far from boundaries.
func TestQuarterOfMatchesTimeZoneConversion(t *testing.T) {
	zones := []string{"UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Pago_Pago", "Asia/Kathmandu",
		"America/St_Johns", "Australia/Lord_Howe", "Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo"}
	const q = `
WITH bounds AS (
    SELECT make_timestamptz(y, m, 1, 0, 0, 0.0, 'UTC') AS b
    FROM range(1999, 2032) ys(y), (VALUES (1), (4), (7), (10)) ms(m)
), instants AS (
    SELECT b + to_minutes(k * 15) AS ts
    FROM bounds, range(-192, 193) ks(k)
    UNION ALL
    SELECT make_timestamptz(1999, 1, 1, 0, 0, 0.0, 'UTC') + to_minutes(k * 431) FROM range(0, 40000) ks(k)
    UNION ALL
    -- either side of the years quarter_of looks up (1900-2199)
    SELECT make_timestamptz(y, m, 1, 0, 0, 0.0, 'UTC') + to_minutes(k * 45)
    FROM (VALUES (1899), (1900), (2199), (2200)) ys(y), (VALUES (1), (4), (7), (10)) ms(m), range(-40, 41) ks(k)
    UNION ALL
    SELECT NULL
)
SELECT count(*),
       count(*) FILTER (WHERE ts IS NOT NULL AND quarter_of(ts) <> strftime(ts, '%Y') || '-Q' || CAST(quarter(ts) AS VARCHAR))
         + count(*) FILTER (WHERE (ts IS NULL) <> (quarter_of(ts) IS NULL)),
       any_value(ts::VARCHAR || ' -> ' || quarter_of(ts)) FILTER (WHERE quarter_of(ts) <> strftime(ts, '%Y') || '-Q' || CAST(quarter(ts) AS VARCHAR))
FROM instants`
	for _, tz := range zones {
		db, err := pirsql.Open(context.Background(), ":memory:", pirsql.Options{TimeZone: tz})
		if err != nil {
			t.Fatal(err)
		}
		var n, bad int
		var example *string
		if err := db.QueryRowContext(context.Background(), q).Scan(&n, &bad, &example); err != nil {
			t.Fatalf("%s: %v", tz, err)
		}
		db.Close()
		if n < 60000 || bad != 0 {
			t.Errorf("%s: %d of %d instants differ (e.g. %v)", tz, bad, n, deref(example))
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}
