package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLearningConfigAgrees: the [learning] table reaches the views and the
// report alike. With min_whys = 5 and "gateway" as a (silly, but frequent) blame word, the
// report's root-cause counts for 2025-Q4 (closure cohort) equal what
// rca_findings gives pir query with the same config, and differ from the
// defaults.
func TestLearningConfigAgrees(t *testing.T) {
	db := sampleDB(t)
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	body := "db = " + strconv.Quote(db) + "\ncohort = \"closure\"\n[learning]\nmin_whys = 5\nblame_words = [\"gateway\"]\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(args ...string) [3]int {
		t.Helper()
		code, out, errs := runMetricsCLI(t, metricsClock, append([]string{"metrics", "--quarter", "2025-Q4", "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("metrics: exit %d: %s", code, errs)
		}
		var rep struct {
			Learning struct {
				RootCauseQuality []struct {
					Quarter       string
					Shallow       int
					EndsAtPerson  int `json:"ends_at_person"`
					BlameLanguage int `json:"blame_language"`
				} `json:"root_cause_quality"`
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		for _, q := range rep.Learning.RootCauseQuality {
			if q.Quarter == "2025-Q4" {
				return [3]int{q.Shallow, q.EndsAtPerson, q.BlameLanguage}
			}
		}
		t.Fatal("no 2025-Q4 in the report's root-cause quality")
		return [3]int{}
	}
	view := func(args ...string) [3]int {
		t.Helper()
		code, out, errs := runMetricsCLI(t, metricsClock, append([]string{"query", "--format", "csv"}, append(args,
			`SELECT count(DISTINCT case_id) FILTER (WHERE finding = 'shallow') AS s,
			        count(DISTINCT case_id) FILTER (WHERE finding = 'ends-at-person') AS p,
			        count(DISTINCT case_id) FILTER (WHERE finding = 'blame-language') AS b
			 FROM rca_findings WHERE quarter = '2025-Q4' AND NOT excluded`)...)...)
		if code != 0 {
			t.Fatalf("query: exit %d: %s", code, errs)
		}
		f := strings.Split(strings.TrimSpace(strings.Split(out, "\n")[1]), ",")
		var n [3]int
		for i := range n {
			n[i], _ = strconv.Atoi(f[i])
		}
		return n
	}
	withCfg, viewCfg := report("--config", cfg), view("--config", cfg)
	if withCfg != viewCfg {
		t.Errorf("with the config: report %v, view %v", withCfg, viewCfg)
	}
	def := report("--db", db, "--cohort", "closure")
	if v := view("--config", defaultsConfig(t, db)); def != v {
		t.Errorf("defaults: report %v, view %v", def, v)
	}
	if withCfg[0] <= def[0] || withCfg[2] <= def[2] {
		t.Errorf("min_whys 5 and the blame word gateway: got %v, want more shallow and blame findings than the defaults %v", withCfg, def)
	}
}

// defaultsConfig is a config with the closure cohort and nothing else.
func defaultsConfig(t *testing.T, db string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	if err := os.WriteFile(cfg, []byte("db = "+strconv.Quote(db)+"\ncohort = \"closure\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestFollowThroughAgrees: the playbook updates and the overdue reviews of
// the report equal what their views give pir query at the report's as-of
// date, with the same config: review_within reaches both the report (and
// its overdue_review decision) and overdue_reviews_at. The sample's two
// overdue reviews of 2025-Q4 (IR-00377 skipped, closed 2 December;
// IR-00376 scheduled for later, closed 5 December) are overdue with the
// default 14 days and not yet due with 30.
func TestFollowThroughAgrees(t *testing.T) {
	db := sampleDB(t)
	for _, c := range []struct {
		within  string
		reviews int
	}{{"14d", 2}, {"30d", 0}} {
		t.Run(c.within, func(t *testing.T) { followThroughAgrees(t, db, c.within, c.reviews) })
	}
}

func followThroughAgrees(t *testing.T, db, within string, reviews int) {
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	if err := os.WriteFile(cfg, []byte("db = "+strconv.Quote(db)+"\n[learning]\nreview_within = \""+within+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--config", cfg, "--quarter", "2025-Q4", "--format", "json")
	if code != 0 {
		t.Fatalf("metrics: exit %d: %s", code, errs)
	}
	var rep struct {
		AsOf            string `json:"as_of"`
		AsOfDate        string `json:"as_of_date"`
		PlaybookUpdates struct {
			Quarters []struct {
				Quarter                     string
				Updates, Due, Done, Overdue int
			}
			OverdueTotal int `json:"overdue_total"`
		} `json:"playbook_updates"`
		Learning struct {
			OverdueReviews struct{ Cases, Skipped int } `json:"overdue_reviews"`
		}
		Decisions []struct {
			Rule  string
			Count int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	query := func(sql string) []string {
		t.Helper()
		code, out, errs := runMetricsCLI(t, metricsClock, "query", "--config", cfg, "--format", "csv", sql)
		if code != 0 {
			t.Fatalf("query: exit %d: %s", code, errs)
		}
		return strings.Split(strings.TrimSpace(out), "\n")[1:]
	}
	at := "TIMESTAMPTZ '" + rep.AsOf + "'"
	var report string
	for _, q := range rep.PlaybookUpdates.Quarters {
		if q.Quarter == "2025-Q4" {
			report = strconv.Itoa(q.Updates) + "," + strconv.Itoa(q.Due) + "," + strconv.Itoa(q.Done) + "," + strconv.Itoa(q.Overdue)
		}
	}
	view := query("SELECT updates, due, done, overdue FROM playbook_update_stats('detection', " + at + ", DATE '" + rep.AsOfDate + "') WHERE quarter = '2025-Q4'")
	if len(view) != 1 || view[0] != report || report == "0,0,0,0" {
		t.Errorf("playbook updates 2025-Q4: report %q, view %v", report, view)
	}
	total := query("SELECT count(*) FROM playbook_update_state(" + at + ", DATE '" + rep.AsOfDate + "') WHERE overdue AND detected_at < " + at)
	if total[0] != strconv.Itoa(rep.PlaybookUpdates.OverdueTotal) {
		t.Errorf("overdue playbook updates: report %d, view %v", rep.PlaybookUpdates.OverdueTotal, total)
	}
	view2 := query("SELECT count(*), count(*) FILTER (WHERE review_status = 'skipped') FROM overdue_reviews_at(" + at + ") WHERE quarter = '2025-Q4'")
	o := rep.Learning.OverdueReviews
	if view2[0] != strconv.Itoa(o.Cases)+","+strconv.Itoa(o.Skipped) {
		t.Errorf("overdue reviews: report %d, %d skipped; view %v", o.Cases, o.Skipped, view2)
	}
	if o.Cases != reviews {
		t.Errorf("review_within %s: %d overdue reviews, want %d", within, o.Cases, reviews)
	}
	decided := 0
	for _, d := range rep.Decisions {
		if d.Rule == "overdue_review" {
			decided = d.Count
		}
	}
	if decided != reviews {
		t.Errorf("overdue_review decision for %d cases, want %d (%+v)", decided, reviews, rep.Decisions)
	}
}
