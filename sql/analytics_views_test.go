package sql_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// The fixture and its hand-worked numbers are described in
// analytics/build_test.go; here every view of 0003 (and the duration views
// of 0001) is checked on it directly, as an analyst would query it.

func openAnalyticsFixture(t *testing.T, tz string) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: tz})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed, err := os.ReadFile("../testdata/metrics/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(seed)); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

// analyticsRows runs a query and renders each row as "a | b | c": floats
// with up to 4 decimals, instants in UTC, lists as [x y].
func analyticsRows(t *testing.T, db *pirsql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case float64:
				parts[i] = strconv.FormatFloat(math.Round(x*1e4)/1e4, 'f', -1, 64)
			case time.Time:
				parts[i] = x.UTC().Format("2006-01-02T15:04")
			case nil:
				parts[i] = "NULL"
			default:
				parts[i] = fmt.Sprint(x)
			}
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkRows(t *testing.T, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestAttackCatalogue(t *testing.T) {
	db, err := pirsql.Open(context.Background(), ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkRows(t, analyticsRows(t, db, `SELECT version, domain, release_date, notice FROM attack_release`), []string{
		"v18.1 | enterprise-attack | 2025-11-13T00:00 | © 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.",
	})
	// SOURCE.md: 835 rows = 216 techniques + 475 sub-techniques active, 132
	// revoked, 12 deprecated; plus the 20 v19 IDs.
	checkRows(t, analyticsRows(t, db, `SELECT release, count(*), count(*) FILTER (WHERE revoked), count(*) FILTER (WHERE deprecated),
		count(*) FILTER (WHERE NOT revoked AND NOT deprecated AND NOT is_subtechnique),
		count(*) FILTER (WHERE NOT revoked AND NOT deprecated AND is_subtechnique)
		FROM attack_techniques GROUP BY release ORDER BY release`), []string{
		"v18.1 | 835 | 132 | 12 | 216 | 475",
		"v19 | 20 | 0 | 0 | 7 | 13",
	})
	checkRows(t, analyticsRows(t, db, `SELECT count(*), min(position), max(position) FROM attack_tactics`), []string{"14 | 1 | 14"})
	checkRows(t, analyticsRows(t, db, `SELECT technique_id, name, tactics, parent_id, revoked, revoked_by, current_id, release
		FROM attack_techniques WHERE technique_id IN ('T1073', 'T1566.001', 'T1685.001') ORDER BY 1`), []string{
		// T1073 → T1574.002 (itself revoked) → T1574.001
		"T1073 | DLL Side-Loading | [defense-evasion] | NULL | true | T1574.002 | T1574.001 | v18.1",
		"T1566.001 | Spearphishing Attachment | [initial-access] | T1566 | false | NULL | T1566.001 | v18.1",
		"T1685.001 | Disable or Modify Windows Event Log | [] | T1685 | false | NULL | T1685.001 | v19",
	})
	// Every revoked ID resolves to an active technique; every tactic exists.
	checkRows(t, analyticsRows(t, db, `SELECT count(*) FROM attack_techniques a JOIN attack_techniques c ON c.technique_id = a.current_id
		WHERE c.revoked`), []string{"0"})
	checkRows(t, analyticsRows(t, db, `SELECT count(*) FROM (SELECT unnest(tactics) AS t FROM attack_techniques)
		WHERE t NOT IN (SELECT shortname FROM attack_tactics)`), []string{"0"})
	if _, err := os.Stat("schema/LICENSE-ATTACK.txt"); err != nil {
		t.Errorf("MITRE's license must ship with the catalogue: %v", err)
	}
}

func TestQuarterMacros(t *testing.T) {
	db := openAnalyticsFixture(t, "America/New_York")
	checkRows(t, analyticsRows(t, db, `SELECT quarter_start('2024-Q1'), quarter_end('2024-Q1'), quarter_end('2024-Q4'),
		quarter_of(TIMESTAMPTZ '2024-03-31 23:30:00-04:00'), case_ref('pir', 'A'), case_ref('thehive', 'A'),
		severity_rank('critical'), severity_rank('informational'), severity_rank(NULL)`), []string{
		"2024-01-01T05:00 | 2024-04-01T04:00 | 2025-01-01T05:00 | 2024-Q1 | A | thehive:A | 1 | 5 | 6",
	})
	checkRows(t, analyticsRows(t, db, `SELECT position, milestone FROM milestone_order ORDER BY position`), []string{
		"1 | compromise", "2 | detection", "3 | triage", "4 | containment", "5 | eradication", "6 | recovery", "7 | closure",
	})
}

func TestCaseMilestonesView(t *testing.T) {
	// 0001's long-form view (it once failed to parse: "at" is a keyword).
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT case_id, source, milestone, "at" FROM case_milestones WHERE case_id = 'C2' ORDER BY "at", milestone`), []string{
		"C2 | pir | detection | 2024-02-01T00:00",
		"C2 | pir | triage | 2024-02-01T00:00",
		"C2 | pir | containment | 2024-02-01T20:00",
		"C2 | pir | closure | 2024-02-05T00:00",
	})
}

func TestDurationViews(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT * FROM case_durations WHERE quarter = '2024-Q1' AND metric IN ('contain', 'triage')
		ORDER BY metric, case_id`), []string{
		"C1 | pir | 2024-Q1 | contain | 10",
		"C2 | pir | 2024-Q1 | contain | 20",
		"C3 | pir | 2024-Q1 | contain | 10",
		"C1 | pir | 2024-Q1 | triage | 2",
		"C2 | pir | 2024-Q1 | triage | 0",
	})
	// the median's interval needs 6 cases: NULL in every quarter here
	checkRows(t, analyticsRows(t, db, `SELECT * FROM quarterly_metrics WHERE metric = 'contain'`), []string{
		"2023-Q1 | contain | 1 | 30 | 30 | 30 | 30 | 30 | 0 | 0 | 0 | 0 | NULL | NULL",
		"2023-Q2 | contain | 0 | NULL | NULL | NULL | NULL | NULL | 0 | 1 | 0 | 0 | NULL | NULL",
		"2023-Q3 | contain | 0 | NULL | NULL | NULL | NULL | NULL | 0 | 1 | 0 | 0 | NULL | NULL",
		"2023-Q4 | contain | 2 | 6 | 6 | 7.6 | 4 | 8 | 0 | 0 | 0 | 0 | NULL | NULL",
		"2024-Q1 | contain | 3 | 13.3333 | 10 | 18 | 10 | 20 | 0 | 0 | 1 | 1 | NULL | NULL",
		"2024-Q2 | contain | 1 | 2 | 2 | 2 | 2 | 2 | 0 | 0 | 0 | 0 | NULL | NULL",
		"2031-Q1 | contain | 0 | NULL | NULL | NULL | NULL | NULL | 0 | 1 | 0 | 0 | NULL | NULL",
	})
	ny := openAnalyticsFixture(t, "America/New_York")
	checkRows(t, analyticsRows(t, ny, `SELECT quarter, n, median_hours, p90_hours FROM quarterly_metrics WHERE metric = 'contain' AND quarter LIKE '2024%'`), []string{
		"2024-Q1 | 4 | 10 | 17",
	})
}

func TestVolumeViews(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT * FROM case_volume WHERE quarter = '2024-Q1'`), []string{
		"2024-Q1 | all | all | 5",
		"2024-Q1 | category | phishing | 3",
		"2024-Q1 | category | insider-threat | 1",
		"2024-Q1 | category | ransomware | 1",
		"2024-Q1 | excluded | excluded | 1",
		"2024-Q1 | severity | medium | 2",
		"2024-Q1 | severity | critical | 1",
		"2024-Q1 | severity | high | 1",
		"2024-Q1 | severity | low | 1",
	})
	// Past quarters do not depend on today: O1 open since 2023-09-01, C3
	// since 2024-02-15. (Z1's 2031 quarter is measured at now.)
	checkRows(t, analyticsRows(t, db, `SELECT * FROM open_case_ageing WHERE quarter < '2025'`), []string{
		"2023-Q3 | 30-90d | 1",
		"2023-Q4 | >90d | 1",
		"2024-Q1 | 30-90d | 1",
		"2024-Q1 | >90d | 1",
		"2024-Q2 | >90d | 2",
	})
	checkRows(t, analyticsRows(t, db, `SELECT * FROM open_case_ageing_at('["2024-Q1", "2024-Q2"]', TIMESTAMPTZ '2024-04-02 00:00:00Z') ORDER BY ALL`), []string{
		"2024-Q1 | 30-90d | 1",
		"2024-Q1 | >90d | 1",
		// C6 closed exactly at the cut-off (2024-04-02 00:00): closing at the
		// instant a period ends means it was open through that period.
		"2024-Q2 | 30-90d | 1",
		"2024-Q2 | <7d | 1",
		"2024-Q2 | >90d | 1",
	})
}

func TestRootCauseView(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT * FROM root_cause_frequency`), []string{
		"2023-Q2 | malware | 1 | 1 | 0 | 0",
		"2023-Q4 | phishing | 1 | 0.5 | 2 | 0",
		"2023-Q4 | unpatched-vulnerability | 1 | 0.5 | 4 | 0",
		"2024-Q1 | phishing | 2 | 0.5 | 2.5 | 2",
		"2024-Q1 | insider | 1 | 0.25 | 1 | 0",
		"2024-Q1 | unpatched-vulnerability | 1 | 0.25 | 3 | 0",
	})
}

