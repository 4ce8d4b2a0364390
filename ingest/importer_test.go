package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// Shared helpers of the importer tests (thehive_test.go, servicenow_test.go,
// sentinel_test.go, iris_test.go, veris_test.go).

// parsed is what one Parse call emitted, in order.
type parsed struct {
	cases []*Case
	errs  []*RecordError
	err   error // Parse's own result
}

// byID returns the case with the ID or fails.
func (p parsed) byID(t *testing.T, id string) *Case {
	t.Helper()
	for _, c := range p.cases {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no case %q among %d", id, len(p.cases))
	return nil
}

// parseWith runs a format's parser on a file (or on text, when text is not
// empty, reported as path).
func parseWith(t *testing.T, f Format, path, text string, mapping map[string]string) parsed {
	t.Helper()
	data := []byte(text)
	if text == "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	var out parsed
	p := &ParseContext{File: path, Location: time.UTC, Mapping: mapping, Now: fixedNow}
	out.err = f.Parse(p, bytes.NewReader(data), func(r Record) error {
		if (r.Case == nil) == (r.Err == nil) {
			t.Fatalf("record with case %v and error %v", r.Case, r.Err)
		}
		if r.Err != nil {
			out.errs = append(out.errs, r.Err)
		} else {
			out.cases = append(out.cases, r.Case)
		}
		return nil
	})
	return out
}

// tp is a timestamp literal for expectations.
func tp(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// want is a hand-written expectation for one case; every field is checked
// (nil/empty means "absent"), Extra only for the keys listed.
type want struct {
	ID, Source, Title, Severity, Category, Status, RootCause string
	Excluded                                                 bool
	Tags, Techniques                                         []string
	Timeline                                                 map[string]*time.Time
	Sources                                                  map[string]string
	Extra                                                    map[string]any
	Buckets                                                  []TimelineBucket
}

func checkCase(t *testing.T, got *Case, w want) {
	t.Helper()
	eq := func(field string, g, w any) {
		t.Helper()
		if !reflect.DeepEqual(g, w) {
			t.Errorf("case %s: %s: got %#v, want %#v", got.ID, field, g, w)
		}
	}
	eq("id", got.ID, w.ID)
	eq("source", got.Source, w.Source)
	eq("title", got.Title, w.Title)
	eq("severity", got.Severity, w.Severity)
	eq("category", got.Category, w.Category)
	eq("status", got.Status, w.Status)
	eq("excluded", got.Excluded, w.Excluded)
	eq("root_cause.category", got.RootCause.Category, w.RootCause)
	eq("tags", nilIfEmpty(got.Tags), nilIfEmpty(w.Tags))
	eq("techniques", nilIfEmpty(got.Techniques), nilIfEmpty(w.Techniques))
	for _, m := range Milestones {
		g, wt := got.Timeline.Get(m), w.Timeline[m]
		switch {
		case g == nil && wt == nil:
		case g == nil || wt == nil || !g.Equal(*wt):
			t.Errorf("case %s: timeline.%s: got %v, want %v", got.ID, m, fmtTime(g), fmtTime(wt))
		}
	}
	gs := got.MilestoneSources
	if len(gs) == 0 {
		gs = nil
	}
	ws := w.Sources
	if len(ws) == 0 {
		ws = nil
	}
	eq("milestone sources", gs, ws)
	if len(w.Extra) > 0 {
		var extra map[string]any
		if err := json.Unmarshal(got.Extra, &extra); err != nil {
			t.Errorf("case %s: extra: %v", got.ID, err)
		}
		for k, v := range w.Extra {
			wj, _ := json.Marshal(v)
			gj, _ := json.Marshal(extra[k])
			if string(wj) != string(gj) {
				t.Errorf("case %s: extra.%s: got %s, want %s", got.ID, k, gj, wj)
			}
		}
	}
	gb := got.Buckets
	if len(gb) == 0 {
		gb = nil
	}
	wb := w.Buckets
	if len(wb) == 0 {
		wb = nil
	}
	if fmt.Sprint(bucketsText(gb)) != fmt.Sprint(bucketsText(wb)) {
		t.Errorf("case %s: buckets: got %v, want %v", got.ID, bucketsText(gb), bucketsText(wb))
	}
}

func nilIfEmpty(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return l
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "<absent>"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func bucketsText(bs []TimelineBucket) []string {
	var out []string
	for _, b := range bs {
		s := b.Phase + ":" + b.Unit
		if b.Value != nil {
			s += fmt.Sprintf(":%g", *b.Value)
		}
		if b.Hours != nil {
			s += fmt.Sprintf("=%.4fh", *b.Hours)
		}
		out = append(out, s)
	}
	return out
}

func f64(v float64) *float64 { return &v }

// wantErr is an expected record error.
type wantErr struct {
	Ref, Field, Reason string // Reason: a substring
}

func checkErrs(t *testing.T, got []*RecordError, file string, want []wantErr) {
	t.Helper()
	if len(got) != len(want) {
		for _, e := range got {
			t.Log(e)
		}
		t.Fatalf("got %d record errors, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.File != file || g.Ref != w.Ref || g.Field != w.Field || !strings.Contains(g.Reason, w.Reason) {
			t.Errorf("error %d: got %q (ref %q, field %q), want ref %q, field %q, reason containing %q", i, g.Error(), g.Ref, g.Field, w.Ref, w.Field, w.Reason)
		}
		if !strings.HasPrefix(g.Error(), file+":"+w.Ref+": ") {
			t.Errorf("error %d: %q does not start with the file and record", i, g.Error())
		}
	}
}

// loadTwice ingests the inputs into a fresh in-memory database with
// --format auto, then again, and checks the second run changed nothing.
// It returns the database and the first run's summary.
func loadTwice(t *testing.T, wantFormat string, mapping map[string]string, paths ...string) (*pirsql.DB, *Summary) {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var in []Input
	for _, p := range paths {
		in = append(in, Input{Path: p, Format: "auto", Mapping: mapping})
	}
	first, err := Load(ctx, db, in, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range first.Files {
		if f.Format != wantFormat {
			t.Errorf("%s: auto-detected %q, want %q", f.Path, f.Format, wantFormat)
		}
	}
	if first.Inserted == 0 || first.Updated != 0 || first.Unchanged != 0 || first.Rejected != 0 {
		t.Errorf("first load: %+v", first)
	}
	before := importerSnapshot(t, db)
	second, err := Load(ctx, db, in, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if second.Inserted != 0 || second.Updated != 0 || second.Unchanged != first.Inserted {
		t.Errorf("second load: inserted %d, updated %d, unchanged %d; want 0, 0, %d", second.Inserted, second.Updated, second.Unchanged, first.Inserted)
	}
	if after := importerSnapshot(t, db); after != before {
		t.Errorf("re-ingest changed the store:\nbefore %s\nafter  %s", before, after)
	}
	return db, first
}

// importerSnapshot is the case store without the run bookkeeping.
func importerSnapshot(t *testing.T, db *pirsql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"cases", "case_techniques", "milestone_sources", "veris_timeline"} {
		var s string
		q := "SELECT coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '') FROM (SELECT t AS x FROM store." + table + " t)"
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		b.WriteString(table + ":" + s + "\n")
	}
	return b.String()
}

// queryRows returns a query's rows as text, for compact expectations.
func queryRows(t *testing.T, db *pirsql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
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
		var parts []string
		for _, v := range vals {
			if tv, ok := v.(time.Time); ok {
				v = tv.UTC().Format(time.RFC3339)
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDetectFixtures: --format auto picks the right importer for every
// fixture, and the canonical fixtures stay "pir".
func TestDetectFixtures(t *testing.T) {
	fs := DefaultFormats()
	dirs := map[string]string{"thehive": "thehive", "servicenow": "servicenow", "sentinel": "sentinel", "iris": "iris", "veris": "veris", "canonical": "pir"}
	n := 0
	for dir, format := range dirs {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			switch strings.ToLower(filepath.Ext(path)) {
			case ".json", ".jsonl", ".csv":
			default:
				continue
			}
			if strings.Contains(filepath.Base(path), "-invalid") {
				continue // bad records, read with an explicit --format
			}
			head, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(head) > 64<<10 {
				head = head[:64<<10]
			}
			head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
			got, err := fs.Detect(path, head)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if got.Format.Name() != format {
				t.Errorf("%s: detected %q (%s), want %q", path, got.Format.Name(), got.By, format)
			}
			n++
		}
	}
	if n < 20 {
		t.Errorf("only %d fixtures checked", n)
	}
}

// TestDetectNotStolen: files of other kinds are not claimed by an importer.
func TestDetectNotStolen(t *testing.T) {
	fs := DefaultFormats()
	for _, tc := range []struct{ name, head, want string }{
		{"cases.csv", "id,title,timeline.detection\nA,x,2024-01-01T00:00:00Z\n", "pir"},
		{"cases.jsonl", `{"id":"A","timeline":{"detection":"2024-01-01T00:00:00Z"},"title":"case_id and number in a title"}`, "pir"},
		{"incidents.csv", "number,opened_at,short_description,state\nSIR1,2024-01-01 10:00:00,x,Analysis\n", "servicenow"},
		{"si.csv", "TenantId,TimeGenerated,IncidentName,IncidentNumber\n", "sentinel"},
	} {
		got, err := fs.Detect(tc.name, []byte(tc.head))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.Format.Name() != tc.want {
			t.Errorf("%s: detected %q (%s), want %q", tc.name, got.Format.Name(), got.By, tc.want)
		}
	}
}

// fuzzImporter is the shared body of the FuzzParse* targets: arbitrary
// bytes never make the parser panic; every record is a case or an error
// naming the file, and every case satisfies the model's invariants.
func fuzzImporter(f *testing.F, format Format, seedGlobs []string, seeds []string) {
	for _, g := range seedGlobs {
		files, _ := filepath.Glob(g)
		for _, s := range files {
			if b, err := os.ReadFile(s); err == nil && len(b) < 256<<10 {
				f.Add(b)
			}
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &ParseContext{File: "fuzz.in", Location: time.UTC, Now: time.Now, Limits: Limits{MaxRecordBytes: 1 << 20}}
		err := format.Parse(p, bytes.NewReader(data), func(r Record) error {
			if (r.Case == nil) == (r.Err == nil) {
				t.Fatalf("record with case %v and error %v", r.Case, r.Err)
			}
			if r.Err != nil {
				if !strings.HasPrefix(r.Err.Error(), "fuzz.in:") {
					t.Fatalf("error does not name the file: %q", r.Err)
				}
				return nil
			}
			c := r.Case
			if c.ID == "" || c.Source == "" || (c.Status != "open" && c.Status != "closed") || visibleID(c.ID) != nil {
				t.Fatalf("accepted an invalid case: %+v", c)
			}
			for _, id := range c.Techniques {
				if !techniqueRE.MatchString(id) {
					t.Fatalf("accepted technique %q", id)
				}
			}
			var keys []string
			for _, m := range Milestones {
				if c.Timeline.Get(m) != nil {
					keys = append(keys, m)
					if c.MilestoneSources[m] == "" {
						t.Fatalf("milestone %s without its source", m)
					}
				}
			}
			if len(keys) != len(c.MilestoneSources) {
				sort.Strings(keys)
				t.Fatalf("milestone sources %v for milestones %v", c.MilestoneSources, keys)
			}
			if len(c.Extra) > 0 && !json.Valid(c.Extra) {
				t.Fatalf("extra is not JSON: %q", c.Extra)
			}
			checkDimensionInvariants(t, c)
			_ = c.ContentHash()
			return nil
		})
		if re, ok := err.(*RecordError); ok && !strings.HasPrefix(re.Error(), "fuzz.in:") {
			t.Fatalf("file error does not name the file: %q", err)
		}
	})
}
