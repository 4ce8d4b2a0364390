package charts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
)

// TestDashboardListsAreCapped: a quarter with thousands of notable cases and
// overdue items still gives a small page that points to the full lists.
func TestDashboardListsAreCapped(t *testing.T) {
	r := dashReport()
	r.Notable, r.Overdue = nil, nil
	for i := 0; i < 3000; i++ {
		id := fmt.Sprintf("CAP-%05d", i)
		r.Notable = append(r.Notable, analytics.NotableCase{CaseID: id, Source: "pir", Title: "t", Severity: "high", Hours: map[string]float64{}})
		r.Overdue = append(r.Overdue, analytics.OverdueItem{CaseID: id, ItemID: "1", Summary: "s", Due: "2024-01-01", DaysOverdue: 3000 - i, Status: "open"})
	}
	r.NotableTotal, r.OverdueTotal = len(r.Notable), len(r.Overdue) // a model built with ListLimit < 0

	page := string(renderDashboard(t, r))
	if got := strings.Count(page, ">CAP-"); got != 2*listedMax {
		t.Errorf("listed %d case-ID cells, want %d (200 notable + 200 overdue)", got, 2*listedMax)
	}
	for _, want := range []string{"2,800 more not listed here: pir actions --status overdue", "The first 200 of 3,000 critical and high cases"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !strings.Contains(page, "CAP-00000") || strings.Contains(page, "CAP-02999") {
		t.Error("the page must list the first items of each list and not the last")
	}
}

// TestDashboardCaseIDsAreCapped: a technique or finding row lists the
// first idsShown case IDs and counts the rest, including those the model
// itself left out (its list limit).
func TestDashboardCaseIDsAreCapped(t *testing.T) {
	r := dashReport()
	var ids []string
	for i := 0; i < 200; i++ {
		ids = append(ids, fmt.Sprintf("TID-%04d", i))
	}
	r.Techniques[0].CaseIDs, r.Techniques[0].Cases = ids, 5000
	r.DataQuality.Findings[0].CaseIDs, r.DataQuality.Findings[0].Count = ids[:30], 30
	page := string(renderDashboard(t, r))
	for _, want := range []string{"TID-0019 and 4,980 more", "TID-0019 and 10 more"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "TID-0020") {
		t.Error("a row lists more than 20 case IDs")
	}
}