func TestAttackViews(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT * FROM technique_observations WHERE case_id IN ('C3', 'C5')`), []string{
		"2024-Q1 | pir | C3 | false | T1086 | T1059.001 | PowerShell | [execution] | T1059 | revoked",
		"2024-Q1 | pir | C3 | false | T1566.001 | T1566.001 | Spearphishing Attachment | [initial-access] | T1566 | active",
		"2024-Q1 | pir | C3 | false | T9999 | T9999 | NULL | [] | NULL | unknown",
		"2024-Q1 | pir | C5 | true | T1566 | T1566 | Phishing | [initial-access] | NULL | active",
	})
	checkRows(t, analyticsRows(t, db, `SELECT * FROM technique_frequency WHERE quarter = '2024-Q1'`), []string{
		"2024-Q1 | T1059.001 | PowerShell | [execution] | 2",
		"2024-Q1 | T1566.001 | Spearphishing Attachment | [initial-access] | 2",
		"2024-Q1 | T1064 | Scripting | [defense-evasion execution] | 1",
		"2024-Q1 | T1078 | Valid Accounts | [defense-evasion persistence privilege-escalation initial-access] | 1",
		"2024-Q1 | T1190 | Exploit Public-Facing Application | [initial-access] | 1",
		"2024-Q1 | T1486 | Data Encrypted for Impact | [impact] | 1",
		"2024-Q1 | T1566.002 | Spearphishing Link | [initial-access] | 1",
		"2024-Q1 | T1685 | Disable or Modify Tools | [] | 1",
		"2024-Q1 | T9999 | NULL | [] | 1",
	})
	checkRows(t, analyticsRows(t, db, `SELECT quarter, technique_id, name, cases FROM parent_technique_frequency`), []string{
		"2023-Q4 | T1566 | Phishing | 1",
		"2024-Q1 | T1059 | Command and Scripting Interpreter | 2",
		"2024-Q1 | T1566 | Phishing | 2",
		"2024-Q1 | T1064 | Scripting | 1",
		"2024-Q1 | T1078 | Valid Accounts | 1",
		"2024-Q1 | T1190 | Exploit Public-Facing Application | 1",
		"2024-Q1 | T1486 | Data Encrypted for Impact | 1",
		"2024-Q1 | T1685 | Disable or Modify Tools | 1",
		"2024-Q1 | T9999 | NULL | 1",
	})
	checkRows(t, analyticsRows(t, db, `SELECT * FROM tactic_frequency`), []string{
		"2023-Q4 | initial-access | Initial Access | 1",
		"2024-Q1 | initial-access | Initial Access | 3",
		"2024-Q1 | execution | Execution | 3",
		"2024-Q1 | persistence | Persistence | 1",
		"2024-Q1 | privilege-escalation | Privilege Escalation | 1",
		"2024-Q1 | defense-evasion | Defense Evasion | 2",
		"2024-Q1 | impact | Impact | 1",
	})
}

func TestActionItemViews(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	// Today (after 2024): A1, A2, B1 and F2 are done (2, 10, 36, 40 days from
	// detection: median 23; A2 and F2 late); A3, F1, G1 are overdue. On
	// time counts the items due by today (all 7 of 2024-Q1; in 2023-Q4 the
	// wont-do E2 is left out): A1 and B1 of 7, D1 and E1 of 2.
	checkRows(t, analyticsRows(t, db, `SELECT * FROM action_item_summary`), []string{
		"2023-Q4 | 3 | 2 | 0 | 0.6667 | 1 | 16.5",
		"2024-Q1 | 7 | 4 | 3 | 0.5714 | 0.2857 | 23",
	})
	got := analyticsRows(t, db, `SELECT case_id, item_id, status FROM overdue_action_items ORDER BY item_id`)
	checkRows(t, got, []string{"C1 | A3 | open", "C4 | F1 | in-progress", "C5 | G1 | open"})
	// At the end of 2024-Q1 (as-of date 31 March), F1 is due that day and F2
	// was still open: the report's numbers.
	checkRows(t, analyticsRows(t, db, `SELECT item_id, completed, overdue, days_overdue, on_time, days_to_complete
		FROM action_item_state(TIMESTAMPTZ '2024-04-01 00:00:00Z', DATE '2024-03-31') WHERE case_id IN ('C1', 'C4') ORDER BY item_id`), []string{
		"A1 | true | false | NULL | true | 10",
		"A2 | true | false | NULL | false | 36",
		"A3 | false | true | 30 | NULL | NULL",
		"F1 | false | false | NULL | NULL | NULL",
		"F2 | false | true | 16 | NULL | NULL",
	})
}

func TestDataQualityViews(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT * FROM milestone_coverage WHERE quarter = '2024-Q1'`), []string{
		"2024-Q1 | compromise | 4 | 1 | 0.25",
		"2024-Q1 | detection | 4 | 4 | 1",
		"2024-Q1 | triage | 4 | 2 | 0.5",
		"2024-Q1 | containment | 4 | 4 | 1",
		"2024-Q1 | eradication | 4 | 1 | 0.25",
		"2024-Q1 | recovery | 4 | 1 | 0.25",
		"2024-Q1 | closure | 4 | 3 | 0.75",
	})
	checkRows(t, analyticsRows(t, db, `SELECT quarter, kind, case_id FROM data_quality_issues`), []string{
		"2023-Q1 | missing_root_cause | Y1",
		"2023-Q2 | before_1990 | Z2",
		"2024-Q1 | deprecated_technique | C4",
		"2024-Q1 | excluded | C5",
		"2024-Q1 | newer_technique | C4",
		"2024-Q1 | out_of_order | C4",
		"2024-Q1 | revoked_technique | C3",
		"2024-Q1 | unknown_technique | C3",
		"2024-Q2 | missing_root_cause | C6",
		"2031-Q1 | future_timestamp | Z1",
	})
	// Out of order against the latest earlier milestone, not only the
	// adjacent one: triage 05:00, containment 03:00 after detection 04:00.
	if _, err := db.ExecContext(context.Background(), `INSERT INTO store.cases (source, case_id, status, excluded,
		detected_at, triaged_at, contained_at, content_sha256, source_file, source_sha256, source_format, ingested_at)
		VALUES ('x', 'OO', 'open', false, '2024-01-01 04:00:00Z', '2024-01-01 05:00:00Z', '2024-01-01 03:00:00Z', 'h', 'f', 's', 'csv', now())`); err != nil {
		t.Fatal(err)
	}
	checkRows(t, analyticsRows(t, db, `SELECT detail, source, case_id FROM data_quality_issues WHERE kind = 'out_of_order' AND source = 'x'`), []string{
		"containment before triage | x | OO",
	})
}

func TestIngestedFilesView(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	checkRows(t, analyticsRows(t, db, `SELECT * FROM ingested_files`), []string{
		"a.jsonl | bbb | jsonl | 5 | 0 | 2024-05-10T00:00",
		"b.csv | ccc | csv | 7 | 0 | 2024-05-10T00:00",
	})
}
