package sql_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// durationCase is one case of the survival and confidence-interval
// fixtures: detected at 2024-02-01 00:00 UTC; contained hours later, or
// open (not contained) when open is set.
type durationCase struct {
	hours float64
	open  bool
	start float64 // detected this many hours after 2024-02-01 00:00 UTC
}

// openDurations returns an in-memory database whose 2024-Q1 cases have the
// given containment durations; every case was ingested ingestHours after
// 2024-02-01 00:00 UTC (the default survival snapshot).
func openDurations(t *testing.T, ingestHours float64, cs ...durationCase) *pirsql.DB {
	t.Helper()
	return openDurationsAt(t, ":memory:", ingestHours, cs...)
}

func openDurationsAt(t *testing.T, path string, ingestHours float64, cs ...durationCase) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var vals []string
	for i, c := range cs {
		detected := fmt.Sprintf("TIMESTAMPTZ '2024-02-01 00:00:00Z' + to_microseconds(CAST(%v * 3600e6 AS BIGINT))", c.start)
		contained, status := fmt.Sprintf("%s + to_microseconds(CAST(%v * 3600e6 AS BIGINT))", detected, c.hours), "'closed'"
		if c.open {
			contained, status = "NULL", "'open'"
		}
		vals = append(vals, fmt.Sprintf(`('t', 'C%d', %s, false, %s, %s,
			'h', 'a.jsonl', 's', 'jsonl', TIMESTAMPTZ '2024-02-01 00:00:00Z' + to_microseconds(CAST(%v * 3600e6 AS BIGINT)))`, i, status, detected, contained, ingestHours))
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO store.cases (source, case_id, status, excluded, detected_at, contained_at,
		content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES `+strings.Join(vals, ",\n")); err != nil {
		t.Fatal(err)
	}
	return db
}

func ev(h float64) durationCase  { return durationCase{hours: h} }
func cen(h float64) durationCase { return durationCase{hours: h, open: true} }

// TestMetricSurvival checks the Kaplan–Meier median and 90th percentile of
// time to contain against hand-worked curves. An open case is censored at
// (snapshot − detection); the snapshot is the newest ingest time, so the
// fixtures put each open case's censoring time in the snapshot: one
// snapshot per fixture, censoring times made equal to it.
func TestMetricSurvival(t *testing.T) {
	const q = `SELECT n, events, censored, km_median_hours, km_p90_hours, median_reached, p90_reached
		FROM metric_survival('[{"metric":"contain","start":"detection","end":"containment"}]', 'detection', survival_snapshot())
		WHERE quarter = '2024-Q1'`
	for _, tc := range []struct {
		name   string
		ingest float64 // snapshot, hours after detection: the censoring time of every open case
		cases  []durationCase
		want   string
	}{
		// 1, 2, 2 (open), 3: at 2 the event comes before the censoring, so 3
		// are at risk: S(1) = 3/4, S(2) = 3/4 · 2/3 = 1/2 exactly, a flat
		// step: median = (2 + 3) / 2 = 2.5 (censoring first would give
		// S(2) = 3/8 and a median of 2). S(3) = 0: p90 = 3.
		// (The open case is detected 1 h after the others and the snapshot is
		// at 3 h, so it is censored at 2 h while the 3 h event is known.)
		{"TieEventBeforeCensoring", 3, []durationCase{ev(1), ev(2), {open: true, start: 1}, ev(3)}, "4 | 3 | 1 | 2.5 | 3 | true | true"},
		// Nothing reached: S = 1 throughout; the bound is the longest
		// follow-up (10 h): "> 10 h".
		{"AllCensored", 10, []durationCase{cen(10), cen(10), cen(10)}, "3 | 0 | 3 | 10 | 10 | false | false"},
		// 1, 2, then three open at 10: S(1) = 4/5, S(2) = 3/5 > 1/2.
		{"MedianNotReached", 10, []durationCase{ev(1), ev(2), cen(10), cen(10), cen(10)}, "5 | 2 | 3 | 10 | 10 | false | false"},
		// 1, 5, 7 (open) ... S(1) = 2/3 at risk 3; S(5) = 2/3 · 1/2 = 1/3:
		// median 5; p90 not reached, bound 7.
		{"P90NotReached", 7, []durationCase{ev(1), ev(5), cen(7)}, "3 | 2 | 1 | 5 | 7 | true | false"},
		// No open case: the KM median is the plain median. Even n: 1, 3,
		// 5, 100: S(3) = 1/2 exactly, median (3 + 5) / 2 = 4; S(100) = 0.
		{"NoOpenEven", 200, []durationCase{ev(1), ev(3), ev(5), ev(100)}, "4 | 4 | 0 | 4 | 100 | true | true"},
		// Odd n: 1, 3, 5: S(3) = 1/3 → 3 (the plain median).
		{"NoOpenOdd", 200, []durationCase{ev(5), ev(1), ev(3)}, "3 | 3 | 0 | 3 | 5 | true | true"},
		// Tied events: 2, 2, 4, 6: S(2) = 1/2 exactly → (2 + 4) / 2 = 3,
		// the plain median.
		{"NoOpenTies", 200, []durationCase{ev(2), ev(2), ev(4), ev(6)}, "4 | 4 | 0 | 3 | 6 | true | true"},
		// Ten events 1..10: S(9) = 1/10 exactly → p90 = (9 + 10) / 2 = 9.5;
		// S(5) = 1/2 → median 5.5.
		{"P90FlatStep", 200, []durationCase{ev(1), ev(2), ev(3), ev(4), ev(5), ev(6), ev(7), ev(8), ev(9), ev(10)}, "10 | 10 | 0 | 5.5 | 9.5 | true | true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDurations(t, tc.ingest, tc.cases...)
			checkRows(t, analyticsRows(t, db, q), []string{tc.want})
		})
	}

	t.Run("Exclusions", func(t *testing.T) {
		// One event (4 h); a closed case without containment (missing_end,
		// not censored); an excluded open case; an open case detected
		// after the snapshot. Only the event counts.
		db := openDurations(t, 10, ev(4))
		if _, err := db.ExecContext(context.Background(), `INSERT INTO store.cases (source, case_id, status, excluded, detected_at,
			content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
			('t', 'X1', 'closed', false, '2024-02-01 00:00:00Z', 'h', 'a', 's', 'jsonl', '2024-02-01 01:00:00Z'),
			('t', 'X2', 'open', true, '2024-02-01 00:00:00Z', 'h', 'a', 's', 'jsonl', '2024-02-01 01:00:00Z'),
			('t', 'X3', 'open', false, '2024-02-01 12:00:00Z', 'h', 'a', 's', 'jsonl', '2024-02-01 01:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		checkRows(t, analyticsRows(t, db, q), []string{"1 | 1 | 0 | 4 | 4 | true | true"})
	})

	t.Run("EndAfterSnapshot", func(t *testing.T) {
		// Snapshot 5 h after detection: the case contained at 8 h was
		// still open then, censored at 5 h; the 3 h one is an event.
		// S(3) = 1/2 exactly, no later event: median 3 h.
		db := openDurations(t, 100, ev(3), ev(8))
		checkRows(t, analyticsRows(t, db, `SELECT n, events, censored, km_median_hours, median_reached
			FROM metric_survival('[{"metric":"contain","start":"detection","end":"containment"}]', 'detection',
			TIMESTAMPTZ '2024-02-01 05:00:00Z')`), []string{"2 | 1 | 1 | 3 | true"})
	})

	t.Run("AsOfSetting", func(t *testing.T) {
		// The view reads the session's as_of: the open case is censored at
		// 30 h instead of the ingest snapshot's 2 h, past the events at 3
		// and 20: S(3) = 2/3, S(20) = 1/3: median 20.
		path := filepath.Join(t.TempDir(), "pir.duckdb")
		openDurationsAt(t, path, 2, ev(3), ev(20), cen(2)).Close()
		db, err := pirsql.Open(context.Background(), path, pirsql.Options{
			Session: pirsql.Session{Settings: map[string]string{"as_of": "2024-02-02 06:00:00Z"}}})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkRows(t, analyticsRows(t, db, `SELECT quarter, metric, n, events, censored, km_median_hours, median_reached
			FROM quarterly_survival WHERE metric = 'contain'`), []string{"2024-Q1 | contain | 3 | 2 | 1 | 20 | true"})
	})
}

// TestMedianCI checks the distribution-free 95 % interval of the median
// against the order statistics of the textbook tables (e.g. Conover,
// Practical Nonparametric Statistics, table A3): n = 10 → x(2)..x(9)
// (P(B ≤ 1) = 11/1024 ≤ 0.025 < P(B ≤ 2) = 56/1024); n = 20 → x(6)..x(15)
// (P(B ≤ 5) = 0.0207); n = 6 → x(1)..x(6) (1/64 = 0.0156); n = 5: none
// (1/32 = 0.031 > 0.025).
func TestMedianCI(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		want string
	}{
		{"N10", 10, "10 | 5.5 | 2 | 9"},
		{"N20", 20, "20 | 10.5 | 6 | 15"},
		{"N6", 6, "6 | 3.5 | 1 | 6"},
		{"N5", 5, "5 | 3 | NULL | NULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cs []durationCase
			for i := tc.n; i >= 1; i-- {
				cs = append(cs, ev(float64(i)))
			}
			db := openDurations(t, 1000, cs...)
			checkRows(t, analyticsRows(t, db, `SELECT n, median_hours, median_ci_low_hours, median_ci_high_hours
				FROM quarterly_metrics WHERE metric = 'contain'`), []string{tc.want})
		})
	}
}
