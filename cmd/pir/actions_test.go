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

// ownersConfig holds the [owners] table of examples/pir.toml, alone.
const ownersConfig = "../../testdata/review/owners.toml"

func TestActionsGolden(t *testing.T) {
	db := sampleDB(t)
	for _, c := range []struct {
		file string
		args []string
	}{
		{"actions-open.txt", nil},
		{"actions-overdue.csv", []string{"--status", "overdue", "--format", "csv"}},
		{"actions-all-2025-Q4.json", []string{"--status", "all", "--quarter", "2025-Q4", "--format", "json"}},
		{"actions-open-jira.csv", []string{"--format", "jira-csv", "--config", ownersConfig}},
		{"actions-open-ado-agile.csv", []string{"--format", "ado-csv", "--config", ownersConfig}},
		{"actions-open.ics", []string{"--format", "ics", "--config", ownersConfig}},
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
		_, out, errs := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--format", "jira-csv", "--config", ownersConfig)
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != "Summary,Description,Assignee,Due date,Priority,Labels,Labels" {
			t.Errorf("header: %v", recs[0])
		}
		assigned := 0
		for _, r := range recs[1:] {
			if !strings.HasPrefix(r[5], "IR-") || strings.ContainsAny(r[5], " \t") {
				t.Errorf("label %q is not a case ID", r[5])
			}
			switch r[4] {
			case "Highest", "High", "Medium", "Low", "Lowest", "":
			default:
				t.Errorf("priority %q is not one of Jira's", r[4])
			}
			// Either assigned by email or labelled with the owner.
			if r[2] != "" {
				assigned++
				if !strings.HasSuffix(r[2], "@example.org") || r[6] != "" {
					t.Errorf("assignee %q, owner label %q", r[2], r[6])
				}
			} else if !strings.HasPrefix(r[6], "owner:") {
				t.Errorf("unassigned item without an owner label: %v", r)
			}
		}
		if assigned == 0 || assigned == len(recs)-1 {
			t.Errorf("%d of %d items assigned", assigned, len(recs)-1)
		}
		// The owners left unassigned are named once, on stderr.
		if !strings.Contains(errs, "warning: ") || !strings.Contains(errs, "Legal") || strings.Contains(errs, "IAM Team") {
			t.Errorf("stderr: %q", errs)
		}
	})

	t.Run("ADOProcesses", func(t *testing.T) {
		for _, c := range []struct{ process, header, first string }{
			{"agile", "Due Date", "Issue,"},
			{"scrum", "Target Date", "Product Backlog Item,"},
			{"basic", "Target Date", "Issue,"},
		} {
			code, out, errs := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--format", "ado-csv", "--ado-process", c.process)
			lines := strings.Split(out, "\n")
			if code != 0 || lines[0] != "Work Item Type,Title,Assigned To,State,Priority,Tags,Description,"+c.header || !strings.HasPrefix(lines[1], c.first) {
				t.Errorf("%s: exit %d %s, header %q, row %q", c.process, code, errs, lines[0], lines[1])
			}
		}
		code, out, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--format", "ado-csv", "--ado-process", "scrum", "--ado-type", "Feature")
		if code != 0 || !strings.HasPrefix(strings.Split(out, "\n")[1], "Feature,") {
			t.Errorf("--ado-type Feature: exit %d", code)
		}
	})

	t.Run("ErrOwnersConfig", func(t *testing.T) {
		cfg := writeTemp(t, "pir.toml", "[owners]\n\"SOC\" = \"soc team\"\n")
		code, _, errs := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--config", cfg, "--format", "jira-csv")
		if code == 0 || !strings.Contains(errs, `owners."SOC" = "soc team": want an email address`) {
			t.Errorf("got exit %d %q", code, errs)
		}
	})

	t.Run("UsageErrors", func(t *testing.T) {
		for _, args := range [][]string{
			{"actions", "--db", db, "--status", "late"},
			{"actions", "--db", db, "--quarter", "2025-Q9"},
			{"actions", "--db", db, "--format", "xlsx"},
			{"actions", "--db", db, "--format", "ado-csv", "--ado-process", "cmmi"},
			{"actions", "--db", db, "--format", "ado-csv", "--ado-process", "basic", "--ado-type", "Product Backlog Item"},
			{"actions", "--db", db, "extra"},
		} {
			if code, _, errs := runMetricsCLI(t, reviewClock, args...); code != exitUsage || !strings.Contains(errs, "Try:") {
				t.Errorf("%v: got exit %d, %q", args, code, errs)
			}
		}
	})
}

// TestActionsHostile: free text from case exports never becomes a formula
// in the spreadsheet CSV and never reaches a terminal as control
// characters; the importer files keep it exactly (no guard in Jira's or
// Azure Boards' data) and the calendar escapes it.
func TestActionsHostile(t *testing.T) {
	db := hostileDB(t)
	_, out, errs := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v (%s)", err, errs)
	}
	if len(recs) != 4 {
		t.Fatalf("got %d records", len(recs))
	}
	for _, r := range recs {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", []rune(cell)[0]) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
	if !strings.Contains(out, `'=HYPERLINK(`) || !strings.Contains(out, "'@SUM(1+1)") || !strings.Contains(out, "'+cmd") {
		t.Errorf("neutralised cells missing:\n%s", out)
	}
	for _, format := range []string{"jira-csv", "ado-csv"} {
		_, out, errs := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all", "--format", format)
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v (%s)", format, err, errs)
		}
		titles := map[string]bool{}
		for _, r := range recs[1:] {
			titles[r[map[string]int{"jira-csv": 0, "ado-csv": 1}[format]]] = true
		}
		for _, want := range []string{`=HYPERLINK("http://evil.example","click")`, `+cmd|' /C calc'!A0`, "Tab first"} {
			if !titles[want] {
				t.Errorf("%s: title %q not kept as written: %v", format, want, titles)
			}
		}
		if !strings.Contains(errs, "warning: 3 owner(s)") {
			t.Errorf("%s: stderr %q", format, errs)
		}
	}
	_, ics, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all", "--format", "ics")
	if !strings.Contains(ics, `SUMMARY:+cmd|' /C calc'!A0`) || !strings.Contains(ics, `SUMMARY:=HYPERLINK("http://evil.example"\,"click")`) ||
		strings.Count(ics, "BEGIN:VTODO") != 3 {
		t.Errorf("ics:\n%s", ics)
	}
	_, table, _ := runMetricsCLI(t, reviewClock, "actions", "--db", db, "--status", "all")
	if strings.ContainsAny(table, "\t\r") {
		t.Error("table output holds tabs or carriage returns from case text")
	}
}
