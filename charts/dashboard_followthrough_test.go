package charts

import (
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
)

// TestFollowThroughSection: action items and playbook updates per quarter
// side by side (a quarter with neither is left out), the sentence with the
// as-of date, the overdue updates escaped; nothing without updates.
func TestFollowThroughSection(t *testing.T) {
	r := &analytics.Report{Quarter: "2025-Q4", AsOfDate: "2025-12-31",
		Actions: []analytics.ActionSummary{{Quarter: "2025-Q3"}, {Quarter: "2025-Q4", Created: 40, Completed: 30, Overdue: 5, CompletionRate: new(0.75)}},
		PlaybookUpdates: &analytics.PlaybookFollowThrough{
			Quarters:     []analytics.PlaybookQuarter{{Quarter: "2025-Q3"}, {Quarter: "2025-Q4", Updates: 11, Due: 7, Done: 9, Overdue: 2, CompletionRate: new(0.8182), OnTimeRate: new(0.4286)}},
			Overdue:      []analytics.OverduePlaybook{{CaseID: "7", Source: "thehive", Playbook: "<b>Phishing</b>", Change: "Block <script>", Owner: "SOC", Due: "2025-10-01", DaysOverdue: 91}},
			OverdueTotal: 3,
		}}
	h, err := followThroughSection(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	for _, want := range []string{`<section id="follow-through"`,
		"11 playbook updates agreed for 2025-Q4 cases: 9 done and 2 overdue on 31 December 2025; of the 7 due by then, 43% were done on time. 3 updates of any quarter are overdue.",
		`<td><strong>2025-Q4</strong></td><td class="num">40</td><td class="num">30</td><td class="num">75%</td><td class="num">5</td><td class="num">11</td><td class="num">7</td><td class="num">9</td><td class="num">43%</td><td class="num">2</td>`,
		"Overdue playbook updates (3)", "&lt;b&gt;Phishing&lt;/b&gt;", "Block &lt;script&gt;", "thehive:7", "91 d", "and 2 more, not listed here"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q missing from\n%s", want, s)
		}
	}
	if strings.Contains(s, "<td>2025-Q3</td>") || strings.Contains(s, "<script") || strings.Contains(s, "<b>") {
		t.Errorf("an empty quarter or unescaped text in\n%s", s)
	}
	r.PlaybookUpdates = &analytics.PlaybookFollowThrough{Quarters: []analytics.PlaybookQuarter{{Quarter: "2025-Q4"}}}
	if h, err := followThroughSection(r); err != nil || h != "" {
		t.Errorf("no updates: got %q, %v", h, err)
	}
}

// TestDashboardFollowThrough: the section sits after the overdue action
// items and before the notable cases.
func TestDashboardFollowThrough(t *testing.T) {
	r := dashReport()
	r.PlaybookUpdates = &analytics.PlaybookFollowThrough{Quarters: []analytics.PlaybookQuarter{{Quarter: r.Quarter, Updates: 2, Due: 1, Done: 1}}}
	page := string(renderDashboard(t, r))
	a, f, n := strings.Index(page, `<section id="actions"`), strings.Index(page, `<section id="follow-through"`), strings.Index(page, `<section id="notable"`)
	if a < 0 || f < a || n < f {
		t.Errorf("sections at actions %d, follow-through %d, notable %d", a, f, n)
	}
}
