package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// storeText is every case row of the store and its child rows as text, in
// a fixed order, without the cases of source "seed" and without the run
// bookkeeping (run ids differ between databases). Milestone sources are
// read from the view (the canonical ones are derived there).
func storeText(t testing.TB, db *pirsql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"store.cases", "store.case_techniques", "store.action_items", "store.detection_rules", "store.playbook_updates", "main.milestone_sources", "store.veris_timeline"} {
		var s string
		q := "SELECT coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '') FROM (SELECT t AS x FROM " + table + " t WHERE source <> 'seed')"
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		b.WriteString(table + ":" + s + "\n")
	}
	return b.String()
}

// TestLoadRoutesAgree loads the same inputs through each route the loader
// has (straight to an empty store; staged and merged, as into a store it
// does not read; straight to a store whose digests it read, and staged by
// key when unchanged; the same after asking the store about the keys it
// reads, a batch at a time) and checks that the store and the summary come out
// the same: the routes change the speed, never the result. The inputs have
// the cases of the sample, a case repeated unchanged and repeated changed
// in the same file, and a TheHive export (milestone sources appended, not
// derived).
func TestLoadRoutesAgree(t *testing.T) {
	dir := t.TempDir()
	sample, err := os.ReadFile("../examples/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(sample)), "\n")
	first := lines[:len(lines)/2]
	// The second file repeats a case of the first unchanged, one changed,
	// and one twice (changed, then as before: the last one wins).
	second := append([]string{}, lines[len(lines)/2:]...)
	second = append(second, lines[3], strings.Replace(lines[5], `"status":"`, `"title":"changed","status":"`, 1),
		strings.Replace(lines[7], `"status":"`, `"title":"changed","status":"`, 1), lines[7])
	files := []string{
		writeFile(t, dir, "a.jsonl", strings.Join(first, "\n")+"\n"),
		writeFile(t, dir, "b.jsonl", strings.Join(second, "\n")+"\n"),
		"testdata/thehive/thehive5-cases.json",
	}
	seed := writeFile(t, dir, "seed.jsonl", `{"id":"S","source":"seed","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n")
	staged := routing{choose: func([]inputFile, int64) lookup { return lookupNone }}
	digests := routing{choose: func([]inputFile, int64) lookup { return lookupAll }}
	// probed in batches of 7 cases: keys repeat within and across batches
	probed := routing{choose: func([]inputFile, int64) lookup { return lookupProbe }, batch: 7}
	auto := routing{choose: chooseLookup, batch: probeBatch}
	run := func(t *testing.T, db *pirsql.DB, rt routing, paths ...string) *Summary {
		t.Helper()
		var in []Input
		for _, p := range paths {
			in = append(in, Input{Path: p, Format: "auto"})
		}
		s, err := loadRouted(context.Background(), db, in, Options{Now: fixedNow}, rt)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	res := func(db *pirsql.DB, s *Summary) routeResult {
		return routeResult{storeText(t, db), s.Inserted, s.Updated, s.Unchanged, s.Duplicates, s.Records}
	}

	// Empty store: every first-seen case goes straight to the store.
	bulk := openTestDB(t)
	want := res(bulk, run(t, bulk, auto, files...))
	if want.inserted < 100 || want.dups != 4 || want.updated != 0 {
		t.Fatalf("first load: got %+v", want)
	}
	if !strings.Contains(want.store, "timeline.detection") || !strings.Contains(want.store, "_createdAt") {
		t.Fatal("milestone sources of both kinds missing")
	}
	for name, rt := range map[string]routing{"Staged": staged, "Digests": digests, "Probed": probed} {
		t.Run(name, func(t *testing.T) {
			db := openTestDB(t)
			run(t, db, auto, seed)
			if got := res(db, run(t, db, rt, files...)); got != want {
				t.Errorf("first load: %s", resultDiff(got, want))
			}
		})
	}

	// Again: everything unchanged, whichever route.
	for name, rt := range map[string]routing{"Staged": staged, "Digests": digests, "Probed": probed} {
		t.Run("Again"+name, func(t *testing.T) {
			s := run(t, bulk, rt, files...)
			if s.Unchanged != want.inserted || s.Inserted != 0 || s.Updated != 0 || s.Duplicates != 4 {
				t.Errorf("again: got %+v", s)
			}
			if got := storeText(t, bulk); got != want.store {
				t.Errorf("store changed by a load of the same files")
			}
		})
	}

	// A file with changed, new and repeated cases, into stores loaded both
	// ways.
	third := []string{
		strings.Replace(lines[0], `"status":"`, `"title":"v3","status":"`, 1),
		lines[1],
		`{"id":"NEW-1","timeline":{"detection":"2024-05-01T00:00:00Z"},"techniques":["T1566"]}`,
		`{"id":"NEW-1","timeline":{"detection":"2024-05-02T00:00:00Z"}}`,
		lines[len(lines)-1],
	}
	p3 := writeFile(t, dir, "c.jsonl", strings.Join(third, "\n")+"\n")
	var after []routeResult
	for _, rt := range []routing{staged, digests, probed} {
		db := openTestDB(t)
		run(t, db, auto, files...)
		after = append(after, res(db, run(t, db, rt, p3)))
	}
	if after[0] != after[1] {
		t.Errorf("changes: staged vs digests: %s", resultDiff(after[0], after[1]))
	}
	if after[0] != after[2] {
		t.Errorf("changes: staged vs probed: %s", resultDiff(after[0], after[2]))
	}
	if a := after[0]; a.inserted != 1 || a.updated != 1 || a.unchanged != 2 || a.dups != 1 {
		t.Errorf("changes: got %+v, want 1 inserted, 1 updated, 2 unchanged, 1 duplicate", a)
	}
}

// TestLoadUnchangedIsVerified: a case staged by key only, because its key
// and the first 64 bits of its digest match the store, is compared whole
// before anything commits; one that differs (a 64-bit collision, made here
// by hand) fails the ingest, which changes nothing.
func TestLoadUnchangedIsVerified(t *testing.T) {
	db := openTestDB(t)
	p := writeFile(t, t.TempDir(), "cases.jsonl", twoCases)
	if _, err := load(t, db, false, p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE store.cases SET content_sha256 = content_sha256[1:16] || repeat('0', 48) WHERE case_id = 'A'`); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, db)
	for _, l := range []lookup{lookupAll, lookupProbe} {
		_, err := loadRouted(context.Background(), db, []Input{{Path: p}}, Options{Now: fixedNow},
			routing{choose: func([]inputFile, int64) lookup { return l }, batch: 1})
		if !errors.Is(err, pirsql.ErrDigestMismatch) {
			t.Fatalf("lookup %d: got %v, want ErrDigestMismatch", l, err)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("lookup %d: a failed ingest changed the database", l)
		}
	}
}

