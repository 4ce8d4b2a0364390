package sql_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// sliceSeed is a small hand-checked set: seven cases detected in 2024-Q1
// (contain = containment − detection, in hours):
//
//	case sev      cat       team  bu      tenant  detection       contain
//	A1   critical phishing  red   retail  acme    internal        2
//	A2   critical phishing  red   retail  acme    internal        4
//	A3   high     malware   red   retail  acme    external-party  6
//	A4   high     phishing  blue  –       acme    internal        10
//	B1   low      phishing  blue  –       globex  customer        20
//	B2   low      phishing  green –       globex  –               – (not contained)
//	X1   critical phishing  red   retail  acme    internal        1 (excluded)
//
// and one case (C1) detected in 2024-Q2, closed in 2024-Q2. Impact: A1
// 100 records, 5000 EUR, 2 h down, regulator notified; A3 50 records,
// 1000 USD; B1 300 EUR, customers notified; X1 999 records (excluded, not
// counted).
const sliceSeed = `
INSERT INTO store.cases (source, case_id, title, severity, category, status, excluded,
    detected_at, contained_at, closed_at, team, business_unit, tenant, detection_source,
    impact_records, impact_cost, impact_currency, impact_downtime_hours,
    impact_regulator_notified, impact_customers_notified,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'A1', 't', 'critical', 'phishing', 'closed', false, '2024-01-10 00:00:00Z', '2024-01-10 02:00:00Z', '2024-02-01 00:00:00Z',
  'red', 'retail', 'acme', 'internal', 100, 5000, 'EUR', 2, true, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'A2', 't', 'critical', 'phishing', 'closed', false, '2024-01-11 00:00:00Z', '2024-01-11 04:00:00Z', '2024-02-01 00:00:00Z',
  'red', 'retail', 'acme', 'internal', NULL, NULL, NULL, NULL, NULL, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'A3', 't', 'high', 'malware', 'closed', false, '2024-01-12 00:00:00Z', '2024-01-12 06:00:00Z', '2024-02-01 00:00:00Z',
  'red', 'retail', 'acme', 'external-party', 50, 1000, 'USD', NULL, NULL, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'A4', 't', 'high', 'phishing', 'closed', false, '2024-01-13 00:00:00Z', '2024-01-13 10:00:00Z', '2024-02-01 00:00:00Z',
  'blue', NULL, 'acme', 'internal', NULL, NULL, NULL, NULL, NULL, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'B1', 't', 'low', 'phishing', 'closed', false, '2024-01-14 00:00:00Z', '2024-01-14 20:00:00Z', '2024-04-02 00:00:00Z',
  'blue', NULL, 'globex', 'customer', NULL, 300, 'EUR', NULL, NULL, true, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'B2', 't', 'low', 'phishing', 'open', false, '2024-01-15 00:00:00Z', NULL, NULL,
  'green', NULL, 'globex', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'X1', 't', 'critical', 'phishing', 'closed', true, '2024-01-16 00:00:00Z', '2024-01-16 01:00:00Z', '2024-02-01 00:00:00Z',
  'red', 'retail', 'acme', 'internal', 999, NULL, NULL, NULL, NULL, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z'),
('pir', 'C1', 't', 'high', 'phishing', 'closed', false, '2024-04-10 00:00:00Z', '2024-04-10 03:00:00Z', '2024-04-20 00:00:00Z',
  'red', 'retail', 'acme', 'internal', NULL, NULL, NULL, NULL, NULL, NULL, 'h', 'f', 's', 'pir', '2024-05-01 00:00:00Z')`

// openSliceDB is a database file with sliceSeed, opened with session s.
func openSliceDB(t *testing.T, s pirsql.Session) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pir.duckdb")
	db, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, sliceSeed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	db.Close()
	return openSession(t, path, true, s)
}

