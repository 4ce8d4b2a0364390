package ingest

import (
	"context"
	"errors"
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
	for _, table := range []string{"cases", "case_techniques", "action_items", "detection_rules", "milestone_sources", "ingest_files", "ingest_runs", "rejects"} {
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
