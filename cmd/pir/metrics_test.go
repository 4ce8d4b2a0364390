package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/internal/navcheck"
	pirsql "github.com/pirhq/pir/sql"
)

// update rewrites golden files: go test ./... -update (or make golden).
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// metricsClock is 15 January 2026: the last complete quarter is 2025-Q4.
var metricsClock = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

// runMetricsCLI runs the CLI in-process, as run does, with a fixed clock.
func runMetricsCLI(t testing.TB, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: func() time.Time { return now }}
	e.log = slog.New(slog.NewTextHandler(&errb, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err := newApp(e).RunContext(context.Background(), append([]string{"pir"}, args...))
	return exitCode(err, &errb), out.String(), errb.String()
}

// sampleDB ingests the bundled sample (examples/cases.jsonl) into a new
// database file, under its repository-relative name so the provenance in
// the report does not depend on the checkout's location.
func sampleDB(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat("../../examples/cases.jsonl"); err != nil {
		t.Fatalf("the bundled sample is missing (make it with pir sample, see examples/README.md): %v", err)
	}
	db := filepath.Join(t.TempDir(), "pir.duckdb")
	if code, _, errs := runMetricsCLI(t, metricsClock, "ingest", "--db", db, "../../examples/cases.jsonl"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	return db
}

// fixtureDB is a database file holding the hand-checked fixture of
// testdata/metrics/seed.sql (worked out in analytics/build_test.go).
func fixtureDB(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.duckdb")
	ctx := context.Background()
	db, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := os.ReadFile("../../testdata/metrics/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(seed)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMetricsGolden(t *testing.T) {
	db := sampleDB(t)
	code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep analytics.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not the report model: %v", err)
	}
	if rep.Quarter != "2025-Q4" || len(rep.Quarters) != 8 || rep.Cases == 0 {
		t.Errorf("report: quarter %s, %d quarters, %d cases", rep.Quarter, len(rep.Quarters), rep.Cases)
	}
	golden := filepath.Join("..", "..", "testdata", "metrics", "sample-2025-Q4.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/pir -run Golden -update)", err)
	}
	if out != string(want) {
		gl, wl := strings.Split(out, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("output differs from %s at line %d:\ngot  %s\nwant %s\n(if the change is intended: go test ./cmd/pir -run Golden -update)", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("output differs from %s in length: got %d lines, want %d", golden, len(gl), len(wl))
	}
}

func TestMetricsTable(t *testing.T) {
	db := fixtureDB(t)
	code, out, errs := runMetricsCLI(t, time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC), "metrics", "--db", db, "--quarters", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"pir metrics 2024-Q1: detection cohort, time zone UTC, as of 2024-03-31\n5 incidents in 2024-Q1 (1 excluded from metrics)\n",
		// median first; 10, 10, 20 hours; 6 h → 10 h against 2023-Q4, 30 h → 10 h a year earlier
		// fewer than 5 cases on a side: neutral (≈ no clear change)
		"METRIC                  N   MEDIAN  P90     MEAN    MIN     MAX     VS 2023-Q4             VS 2023-Q1              EXCLUDED (start/end/order/case)",
		"Time to contain (MTTC)  3*  10.0 h  18.0 h  13.3 h  10.0 h  20.0 h  +4.0 h (+67%) neutral  -20.0 h (-67%) neutral  0/0/1/1",
		// 2023-Q4: 9 and 19 days; a year earlier Y1 also took 9 days
		"Time to close           3*  9.0 d   19.4 d  11.7 d  4.0 d   22.0 d  -5.0 d (-36%) neutral  0 d (0%) neutral        0/1/0/1",
		"* fewer than 5 cases: too few to compare quarters",
		"METRIC                  2023-Q2      2023-Q3  2023-Q4     2024-Q1",
		"Time to contain (MTTC)  – (0)        – (0)    6.0 h (2)   10.0 h (3)",
		"  - 3 action items were overdue on 31 March 2024",
		"Data quality: 4 cases in 2024-Q1",
		"  contain    Time to contain (MTTC)  detection → containment",
		"ATT&CK names: Enterprise v18.1. © 2025 The MITRE Corporation.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestMetricsListLimit: --list-limit caps the long lists of the JSON
// model and leaves every count complete (the fixture has 3 overdue items
// and 2 notable cases in 2024-Q1).
func TestMetricsListLimit(t *testing.T) {
	db := fixtureDB(t)
	for _, tc := range []struct {
		limit            string
		overdue, notable int
	}{{"1", 1, 1}, {"-1", 3, 2}, {"200", 3, 2}} {
		code, out, errs := runMetricsCLI(t, time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC), "metrics", "--db", db, "--format", "json", "--list-limit", tc.limit)
		if code != 0 {
			t.Fatalf("--list-limit %s: exit %d: %s", tc.limit, code, errs)
		}
		var rep analytics.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Overdue) != tc.overdue || rep.OverdueTotal != 3 || len(rep.Notable) != tc.notable || rep.NotableTotal != 2 {
			t.Errorf("--list-limit %s: overdue %d of %d, notable %d of %d; want %d of 3, %d of 2",
				tc.limit, len(rep.Overdue), rep.OverdueTotal, len(rep.Notable), rep.NotableTotal, tc.overdue, tc.notable)
		}
	}
}

func TestMetricsCSVAndConfig(t *testing.T) {
	db := fixtureDB(t)
	// The config redefines MTTR, adds a metric, sets the zone (C6 joins Q1
	// in New York) and the trend length; --quarters on the command line wins.
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	if err := os.WriteFile(cfg, []byte(`time_zone = "America/New_York"
quarters = 6
db = "`+db+`"

[[metric]]
name = "recover"
label = "MTTR (detection to closure)"
start = "detection"
end = "closure"

[[metric]]
name = "contain_from_triage"
start = "triage"
end = "containment"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	code, out, errs := runMetricsCLI(t, now, "metrics", "--config", cfg, "--quarter", "2024-Q1", "--quarters", "2", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+8*2 {
		t.Fatalf("rows: got %d, want header + 8 metrics × 2 quarters", len(recs))
	}
	want := map[string]string{
		// New York: contain 2, 10, 10, 20 → median 10, p90 17
		"2024-Q1 contain": "2024-Q1,contain,Time to contain (MTTC),detection,containment,detection,America/New_York,4,10,17,10.5,2,20,0,0,1,1,true",
		// C1 528 h, C2 96 h, C4 216 h, C6 20.5 h (03:30 UTC 1 April → 2 April)
		"2024-Q1 recover": "2024-Q1,recover,MTTR (detection to closure),detection,closure,detection,America/New_York,4,156,434.4,215.125,20.5,528,0,1,0,1,true",
		// C1 triage 02:00 → containment 10:00; C2 0 h → 20 h
		"2024-Q1 contain_from_triage": "2024-Q1,contain_from_triage,contain_from_triage,triage,containment,detection,America/New_York,2,14,18.8,14,8,20,3,0,0,1,true",
	}
	for _, r := range recs[1:] {
		if w, ok := want[r[0]+" "+r[1]]; ok {
			if got := strings.Join(r, ","); got != w {
				t.Errorf("%s %s:\ngot  %s\nwant %s", r[0], r[1], got, w)
			}
			delete(want, r[0]+" "+r[1])
		}
	}
	if len(want) > 0 {
		t.Errorf("missing rows: %v", want)
	}
}

func TestMetricsUsageErrors(t *testing.T) {
	db := fixtureDB(t)
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"BadFormat", []string{"--format", "xml"}, exitUsage, `--format "xml"`},
		{"BadQuarter", []string{"--quarter", "2024-Q5"}, exitUsage, "--quarter"},
		{"FutureQuarter", []string{"--quarter", "2024-Q3"}, exitUsage, "has not started"},
		{"BadCohort", []string{"--cohort", "resolution"}, exitUsage, "--cohort"},
		{"BadQuarters", []string{"--quarters", "0"}, exitUsage, "--quarters"},
		{"BadZone", []string{"--tz", "Mars/Olympus"}, exitUsage, "time zone"},
		{"NoDatabase", []string{"--db", filepath.Join(t.TempDir(), "none.duckdb")}, exitFailed, "no such database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"metrics", "--db", db}, tc.args...)
			code, _, errs := runMetricsCLI(t, now, args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Errorf("got exit %d %q, want %d containing %q", code, errs, tc.code, tc.msg)
			}
		})
	}
	// A config error is a usage error, found before the database opens.
	t.Run("BadDefinition", func(t *testing.T) {
		cfg := filepath.Join(t.TempDir(), "pir.toml")
		os.WriteFile(cfg, []byte("[[metric]]\nname = \"x\"\nstart = \"detection\"\nend = \"lunch\"\n"), 0o600)
		code, _, errs := runMetricsCLI(t, now, "metrics", "--db", db, "--config", cfg)
		if code != exitUsage || !strings.Contains(errs, `end "lunch"`) {
			t.Errorf("got exit %d %q", code, errs)
		}
	})
}

func TestAttackLayerCLI(t *testing.T) {
	db := fixtureDB(t)
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	out := filepath.Join(t.TempDir(), "layer.json")
	code, stdout, errs := runMetricsCLI(t, now, "attack-layer", "--db", db, "--quarter", "2024-Q1", "--quarters", "2", "-o", out)
	if code != 0 || stdout != "" || !strings.Contains(errs, "6 techniques; 4 deprecated, revoked or unknown IDs listed in its metadata") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkNavigatorLayer(t, b)
	var l analytics.Layer
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	if l.Domain != "enterprise-attack" || l.Versions.Layer != "4.5" || l.Techniques[0].TechniqueID != "T1059.001" || l.Techniques[0].Score != 2 {
		t.Errorf("layer: got %+v", l)
	}
	// Default: the last complete quarter, to stdout.
	code, stdout, _ = runMetricsCLI(t, now, "attack-layer", "--db", db)
	if code != 0 || !strings.Contains(stdout, `"name": "pir incidents 2024-Q1"`) {
		t.Errorf("stdout layer: exit %d %s", code, stdout)
	}
	code, _, errs = runMetricsCLI(t, now, "attack-layer", "--db", db, "layer.json")
	if code != exitUsage || !strings.Contains(errs, "-o FILE") {
		t.Errorf("positional file: exit %d %q", code, errs)
	}
}

// checkNavigatorLayer loads a layer file with the ATT&CK Navigator's rules
// (package navcheck, with the embedded ATT&CK release) and fails on every
// problem. It returns what the Navigator keeps.
func checkNavigatorLayer(t *testing.T, b []byte) *navcheck.Layer {
	t.Helper()
	ctx := context.Background()
	mem, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	ts, err := mem.AttackTechniques(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, probs := navcheck.Load(b, navcheck.NewCatalogue(ts))
	for _, p := range probs {
		t.Errorf("Navigator: %s", p)
	}
	if l == nil {
		t.FailNow()
	}
	return l
}

func TestAttackLayerDiffCLI(t *testing.T) {
	db := fixtureDB(t)
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	out := filepath.Join(t.TempDir(), "change.json")
	code, stdout, errs := runMetricsCLI(t, now, "attack-layer", "--db", db, "-o", out, "--diff", "2023-Q4", "2024-Q1")
	if code != 0 || stdout != "" || !strings.Contains(errs, "6 techniques") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	l := checkNavigatorLayer(t, b)
	t.Log("\n" + l.Summary())
	if l.Name != "pir change in incidents 2023-Q4 to 2024-Q1" || l.GradientMin != -2 || l.GradientMax != 2 || len(l.Legend) != 3 {
		t.Errorf("got %+v", l)
	}
	// The same layer, the quarters given as one value, to stdout.
	code, stdout, _ = runMetricsCLI(t, now, "attack-layer", "--db", db, "--diff", "2023-Q4,2024-Q1")
	if code != 0 || strings.TrimSpace(stdout) != strings.TrimSpace(string(b)) {
		t.Errorf("--diff FROM,TO: exit %d, output differs", code)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--diff", "2024-Q1"}, "needs a second quarter"},
		{[]string{"--diff", "2024-Q1", "2024-Q1"}, "must differ"},
		{[]string{"--diff", "2024-Q1", "2024-Q3"}, "has not started"},
		{[]string{"--diff", "2024-Q1", "2024Q2"}, "2024-Q1"},
		{[]string{"--quarter", "2024-Q1", "--diff", "2023-Q4", "2024-Q1"}, "drop --quarter"},
		{[]string{"--diff", "2023-Q4", "2024-Q1", "-o", "x.json"}, "give the flags before them"},
	} {
		code, _, errs := runMetricsCLI(t, now, append([]string{"attack-layer", "--db", db}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.msg) || !strings.Contains(errs, "Try:") {
			t.Errorf("%v: got exit %d %q, want 2 with %q", c.args, code, errs, c.msg)
		}
	}
}
