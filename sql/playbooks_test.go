package sql_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// openFollowThrough is an empty database with cases and playbook updates
// (UTC). As of 2025-04-01 00:00 (date 2025-03-31):
//
//	P1 2025-Q1  1 due 02-01 done 01-20        due, done, on time
//	            2 due 03-01 done 03-10        due, done, late
//	            3 due 03-15 open              due, overdue 16 days
//	P2 2025-Q1  1 due 03-31 open              due (on the as-of date), not overdue
//	            2 due 04-30 in-progress       not due
//	            3 due 02-01 wont-do           neither due nor overdue
//	            4 due 03-20 done 04-05        due, not done by then: overdue 11 days
//	P3 2025-Q2  1 due 05-01 open              (detected after the as-of date)
//
// So 2025-Q1: 7 updates, 5 due, 2 done, 2 overdue, completion 2/7, on time
// 1/5; 2025-Q2: 1, 0, 0, 0, 0, NULL.
func openFollowThrough(t *testing.T) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, err = db.ExecContext(ctx, `
INSERT INTO store.cases (source, case_id, status, excluded, severity, detected_at, closed_at,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'P1', 'closed', false, 'high', '2025-01-10 00:00:00Z', '2025-02-01 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'P2', 'open', true, 'medium', '2025-02-15 00:00:00Z', NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'P3', 'open', false, 'low', '2025-04-05 00:00:00Z', NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z');
INSERT INTO store.playbook_updates (source, case_id, position, playbook, change, owner, due_date, status, completed_at) VALUES
('pir', 'P1', 1, 'Ransomware', 'Isolate ESXi first', 'SOC', '2025-02-01', 'done', '2025-01-20 10:00:00Z'),
('pir', 'P1', 2, 'Backup restore', NULL, 'IT Operations', '2025-03-01', 'done', '2025-03-10 10:00:00Z'),
('pir', 'P1', 3, 'VPN', 'Disable legacy protocols', 'Network Team', '2025-03-15', 'open', NULL),
('pir', 'P2', 1, 'Phishing', NULL, 'SOC', '2025-03-31', 'open', NULL),
('pir', 'P2', 2, 'EDR', NULL, 'SOC', '2025-04-30', 'in-progress', NULL),
('pir', 'P2', 3, 'Legacy', NULL, NULL, '2025-02-01', 'wont-do', NULL),
('pir', 'P2', 4, 'Done late', NULL, 'Priya Raman', '2025-03-20', 'done', '2025-04-05 09:00:00Z'),
('pir', 'P3', 1, 'Cloud', NULL, 'Cloud Security', '2025-05-01', 'open', NULL)`)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

// The as-of of the report of 2025-Q1.
var q1AsOf = pirsql.AsOf{At: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Date: "2025-03-31"}

