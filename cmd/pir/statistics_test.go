package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
)

// TestSurvivalViewMatchesReport checks that quarterly_survival, queried
// with the same --config as pir metrics (an as_of is not in the config, so
// both use the newest ingest time), gives the report's Kaplan–Meier
// numbers, and that --as-of moves the report's snapshot.
func TestSurvivalViewMatchesReport(t *testing.T) {
	db := sampleDB(t)
	code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep analytics.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	code, q, errs := runPir(t, "", "query", "--db", db, "--format", "csv",
		"SELECT metric, n, censored, round(km_median_hours, 4), median_reached FROM quarterly_survival WHERE quarter = '2025-Q4'")
	if code != 0 {
		t.Fatalf("query: %d %s", code, errs)
	}
	var want []string
	censored := 0
	for _, k := range rep.KPIs {
		s := k.Current.Survival
		if s == nil {
			continue
		}
		censored += s.Censored
		want = append(want, strings.Join([]string{k.Metric, strconv.Itoa(s.N), strconv.Itoa(s.Censored),
			strconv.FormatFloat(s.Median, 'f', -1, 64), strconv.FormatBool(s.MedianReached)}, ","))
	}
	got := strings.Split(strings.TrimSpace(q), "\n")[1:]
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		g, w := strings.Split(got[i], ","), strings.Split(want[i], ",")
		gv, _ := strconv.ParseFloat(g[3], 64)
		wv, _ := strconv.ParseFloat(w[3], 64)
		// the CSV prints 6 significant digits
		same = g[0] == w[0] && g[1] == w[1] && g[2] == w[2] && g[4] == w[4] && gv-wv < 1e-3 && wv-gv < 1e-3
	}
	if !same {
		t.Errorf("quarterly_survival:\n%s\nreport:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if censored == 0 {
		t.Error("the sample's newest quarter should have open cases to count")
	}

	// --as-of the quarter's end: a case contained after that was still
	// open then, so at least as many cases count as open for contain.
	code, out, errs = runMetricsCLI(t, metricsClock, "metrics", "--db", db, "--format", "json", "--as-of", "2025-12-31")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var early analytics.Report
	if err := json.Unmarshal([]byte(out), &early); err != nil {
		t.Fatal(err)
	}
	if s := early.Statistics.Snapshot; s == nil || s.UTC().Format("2006-01-02T15:04") != "2026-01-01T00:00" {
		t.Errorf("--as-of 2025-12-31: snapshot %v, want the end of that day", s)
	}
	for i, k := range early.KPIs {
		a, b := k.Current.Survival, rep.KPIs[i].Current.Survival
		if k.Metric == "contain" && (a == nil || b == nil || a.Censored < b.Censored || a.N != b.N) {
			t.Errorf("contain at the quarter's end %+v, at the ingest snapshot %+v: want the same n and at least as many open", a, b)
		}
	}
	if code, _, errs := runPir(t, "", "metrics", "--db", db, "--as-of", "yesterday"); code != 2 || !strings.Contains(errs, "--as-of") {
		t.Errorf("bad --as-of: exit %d, %q", code, errs)
	}
}
