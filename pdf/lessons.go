package pdf

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// maxWentWell caps the went-well table: the section is about what to fix.
const maxWentWell = 5

// lessons is "What we keep learning": the report quarter's needs-improvement
// lessons with how long they have been coming back, what went well, and
// the quality of the root-cause chains (Report.Learning).
func (rp *report) lessons() {
	l := rp.r.Learning
	if l == nil {
		return
	}
	q := rp.quarter()
	n := len(rp.r.Quarters)
	rp.heading("What we keep learning", fmt.Sprintf(
		"Lessons the reviews of the cases %s in %s recorded, grouped by their theme, or by their text when they have none (case, spacing and final punctuation ignored). Quarters: in how many of the last %d quarters the lesson was recorded.",
		rp.cohortVerb(), q, n))

	recurring := 0
	for _, x := range l.NeedsImprovement {
		if x.Quarters > 1 {
			recurring++
		}
	}
	cur := l.Current(rp.r.Quarter)
	warn := func(v int, label string) tile {
		t := tile{value: display.Count(v), label: label, color: colAccent}
		if v > 0 {
			t.color = colWarn
		}
		return t
	}
	rp.tiles([]tile{
		{value: display.Count(recurring), label: fmt.Sprintf("of %s lessons to improve recur from earlier quarters", display.Count(len(l.NeedsImprovement))), color: colAccent},
		warn(cur.Shallow, fmt.Sprintf("of %s root causes with fewer than %d whys", display.Count(cur.RootCauses), l.MinWhys)),
		warn(cur.EndsAtPerson, "5-Whys chains that end at a person"),
		warn(cur.BlameLanguage, "cases whose review uses blame language"),
	})

	rp.subheading(fmt.Sprintf("Needs improvement, %s", q), 14)
	if len(l.NeedsImprovement) == 0 {
		rp.paragraph("No review of "+q+" recorded a lesson to improve.", stBody)
	} else {
		rp.lessonTable(l.NeedsImprovement, n)
	}
	if len(l.WentWell) > 0 {
		ww := l.WentWell
		if len(ww) > maxWentWell {
			ww = ww[:maxWentWell]
		}
		rp.subheading(fmt.Sprintf("Went well, %s", q), 14)
		rp.lessonTable(ww, n)
	}

	rp.subheading("Root-cause quality", 40)
	rows := make([]trow, 0, len(l.RootCauseQuality))
	for _, x := range l.RootCauseQuality {
		row := tr(td(x.Quarter), td(display.Count(x.RootCauses)), td(display.Count(x.Shallow)), td(display.Count(x.EndsAtPerson)), td(display.Count(x.BlameLanguage)))
		if x.Quarter == rp.r.Quarter {
			bg := colPanel
			row.bg = &bg
		}
		rows = append(rows, row)
	}
	rp.table([]column{
		{title: "Quarter"},
		{title: "Cases with a root cause", w: 34, align: align.Right},
		{title: fmt.Sprintf("Shallow (< %d whys)", l.MinWhys), w: 30, align: align.Right},
		{title: "Last why names a person", w: 34, align: align.Right},
		{title: "Blame language", w: 28, align: align.Right},
	}, rows)
	rp.gap(1.5)
	rp.paragraph("Cases counted in metrics. A chain that ends at a person (\"the user opened the attachment\") or judges one (\"careless\", \"should have\") "+
		"stops the review where the organisation's part begins; the review pack puts these to the facilitator as questions, and the data-quality table in the appendix lists the cases.", stSmall)
	rp.reviewsHeld(l)
}

// reviewsHeld is review timeliness per quarter of closure.
func (rp *report) reviewsHeld(l *analytics.Learning) {
	if len(l.Reviews) == 0 {
		return
	}
	rp.subheading("Were the reviews held?", 40)
	rows := make([]trow, 0, len(l.Reviews))
	for _, x := range l.Reviews {
		row := tr(td(x.Quarter), td(display.Count(x.ClosedCases)), td(display.Count(x.Reviewed)+" ("+display.Rate(x.ReviewedShare)+")"),
			td(display.Count(x.WithinTarget)+" ("+display.Rate(x.OnTimeShare)+")"), td(display.DaysPtr(x.MedianDays)))
		if x.Quarter == rp.r.Quarter {
			bg := colPanel
			row.bg = &bg
		}
		rows = append(rows, row)
	}
	rp.table([]column{
		{title: "Quarter closed"},
		{title: "Closed cases", w: 26, align: align.Right},
		{title: "Reviewed", w: 30, align: align.Right},
		{title: display.WithinDays(l.ReviewWithinDays), w: 32, align: align.Right},
		{title: "Median to review", w: 30, align: align.Right},
	}, rows)
	rp.gap(1.5)
	rp.paragraph("Closed cases of medium severity or worse (config review_min_severity), exercises and false positives left out. Reviewed: the review is held or published with a meeting date; the days count from closure to the meeting.", stSmall)
}

// lessonTable lists lesson groups: the theme or text with its texts under
// it, cases this and last quarter, quarters seen, first seen.
func (rp *report) lessonTable(ls []analytics.Lesson, quarters int) {
	rows := make([]trow, 0, len(ls))
	for _, x := range ls {
		c := cell{{text: x.Lesson, st: stTD}}
		if x.Themed && len(x.Texts) > 0 {
			c[0].st = stTD.strong()
			c = append(c, part{text: strings.Join(x.Texts, "; "), st: stSmall, maxLines: 3})
		}
		rows = append(rows, tr(c, td(display.Count(x.Cases)), td(display.Count(x.Previous)), td(display.QuartersOf(x.Quarters, quarters)), td(x.Since)))
	}
	rp.table([]column{
		{title: "Lesson"},
		{title: "Cases", w: 16, align: align.Right},
		{title: "Previous quarter", w: 22, align: align.Right},
		{title: "Quarters", w: 20, align: align.Right},
		{title: "First seen", w: 22, align: align.Right},
	}, rows)
}
