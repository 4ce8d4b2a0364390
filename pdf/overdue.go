package pdf

import (
	"fmt"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/display"
)

// overdueList is the last appendix: every overdue action item one by one
// (most overdue first, capped at MaxRows). Page 1/2 rolls them up by owner
// and priority; this list is for whoever chases them.
func (rp *report) overdueList() {
	r := rp.r
	if r.OverdueTotal == 0 {
		return
	}
	rp.heading(fmt.Sprintf("Appendix: overdue action items (%s)", display.Count(r.OverdueTotal)),
		"Open action items past their due date on "+rp.asOf()+", the most overdue first, with the owner to ask.")
	items := r.Overdue
	if len(items) > rp.o.MaxRows {
		items = items[:rp.o.MaxRows]
	}
	more := r.OverdueTotal - len(items)
	rows := make([]trow, 0, len(items))
	for _, it := range items {
		rows = append(rows, tr(
			td(it.Due),
			tdStyled(display.DayCount(it.DaysOverdue), stTD.alarm()),
			td(display.OrNoValue(it.Owner)),
			cell{{text: it.Summary, st: stTD, maxLines: 4}},
			cell{{text: it.CaseID, st: stTD.with(func(s *style) { s.size = 7.5 })}},
			td(it.Priority),
		))
	}
	rp.table([]column{
		{title: "Due", w: 22},
		{title: "Overdue", w: 17, align: align.Right},
		{title: "Owner", w: 33},
		{title: "Action item"},
		{title: "Case", w: 23},
		{title: "Priority", w: 16},
	}, rows)
	if more > 0 {
		rp.paragraph(fmt.Sprintf("and %s more overdue items, not listed here; `pir actions --as-of %s` lists every one.",
			display.Count(more), r.AsOfDate), stSmall)
	}
}
