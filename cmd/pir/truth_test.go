package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/mail/mailpittest"
)

// writeConfig writes a config for db with the extra TOML body.
func writeConfig(t *testing.T, db, body string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	if err := os.WriteFile(cfg, []byte("db = "+strconv.Quote(db)+"\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRecurrenceWindowConfig: the sample's 2025-Q4 has 4 recurrences in
// the default 365-day window (IR-00349 and IR-00362 after IR-00247's fix,
// 153 and 175 days; IR-00356 after IR-00171's, 253 days; IR-00396 after
// IR-00177's, 317 days). With recurrence_window = "200d" the report and
// `pir query --config` both count the two within 200 days.
func TestRecurrenceWindowConfig(t *testing.T) {
	db := sampleDB(t)
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"Default", "", []string{"IR-00349<IR-00247", "IR-00356<IR-00171", "IR-00362<IR-00247", "IR-00396<IR-00177"}},
		{"200d", "recurrence_window = \"200d\"\n", []string{"IR-00349<IR-00247", "IR-00362<IR-00247"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, db, tc.body)
			code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--config", cfg, "--quarter", "2025-Q4", "--format", "json")
			if code != 0 {
				t.Fatalf("metrics: exit %d: %s", code, errs)
			}
			var rep struct {
				RootCauses []struct {
					Quarter     string
					Recurrences int
				} `json:"root_causes"`
				Recurrences []struct {
					CaseID  string `json:"case_id"`
					Earlier string `json:"earlier_case_id"`
				}
				Summary []string
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, rc := range rep.RootCauses {
				if rc.Quarter == "2025-Q4" {
					n += rc.Recurrences
				}
			}
			var got []string
			for _, r := range rep.Recurrences {
				got = append(got, r.CaseID+"<"+r.Earlier)
			}
			slices.Sort(got)
			if n != len(tc.want) || strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("report: %d recurrences %v, want %v", n, got, tc.want)
			}
			if s := strings.Join(rep.Summary, " "); !strings.Contains(s, "IR-00247 (twice)") {
				t.Errorf("the summary does not name the failed fix of IR-00247: %s", s)
			}
			code, out, errs = runMetricsCLI(t, metricsClock, "query", "--config", cfg, "--format", "csv",
				`SELECT string_agg(r.case_id || '<' || r.earlier_case_id, ' ' ORDER BY r.case_id) AS r
				 FROM recurrences r JOIN cases c USING (source, case_id) WHERE c.quarter = '2025-Q4'`)
			if code != 0 {
				t.Fatalf("query: exit %d: %s", code, errs)
			}
			if want := "r\n" + strings.Join(tc.want, " ") + "\n"; out != want {
				t.Errorf("query --config: got %q, want %q", out, want)
			}
		})
	}
}

// TestReportConfigErrors: bad report settings are usage errors naming the key.
func TestReportConfigErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"recurrence_window = \"1 year\"\n", `recurrence_window "1 year"`},
		{"recurrence_window = \"0d\"\n", `recurrence_window "0d"`},
		{"recurrence_window = \"Infd\"\n", `recurrence_window "Infd"`},
		{"[[target]]\nseverity = \"urgent\"\nmetric = \"contain\"\nwithin = \"4h\"\n", `target 1: severity "urgent"`},
		{"[[target]]\nseverity = \"critical\"\nmetric = \"contain\"\nwithin = \"4 hours\"\n", `target 1: within "4 hours"`},
		{"[[target]]\nseverity = \"critical\"\nmetric = \"contain\"\n", "target 1: severity, metric and within are required"},
	} {
		cfg := writeConfig(t, filepath.Join(t.TempDir(), "x.duckdb"), tc.body)
		code, _, errs := runMetricsCLI(t, metricsClock, "metrics", "--config", cfg)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.body, code, errs, tc.want)
		}
	}
}

// TestRunEmptyQuarter: a scheduled run for a quarter with no cases (the
// clock moved past a stale export) fails with exit 1 and one line naming
// the newest case and file, and sends nothing to the SMTP server; with
// --allow-empty it sends a report that says it is empty and how fresh the
// data is.
func TestRunEmptyQuarter(t *testing.T) {
	mp := mailpittest.Start(t)
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(mp.SMTPPort, ""))
	later := time.Date(2026, 10, 1, 6, 5, 0, 0, time.UTC) // the last complete quarter is 2026-Q3

	code, _, stderr := runPirAt(t, later, "run", "--config", cfg)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	var errLine string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, "Error:") {
			if errLine != "" {
				t.Errorf("more than one error line:\n%s", stderr)
			}
			errLine = l
		}
	}
	for _, want := range []string{"no cases detected in 2026-Q3", "400 cases", "IR-00400, detected 30 December 2025", "cases.jsonl, ingested", "--allow-empty"} {
		if !strings.Contains(errLine, want) {
			t.Errorf("error line lacks %q: %s", want, errLine)
		}
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("%d messages reached the SMTP server, want none", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "report-2026-Q3.pdf")); !os.IsNotExist(err) {
		t.Errorf("a PDF was published for the refused quarter: %v", err)
	}

	code, _, stderr = runPirAt(t, later, "run", "--config", cfg, "--allow-empty")
	if code != 0 {
		t.Fatalf("--allow-empty: exit %d:\n%s", code, stderr)
	}
	list := mp.Messages(t)
	if len(list) != 1 {
		t.Fatalf("--allow-empty: %d messages, want 1", len(list))
	}
	m := mp.Message(t, list[0].ID)
	for _, want := range []string{"No incidents were detected in 2026-Q3, although the database holds 400 cases", "the data may be stale",
		"Data: Newest case IR-00400, detected 30 December 2025; newest file", "Decisions needed:"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("email lacks %q:\n%s", want, m.Text)
		}
	}
}

