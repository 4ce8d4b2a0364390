package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sessionConfig is a config that adds a metric and changes the cohort.
func sessionConfig(t *testing.T, db string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	body := "db = " + strconv.Quote(db) + "\ncohort = \"closure\"\nquarters = 4\n" +
		"[[metric]]\nname = \"exposure\"\nlabel = \"Exposure window\"\nstart = \"compromise\"\nend = \"containment\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestQueryConfigSession: with --config the views see the config's metric
// definitions and settings; without it, the stored defaults. The database
// is read-only throughout.
func TestQueryConfigSession(t *testing.T) {
	db := sampleDB(t)
	cfg := sessionConfig(t, db)
	query := func(args ...string) string {
		t.Helper()
		code, out, errs := runMetricsCLI(t, metricsClock, append([]string{"query", "--format", "csv"}, args...)...)
		if code != 0 {
			t.Fatalf("query %q: exit %d: %s", args, code, errs)
		}
		return out
	}
	const metrics = "SELECT string_agg(DISTINCT metric, ' ' ORDER BY metric) AS m FROM quarterly_metrics"
	if got := query("--config", cfg, metrics); got != "m\nclose contain dwell eradicate exposure recover resolve triage\n" {
		t.Errorf("with --config: got %q, want exposure among the metrics", got)
	}
	if got := query("--db", db, metrics); got != "m\nclose contain dwell eradicate recover resolve triage\n" {
		t.Errorf("without --config: got %q, want the defaults", got)
	}
	const settings = "SELECT setting('cohort') || ' ' || setting('quarters') AS s"
	if got := query("--config", cfg, settings); got != "s\nclosure 4\n" {
		t.Errorf("settings with --config: got %q", got)
	}
	if got := query("--db", db, settings); got != "s\ndetection 8\n" {
		t.Errorf("settings without --config: got %q", got)
	}
	// --db wins over the config's db.
	if got := query("--config", cfg, "--db", sampleDB(t), "SELECT count(*) AS n FROM cases"); got != "n\n400\n" {
		t.Errorf("--db over the config: got %q", got)
	}
}

// TestReportAndViewsAgree: the report built with a config and the views
// queried with the same config give the same numbers, for the added metric
// and the config's cohort.
func TestReportAndViewsAgree(t *testing.T) {
	db := sampleDB(t)
	cfg := sessionConfig(t, db)
	code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--config", cfg, "--quarter", "2025-Q4", "--format", "json")
	if code != 0 {
		t.Fatalf("metrics: exit %d: %s", code, errs)
	}
	var rep struct {
		Cohort string
		KPIs   []struct {
			Metric  string
			Current struct {
				N      int
				Median *float64 `json:"median_hours"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Cohort != "closure" {
		t.Errorf("report cohort %q, want the config's closure", rep.Cohort)
	}
	got := map[string]string{}
	for _, k := range rep.KPIs {
		if k.Current.Median != nil {
			got[k.Metric] = strconv.Itoa(k.Current.N) + " " + strconv.FormatFloat(*k.Current.Median, 'f', 4, 64)
		}
	}
	if got["exposure"] == "" {
		t.Fatalf("the report has no exposure median: %v", got)
	}
	code, out, errs = runMetricsCLI(t, metricsClock, "query", "--config", cfg, "--format", "csv",
		`SELECT metric, n, printf('%.4f', median_hours) AS median FROM metric_summary(default_metric_defs(), setting('cohort'))
		 WHERE quarter = '2025-Q4' AND n > 0 ORDER BY metric`)
	if code != 0 {
		t.Fatalf("query: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
	if len(lines) != len(got) {
		t.Errorf("query gives %d metrics, the report %d:\n%s\n%v", len(lines), len(got), out, got)
	}
	for _, l := range lines {
		f := strings.Split(l, ",")
		if want := got[f[0]]; f[1]+" "+f[2] != want {
			t.Errorf("%s: the view says n, median = %s %s; the report %s", f[0], f[1], f[2], want)
		}
	}
}

// TestSettingsPrecedence: a flag, then its environment variable, then the
// config, then the default, for every setting the resolver reads.
func TestSettingsPrecedence(t *testing.T) {
	db := sampleDB(t)
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	if err := os.WriteFile(cfg, []byte("db = "+strconv.Quote(db)+"\ncohort = \"closure\"\nquarters = 4\ntime_zone = \"Europe/Berlin\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // cohort, quarters, zone
	}{
		{"Defaults", nil, []string{"--db", db}, "detection 8 UTC"},
		{"Config", nil, []string{"--config", cfg}, "closure 4 Europe/Berlin"},
		{"EnvOverConfig", map[string]string{"PIR_COHORT": "detection", "PIR_QUARTERS": "2", "PIR_TZ": "Asia/Tokyo"}, []string{"--config", cfg}, "detection 2 Asia/Tokyo"},
		{"FlagOverEnv", map[string]string{"PIR_COHORT": "detection", "PIR_QUARTERS": "2"}, []string{"--config", cfg, "--cohort", "closure", "--quarters", "3", "--tz", "UTC"}, "closure 3 UTC"},
		{"EnvWithoutConfig", map[string]string{"PIR_COHORT": "closure", "PIR_DB": db}, nil, "closure 8 UTC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errs := runMetricsCLI(t, metricsClock, append([]string{"metrics", "--quarter", "2025-Q4", "--format", "json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var rep struct {
				Cohort   string
				Quarters []string
				TimeZone string `json:"time_zone"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			if got := rep.Cohort + " " + strconv.Itoa(len(rep.Quarters)) + " " + rep.TimeZone; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSessionFromSettings: only what a flag or the config gave reaches SQL;
// a command given neither changes nothing (the database's defaults apply).
func TestSessionFromSettings(t *testing.T) {
	plain := &settings{cfg: &Config{}, cohort: "detection", quarters: 8, given: map[string]bool{}}
	if sess := plain.session(); !sess.IsZero() {
		t.Errorf("no flag, no config: got %+v, want the zero session", sess)
	}
	given := &settings{cfg: &Config{Metrics: []MetricConfig{{Name: "exposure", Start: "compromise", End: "containment"}}},
		cohort: "closure", quarters: 8, given: map[string]bool{"cohort": true}}
	sess := given.session()
	if len(sess.Settings) != 1 || sess.Settings["cohort"] != "closure" {
		t.Errorf("settings: got %v, want only cohort=closure", sess.Settings)
	}
	if len(sess.Metrics) != 1 || sess.Metrics[0].Name != "exposure" || sess.Metrics[0].End != "containment" {
		t.Errorf("metrics: got %+v", sess.Metrics)
	}
}
