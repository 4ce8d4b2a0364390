package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

func openTestDB(t testing.TB) *pirsql.DB {
	t.Helper()
	db, err := pirsql.Open(context.Background(), filepath.Join(t.TempDir(), "pir.duckdb"), pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var fixedNow = func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }

func load(t testing.TB, db *pirsql.DB, skip bool, paths ...string) (*Summary, error) {
	t.Helper()
	var in []Input
	for _, p := range paths {
		in = append(in, Input{Path: p, Format: "auto"})
	}
	return Load(context.Background(), db, in, Options{SkipInvalid: skip, Now: fixedNow})
}

// snapshot is the whole store as text, to prove a failed ingest changed nothing.
func snapshot(t testing.TB, db *pirsql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"cases", "case_techniques", "action_items", "detection_rules", "playbook_updates", "milestone_sources", "ingest_files", "ingest_runs", "rejects"} {
		var s string
		q := "SELECT coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '') FROM (SELECT t AS x FROM store." + table + " t)"
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		b.WriteString(table + ":" + s + "\n")
	}
	return b.String()
}

func count(t testing.TB, db *pirsql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

const twoCases = `{"id":"A","title":"one","timeline":{"detection":"2024-01-05T10:00:00Z"},"techniques":["T1566","T1078"],"action_items":[{"id":"1","summary":"s","due":"2024-02-01"}],"detection_rules":[{"id":"r1","techniques":["T1566"]}]}
{"id":"B","title":"two","timeline":{"detection":"2024-02-05T10:00:00Z","containment":"2024-02-05T12:00:00Z"}}
`

func TestLoadIdempotent(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "cases.jsonl", twoCases)

	s, err := load(t, db, false, p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != 2 || s.Updated != 0 || s.Unchanged != 0 {
		t.Fatalf("first: got %+v, want 2 inserted", s)
	}
	if s.Files[0].Format != "pir" || len(s.Files[0].SHA256) != 64 {
		t.Errorf("provenance: got %+v", s.Files[0])
	}
	before := snapshot(t, db)

	s, err = load(t, db, false, p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != 0 || s.Updated != 0 || s.Unchanged != 2 {
		t.Fatalf("re-ingest: got %+v, want 2 unchanged", s)
	}
	// Only the run bookkeeping grows; no case row changed.
	after := snapshot(t, db)
	for _, table := range []string{"cases", "case_techniques", "action_items", "detection_rules", "milestone_sources"} {
		if line(before, table) != line(after, table) {
			t.Errorf("%s changed on re-ingest:\n%s\n%s", table, line(before, table), line(after, table))
		}
	}

	// A changed case replaces its previous version with all its child rows.
	changed := strings.Replace(twoCases, `"title":"one"`, `"title":"one v2"`, 1)
	changed = strings.Replace(changed, `"techniques":["T1566","T1078"]`, `"techniques":["T1566"]`, 1)
	p2 := writeFile(t, dir, "cases-v2.jsonl", changed)
	s, err = load(t, db, false, p2)
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != 0 || s.Updated != 1 || s.Unchanged != 1 {
		t.Fatalf("changed: got %+v, want 1 updated 1 unchanged", s)
	}
	if n := count(t, db, "SELECT count(*) FROM cases"); n != 2 {
		t.Errorf("cases: got %d, want 2", n)
	}
	if n := count(t, db, "SELECT count(*) FROM case_techniques WHERE case_id = 'A'"); n != 1 {
		t.Errorf("techniques of A: got %d, want 1 (old child rows must go)", n)
	}
	if n := count(t, db, "SELECT count(*) FROM action_items WHERE case_id = 'A'"); n != 1 {
		t.Errorf("action items of A: got %d, want 1", n)
	}
	var title, file string
	db.QueryRow("SELECT title, source_file FROM cases WHERE case_id = 'A'").Scan(&title, &file)
	if title != "one v2" || file != p2 {
		t.Errorf("A: got %q from %q, want %q from %q", title, file, "one v2", p2)
	}
}

func line(snap, table string) string {
	for _, l := range strings.Split(snap, "\n") {
		if strings.HasPrefix(l, table+":") {
			return l
		}
	}
	return ""
}

func TestLoadInvalidLeavesDatabaseUnchanged(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "a.jsonl", twoCases)
	if _, err := load(t, db, false, good); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, db)
	bad := writeFile(t, dir, "b.jsonl", `{"id":"C","timeline":{"detection":"2024-03-01T00:00:00Z"}}`+"\n"+`{"id":"D","timeline":{"detection":"yesterday"}}`+"\n")
	// The good file is given again, plus a new valid case before the bad one.
	_, err := load(t, db, false, good, bad)
	if !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("got %v, want ErrInvalidRecord", err)
	}
	if want := bad + `:2: timeline.detection: cannot parse "yesterday" as a timestamp`; !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to contain %q", err, want)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("database changed by a failed ingest:\nbefore %s\nafter %s", before, after)
	}
}

