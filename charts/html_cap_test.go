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