func TestPlaybookUpdateStats(t *testing.T) {
	db := openFollowThrough(t)
	got := analyticsRows(t, db, `SELECT * FROM playbook_update_stats('detection', TIMESTAMPTZ '2025-04-01 00:00:00Z', DATE '2025-03-31') ORDER BY quarter`)
	want := []string{"2025-Q1 | 7 | 5 | 2 | 2 | 0.2857 | 0.2", "2025-Q2 | 1 | 0 | 0 | 0 | 0 | NULL"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("playbook_update_stats:\ngot  %v\nwant %v", got, want)
	}

	// The report's query: the same numbers, typed.
	rows, err := pirsql.PlaybookUpdates(context.Background(), db, pirsql.ActionItemsParams{Cohort: "detection", AsOf: q1AsOf, From: "2025-Q1", To: "2025-Q1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Updates != 7 || rows[0].Due != 5 || rows[0].Done != 2 || rows[0].Overdue != 2 || rows[0].OnTimeRate == nil || *rows[0].OnTimeRate != 0.2 {
		t.Errorf("PlaybookUpdates: got %+v", rows)
	}

	// The overdue list at the same as-of: most overdue first, with the total.
	od, err := pirsql.OverduePlaybooks(context.Background(), db, q1AsOf, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(od) != 1 || od[0].CaseID != "P1" || od[0].Playbook != "VPN" || od[0].DaysOverdue != 16 || od[0].Total != 2 || od[0].Owner != "Network Team" {
		t.Errorf("OverduePlaybooks: got %+v", od)
	}

	// The closure cohort: only P1 is closed (2025-Q1).
	got = analyticsRows(t, db, `SELECT quarter, updates, overdue FROM playbook_update_stats('closure', TIMESTAMPTZ '2025-04-01 00:00:00Z', DATE '2025-03-31') ORDER BY quarter`)
	if want := []string{"2025-Q1 | 3 | 1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("closure cohort: got %v, want %v", got, want)
	}
	// The view is the detection cohort now: every update due by today
	// that is still open is overdue (P1's VPN, P2's Phishing, EDR, Cloud).
	got = analyticsRows(t, db, `SELECT quarter, updates, done, overdue FROM playbook_follow_through`)
	if want := []string{"2025-Q1 | 7 | 3 | 3", "2025-Q2 | 1 | 0 | 1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("playbook_follow_through: got %v, want %v", got, want)
	}
}

// TestOverdueReviews: critical and high cases closed in 2025-Q1, as of
// 2025-04-01 with the default 14 days:
//
//	R1 critical closed 02-01, no review        due 02-15: 45 days overdue
//	R2 high     closed 03-01, held 03-10       on time
//	R3 high     closed 03-01, held 03-25       late, but held by the as-of date
//	R4 high     closed 03-25, none             due 04-08: not yet due
//	R5 high     closed 02-10, skipped          due 02-24: 36 days overdue
//	R6 medium   closed 01-15, none             not critical or high
//	R7 critical excluded, none                 left out
//	R8 high     closed 01-20, held 04-10       not held by then: due 02-03, 57 days
//	R9 high     closed 2024-12-20, none        2024-Q4
func TestOverdueReviews(t *testing.T) {
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `
INSERT INTO store.cases (source, case_id, status, excluded, severity, detected_at, closed_at, review_status, review_held_at,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'R1', 'closed', false, 'critical', '2025-01-05 00:00:00Z', '2025-02-01 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R2', 'closed', false, 'high', '2025-01-05 00:00:00Z', '2025-03-01 00:00:00Z', 'held', '2025-03-10 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R3', 'closed', false, 'high', '2025-01-05 00:00:00Z', '2025-03-01 00:00:00Z', 'published', '2025-03-25 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R4', 'closed', false, 'high', '2025-01-05 00:00:00Z', '2025-03-25 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R5', 'closed', false, 'high', '2025-01-05 00:00:00Z', '2025-02-10 00:00:00Z', 'skipped', NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R6', 'closed', false, 'medium', '2025-01-05 00:00:00Z', '2025-01-15 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R7', 'closed', true, 'critical', '2025-01-05 00:00:00Z', '2025-01-15 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('soc', 'R8', 'closed', false, 'high', '2025-01-05 00:00:00Z', '2025-01-20 00:00:00Z', 'held', '2025-04-10 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'R9', 'closed', false, 'high', '2024-12-01 00:00:00Z', '2024-12-20 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z')`)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	rows, err := pirsql.OverdueReviews(ctx, db, q1AsOf, "2025-Q1")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(rows)
	want := fmt.Sprint([]pirsql.OverdueReviewRow{
		{Ref: "soc:R8", Severity: "high", DaysOverdue: 57, ReviewStatus: "held"},
		{Ref: "R1", Severity: "critical", DaysOverdue: 45},
		{Ref: "R5", Severity: "high", DaysOverdue: 36, ReviewStatus: "skipped"},
	})
	if got != want {
		t.Errorf("OverdueReviews:\ngot  %v\nwant %v", got, want)
	}
	// The view is the same rule today (every quarter, R4 overdue too).
	if got := analyticsRows(t, db, `SELECT case_id FROM overdue_reviews ORDER BY case_id`); fmt.Sprint(got) != "[R1 R4 R5 R9]" {
		t.Errorf("overdue_reviews today: got %v, want [R1 R4 R5 R9]", got)
	}
}