func TestLoadSkipInvalid(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "m.jsonl", `{"id":"C","timeline":{"detection":"2024-03-01T00:00:00Z"}}`+"\n"+
		`{"id":"D","timeline":{"detection":"yesterday"}}`+"\n"+`{"id":"E","techniques":["X1"],"timeline":{"detection":"2024-03-01T00:00:00Z"}}`+"\n")
	s, err := load(t, db, true, p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != 1 || s.Rejected != 2 || len(s.Rejects) != 2 {
		t.Fatalf("got %+v, want 1 inserted 2 rejected", s)
	}
	var rec, field, reason string
	if err := db.QueryRow("SELECT record, field, reason FROM store.rejects WHERE record = '3'").Scan(&rec, &field, &reason); err != nil {
		t.Fatal(err)
	}
	if field != "techniques[0]" || !strings.Contains(reason, `"X1" is not an ATT&CK technique ID`) {
		t.Errorf("reject: got %s %q %q", rec, field, reason)
	}
	if n := count(t, db, "SELECT rejects FROM store.ingest_files"); n != 2 {
		t.Errorf("ingest_files.rejects: got %d, want 2", n)
	}
}

func TestLoadDuplicateIDsInOneRunLastWins(t *testing.T) {
	db := openTestDB(t)
	p := writeFile(t, t.TempDir(), "d.jsonl", `{"id":"A","title":"first","timeline":{"detection":"2024-03-01T00:00:00Z"},"techniques":["T1001"]}`+"\n"+
		`{"id":"A","title":"second","timeline":{"detection":"2024-03-01T00:00:00Z"},"techniques":["T1002"]}`+"\n"+
		`{"id":"A","source":"other","timeline":{"detection":"2024-03-01T00:00:00Z"}}`+"\n")
	s, err := load(t, db, false, p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != 2 || s.Duplicates != 1 {
		t.Fatalf("got %+v, want 2 inserted (two sources), 1 duplicate", s)
	}
	var title, tech string
	db.QueryRow("SELECT c.title, t.technique_id FROM cases c JOIN case_techniques t USING (source, case_id) WHERE source = 'pir'").Scan(&title, &tech)
	if title != "second" || tech != "T1002" {
		t.Errorf("got %q %q, want the last occurrence", title, tech)
	}
}

func TestLoadDirectoryAndFormats(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", twoCases)
	writeFile(t, dir, "b.csv", "id,source,timeline.detection\nX,csv,2024-01-01T00:00:00Z\n")
	writeFile(t, dir, "c.json", `[{"id":"Y","source":"arr","timeline":{"detection":"2024-01-01T00:00:00Z"}}]`)
	writeFile(t, dir, "notes.txt", "ignored")
	writeFile(t, dir, ".hidden.jsonl", "not json")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "sub"), "d.ndjson", `{"id":"Z","timeline":{"detection":"2024-01-01T00:00:00Z"}}`)
	if err := os.Symlink(dir, filepath.Join(dir, "sub", "loop")); err != nil {
		t.Fatal(err)
	}
	s, err := load(t, db, false, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Files) != 4 || s.Inserted != 5 {
		t.Fatalf("got %d files %d inserted, want 4 files 5 cases: %+v", len(s.Files), s.Inserted, s.Files)
	}
}

func TestLoadHostileFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, text, want string
	}{
		{"UTF8BOM", "bom.jsonl", "\ufeff" + `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, ""},
		{"UTF16", "u16.json", "\xff\xfe[\x00{\x00", "UTF-16 encoded file"},
		{"NUL", "nul.jsonl", "{\"id\":\"x\x00\"}", "NUL bytes"},
		{"ErrEmpty", "empty.jsonl", "", "no records (an empty export?)"},
		{"CRLFCSV", "crlf.csv", "id,timeline.detection\r\nx,2024-01-01T00:00:00Z\r\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			p := writeFile(t, dir, tc.file, tc.text)
			_, err := load(t, db, false, p)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("got %v, want an error naming %s and %q", err, p, tc.want)
			}
		})
	}
	t.Run("Missing", func(t *testing.T) {
		db := openTestDB(t)
		_, err := load(t, db, false, filepath.Join(dir, "nope.jsonl"))
		if err == nil || !strings.Contains(err.Error(), "nope.jsonl: no such file") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestLoadTimeZoneQuarter(t *testing.T) {
	db := openTestDB(t)
	p := writeFile(t, t.TempDir(), "tz.jsonl", `{"id":"NY","timeline":{"detection":"2024-03-31 23:30"}}`)
	ny, _ := time.LoadLocation("America/New_York")
	if _, err := Load(context.Background(), db, []Input{{Path: p}}, Options{Location: ny, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	var q string
	if err := db.QueryRow("SELECT quarter FROM cases").Scan(&q); err != nil {
		t.Fatal(err)
	}
	if q != "2024-Q2" { // session zone UTC: 03:30Z on 1 April
		t.Errorf("UTC session: got %s, want 2024-Q2", q)
	}
}

// rows renders a query's rows as text, one line per row, columns joined by
// " | " (NULL as NULL), for comparison with rows written by hand.
func rows(t testing.TB, db *pirsql.DB, q string) string {
	t.Helper()
	rs, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		cells := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				cells[i] = "NULL"
			case time.Time:
				cells[i] = x.UTC().Format("2006-01-02 15:04")
			default:
				cells[i] = fmt.Sprint(x)
			}
		}
		out = append(out, strings.Join(cells, " | "))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// TestLoadDimensions ingests a case with every field (the canonical test
// file full.json) and a case with none of the new ones, and checks each
// view that shows them, row by row.
func TestLoadDimensions(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	full, err := os.ReadFile("testdata/canonical/full.json")
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, dir, "full.json", string(full))
	q := writeFile(t, dir, "plain.jsonl", `{"id":"P","timeline":{"detection":"2024-04-01T00:00:00Z"},"lessons":{"went_well":["fast"]},"detection_rules":[{"id":"r"}]}`+"\n")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	in := []Input{{Path: p, Format: "auto"}, {Path: q, Format: "auto"}}
	if _, err := Load(context.Background(), db, in, Options{Location: berlin, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, query, want string }{
		{"cases", `SELECT case_id, team, business_unit, tenant, detection_source, assets, platforms,
		        review_status, review_held_at, review_published_at, review_facilitator,
		        impact_records, impact_cost, impact_currency, impact_downtime_hours, impact_regulator_notified, impact_customers_notified
		    FROM cases ORDER BY case_id`,
			"IR-2024-001 | SOC EU | Retail Banking | acme | attacker | [FS-BER-001 svc_backup] | [windows esxi] | held | 2024-02-27 13:00 | 2024-03-04 09:00 | Aoife Ní Bhriain | 1200 | 250000.5 | EUR | 36 | true | false\n" +
				"P | NULL | NULL | NULL | NULL | [] | [] | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL"},
		{"case_assets", `SELECT case_id, source, position, asset, asset_key FROM case_assets ORDER BY case_id, position`,
			"IR-2024-001 | soc-eu | 1 | FS-BER-001 | fs-ber-001\nIR-2024-001 | soc-eu | 2 | svc_backup | svc_backup"},
		{"case_platforms", `SELECT case_id, source, platform FROM case_platforms ORDER BY case_id, platform`,
			"IR-2024-001 | soc-eu | esxi\nIR-2024-001 | soc-eu | windows"},
		{"lessons", `SELECT case_id, source, kind, position, lesson, theme FROM lessons ORDER BY case_id, kind DESC, position`,
			"IR-2024-001 | soc-eu | went_well | 1 | Backups restored | NULL\n" +
				"IR-2024-001 | soc-eu | went_well | 2 | Crisis team met within the hour | Coordination\n" +
				"IR-2024-001 | soc-eu | needs_improvement | 1 | Patch SLA | NULL\n" +
				"P | pir | went_well | 1 | fast | NULL"},
		{"playbook_updates", `SELECT case_id, source, position, playbook, change, owner, due_date, status, completed_at FROM playbook_updates ORDER BY position`,
			"IR-2024-001 | soc-eu | 1 | Ransomware | Isolate ESXi management network first | SOC | 2024-03-31 00:00 | in-progress | NULL\n" +
				"IR-2024-001 | soc-eu | 2 | Backup restore | NULL | NULL | NULL | done | 2024-03-02 12:00"},
		{"case_impact", `SELECT * FROM case_impact`,
			"IR-2024-001 | soc-eu | 2024-Q1 | 1200 | 250000.5 | EUR | 36 | true | false"},
		{"case_reviews", `SELECT * FROM case_reviews`,
			"IR-2024-001 | soc-eu | 2024-Q1 | held | 2024-02-27 13:00 | 2024-03-04 09:00 | Aoife Ní Bhriain | 2024-02-20 17:00"},
		{"detection_rules", `SELECT case_id, rule_id, title, techniques, status, sigma_id FROM detection_rules ORDER BY case_id, rule_id`,
			"IR-2024-001 | DR-7 | Suspicious Kerberos RC4 Ticket Encryption | [T1558.003] | deployed | 496a0e47-0a33-4dca-b009-9e6ca3591f39\n" +
				"IR-2024-001 | sigma-123 | VPN exploit | [T1190] | NULL | NULL\n" +
				"P | r | NULL | [] | NULL | NULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rows(t, db, tc.query); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}

	// An updated case replaces its child rows; the same file again is
	// unchanged.
	changed := strings.Replace(string(full), `{"playbook": "Backup restore", "completed": "2024-03-02T12:00:00Z"}`, `{"playbook": "Backup restore v2"}`, 1)
	changed = strings.Replace(changed, `"Crisis team met within the hour", "theme": "Coordination"`, `"Crisis team met within the hour", "theme": "Crisis management"`, 1)
	p2 := writeFile(t, dir, "full-v2.json", changed)
	s, err := Load(context.Background(), db, []Input{{Path: p2}, {Path: q}}, Options{Location: berlin, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if s.Updated != 1 || s.Unchanged != 1 {
		t.Fatalf("got %+v, want 1 updated, 1 unchanged", s)
	}
	if got, want := rows(t, db, `SELECT playbook, status FROM playbook_updates ORDER BY position`), "Ransomware | in-progress\nBackup restore v2 | open"; got != want {
		t.Errorf("playbook updates after the update: got\n%s\nwant\n%s", got, want)
	}
	if got, want := rows(t, db, `SELECT theme FROM lessons WHERE theme IS NOT NULL`), "Crisis management"; got != want {
		t.Errorf("themes after the update: got %s, want %s", got, want)
	}
}
