package pdf

import (
	"fmt"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/display"
)

// leadershipTop is the top of page 1: how fresh the data is, then the
// decisions the report asks leadership for (or "No decisions needed").
func (rp *report) leadershipTop() {
	r := rp.r
	f := r.Freshness
	st := stSmall.with(func(s *style) { s.size = 8.5 })
	if r.Empty() {
		st = st.alarm()
	}
	rp.paragraph("Data: "+display.Freshness(f.NewestDetected, f.NewestCase, f.NewestFile, f.NewestIngested), st)
	rp.gap(3)
	rp.subheading("Decisions needed", 16)
	lines := []string{"No decisions needed."}
	if len(r.Decisions) > 0 {
		lines = lines[:0]
		for _, d := range r.Decisions {
			lines = append(lines, display.DecisionLine(d.Count, d.What, d.Owner, d.Proposal))
		}
	}
	rp.panel(lines)
}

// bySeverity is the "By severity" table: median, p90, n and the share
// within the severity's target, for the metrics with targets.
func (rp *report) bySeverity() {
	r := rp.r
	if len(r.BySeverity) == 0 {
		return
	}
	rp.subheading("By severity, "+rp.quarter(), 14)
	rows := make([]trow, 0, len(r.BySeverity))
	for _, s := range r.BySeverity {
		u := display.UnitFor(s.Median, s.P90)
		target, within := display.NoValue, display.NoValue
		if s.TargetHours != nil {
			target = "≤ " + display.Duration(*s.TargetHours)
		}
		if s.Share != nil && s.WithinTarget != nil {
			within = fmt.Sprintf("%s (%s of %s)", display.Share(*s.Share), display.Count(*s.WithinTarget), display.Count(s.N))
		}
		n := display.Count(s.N)
		if s.N < 5 {
			n += "*"
		}
		rows = append(rows, tr(tdStyled(s.Severity, stTD.strong()), td(display.Or(s.Label, s.Metric)),
			td(u.Format(s.Median)), td(u.Format(s.P90)), td(n), td(target), td(within)))
	}
	rp.table([]column{
		{title: "Severity", w: 24},
		{title: "Metric"},
		{title: "Median", w: 18, align: align.Right},
		{title: "p90", w: 18, align: align.Right},
		{title: "n", w: 12, align: align.Right},
		{title: "Target", w: 20, align: align.Right},
		{title: "Within target", w: 32, align: align.Right},
	}, rows)
	note := "Targets come from the config ([[target]]); none is set for a row showing –. * fewer than 5 cases."
	rp.paragraph(note, stSmall)
}

// maxOwnerRows caps the overdue roll-up on page 1/2; the appendix and
// `pir actions` list every item.
const maxOwnerRows = 8

// overdueRollup rolls the overdue items up by owner and priority, stating
// the as-of date next to the figure.
func (rp *report) overdueRollup() {
	r := rp.r
	if len(r.OverdueByOwner) == 0 {
		return
	}
	rp.subheading(fmt.Sprintf("Overdue on %s, by owner and priority", rp.asOf()), 14)
	rows := make([]trow, 0, maxOwnerRows)
	for i, o := range r.OverdueByOwner {
		if i == maxOwnerRows {
			break
		}
		rows = append(rows, tr(td(display.Or(o.Owner, "unassigned")), td(display.OrNoValue(o.Priority)),
			td(display.Count(o.Items)), td(display.DayCount(o.OldestDays))))
	}
	rp.table([]column{
		{title: "Owner"},
		{title: "Priority", w: 26},
		{title: "Items overdue", w: 28, align: align.Right},
		{title: "Oldest overdue", w: 30, align: align.Right},
	}, rows)
	if n := len(r.OverdueByOwner) - maxOwnerRows; n > 0 {
		rp.paragraph(fmt.Sprintf("and %s more owner and priority pairs; every item is listed in the appendix and by `pir actions --as-of %s`.",
			display.Count(n), r.AsOfDate), stSmall)
	}
}
