package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// TestIngestDeterministic ingests the same files 50 times into one
// database: the first run inserts, every later run finds every case
// unchanged, and the stored rows never change. Before, keys differing only
// by case (IncidentNumber/incidentnumber, Title/title, Severity/severity)
// were picked in Go's random map order, and IRIS history entries at the
// same instant were ordered by it, so the same file gave other cases (or
// other milestone sources) on other runs and never settled.
func TestIngestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("50 ingests")
	}
	dir := t.TempDir()
	files := []Input{
		{Format: "sentinel", Path: writeFile(t, dir, "sentinel.json", `[
{"IncidentNumber": 7, "incidentnumber": 8, "Title": "exact", "title": "lower", "TITLE": "upper", "Severity": "High", "severity": "Low",
 "Status": "Closed", "status": "New", "CreatedTime": "2024-01-01T10:00:00Z", "createdtime": "2024-02-01T10:00:00Z", "ClosedTime": "2024-01-03T10:00:00Z"},
{"incidentNumber": 9, "TITLE": "only other spellings", "CREATEDTIME": "2024-01-05T10:00:00Z"}
]`)},
		{Format: "sentinel", Path: writeFile(t, dir, "sentinel.csv",
			"IncidentNumber,incidentnumber,Title,title,CreatedTime,TimeGenerated\n11,12,exact,lower,2024-01-01T10:00:00Z,2024-01-01T10:00:00Z\n")},
		{Format: "sentinel", Path: writeFile(t, dir, "sentinel-api.json", `{"value": [{"name": "guid-1", "properties": {
  "incidentNumber": 21, "IncidentNumber": 22, "title": "camel", "Title": "pascal", "createdTimeUtc": "2024-01-01T10:00:00Z", "CreatedTimeUtc": "2024-03-01T10:00:00Z"}}]}`)},
		{Format: "servicenow", Path: writeFile(t, dir, "sn.json", `{"result": [{"number": "SIR1", "NUMBER": "SIR2", "Number": "SIR3",
  "opened_at": "2024-01-01 10:00:00", "Opened_At": "2024-02-01 10:00:00", "short_description": "x", "SHORT_DESCRIPTION": "y"}]}`)},
		{Format: "iris", Path: writeFile(t, dir, "iris.json", `{"case": {"case_id": 1, "name": "tie", "open_date": "2024-01-01", "state": "Closed",
  "modification_history": {
    "1704103200": {"action": "state changed to Containment"},
    "1704106800.5": {"action": "state changed to Eradication"},
    "1704106800.50": {"action": "state changed to Recovery"},
    "1704106800.500": {"action": "case closed"},
    "1704106800.5000": {"action": "case reopen"},
    "1704106800.50000": {"action": "state changed to Post-Incident"}}}}`)},
	}
	db := openTestDB(t)
	var first string
	for run := 1; run <= 50; run++ {
		sum, err := Load(context.Background(), db, files, Options{Now: fixedNow})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if run == 1 {
			if sum.Inserted != 6 || sum.Rejected != 0 {
				t.Fatalf("run 1: %d inserted, %d rejected, want 6 and 0", sum.Inserted, sum.Rejected)
			}
			first = storedCases(t, db)
			continue
		}
		if sum.Inserted != 0 || sum.Updated != 0 || sum.Unchanged != 6 {
			t.Fatalf("run %d: %d inserted, %d updated, %d unchanged, want 6 unchanged", run, sum.Inserted, sum.Updated, sum.Unchanged)
		}
		if got := storedCases(t, db); got != first {
			t.Fatalf("run %d stored other rows:\n%s\nwant\n%s", run, got, first)
		}
	}
	// What the rules choose: the exact spelling; the one other spelling;
	// same-instant history entries by key as written.
	for _, want := range []string{
		"sentinel 7 exact high closed 2024-01-01 10:00:00+00",
		"sentinel 9 only other spellings",
		"sentinel 11 exact",
		"sentinel 22 pascal",
		"servicenow SIR1 x",
		// 1704106800.5 < …50 < …500 < …5000 < …50000: the last state
		// entered after Containment is Eradication (key …5), and the case
		// closed at the same instant.
		`iris 1 tie  closed`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("stored cases:\n%s\nwant a row containing %q", first, want)
		}
	}
	src := queryStrings(t, db, "SELECT milestone || ' ' || source_field FROM store.milestone_sources WHERE source = 'iris' ORDER BY 1")
	if want := `containment modification_history: "state changed to Eradication"`; !strings.Contains(strings.Join(src, "\n"), want) {
		t.Errorf("iris milestone sources %v, want %q", src, want)
	}
}

// TestAmbiguousKeysRefused: when no key is written as asked and several
// differ from it only by case, the record is refused naming them all,
// with the same message on every run.
func TestAmbiguousKeysRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format Format
		text   string
		want   string
	}{
		{"ServiceNowJSON", ServiceNow{}, `[{"NUMBER": "SIR1", "Number": "SIR2", "opened_at": "2024-01-01 10:00:00", "short_description": "x"}]`,
			`amb.in:record 1 (line 1): number: ambiguous: the record has the keys "NUMBER" and "Number", which differ only by case, and none is written "number": rename or remove all but one`},
		{"ServiceNowCSV", ServiceNow{}, "NUMBER,Number,opened_at,state\nSIR1,SIR2,2024-01-01 10:00:00,3\n",
			`amb.in:2: number: ambiguous: the record has the keys "NUMBER" and "Number"`},
		{"SentinelJSON", Sentinel{}, `[{"incidentnumber": 1, "INCIDENTNUMBER": 2, "TimeGenerated": "2024-01-01T00:00:00Z"}]`,
			`amb.in:record 1 (line 1): IncidentNumber: ambiguous: the record has the keys "INCIDENTNUMBER" and "incidentnumber"`},
		{"SentinelTitle", Sentinel{}, `{"IncidentNumber": 1, "title": "a", "TITLE": "b", "CreatedTime": "2024-01-01T00:00:00Z"}`,
			`amb.in:1: Title: ambiguous: the record has the keys "TITLE" and "title"`},
		{"ErrCSVSameColumnTwice", ServiceNow{}, "number,opened_at,state,number\nSIR1,2024-01-01 10:00:00,3,SIR2\n",
			`amb.in:1: number: CSV header: columns 1 and 4 are both named "number": rename or remove one`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 {
				p := &ParseContext{File: "amb.in", Location: time.UTC, Now: time.Now}
				var got error
				err := tc.format.Parse(p, strings.NewReader(tc.text), func(r Record) error {
					if r.Err != nil {
						got = r.Err
					} else {
						t.Fatalf("accepted %+v", r.Case)
					}
					return nil
				})
				if err != nil {
					got = err
				}
				if got == nil || !strings.Contains(got.Error(), tc.want) {
					t.Fatalf("got %v, want %q", got, tc.want)
				}
			}
		})
	}
}

// storedCases is every stored case (key fields, content digest) and its
// milestone sources, as text.
func storedCases(t testing.TB, db *pirsql.DB) string {
	t.Helper()
	rows := queryStrings(t, db, `SELECT format('{} {} {} {} {} {} {}', source, case_id, coalesce(title, ''), coalesce(severity, ''), status,
	    coalesce(strftime(detected_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S+00'), ''), content_sha256) FROM store.cases ORDER BY ALL`)
	rows = append(rows, queryStrings(t, db, `SELECT format('{} {} {} {}', source, case_id, milestone, source_field) FROM store.milestone_sources ORDER BY ALL`)...)
	return strings.Join(rows, "\n")
}

func queryStrings(t testing.TB, db *pirsql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
