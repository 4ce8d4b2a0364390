package analytics

import (
	"strconv"
	"strings"
	"testing"
)

func TestDecisions(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	t.Run("None", func(t *testing.T) {
		r := &Report{Quarter: "2025-Q4", Quarters: []string{"2025-Q2", "2025-Q3", "2025-Q4"}, AsOfDate: "2025-12-31"}
		if got := decide(r); len(got) != 0 {
			t.Errorf("got %+v, want no decisions", got)
		}
	})
	r := &Report{Quarter: "2025-Q4", Quarters: []string{"2025-Q2", "2025-Q3", "2025-Q4"}, AsOfDate: "2025-12-31",
		OverdueByOwner: []OwnerOverdue{
			{Owner: "IAM Team", Priority: "high", Items: 9, OldestDays: 509},
			{Owner: "SOC", Priority: "medium", Items: 12, OldestDays: 600}, // medium: not raised
			{Owner: "Infra", Priority: "critical", Items: 1, OldestDays: 10},
			{Owner: "Infra", Priority: "high", Items: 2, OldestDays: 496},
			{Owner: "", Priority: "high", Items: 1, OldestDays: 3}, // third owner: capped
		},
		Targets: []TargetAttainment{
			{Quarter: "2025-Q4", Severity: "critical", Metric: "contain", Label: "Time to contain", TargetHours: 4, N: 10, WithinTarget: 7, Share: f(0.7)},
			{Quarter: "2025-Q4", Severity: "high", Metric: "contain", Label: "Time to contain", TargetHours: 8, N: 4, WithinTarget: 1, Share: f(0.25)},     // n < 5
			{Quarter: "2025-Q3", Severity: "critical", Metric: "contain", Label: "Time to contain", TargetHours: 4, N: 10, WithinTarget: 1, Share: f(0.1)}, // not this quarter
		},
		Recurrences: []Recurrence{
			{CaseID: "X1", Source: "pir", Category: "missing-mfa", EarlierCaseID: "E1", EarlierSource: "pir", FixOwners: []string{"IAM Team"}},
			{CaseID: "X2", Source: "pir", Category: "missing-mfa", EarlierCaseID: "E1", EarlierSource: "pir", FixOwners: []string{"IAM Team"}},
		},
		RootCauses: []RootCause{
			{Quarter: "2025-Q2", Category: "phishing", Cases: 2}, {Quarter: "2025-Q3", Category: "phishing", Cases: 4},
			{Quarter: "2025-Q4", Category: "phishing", Cases: 6},
			{Quarter: "2025-Q2", Category: "malware", Cases: 1}, {Quarter: "2025-Q3", Category: "malware", Cases: 2},
			{Quarter: "2025-Q4", Category: "malware", Cases: 3}, // rising but under 5 cases
		},
	}
	got := decide(r)
	var lines []string
	for _, d := range got {
		lines = append(lines, d.Rule+" "+strconv.Itoa(d.Count)+" "+d.Owner)
	}
	want := []string{
		"overdue_critical_high 9 IAM Team",
		"overdue_critical_high 3 Infra",
		"target_missed 3 IR lead",
		"failed_fix 2 IAM Team",
		"rising_root_cause 6 CISO",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if w := got[1].What; w != "critical or high action items overdue on 31 December 2025 (oldest 496 days)" {
		t.Errorf("what: %s", w)
	}
	if w := got[4].What; w != "cases caused by phishing in 2025-Q4, rising two quarters running (2 → 4 → 6)" {
		t.Errorf("what: %s", w)
	}
}

// TestDecideOverdueReviews: one decision for the quarter's critical and
// high cases whose review is overdue, with the skipped ones and the oldest
// named; none without such cases. The cap keeps the box at 6: the review
// decision comes after the failed fixes and before rising root causes.
func TestDecideOverdueReviews(t *testing.T) {
	r := &Report{Quarter: "2025-Q4", Quarters: []string{"2025-Q4"}, AsOfDate: "2025-12-31",
		Learning: &Learning{ReviewWithinDays: 14, OverdueReviews: OverdueReviews{Cases: 7, Skipped: 2, Scheduled: 1, OldestDays: 61,
			CaseIDs: []string{"IR-1", "IR-2", "IR-3", "IR-4", "IR-5", "IR-6", "soc:7"}}}}
	got := decideOverdueReviews(r)
	if len(got) != 1 {
		t.Fatalf("got %+v, want one decision", got)
	}
	d := got[0]
	if d.Rule != "overdue_review" || d.Count != 7 || d.Owner != "IR lead" {
		t.Errorf("got %+v", d)
	}
	want := "critical or high cases closed in 2025-Q4 without a review within 14 days of closure, on 31 December 2025 (2 skipped; oldest 61 days past due): IR-1, IR-2, IR-3, IR-4, IR-5 and 2 more"
	if d.What != want {
		t.Errorf("what:\ngot  %s\nwant %s", d.What, want)
	}
	r.Learning.OverdueReviews = OverdueReviews{Cases: 1, OldestDays: 1, CaseIDs: []string{"IR-9"}}
	if got := decideOverdueReviews(r); len(got) != 1 || got[0].What != "critical or high case closed in 2025-Q4 without a review within 14 days of closure, on 31 December 2025 (oldest 1 day past due): IR-9" {
		t.Errorf("one case: got %+v", got)
	}
	r.Learning.OverdueReviews = OverdueReviews{}
	if got := decideOverdueReviews(r); len(got) != 0 {
		t.Errorf("no overdue review: got %+v", got)
	}
	r.Learning = nil
	if got := decideOverdueReviews(r); len(got) != 0 {
		t.Errorf("no learning section: got %+v", got)
	}
}
