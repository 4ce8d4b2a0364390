package pdf

import (
	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/display"
)

// maxPlaybookRows caps the overdue playbook-update list of the PDF.
const maxPlaybookRows = 8

// playbookFollowThrough is the playbook updates' part of the
// follow-through (action items) section: per quarter, their own rows
// beside the action items' table, at the same as-of date (the overdue
// ones are listed by overduePlaybooks). Nothing when no update was agreed.
func (rp *report) playbookFollowThrough() {
	p := rp.r.PlaybookUpdates
	if !p.Any() {
		return
	}
	r := rp.r
	cur := p.Current(r.Quarter)
	rp.subheading(display.PlaybookRowLabel+" by quarter", 24)
	rp.paragraph(display.PlaybookFollowThroughSentence(rp.quarter(), cur.Updates, cur.Due, cur.Done, cur.Overdue, cur.OnTimeRate, rp.asOf(), p.OverdueTotal)+
		" Counted on their own: the action-item rates above do not include them.", stBody.with(func(s *style) { s.size = 8.5 }))
	rows := make([]trow, 0, len(p.Quarters))
	for _, x := range p.Quarters {
		if x.Updates == 0 {
			continue
		}
		row := tr(td(x.Quarter), td(display.Count(x.Updates)), td(display.Count(x.Due)), td(display.Count(x.Done)),
			td(display.Rate(x.CompletionRate)), td(display.Rate(x.OnTimeRate)), td(display.Count(x.Overdue)))
		if x.Quarter == r.Quarter {
			row.bg = &colPanel
			for i := range row.cells {
				row.cells[i][0].st.bold = true
			}
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		rp.gap(1.5)
		rp.table([]column{
			{title: "Quarter"},
			{title: "Agreed", w: 20, align: align.Right},
			{title: "Due", w: 20, align: align.Right},
			{title: "Done", w: 20, align: align.Right},
			{title: "Completion", w: 24, align: align.Right},
			{title: "On time", w: 22, align: align.Right},
			{title: "Overdue", w: 20, align: align.Right},
		}, rows)
	}
}

// overduePlaybooks lists the playbook updates overdue on the as-of date,
// most overdue first, after the overdue action items.
func (rp *report) overduePlaybooks() {
	p := rp.r.PlaybookUpdates
	if p == nil || p.OverdueTotal == 0 {
		return
	}
	rp.subheading("Overdue playbook updates ("+display.Count(p.OverdueTotal)+")", 14)
	items := p.Overdue
	if len(items) > maxPlaybookRows {
		items = items[:maxPlaybookRows]
	}
	rows := make([]trow, 0, len(items))
	for _, it := range items {
		rows = append(rows, tr(
			td(it.Due),
			tdStyled(display.DayCount(it.DaysOverdue), stTD.alarm()),
			td(display.OrNoValue(it.Owner)),
			cell{{text: it.Playbook, st: stTD.strong()}, {text: it.Change, st: stSmall, maxLines: 3}},
			cell{{text: display.CaseRef(it.Source, it.CaseID), st: stTD.with(func(s *style) { s.size = 7.5 })}},
		))
	}
	rp.table([]column{
		{title: "Due", w: 22},
		{title: "Overdue", w: 17, align: align.Right},
		{title: "Owner", w: 33},
		{title: "Playbook and change"},
		{title: "Case", w: 26},
	}, rows)
	if more := p.OverdueTotal - len(items); more > 0 {
		rp.paragraph("and "+display.Count(more)+" more overdue updates, not listed here.", stSmall)
	}
}
