package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
)

// benchmarkDBs ingests testdata/benchmark: a reference of 7 VERIS
// incidents and a team of 3 cases (see TestBenchmark).
func benchmarkDBs(t *testing.T) (team, ref string) {
	t.Helper()
	dir := t.TempDir()
	team, ref = filepath.Join(dir, "team.duckdb"), filepath.Join(dir, "ref.duckdb")
	if code, _, errs := runPir(t, "", "ingest", "--db", ref, "--format", "veris", "../../testdata/benchmark/veris.jsonl"); code != 0 {
		t.Fatalf("ingest reference: %d %s", code, errs)
	}
	if code, _, errs := runPir(t, "", "ingest", "--db", team, "../../testdata/benchmark/team.jsonl"); code != 0 {
		t.Fatalf("ingest team: %d %s", code, errs)
	}
	return team, ref
}

// TestBenchmark checks pir benchmark against the hand-worked fixture.
// Reference (testdata/benchmark/veris.jsonl), incidents of 1 March:
//
//	B1 2019 dwell 1 d (24 h), contain 2 d  NAICS 522110  1001 to 10000 (large)
//	B2 2019 dwell 10 d (240 h)              611310        11 to 100 (small)
//	B3 2019 dwell 30 d (720 h)              522120        Small
//	B4 2019 discovery "Months", no value: no dwell       Unknown
//	B5 2019 dwell 100 d (2400 h)            92            Over 100000 (large)
//	B6 2020 dwell 5 d (120 h)               52            Large
//	B7 2020 dwell 20 d (480 h)              44            1 to 10 (small)
//
// Team (testdata/benchmark/team.jsonl): 2019 dwell 1 d and 5 d (median
// 3 d = 72 h), contain 10 h twice; 2020 dwell 10 d.
func TestBenchmark(t *testing.T) {
	team, ref := benchmarkDBs(t)
	for _, tc := range []struct {
		name  string
		args  []string
		want  []analytics.BenchmarkRow
		words string
	}{
		// 2019 dwell: 24 < 72 < 240, 720, 2400: rank 1/4 = 25; reference
		// median (240 + 720)/2 = 480 h. 2020: 120 < 240 < 480: rank 50.
		{"All", nil, []analytics.BenchmarkRow{
			{Year: 2019, Metric: "dwell", TeamN: 2, TeamMedian: f(72), ReferenceN: 4, ReferenceMedian: f(480), PercentileRank: f(25)},
			{Year: 2019, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 1, ReferenceMedian: f(48), PercentileRank: f(0)},
			{Year: 2020, Metric: "dwell", TeamN: 1, TeamMedian: f(240), ReferenceN: 2, ReferenceMedian: f(300), PercentileRank: f(50)},
			// every year: team 24, 120, 240 (median 120); reference 24, 120,
			// 240, 480, 720, 2400 (median 360): 1 below, 1 tied: 1.5/6 = 25.
			{Year: 0, Metric: "dwell", TeamN: 3, TeamMedian: f(120), ReferenceN: 6, ReferenceMedian: f(360), PercentileRank: f(25)},
			{Year: 0, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 1, ReferenceMedian: f(48), PercentileRank: f(0)},
		}, "In 2020 the team's median dwell time (10.0 days) sat at the 50th percentile of the 2 reference incidents of that year with a dwell time (their median 12.5 days); lower is faster."},
		// NAICS 52…: B1, B3 in 2019 (24, 720: median 372, rank 50); B6 in 2020.
		{"Industry", []string{"--industry", "52"}, []analytics.BenchmarkRow{
			{Year: 2019, Metric: "dwell", TeamN: 2, TeamMedian: f(72), ReferenceN: 2, ReferenceMedian: f(372), PercentileRank: f(50)},
			{Year: 2019, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 1, ReferenceMedian: f(48), PercentileRank: f(0)},
			{Year: 2020, Metric: "dwell", TeamN: 1, TeamMedian: f(240), ReferenceN: 1, ReferenceMedian: f(120), PercentileRank: f(100)},
			// 24, 120, 720: 1 below, 1 tied of 3
			{Year: 0, Metric: "dwell", TeamN: 3, TeamMedian: f(120), ReferenceN: 3, ReferenceMedian: f(120), PercentileRank: f(50)},
			{Year: 0, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 1, ReferenceMedian: f(48), PercentileRank: f(0)},
		}, ""},
		// small: B2, B3 (240, 720) in 2019; no contain; B7 in 2020.
		{"Small", []string{"--org-size", "small"}, []analytics.BenchmarkRow{
			{Year: 2019, Metric: "dwell", TeamN: 2, TeamMedian: f(72), ReferenceN: 2, ReferenceMedian: f(480), PercentileRank: f(0)},
			{Year: 2019, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 0},
			{Year: 2020, Metric: "dwell", TeamN: 1, TeamMedian: f(240), ReferenceN: 1, ReferenceMedian: f(480), PercentileRank: f(0)},
			{Year: 0, Metric: "dwell", TeamN: 3, TeamMedian: f(120), ReferenceN: 3, ReferenceMedian: f(480), PercentileRank: f(0)},
			{Year: 0, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 0},
		}, ""},
		// an exact VERIS employee_count: B1 only in 2019.
		{"EmployeeCount", []string{"--org-size", "1001 to 10000", "--industry", "5221"}, []analytics.BenchmarkRow{
			{Year: 2019, Metric: "dwell", TeamN: 2, TeamMedian: f(72), ReferenceN: 1, ReferenceMedian: f(24), PercentileRank: f(100)},
			{Year: 2019, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 1, ReferenceMedian: f(48), PercentileRank: f(0)},
			{Year: 2020, Metric: "dwell", TeamN: 1, TeamMedian: f(240), ReferenceN: 0},
			{Year: 0, Metric: "dwell", TeamN: 3, TeamMedian: f(120), ReferenceN: 1, ReferenceMedian: f(24), PercentileRank: f(100)},
			{Year: 0, Metric: "contain", TeamN: 2, TeamMedian: f(10), ReferenceN: 1, ReferenceMedian: f(48), PercentileRank: f(0)},
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"benchmark", "--db", team, "--reference", ref, "--format", "json"}, tc.args...)
			code, out, errs := runPir(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var b analytics.Benchmark
			if err := json.Unmarshal([]byte(out), &b); err != nil {
				t.Fatal(err)
			}
			gotJSON, _ := json.Marshal(b.Rows)
			wantJSON, _ := json.Marshal(tc.want)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("rows\n got  %s\n want %s", gotJSON, wantJSON)
			}
			if tc.words != "" && b.Sentence() != tc.words {
				t.Errorf("sentence: got %q, want %q", b.Sentence(), tc.words)
			}
		})
	}
	t.Run("Table", func(t *testing.T) {
		code, out, _ := runPir(t, "", "benchmark", "--db", team, "--reference", ref)
		var rows []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "2019") || strings.HasPrefix(l, "all years") {
				rows = append(rows, strings.Join(strings.Fields(l), " "))
			}
		}
		want := []string{"2019 dwell 2 3.0 d 4 20.0 d 25.0", "2019 contain 2 10.0 h 1 2.0 d 0",
			"all years dwell 3 5.0 d 6 15.0 d 25.0", "all years contain 2 10.0 h 1 2.0 d 0"}
		if code != 0 || strings.Join(rows, "|") != strings.Join(want, "|") || !strings.Contains(out, "biased toward long dwell") {
			t.Errorf("exit %d, rows %q, want %q; table:\n%s", code, rows, want, out)
		}
	})
	t.Run("ErrNoReference", func(t *testing.T) {
		code, _, errs := runPir(t, "", "benchmark", "--db", team)
		if code != 2 || !strings.Contains(errs, "--reference") {
			t.Errorf("exit %d, stderr %q: want 2 naming --reference", code, errs)
		}
		code, _, errs = runPir(t, "", "benchmark", "--db", team, "--reference", filepath.Join(t.TempDir(), "missing.duckdb"))
		if code != 2 || !strings.Contains(errs, "missing.duckdb") {
			t.Errorf("exit %d, stderr %q: want 2 naming the file", code, errs)
		}
	})
}

