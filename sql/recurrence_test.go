package sql_test

import (
	"context"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// recurrenceSeed: hand-worked recurrence cases (UTC instants).
//
//	E1 weak-credentials, T1078.004, asset vpn-gw; detected 1 Jan 2024, its
//	   only item done 10 Jan 2024: fixed 10 Jan.
//	E4 weak-credentials, T1078; detected 15 Jan, items done 20 Jan and
//	   1 Feb: fixed 1 Feb 2024. It is itself a recurrence of E1 (T1078 ~
//	   T1078.004), 5 days after E1's fix.
//	E3 weak-credentials, T1078; one item done, one open: never fixed.
//	X1 weak-credentials, T1078, detected 1 Mar 2024: matches E1 (T1078.004
//	   ~ T1078, 51 days after its fix) and E4 (29 days); the most recent
//	   fix is E4's.
//	X2 weak-credentials, T1078.002, detected 1 Mar 2025: 394 days after E4's
//	   fix, outside the default 365-day window (inside a 400d one).
//	X3 weak-credentials, T1566 (no shared technique), asset VPN-GW: shares
//	   E1's asset (case-insensitive), 60 days after its fix (10 Mar).
//	X4 weak-credentials, T1190, no asset: shares nothing, not a recurrence.
//	E2 phishing, T1566.001, detected 1 Feb 2024, item done 1 Apr 2024.
//	X5 phishing, T1566.002, detected 1 Mar 2024: E2's fix completed after
//	   this detection, not a recurrence.
//	X6 phishing, T1566.002, detected 1 May 2024: 30 days after E2's fix,
//	   matching only at parent level (T1566).
//	X7 as X1 but excluded (an exercise): never a recurrence.
//	X8 insider, T1078, detected 1 Mar 2024: another root cause.
const recurrenceSeed = `
INSERT INTO store.cases (source, case_id, title, status, excluded, detected_at, root_cause_category, assets,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'E1', 'VPN brute force', 'closed', false, '2024-01-01 00:00:00Z', 'weak-credentials', ['vpn-gw'], 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'E4', 'Password spray', 'closed', false, '2024-01-15 00:00:00Z', 'weak-credentials', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'E3', 'Shared admin password', 'closed', false, '2024-01-05 00:00:00Z', 'weak-credentials', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X1', 'Cloud account takeover', 'closed', false, '2024-03-01 00:00:00Z', 'weak-credentials', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X2', 'Domain account reuse', 'closed', false, '2025-03-01 00:00:00Z', 'weak-credentials', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('thehive', 'X3', 'VPN login from abroad', 'closed', false, '2024-03-10 00:00:00Z', 'weak-credentials', ['VPN-GW'], 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X4', 'Web login guessed', 'closed', false, '2024-03-01 00:00:00Z', 'weak-credentials', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'E2', 'Invoice phish', 'closed', false, '2024-02-01 00:00:00Z', 'phishing', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X5', 'Link phish', 'closed', false, '2024-03-01 00:00:00Z', 'phishing', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X6', 'Link phish again', 'closed', false, '2024-05-01 00:00:00Z', 'phishing', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X7', 'Tabletop takeover', 'closed', true, '2024-03-01 00:00:00Z', 'weak-credentials', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'X8', 'Insider uses own account', 'closed', false, '2024-03-01 00:00:00Z', 'insider', NULL, 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z');
INSERT INTO store.case_techniques VALUES
('pir', 'E1', 'T1078.004'), ('pir', 'E4', 'T1078'), ('pir', 'E3', 'T1078'),
('pir', 'X1', 'T1078'), ('pir', 'X2', 'T1078.002'), ('thehive', 'X3', 'T1566'), ('pir', 'X4', 'T1190'),
('pir', 'E2', 'T1566.001'), ('pir', 'X5', 'T1566.002'), ('pir', 'X6', 'T1566.002'),
('pir', 'X7', 'T1078'), ('pir', 'X8', 'T1078');
INSERT INTO store.action_items (source, case_id, position, item_id, summary, status, completed_at) VALUES
('pir', 'E1', 1, 'a', 'Rate-limit VPN logins', 'done', '2024-01-10 00:00:00Z'),
('pir', 'E4', 1, 'b', 'Ban common passwords', 'done', '2024-01-20 00:00:00Z'),
('pir', 'E4', 2, 'c', 'Alert on password spraying', 'done', '2024-02-01 00:00:00Z'),
('pir', 'E3', 1, 'd', 'Vault the admin password', 'done', '2024-01-06 00:00:00Z'),
('pir', 'E3', 2, 'e', 'Remove shared accounts', 'open', NULL),
('pir', 'E2', 1, 'f', 'Sandbox attachments', 'done', '2024-04-01 00:00:00Z');
`

func openRecurrenceFixture(t *testing.T, s pirsql.Session) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, recurrenceSeed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

func TestRecurrencesView(t *testing.T) {
	t.Run("DefaultWindow", func(t *testing.T) {
		db := openRecurrenceFixture(t, pirsql.Session{})
		checkRows(t, analyticsRows(t, db, `SELECT * FROM recurrences`), []string{
			"E4 | pir | E1 | pir | weak-credentials | 2024-01-10T00:00 | 5",
			"X1 | pir | E4 | pir | weak-credentials | 2024-02-01T00:00 | 29",
			"X6 | pir | E2 | pir | phishing | 2024-04-01T00:00 | 30",
			"X3 | thehive | E1 | pir | weak-credentials | 2024-01-10T00:00 | 60",
		})
	})
	t.Run("WiderWindow", func(t *testing.T) {
		db := openRecurrenceFixture(t, pirsql.Session{Settings: map[string]string{"recurrence_window": "400d"}})
		checkRows(t, analyticsRows(t, db, `SELECT case_id, earlier_case_id, days_after_fix FROM recurrences WHERE case_id = 'X2'`), []string{
			"X2 | E4 | 394",
		})
	})
	t.Run("ShortWindow", func(t *testing.T) {
		// 4 weeks = 28 days: X1 (29 days after E4's fix) is out, and so
		// is E1's older fix (51 days); E4 (5 days) stays.
		db := openRecurrenceFixture(t, pirsql.Session{Settings: map[string]string{"recurrence_window": "4w"}})
		checkRows(t, analyticsRows(t, db, `SELECT case_id FROM recurrences`), []string{"E4"})
	})
	t.Run("RootCauseFrequency", func(t *testing.T) {
		db := openRecurrenceFixture(t, pirsql.Session{})
		checkRows(t, analyticsRows(t, db, `SELECT quarter, category, cases, recurrences FROM root_cause_frequency`), []string{
			"2024-Q1 | weak-credentials | 6 | 3",
			"2024-Q1 | phishing | 2 | 0",
			"2024-Q1 | insider | 1 | 0",
			"2024-Q2 | phishing | 1 | 1",
			"2025-Q1 | weak-credentials | 1 | 0",
		})
	})
	t.Run("TiedFixes", func(t *testing.T) {
		// Three malware cases fixed at the same instant (1 Feb) and one
		// before (15 Jan); N recurs after the most recent fix, and of the
		// three tied earlier cases the earliest source, then case id:
		// pir/A0 (not pir/T1, thehive/T2, nor pir/T3's older fix).
		db := openRecurrenceFixture(t, pirsql.Session{})
		if _, err := db.ExecContext(context.Background(), `
INSERT INTO store.cases (source, case_id, title, status, excluded, detected_at, root_cause_category,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('thehive', 'T2', 'Macro', 'closed', false, '2024-01-03 00:00:00Z', 'malware', 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'T1', 'Macro', 'closed', false, '2024-01-02 00:00:00Z', 'malware', 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'A0', 'Macro', 'closed', false, '2024-01-04 00:00:00Z', 'malware', 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'T3', 'Macro', 'closed', false, '2024-01-01 00:00:00Z', 'malware', 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z'),
('pir', 'N', 'Macro again', 'closed', false, '2024-03-02 00:00:00Z', 'malware', 'h', 'f', 's', 'pir', '2024-06-01 00:00:00Z');
INSERT INTO store.case_techniques VALUES
('thehive', 'T2', 'T1204.002'), ('pir', 'T1', 'T1204'), ('pir', 'A0', 'T1204.002'), ('pir', 'T3', 'T1204'), ('pir', 'N', 'T1204');
INSERT INTO store.action_items (source, case_id, position, item_id, summary, status, completed_at) VALUES
('thehive', 'T2', 1, 'g', 'Block macros', 'done', '2024-02-01 00:00:00Z'),
('pir', 'T1', 1, 'h', 'Block macros', 'done', '2024-02-01 00:00:00Z'),
('pir', 'A0', 1, 'i', 'Block macros', 'done', '2024-02-01 00:00:00Z'),
('pir', 'T3', 1, 'j', 'Block macros', 'done', '2024-01-15 00:00:00Z');`); err != nil {
			t.Fatal(err)
		}
		checkRows(t, analyticsRows(t, db, `SELECT * FROM recurrences WHERE root_cause_category = 'malware'`), []string{
			// the tied cases were detected before any fix: not recurrences
			"N | pir | A0 | pir | malware | 2024-02-01T00:00 | 30",
		})
	})
	t.Run("List", func(t *testing.T) {
		db := openRecurrenceFixture(t, pirsql.Session{})
		rows, err := pirsql.Recurrences(context.Background(), db, "detection", "2024-Q1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("got %d rows, want X1, E4 and X3", len(rows))
		}
		// most recent fix first: E4's (1 Feb), then E1's (10 Jan) for E4
		// and X3, by source
		if r := rows[0]; r.CaseID != "X1" || r.EarlierCaseID != "E4" || r.EarlierTitle != "Password spray" ||
			len(r.FixItems) != 2 || r.FixItems[1] != "Alert on password spraying" {
			t.Errorf("row 1: got %+v", r)
		}
		if r := rows[1]; r.CaseID != "E4" || r.EarlierCaseID != "E1" {
			t.Errorf("row 2: got %+v", r)
		}
		if r := rows[2]; r.CaseID != "X3" || r.Source != "thehive" || r.EarlierCaseID != "E1" || r.DaysAfterFix != 60 {
			t.Errorf("row 3: got %+v", r)
		}
	})
}
