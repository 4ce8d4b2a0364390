package pdf

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// failedFixes lists the earlier cases whose completed fix did not hold: the
// recurrences of the report quarter grouped by the case they recurred
// after, with that case's action items.
func (rp *report) failedFixes() {
	r := rp.r
	q := rp.quarter()
	window := display.Window(r.RecurrenceWindow)
	fixes := analytics.FailedFixes(r.Recurrences)
	// Keep a short table on one page with its heading rather than leave
	// one row on the next (an estimate: about 4.5 mm a line).
	if h := failedFixesHeight(fixes); h < rp.cellH/2 {
		rp.ensure(h)
	}
	rp.subheading("Fixes that did not hold, "+q, 14)
	if len(fixes) == 0 {
		rp.paragraph(fmt.Sprintf("No case of %s recurred within %s of an earlier case's completed fix.", q, window), stBody)
		return
	}
	more := 0
	if len(fixes) > maxFixRows {
		fixes, more = fixes[:maxFixRows], len(fixes)-maxFixRows
	}
	rows := make([]trow, 0, len(fixes))
	for _, f := range fixes {
		fix := cell{{text: f.Ref + " · " + display.Words(f.Category), st: stTD.strong()}}
		if f.Title != "" {
			fix = append(fix, part{text: f.Title, st: stTD})
		}
		items := cell{}
		for _, it := range f.Items {
			items = append(items, part{text: "• " + it, st: stTD})
		}
		if len(items) == 0 {
			items = td(display.NoValue)
		}
		rows = append(rows, tr(fix, items, td(strings.Join(f.CaseRefs, ", "))))
	}
	rp.table([]column{
		{title: "Earlier case (fixed)", w: 60},
		{title: "Its completed action items"},
		{title: "Recurred in " + q, w: 34, align: align.Left},
	}, rows)
	if more > 0 {
		rp.paragraph(fmt.Sprintf("and %s more earlier cases whose fix did not hold: the recurrences view lists every one.", display.Count(more)), stSmall)
	}
	rp.paragraph(fmt.Sprintf("A case of %s recurred when an earlier case with the same root cause and a shared ATT&CK technique "+
		"(parent level) or affected asset had completed all its action items at most %s before it was detected: that fix did not prevent it.", q, window), stSmall)
}

// failedFixesHeight estimates the height of the failed-fixes section in mm.
func failedFixesHeight(fixes []analytics.FailedFix) float64 {
	h := 24.0 // heading, table header and the note
	for _, f := range fixes {
		h += float64(max(len(f.Items)+1, 3))*4.5 + 3
	}
	return h
}

// maxFixRows caps the failed-fixes table (the most recurrences first).
const maxFixRows = 5