// TestKeyRouterProbed: a router that does not know the store routes the
// keys it asked about as one that read the store's digests would, and
// stages the others.
func TestKeyRouterProbed(t *testing.T) {
	const h1, h2 = "00000000000000010000", "00000000000000020000"
	k := newKeyRouter(false)
	if !k.needsProbe("pir", "A") {
		t.Fatal("an unknown key needs no probe")
	}
	k.probed("pir", "A", true, 1)
	k.probed("pir", "B", true, 1)
	k.probed("pir", "C", false, 0)
	if k.needsProbe("pir", "A") || k.needsProbe("pir", "C") {
		t.Error("a probed key needs another probe")
	}
	for i, c := range []struct {
		source, id, hash string
		want             route
	}{
		{"pir", "A", h1, routeUnchanged},
		{"pir", "B", h2, routeStage}, // stored, changed
		{"pir", "C", h1, routeNew},   // not stored
		{"pir", "C", h1, routeStage}, // repeated in the run
		{"pir", "D", h1, routeStage}, // not asked about
		{"pir", "A", h1, routeStage}, // repeated in the run
	} {
		if got := k.route(c.source, c.id, c.hash); got != c.want {
			t.Errorf("%d %s/%s: got %v, want %v", i, c.source, c.id, got, c.want)
		}
	}
	if k.needsProbe("pir", "C") {
		t.Error("a key read in the run needs a probe")
	}
}

// TestKeyRouter: the routes of a sequence of keys.
func TestKeyRouter(t *testing.T) {
	const h1, h2 = "00000000000000010000", "00000000000000020000"
	k := newKeyRouter(false)
	if got := k.route("pir", "A", h1); got != routeStage {
		t.Errorf("unknown store: got %v, want routeStage", got)
	}
	k.stored("pir", "A", 1)
	k.stored("pir", "B", 1)
	for i, c := range []struct {
		source, id, hash string
		want             route
	}{
		{"pir", "A", h1, routeUnchanged},
		{"pir", "B", h2, routeStage}, // stored, changed
		{"pir", "C", h1, routeNew},   // not stored
		{"pir", "C", h1, routeStage}, // repeated in the run
		{"pir", "A", h1, routeStage}, // repeated in the run
		{"pi", "rC", h1, routeNew},   // another key, same bytes
		{"other", "A", h1, routeNew}, // another source
	} {
		if got := k.route(c.source, c.id, c.hash); got != c.want {
			t.Errorf("%d %s/%s: got %v, want %v", i, c.source, c.id, got, c.want)
		}
	}
}

// routeResult is what a load leaves: the store as text and the counts.
type routeResult struct {
	store                                       string
	inserted, updated, unchanged, dups, records int
}

// resultDiff says how got differs from want: the counts, and the rows of
// the store in one and not the other.
func resultDiff(got, want routeResult) string {
	var b strings.Builder
	g, w := got, want
	g.store, w.store = "", ""
	if g != w {
		fmt.Fprintf(&b, "counts: got %+v, want %+v\n", g, w)
	}
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			table, rows, _ := strings.Cut(l, ":")
			for _, r := range strings.Split(rows, "|{") {
				m[table+": "+r] = true
			}
		}
		return m
	}
	gs, ws := set(got.store), set(want.store)
	n := 0
	for r := range gs {
		if !ws[r] && n < 5 {
			fmt.Fprintf(&b, "extra: %.300s\n", r)
			n++
		}
	}
	for r := range ws {
		if !gs[r] && n < 10 {
			fmt.Fprintf(&b, "missing: %.300s\n", r)
			n++
		}
	}
	return b.String()
}
