package tracker

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
)

// hostile are items whose free text attacks every format: spreadsheet
// formulas, CSV quotes and separators, HTML, iCalendar separators and
// escapes, line breaks, control characters, a bidi override, non-Latin
// text and a summary longer than any tracker's limit.
func hostile() *analytics.ActionList {
	long := strings.Repeat("Rotate every service account password, then ", 8) + "verify"
	done := time.Date(2025, 12, 20, 15, 4, 5, 0, time.UTC)
	return &analytics.ActionList{Filter: "all", TimeZone: "UTC", AsOfDate: "2026-01-15", Items: []analytics.ActionItem{
		{Source: "pir", CaseID: "EVIL-1", Ref: "EVIL-1", Quarter: "2025-Q4", CaseTitle: "</script><script>alert(1)</script>\n# heading",
			Severity: "critical", ID: "A-1", Summary: `=HYPERLINK("http://evil.example","click")`, Owner: "@SUM(1+1)",
			Priority: "critical", Due: "2025-12-01", Status: "open", Overdue: true, DaysOverdue: 45},
		{Source: "pir", CaseID: "EVIL-1", Ref: "EVIL-1", Quarter: "2025-Q4", ID: "A-2", Summary: "-Disable legacy auth; then, \\ \"quote\"\r\nsecond line\tend",
			Owner: "SOC", Priority: "high", Due: "2025-12-20", Status: "in-progress"},
		{Source: "thehive", CaseID: "~42", Ref: "thehive:~42", Quarter: "2025-Q4", CaseTitle: "Zugriff über VPN \u202Eevil", ID: "A-3", Summary: "Zoë Ωmega Жук: " + long,
			Owner: "Zoë Łukasz", Priority: "low", Due: "2026-03-01", Status: "open"},
		{Source: "pir", CaseID: "C 9", Ref: "C 9", ID: "A-4", Summary: "", Owner: "", Priority: "P5", Status: "done", Done: true, Completed: &done},
		{Source: "pir", CaseID: "C 9", Ref: "C 9", ID: "A-5", Summary: "Retire the NAS, with \x07bell\x1b[31m", Owner: "ops@example.org", Status: "wont-do"},
	}}
}

func testOwners(t *testing.T) Owners {
	t.Helper()
	o, err := ParseOwners(map[string]string{"soc": "SOC Lead <soc-lead@example.org>", "Zoë  Łukasz": "zoe@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestParseOwners(t *testing.T) {
	o := testOwners(t)
	for _, c := range []struct {
		owner string
		want  Account
		ok    bool
	}{
		{"SOC", Account{"SOC Lead", "soc-lead@example.org"}, true},
		{" zoë łukasz ", Account{"", "zoe@example.org"}, true},
		{"ops@example.org", Account{"", "ops@example.org"}, true}, // an email owner maps to itself
		{"IAM Team", Account{}, false},
		{"", Account{}, false},
		{"Ops <ops@example.org>", Account{}, false}, // not a plain address
	} {
		if got, ok := o.Lookup(c.owner); got != c.want || ok != c.ok {
			t.Errorf("%q: got %+v %v, want %+v %v", c.owner, got, ok, c.want, c.ok)
		}
	}
	for _, bad := range []map[string]string{
		{"SOC": "soc team"},
		{"SOC": "a@example.org", "soc": "b@example.org"},
		{" ": "a@example.org"},
	} {
		if _, err := ParseOwners(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

func TestCut(t *testing.T) {
	words := strings.Repeat("abcd ", 60) // 300 characters
	got, cut := Cut(words, 255)
	if !cut || utf16Len(got) > 255 || !strings.HasSuffix(got, "abcd…") || utf16Len(got) < 250 {
		t.Errorf("words: got %d %q", utf16Len(got), got)
	}
	// One long word is cut inside it.
	got, _ = Cut(strings.Repeat("x", 300), 255)
	if utf16Len(got) != 255 {
		t.Errorf("long word: got %d", utf16Len(got))
	}
	// Characters outside the BMP count twice, as Java and .NET count them.
	got, _ = Cut(strings.Repeat("😀", 200), 255)
	if utf16Len(got) > 255 || !strings.HasSuffix(got, "😀…") {
		t.Errorf("emoji: got %d", utf16Len(got))
	}
	// The word the limit falls in is dropped whole.
	if got, _ := Cut(strings.Repeat("a", 253)+" bc", 255); got != strings.Repeat("a", 253)+"…" {
		t.Errorf("boundary: got %q", got[240:])
	}
	if got, cut := Cut("short", 255); got != "short" || cut {
		t.Errorf("short: got %q %v", got, cut)
	}
	// A limit right before a space keeps the word before it.
	if got, _ := Cut(strings.Repeat("a", 254)+" bcd", 255); got != strings.Repeat("a", 254)+"…" {
		t.Errorf("exact: got %q", got[250:])
	}
}

func TestPlain(t *testing.T) {
	if got := plain(" a\tb\r\nc \u202Ed\x07e\x1b[31m "); got != "a b c ‹U+202E›d‹U+0007›e‹U+001B›[31m" {
		t.Errorf("got %q", got)
	}
}

// TestGoldenFilesImport parses the files `pir actions` writes for the
// bundled sample (cmd/pir's goldens) by the importers' rules, and logs the
// first row as each importer maps it.
func TestGoldenFilesImport(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("../testdata/review/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	jira, err := parseJiraCSV(bytes.NewReader(read("actions-open-jira.csv")))
	if err != nil {
		t.Fatalf("jira: %v", err)
	}
	ado, err := parseADOCSV(bytes.NewReader(read("actions-open-ado-agile.csv")), ADOProcesses["agile"])
	if err != nil {
		t.Fatalf("ado: %v", err)
	}
	cal, err := parseICS(read("actions-open.ics"))
	if err != nil {
		t.Fatalf("ics: %v", err)
	}
	if len(jira) < 100 || len(ado) != len(jira) || len(cal.Comps) != len(jira) {
		t.Errorf("items: %d Jira, %d Azure Boards, %d to-dos", len(jira), len(ado), len(cal.Comps))
	}
	j, a := jira[0], ado[0]
	t.Logf("Jira row 1: Summary → Summary %q; Description → Description %q; Assignee → Assignee (user by email) %q; "+
		"Due date → Due Date %s; Priority → Priority %q; Labels, Labels → Labels %q",
		j.Summary, j.Description, j.Assignee, j.Due.Format("2006-01-02"), j.Priority, j.Labels)
	t.Logf("Azure Boards row 1: Work Item Type → System.WorkItemType %q; Title → System.Title %q; Assigned To → System.AssignedTo %q; "+
		"State → System.State %q; Priority → Microsoft.VSTS.Common.Priority %q; Tags → System.Tags %q; Description → System.Description %q; "+
		"Due Date → Microsoft.VSTS.Scheduling.DueDate %s",
		a.Type, a.Title, a.AssignedTo, a.State, a.Priority, a.Tags, a.Description, a.Due.Format("2006-01-02"))
}
