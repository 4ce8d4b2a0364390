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
