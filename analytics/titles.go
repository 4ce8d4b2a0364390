package analytics

import "github.com/pirhq/pir/display"

// WithoutTitles returns a copy of r whose case titles are replaced by the
// case's category and severity ("phishing, critical case"): titles can
// name victims ("Phone of … lost"), and leadership outputs (PDF, dashboard,
// email) with leadership_titles = "hide" must not. Analysts' commands keep
// the titles.
func (r *Report) WithoutTitles() *Report {
	c := *r
	c.Notable = make([]NotableCase, len(r.Notable))
	for i, n := range r.Notable {
		n.Title = display.HiddenTitle(n.Category, n.Severity)
		c.Notable[i] = n
	}
	c.Recurrences = make([]Recurrence, len(r.Recurrences))
	for i, x := range r.Recurrences {
		x.Title = display.HiddenTitle(x.Category, x.Severity)
		x.EarlierTitle = display.HiddenTitle(x.Category, "")
		c.Recurrences[i] = x
	}
	return &c
}