// TestBenchmarkInReport checks that reference_db in the config adds the
// benchmark section to pir report's dashboard.
func TestBenchmarkInReport(t *testing.T) {
	team, ref := benchmarkDBs(t)
	out := t.TempDir()
	cfg := writeTemp(t, "pir.toml", "db = "+strconv.Quote(team)+"\nreference_db = "+strconv.Quote(ref)+"\nindustry = \"52\"\nout_dir = "+strconv.Quote(out)+"\n")
	if code, _, errs := runPir(t, "", "report", "--config", cfg, "--quarter", "2020-Q1", "--html-only"); code != 0 {
		t.Fatalf("report: %d %s", code, errs)
	}
	html, err := os.ReadFile(filepath.Join(out, "dashboard-2020-Q1.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Benchmark against public breaches", "industry (NAICS) 52",
		"In 2020 the team&#39;s median dwell time (10.0 days) sat at the 100th percentile of the 1 reference incident of that year"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

func f(v float64) *float64 { return &v }

// TestBenchmarkVCDB loads the 2020 VCDB copy as the reference and checks
// that pir benchmark's reference n and median per year are those of
// veris_incidents (compromise and discovery both known) for the same year.
func TestBenchmarkVCDB(t *testing.T) {
	src := "../../../shared/data/vcdb/vcdb-2020-validated.jsonl.gz"
	if _, err := os.Stat(src); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("VCDB copy missing in CI: %v", err)
		}
		t.Skipf("no VCDB copy here (%v)", err)
	}
	team, _ := benchmarkDBs(t)
	ref := filepath.Join(t.TempDir(), "vcdb.duckdb")
	if code, _, errs := runPir(t, "", "ingest", "--db", ref, "--format", "veris", src); code != 0 {
		t.Fatalf("ingest VCDB: %d %s", code, errs)
	}
	code, out, errs := runPir(t, "", "benchmark", "--db", team, "--reference", ref, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var b analytics.Benchmark
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	code, q, errs := runPir(t, "", "query", "--db", ref, "--format", "csv", `SELECT incident_year, count(*), round(quantile_cont(epoch(detected_at - compromise_at) / 3600.0, 0.5), 4)
		FROM veris_incidents WHERE detected_at IS NOT NULL AND compromise_at IS NOT NULL AND detected_at >= compromise_at
		AND incident_year IN (2019, 2020) GROUP BY 1 ORDER BY 1`)
	if code != 0 {
		t.Fatalf("query: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(q), "\n")[1:]
	var got []string
	for _, r := range b.Rows {
		if r.Metric == "dwell" && r.Year != 0 {
			got = append(got, strings.Join([]string{itoa(r.Year), itoa(r.ReferenceN), ftoa(r.ReferenceMedian)}, ","))
		}
	}
	if strings.Join(got, "\n") != strings.Join(lines, "\n") {
		t.Errorf("benchmark reference (year,n,median):\n%s\nveris_incidents:\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
	}
	if len(lines) != 2 {
		t.Errorf("want 2019 and 2020 in the VCDB copy, got %q", lines)
	}
	t.Logf("VCDB 2020 copy: %s", strings.Join(lines, "; "))

	// Over every year, the view the benchmark reads agrees with
	// veris_incidents: the 1,269 incidents with a discovery time.
	_, all, _ := runPir(t, "", "query", "--db", ref, "--format", "csv", `SELECT
		(SELECT count(*) FROM veris_durations WHERE metric = 'dwell'),
		(SELECT count(*) FROM veris_incidents WHERE detected_at >= compromise_at),
		(SELECT round(quantile_cont(hours, 0.5) / 24, 1) FROM veris_durations WHERE metric = 'dwell')`)
	if rows := strings.Split(strings.TrimSpace(all), "\n"); len(rows) != 2 || !strings.HasPrefix(rows[1], "1269,1269,") {
		t.Errorf("veris_durations against veris_incidents: %q, want 1269 dwell times in both", all)
	} else {
		t.Logf("VCDB dwell times: n, n, median days = %s", rows[1])
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
