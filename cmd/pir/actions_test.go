package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestCSVSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+cmd", "'+cmd"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\tTab", "'\tTab"},
		{"\rCR", "'\rCR"},
		{"＝1+1", "'＝1+1"},
		{"Patch VPN", "Patch VPN"},
		{"2025-12-01", "2025-12-01"},
		{" =1", " =1"},
		{"", ""},
	} {
		if got := csvSafe(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestActionsGolden(t *testing.T) {
	db := sampleDB(t)
	for _, c := range []struct {
		file string
		args []string
	}{
		{"actions-open.txt", nil},
		{"actions-overdue.csv", []string{"--status", "overdue", "--format", "csv"}},
		{"actions-all-2025-Q4.json", []string{"--status", "all", "--quarter", "2025-Q4", "--format", "json"}},
		{"actions-open-jira.csv", []string{"--format", "jira-csv"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			code, out, errs := runMetricsCLI(t, reviewClock, append([]string{"actions", "--db", db}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			reviewGolden(t, c.file, out)
		})
	}
}

func TestActionsContent(t *testing.T) {
	db := sampleDB(t)
	_, out, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all", "--format", "json")
	var all struct {
		AsOfDate string `json:"as_of_date"`
		Overdue  int
		Items    []struct {
			Status      string
			Done        bool
			Overdue     bool
			DaysOverdue int    `json:"days_overdue"`
			Due         string `json:"due"`
		}
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	open, overdue := 0, 0
	for _, it := range all.Items {
		if !it.Done && it.Status != "done" && it.Status != "wont-do" {
			open++
		}
		if it.Overdue {
			overdue++
			if it.DaysOverdue <= 0 || it.Due >= all.AsOfDate {
				t.Errorf("overdue item %+v on %s", it, all.AsOfDate)
			}
		}
	}
	if all.AsOfDate != "2026-01-15" || overdue != all.Overdue || overdue == 0 {
		t.Errorf("as of %s, %d overdue (model says %d)", all.AsOfDate, overdue, all.Overdue)
	}
	// open and overdue are subsets of all with the same counts.
	for status, want := range map[string]int{"open": open, "overdue": overdue} {
		_, out, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", status, "--format", "csv")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs)-1 != want {
			t.Errorf("--status %s: got %d rows, want %d", status, len(recs)-1, want)
		}
	}

	t.Run("Jira", func(t *testing.T) {
		_, out, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--format", "jira-csv")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != "Summary,Description,Assignee,Due date,Priority,Labels" {
			t.Errorf("header: %v", recs[0])
		}
		for _, r := range recs[1:] {
			if !strings.HasPrefix(r[5], "IR-") || strings.ContainsAny(r[5], " \t") {
				t.Errorf("label %q is not a case ID", r[5])
			}
			switch r[4] {
			case "Highest", "High", "Medium", "Low", "Lowest", "":
			default:
				t.Errorf("priority %q is not one of Jira's", r[4])
			}
		}
	})

	t.Run("UsageErrors", func(t *testing.T) {
		for _, args := range [][]string{
			{"actions", "--db", db, "--status", "late"},
			{"actions", "--db", db, "--quarter", "2025-Q9"},
			{"actions", "--db", db, "--format", "xlsx"},
			{"actions", "--db", db, "extra"},
		} {
			if code, _, errs := runMetricsCLI(t, reviewClock, args...); code != exitUsage || !strings.Contains(errs, "Try:") {
				t.Errorf("%v: got exit %d, %q", args, code, errs)
			}
		}
	})
}

// TestActionsHostile: free text from case exports never becomes a formula
// in any CSV, and never reaches a terminal as control characters.
func TestActionsHostile(t *testing.T) {
	db := hostileDB(t)
	for _, format := range []string{"csv", "jira-csv"} {
		_, out, errs := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all", "--format", format)
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v (%s)", format, err, errs)
		}
		if len(recs) != 4 {
			t.Fatalf("%s: got %d records", format, len(recs))
		}
		for _, r := range recs {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@\t\r", []rune(cell)[0]) {
					t.Errorf("%s: cell %q starts a formula", format, cell)
				}
			}
		}
		if !strings.Contains(out, `'=HYPERLINK(`) || !strings.Contains(out, "'@SUM(1+1)") || !strings.Contains(out, "'+cmd") {
			t.Errorf("%s: neutralised cells missing:\n%s", format, out)
		}
	}
	_, table, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all")
	if strings.ContainsAny(table, "\t\r") {
		t.Error("table output holds tabs or carriage returns from case text")
	}
}