func TestQuarterlyMetricsBy(t *testing.T) {
	db := openSliceDB(t, pirsql.Session{Settings: map[string]string{"slice_min_cases": "2"}})
	// Folded below 2 counted cases: green (0), low (1), malware (1), globex
	// (1), external-party, customer and unspecified detection (1, 1, 0).
	checkRows(t, analyticsRows(t, db, `SELECT dimension, value, n, mean_hours, median_hours, p90_hours
		FROM quarterly_metrics_by WHERE quarter = '2024-Q1' AND metric = 'contain'`), []string{
		"severity | critical | 2 | 3 | 3 | 3.8",
		"severity | high | 2 | 8 | 8 | 9.6",
		"severity | other | 1 | 20 | 20 | 20",
		"category | phishing | 4 | 9 | 7 | 17",
		"category | other | 1 | 6 | 6 | 6",
		"team | blue | 2 | 15 | 15 | 19",
		"team | red | 3 | 4 | 4 | 5.6",
		"team | other | 0 | NULL | NULL | NULL",
		"business_unit | retail | 3 | 4 | 4 | 5.6",
		"business_unit | unspecified | 2 | 15 | 15 | 19",
		"tenant | acme | 4 | 5.5 | 5 | 8.8",
		"tenant | other | 1 | 20 | 20 | 20",
		"detection_source | internal | 3 | 5.3333 | 4 | 8.8",
		"detection_source | other | 2 | 13 | 13 | 18.6",
	})

	t.Run("SumsToQuarterlyMetrics", func(t *testing.T) {
		// Every dimension partitions the cohort: its n add up to
		// quarterly_metrics' n, for every quarter and metric.
		checkRows(t, analyticsRows(t, db, `
			SELECT count(*) FROM (
				SELECT b.dimension, b.quarter, b.metric, sum(b.n) AS n
				FROM quarterly_metrics_by b GROUP BY ALL) s
			JOIN quarterly_metrics m USING (quarter, metric)
			WHERE s.n <> m.n`), []string{"0"})
		checkRows(t, analyticsRows(t, db, `SELECT count(DISTINCT dimension), count(DISTINCT quarter || metric) FROM quarterly_metrics_by`), []string{"6 | 14"})
	})

	t.Run("RefoldAgrees", func(t *testing.T) {
		// Unfolded (threshold 0), the values below 2 pool into the same
		// observations as the folded 'other': same n and median.
		all := openSliceDB(t, pirsql.Session{Settings: map[string]string{"slice_min_cases": "0"}})
		checkRows(t, analyticsRows(t, all, `SELECT value, n FROM quarterly_metrics_by
			WHERE quarter = '2024-Q1' AND metric = 'contain' AND dimension = 'detection_source'`), []string{
			"customer | 1", "external-party | 1", "internal | 3", "unspecified | 0",
		})
		checkRows(t, analyticsRows(t, db, `
			SELECT count(*) FROM (
				SELECT dimension, quarter, metric, sum(n) AS n FROM metric_slices(default_metric_defs(), 'detection', 0, 100)
				WHERE n < 2 GROUP BY ALL) u
			FULL JOIN (SELECT * FROM quarterly_metrics_by WHERE value = 'other') f USING (dimension, quarter, metric)
			WHERE u.n IS DISTINCT FROM f.n`), []string{"0"})
	})

	t.Run("MaxValues", func(t *testing.T) {
		// Two named values at most: red (3 + C1's 1 in 2024-Q2) and blue
		// (2) stay, green joins other.
		mx := openSliceDB(t, pirsql.Session{Settings: map[string]string{"slice_min_cases": "0", "slice_max_values": "2"}})
		checkRows(t, analyticsRows(t, mx, `SELECT value, n FROM quarterly_metrics_by
			WHERE quarter = '2024-Q1' AND metric = 'contain' AND dimension = 'team'`), []string{
			"blue | 2", "red | 3", "other | 0",
		})
		checkRows(t, analyticsRows(t, mx, `SELECT value, n FROM quarterly_metrics_by
			WHERE quarter = '2024-Q1' AND metric = 'contain' AND dimension = 'detection_source'`), []string{
			"customer | 1", "internal | 3", "other | 1", // customer ties external-party (2 durations each) and wins by name
		})
	})

	t.Run("ClosureCohort", func(t *testing.T) {
		// Cohort closure: B1 closed in 2024-Q2 joins C1 there; B2 (open)
		// has no quarter.
		cl := openSliceDB(t, pirsql.Session{Settings: map[string]string{"slice_min_cases": "1", "cohort": "closure"}})
		checkRows(t, analyticsRows(t, cl, `SELECT value, n, median_hours FROM quarterly_metrics_by
			WHERE quarter = '2024-Q2' AND metric = 'contain' AND dimension = 'tenant'`), []string{
			"acme | 1 | 3", "globex | 1 | 20",
		})
	})
}

