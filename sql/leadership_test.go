package sql_test

import (
	"context"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// leadershipSeed: 2025-Q4 (UTC), containment after detection:
//
//	K1 critical 2 h, K2 critical 4 h (at the target: within), K3 critical
//	5 h, K4 critical 10 h, K5 critical not contained (missing end), K6
//	high 1 h, K7 critical 1 h but excluded (an exercise).
//
// Target critical contain 4h: n 4, within 2 (K1, K2), share 0.5. Target
// high contain 8h: n 1, within 1. Medians: critical (2, 4, 5, 10) → 4.5 h.
// Action items at the end of 2025-Q4 (as of 2026-01-01, date 2025-12-31):
// ops has a high item due 2025-12-01 (30 days overdue) and a high item due
// 2025-12-21 (10 days); iam a low item due 2025-12-31 (not yet overdue) and
// one completed late; nobody's wont-do item does not count.
const leadershipSeed = `
INSERT INTO store.cases (source, case_id, severity, status, excluded, detected_at, contained_at,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'K1', 'critical', 'closed', false, '2025-10-01 00:00:00Z', '2025-10-01 02:00:00Z', 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z'),
('pir', 'K2', 'critical', 'closed', false, '2025-10-02 00:00:00Z', '2025-10-02 04:00:00Z', 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z'),
('pir', 'K3', 'critical', 'closed', false, '2025-10-03 00:00:00Z', '2025-10-03 05:00:00Z', 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z'),
('pir', 'K4', 'critical', 'closed', false, '2025-10-04 00:00:00Z', '2025-10-04 10:00:00Z', 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z'),
('pir', 'K5', 'critical', 'open', false, '2025-10-05 00:00:00Z', NULL, 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z'),
('pir', 'K6', 'high', 'closed', false, '2025-11-01 00:00:00Z', '2025-11-01 01:00:00Z', 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z'),
('pir', 'K7', 'critical', 'closed', true, '2025-12-30 00:00:00Z', '2025-12-30 01:00:00Z', 'h', 'f', 's', 'pir', '2026-01-02 00:00:00Z');
INSERT INTO store.action_items (source, case_id, position, item_id, owner, priority, due_date, status, completed_at) VALUES
('pir', 'K1', 1, 'a', 'ops', 'high', '2025-12-01', 'open', NULL),
('pir', 'K2', 1, 'b', 'ops', 'high', '2025-12-21', 'in-progress', NULL),
('pir', 'K3', 1, 'c', 'iam', 'low', '2025-12-31', 'open', NULL),
('pir', 'K4', 1, 'd', 'iam', 'low', '2025-11-01', 'done', '2025-11-20 00:00:00Z'),
('pir', 'K6', 1, 'e', NULL, 'medium', '2025-11-01', 'wont-do', NULL);
`

var leadershipTargets = pirsql.Session{Tables: []pirsql.TableRows{{
	Table: "severity_targets", Columns: []string{"severity", "metric", "within", "target_hours"},
	Rows: [][]any{{"critical", "contain", "4h", 4.0}, {"high", "contain", "8h", 8.0}},
}}}

func openLeadershipFixture(t *testing.T, s pirsql.Session) *pirsql.DB {
	t.Helper()
	db, err := pirsql.Open(context.Background(), ":memory:", pirsql.Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(context.Background(), leadershipSeed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

func TestTargetAttainment(t *testing.T) {
	t.Run("View", func(t *testing.T) {
		db := openLeadershipFixture(t, leadershipTargets)
		checkRows(t, analyticsRows(t, db, `SELECT * FROM target_attainment`), []string{
			"2025-Q4 | critical | contain | 4 | 4 | 2 | 0.5",
			"2025-Q4 | high | contain | 8 | 1 | 1 | 1",
		})
	})
	t.Run("NoTargets", func(t *testing.T) {
		db := openLeadershipFixture(t, pirsql.Session{})
		checkRows(t, analyticsRows(t, db, `SELECT * FROM target_attainment`), nil)
	})
	t.Run("SeverityMetrics", func(t *testing.T) {
		db := openLeadershipFixture(t, leadershipTargets)
		defs, err := pirsql.MetricDefinitions(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := pirsql.SeverityMetrics(context.Background(), db, defs, "detection", "2025-Q4")
		if err != nil {
			t.Fatal(err)
		}
		var crit *pirsql.SeverityMetricRow
		for i := range rows {
			if rows[i].Severity == "critical" && rows[i].Metric == "contain" {
				crit = &rows[i]
			}
		}
		if crit == nil || crit.N != 4 || crit.Median != 4.5 || crit.Within != "4h" || *crit.WithinTarget != 2 || *crit.Share != 0.5 {
			t.Errorf("critical contain: got %+v", crit)
		}
	})
}

func TestOverdueByOwner(t *testing.T) {
	db := openLeadershipFixture(t, pirsql.Session{})
	at := pirsql.AsOf{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Date: "2025-12-31"}
	rows, err := pirsql.OverdueByOwner(context.Background(), db, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0] != (pirsql.OverdueOwnerRow{Owner: "ops", Priority: "high", Items: 2, Oldest: 30}) {
		t.Errorf("got %+v, want ops high 2 items, oldest 30 days", rows)
	}
}

func TestDataFreshness(t *testing.T) {
	db := openLeadershipFixture(t, pirsql.Session{})
	f, err := pirsql.DataFreshness(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if f.Cases != 7 || f.NewestCase != "K7" || f.NewestDetected == nil || !f.NewestDetected.Equal(time.Date(2025, 12, 30, 0, 0, 0, 0, time.UTC)) ||
		f.NewestFile != "" || f.NewestIngested != nil {
		t.Errorf("got %+v", f)
	}
}

// TestOnTimeRate: at the end of 2025-Q4 (date 2025-12-31) the items of the
// fixture's cases a (due 1 Dec, open), b (due 21 Dec, open) and c (due 31
// Dec, open) are due and missed, d (due 1 Nov, done 20 Nov) is late, e is
// wont-do (left out); f (below) is on time and g, done early but due in
// 2026, is not yet due: 1 on time of 5 due = 0.2 (the old rule, on time of
// completed, said 1 of 3). Before any item is due the rate is NULL ("not
// yet due"), not a 100% success.
func TestOnTimeRate(t *testing.T) {
	db := openLeadershipFixture(t, pirsql.Session{})
	if _, err := db.ExecContext(context.Background(),
		`INSERT INTO store.action_items (source, case_id, position, item_id, owner, priority, due_date, status, completed_at) VALUES
		 ('pir', 'K3', 2, 'f', 'iam', 'low', '2025-12-20', 'done', '2025-12-10 00:00:00Z'),
		 ('pir', 'K3', 3, 'g', 'iam', 'low', '2026-03-01', 'done', '2025-12-10 00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	// f (due 20 Dec, done 10 Dec) is on time; g (done early, due in 2026)
	// is not yet due at the end of 2025-Q4 and does not count.
	checkRows(t, analyticsRows(t, db, `SELECT quarter, created, completed, on_time_rate
		FROM action_item_stats('detection', TIMESTAMPTZ '2026-01-01 00:00:00Z', DATE '2025-12-31')`), []string{
		"2025-Q4 | 7 | 3 | 0.2",
	})
	checkRows(t, analyticsRows(t, db, `SELECT quarter, on_time_rate
		FROM action_item_stats('detection', TIMESTAMPTZ '2025-10-10 00:00:00Z', DATE '2025-10-09')`), []string{
		"2025-Q4 | NULL",
	})
}