// TestActionsAsOfMatchesReport: pir actions --as-of the report quarter's
// last day counts the overdue items the report counts, and its header says
// the count once.
func TestActionsAsOfMatchesReport(t *testing.T) {
	db := sampleDB(t)
	code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--db", db, "--quarter", "2025-Q4", "--format", "json")
	if code != 0 {
		t.Fatalf("metrics: exit %d: %s", code, errs)
	}
	var rep struct {
		OverdueTotal int    `json:"overdue_total"`
		AsOfDate     string `json:"as_of_date"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runMetricsCLI(t, metricsClock, "actions", "--db", db, "--status", "overdue", "--as-of", rep.AsOfDate)
	if code != 0 {
		t.Fatalf("actions: exit %d: %s", code, errs)
	}
	first := strings.SplitN(out, "\n", 2)[0]
	if want := "Action items overdue on " + rep.AsOfDate + " (UTC, all quarters): " + strconv.Itoa(rep.OverdueTotal); first != want || rep.OverdueTotal == 0 {
		t.Errorf("header %q, want %q", first, want)
	}
	if code, _, errs = runMetricsCLI(t, metricsClock, "actions", "--db", db, "--as-of", "31/12/2025"); code != 2 || !strings.Contains(errs, "--as-of") {
		t.Errorf("bad --as-of: exit %d, %s", code, errs)
	}
}

// TestLeadershipTitlesHide: with leadership_titles = "hide" the dashboard
// and the PDF show no case title (category and severity instead), while
// pir metrics, an analyst's command, keeps them.
func TestLeadershipTitlesHide(t *testing.T) {
	db := sampleDB(t)
	cfg := writeConfig(t, db, "leadership_titles = \"hide\"\n")
	code, out, errs := runMetricsCLI(t, metricsClock, "metrics", "--config", cfg, "--quarter", "2025-Q4", "--format", "json")
	if code != 0 {
		t.Fatalf("metrics: exit %d: %s", code, errs)
	}
	var rep struct {
		Notable []struct{ Title string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Notable) == 0 || rep.Notable[0].Title == "" || strings.HasSuffix(rep.Notable[0].Title, " case") {
		t.Fatalf("pir metrics lost the titles: %+v", rep.Notable)
	}
	title := rep.Notable[0].Title
	dir := t.TempDir()
	if code, _, errs := runMetricsCLI(t, metricsClock, "report", "--config", cfg, "--quarter", "2025-Q4", "--out", dir); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	html, err := os.ReadFile(filepath.Join(dir, "dashboard-2025-Q4.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), htmlEscape(title)) {
		t.Errorf("the dashboard shows the title %q", title)
	}
	if !strings.Contains(string(html), ", critical case") && !strings.Contains(string(html), ", high case") {
		t.Errorf("the dashboard shows no category-and-severity stand-in")
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "report-2025-Q4.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if strings.Contains(strings.Join(strings.Fields(text), " "), title) {
		t.Errorf("the PDF shows the title %q", title)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestEmptyQuarterWarns: pir metrics, report and coverage report an empty
// quarter (exit 0) and warn on stderr with the newest case.
func TestEmptyQuarterWarns(t *testing.T) {
	db := sampleDB(t)
	later := time.Date(2026, 10, 1, 6, 5, 0, 0, time.UTC)
	for _, args := range [][]string{
		{"metrics", "--db", db, "--quarter", "2026-Q3"},
		{"report", "--db", db, "--quarter", "2026-Q3", "--out", t.TempDir()},
		{"coverage", "--db", db, "--quarter", "2026-Q3", "--rules", "../../examples/rules"},
	} {
		code, _, errs := runPirAt(t, later, args...)
		if code != 0 || !strings.Contains(errs, "no cases detected in 2026-Q3, but the database holds 400 cases") || !strings.Contains(errs, "IR-00400") {
			t.Errorf("%s: exit %d, stderr %q; want 0 and the empty-quarter warning", args[0], code, errs)
		}
	}
}