func TestQuarterlyImpact(t *testing.T) {
	db := openSliceDB(t, pirsql.Session{})
	checkRows(t, analyticsRows(t, db, `SELECT * FROM quarterly_impact`), []string{
		"2024-Q1 | 3 | 150 | 2 | 2 | 1 | 1 | 1",
	})
	checkRows(t, analyticsRows(t, db, `SELECT * FROM quarterly_impact_cost`), []string{
		"2024-Q1 | EUR | 2 | 5300",
		"2024-Q1 | USD | 1 | 1000",
	})
	cl := openSliceDB(t, pirsql.Session{Settings: map[string]string{"cohort": "closure"}})
	checkRows(t, analyticsRows(t, cl, `SELECT quarter, currency, cost FROM quarterly_impact_cost`), []string{
		"2024-Q1 | EUR | 5000",
		"2024-Q1 | USD | 1000",
		"2024-Q2 | EUR | 300",
	})
}

func TestSliceQueries(t *testing.T) {
	ctx := context.Background()
	db := openSliceDB(t, pirsql.Session{Settings: map[string]string{"slice_min_cases": "2"}})
	defs, err := pirsql.MetricDefinitions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pirsql.MetricSlices(ctx, db, pirsql.MetricStatsParams{Definitions: defs, Cohort: "detection", From: "2024-Q1", To: "2024-Q1"}, []string{"team"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		if r.Dimension != "team" {
			t.Fatalf("asked for team only, got dimension %q", r.Dimension)
		}
		if r.Metric == "contain" {
			med := "NULL"
			if r.Median != nil {
				med = strconv.FormatFloat(*r.Median, 'f', -1, 64)
			}
			got = append(got, r.Value+" | "+strconv.Itoa(r.N)+" | "+med)
		}
	}
	// The same as quarterly_metrics_by (TestQuarterlyMetricsBy).
	checkRows(t, got, []string{"blue | 2 | 15", "red | 3 | 4", "other | 0 | NULL"})

	tot, err := pirsql.ImpactTotals(ctx, db, "detection", "2024-Q1", "2024-Q4")
	if err != nil {
		t.Fatal(err)
	}
	if len(tot) != 1 || tot[0].Cases != 3 || *tot[0].Records != 150 || tot[0].RecordsCases != 2 || *tot[0].DowntimeHours != 2 || tot[0].Regulator != 1 || tot[0].Customers != 1 {
		t.Errorf("impact totals: got %+v", tot)
	}
	det, err := pirsql.DetectionSources(ctx, db, "detection", "2024-Q1", "2024-Q1")
	if err != nil {
		t.Fatal(err)
	}
	// X1 is excluded: 3 internal (A1, A2, A4).
	if want := []pirsql.DetectionSourceRow{{"2024-Q1", "internal", 3}, {"2024-Q1", "customer", 1}, {"2024-Q1", "external-party", 1}, {"2024-Q1", "unspecified", 1}}; !reflect.DeepEqual(det, want) {
		t.Errorf("detection sources: got %v, want %v", det, want)
	}
	if n, err := pirsql.SliceMinCases(ctx, db); err != nil || n != 2 {
		t.Errorf("slice_min_cases: got %d, %v, want 2", n, err)
	}
}
