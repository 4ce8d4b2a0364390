package tracker

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
)

// FuzzWriters: whatever text a case export holds, each writer's file is
// accepted by its importer's rules and keeps the text.
func FuzzWriters(f *testing.F) {
	for _, it := range hostile().Items {
		f.Add(it.Summary, it.Owner, it.CaseTitle, it.Ref)
	}
	f.Add(strings.Repeat("é", 300), "a@b.example", "", "x")
	f.Add(strings.Repeat("😀 ", 200), "", "\\n", ";,")
	f.Fuzz(func(t *testing.T, summary, owner, caseTitle, ref string) {
		l := &analytics.ActionList{AsOfDate: "2026-01-15", Items: []analytics.ActionItem{
			{Source: "pir", CaseID: ref, Ref: ref, CaseTitle: caseTitle, ID: "A-1", Summary: summary, Owner: owner, Priority: "high", Due: "2026-02-01", Status: "open"},
		}}
		var j, a, c bytes.Buffer
		if _, err := WriteJiraCSV(&j, l, Owners{}); err != nil {
			t.Fatal(err)
		}
		issues, err := parseJiraCSV(&j)
		if err != nil {
			t.Fatalf("Jira: %v", err)
		}
		want := title(l.Items[0])
		if got := strings.TrimSuffix(issues[0].Summary, "…"); !strings.HasPrefix(want, got) {
			t.Errorf("Jira summary %q is not a prefix of %q", issues[0].Summary, want)
		}
		if _, err := WriteADOCSV(&a, l, Owners{}, ADOProcesses["agile"]); err != nil {
			t.Fatal(err)
		}
		if _, err := parseADOCSV(&a, ADOProcesses["agile"]); err != nil {
			t.Fatalf("Azure Boards: %v", err)
		}
		if _, err := WriteICS(&c, l, Owners{}, time.Unix(0, 0), "v1"); err != nil {
			t.Fatal(err)
		}
		cal, err := parseICS(c.Bytes())
		if err != nil {
			t.Fatalf("iCalendar: %v", err)
		}
		if got := cal.Comps[0].get("SUMMARY"); got != want {
			t.Errorf("SUMMARY %q, want %q", got, want)
		}
	})
}
