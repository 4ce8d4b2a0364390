package sql_test

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// openLearning is an empty database with the cases the learning-loop
// views are checked on. Lessons (detection quarter):
//
//	L1 2024-Q4  needs: "Triage waited for business hours"
//	L2 2025-Q1  needs: "triage  waited for business hours." (same text),
//	            "Logs were kept 7 days" themed Logging; went: "EDR isolated the host"
//	L3 2025-Q1  needs: "Logs were kept 7 days" (no theme: takes Logging
//	            from L2), "Timeline took longer than the fix" themed Logging,
//	            "Triage waited for business hours" twice (counts once)
//	L4 2025-Q1  excluded exercise, needs "Asset ownership was unclear"
func openLearning(t *testing.T) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed := `
INSERT INTO store.cases (source, case_id, status, excluded, detected_at, closed_at, root_cause_category, root_cause_summary,
    root_cause_whys, needs_improvement, needs_improvement_themes, went_well, review_facilitator,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'L1', 'closed', false, '2024-11-01 00:00:00Z', '2024-11-05 00:00:00Z', 'phishing', NULL,
    ['The email passed the gateway.', 'The user opened an attachment from an unknown sender.'],
    ['Triage waited for business hours'], NULL, NULL, NULL, 'h', 'f', 'h', 'pir', '2025-05-01 00:00:00Z'),
('pir', 'L2', 'closed', false, '2025-01-10 00:00:00Z', '2025-01-20 00:00:00Z', 'misconfiguration', 'The bucket was public.',
    ['The bucket was public.', 'A policy allowed it.', 'The change was made to debug.', 'Priya Raman made the change.'],
    ['triage  waited for business hours.', 'Logs were kept 7 days'], ['', 'Logging'], ['EDR isolated the host'],
    'Priya Raman', 'h', 'f', 'h', 'pir', '2025-05-01 00:00:00Z'),
('pir', 'L3', 'closed', false, '2025-02-10 00:00:00Z', '2025-02-20 00:00:00Z', 'unpatched-vulnerability', 'The night-shift analyst was careless.',
    ['The appliance was unpatched.', 'The scanner missed it.', 'The inventory is a spreadsheet.', 'The firewall failed to block the user-agent string.'],
    ['Logs were kept 7 days', 'Timeline took longer than the fix', 'Triage waited for business hours', 'TRIAGE waited for business hours!'],
    ['', 'Logging', '', ''], NULL, NULL, 'h', 'f', 'h', 'pir', '2025-05-01 00:00:00Z'),
('pir', 'L4', 'closed', true, '2025-03-01 00:00:00Z', '2025-03-02 00:00:00Z', NULL, NULL, NULL,
    ['Asset ownership was unclear'], NULL, NULL, NULL, 'h', 'f', 'h', 'pir', '2025-05-01 00:00:00Z')`
	if _, err := db.ExecContext(ctx, seed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

func TestLessonFrequency(t *testing.T) {
	db := openLearning(t)
	got := analyticsRows(t, db, `SELECT quarter, kind, lesson, lesson_key, themed, cases FROM lesson_frequency ORDER BY quarter, kind, lesson_key`)
	// L2's and L3's spellings of the triage lesson are one text; L3's
	// untagged "Logs were kept 7 days" joins the theme L2 gave it; L3
	// names the triage lesson twice and counts once; L4 (excluded) counts.
	want := []string{
		"2024-Q4 | needs_improvement | Triage waited for business hours | text:triage waited for business hours | false | 1",
		"2025-Q1 | needs_improvement | Asset ownership was unclear | text:asset ownership was unclear | false | 1",
		"2025-Q1 | needs_improvement | Triage waited for business hours | text:triage waited for business hours | false | 2",
		"2025-Q1 | needs_improvement | Logging | theme:logging | true | 2",
		"2025-Q1 | went_well | EDR isolated the host | text:edr isolated the host | false | 1",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lesson_frequency:\ngot  %v\nwant %v", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func TestRCAFindings(t *testing.T) {
	db := openLearning(t)
	got := analyticsRows(t, db, `SELECT case_id, quarter, finding, detail FROM rca_findings ORDER BY case_id, finding, detail`)
	want := []string{
		"L1 | 2024-Q4 | ends-at-person | why 2: The user opened an attachment from an unknown sender.",
		"L1 | 2024-Q4 | shallow | 2 whys",
		"L2 | 2025-Q1 | ends-at-person | why 4: Priya Raman made the change.",
		`L3 | 2025-Q1 | blame-language | "careless" in summary`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rca_findings:\ngot  %v\nwant %v", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// TestBlamelessWording holds the person and blame patterns to sentences a
// review writes: true positives and the false positives they must not
// flag.
func TestBlamelessWording(t *testing.T) {
	db := openLearning(t)
	ctx := context.Background()
	tests := []struct {
		text          string
		person, blame bool
	}{
		{"The user opened an attachment from an unknown sender.", true, false},
		{"An analyst closed the alert as benign.", true, false},
		{"The admin added the exclusion and forgot to remove it.", true, true},
		{"Human error by the night-shift analyst.", true, true},
		{"The on-call engineer should have escalated sooner.", true, true},
		{"The user was careless and clicked the link anyway.", true, true},
		{"It was the contractor's fault.", true, true},
		{"The attacker spoofed the user-agent string.", false, false},
		{"The firewall failed to block the connection.", false, false},
		{"The patch should have been applied by the pipeline.", false, false},
		{"The user account had no MFA.", false, false},
		{"The admin console was exposed to the internet.", false, false},
		{"A firmware fault stopped the appliance.", false, false},
		{"Users reported the email within minutes.", false, false},
		{"Nobody owns the rota.", false, false},
		{"Careless handling is not the cause; the process is.", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			var person, blame bool
			err := db.QueryRowContext(ctx, `
				WITH n AS (SELECT regexp_replace(lower(?), thing_re(), 'thing', 'g') AS s)
				SELECT regexp_matches(s, person_re()),
				       regexp_matches(s, '\b' || words_re((SELECT list(term) FROM blame_words)) || '\b')
				       OR regexp_matches(s, person_re() || '[^.;!?]{0,40}\b' || words_re((SELECT list(term) FROM blame_after_person)) || '\b')
				FROM n`, tc.text).Scan(&person, &blame)
			if err != nil {
				t.Fatal(err)
			}
			if person != tc.person || blame != tc.blame {
				t.Errorf("person %v blame %v, want person %v blame %v", person, blame, tc.person, tc.blame)
			}
		})
	}
}

// TestReviewTimeliness: closed cases of severity medium or worse, by the
// quarter of closure. 2025-Q1: T1 (high) held 3 days after closure, T2
// (medium) published, held 20 days after, T3 (critical) skipped, T4 (low)
// not expected, T5 (high) excluded; 2025-Q2: T6 (medium) held the day
// before closure (0 days). So 2025-Q1: 3 closed, 2 reviewed, 1 within 14
// days, median 11.5 days; 2025-Q2: 1, 1, 1, 0.
func TestReviewTimeliness(t *testing.T) {
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `
INSERT INTO store.cases (source, case_id, status, excluded, severity, detected_at, closed_at, review_status, review_held_at,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
('pir', 'T1', 'closed', false, 'high', '2025-01-01 00:00:00Z', '2025-02-01 00:00:00Z', 'held', '2025-02-04 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'T2', 'closed', false, 'medium', '2025-01-01 00:00:00Z', '2025-02-01 00:00:00Z', 'published', '2025-02-21 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'T3', 'closed', false, 'critical', '2025-01-01 00:00:00Z', '2025-03-01 00:00:00Z', 'skipped', NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'T4', 'closed', false, 'low', '2025-01-01 00:00:00Z', '2025-03-01 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'T5', 'closed', true, 'high', '2025-01-01 00:00:00Z', '2025-03-01 00:00:00Z', NULL, NULL, 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z'),
('pir', 'T6', 'closed', false, 'medium', '2025-04-01 00:00:00Z', '2025-04-10 00:00:00Z', 'held', '2025-04-09 00:00:00Z', 'h', 'f', 'h', 'pir', '2025-08-01 00:00:00Z')`)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	got := analyticsRows(t, db, `SELECT * FROM review_timeliness ORDER BY quarter`)
	want := []string{"2025-Q1 | 3 | 2 | 1 | 11.5", "2025-Q2 | 1 | 1 | 1 | 0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("review_timeliness:\ngot  %v\nwant %v", got, want)
	}
}

// TestRCAPatternsAreLiteral checks that every connection pir opens gives
// rca_findings its patterns as constants (TEMP macros whose body is a
// string literal, built from the session's word lists): a pattern that is
// not a constant is compiled again for every row, which made rca_findings
// take a minute over 10,000 cases.
func TestRCAPatternsAreLiteral(t *testing.T) {
	ctx := context.Background()
	session := pirsql.Session{Tables: []pirsql.TableRows{{Table: "blame_words", Columns: []string{"term"}, Rows: [][]any{{"zzblame"}}}}}
	db, err := pirsql.Open(ctx, t.TempDir()+"/p.duckdb", pirsql.Options{TimeZone: "UTC", Session: session})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// two connections at once: both must have the literal macros
	c1, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for i, c := range []*stdsql.Conn{c1, c2} {
		rows, err := c.QueryContext(ctx, `SELECT function_name, macro_definition FROM duckdb_functions()
			WHERE database_name = 'temp' AND function_name LIKE 'rca\_%\_re' ESCAPE '\' ORDER BY function_name`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(def, "'") || !strings.HasSuffix(def, "'") {
				t.Errorf("connection %d: %s is %s, not a string literal", i+1, name, def)
			}
			if name == "rca_blame_re" && def != `'\b(zzblame)\b'` {
				t.Errorf("connection %d: rca_blame_re = %s, want the session's word list '\\b(zzblame)\\b'", i+1, def)
			}
			got = append(got, name)
		}
		rows.Close()
		if want := "rca_blame_after_person_re rca_blame_re rca_person_re rca_thing_re"; strings.Join(got, " ") != want {
			t.Errorf("connection %d: TEMP pattern macros %v, want %s", i+1, got, want)
		}
	}
}
