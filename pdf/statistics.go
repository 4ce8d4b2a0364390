package pdf

import (
	"fmt"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/display"
)

// statistics is the "open cases and confidence" section: per metric, the
// completed-only median with its 95 % interval beside the Kaplan–Meier
// median that counts the open cases, and the p-values of the changes.
func (rp *report) statistics() {
	r := rp.r
	if len(r.KPIs) == 0 {
		return
	}
	snap := "the newest ingest time"
	if r.Statistics.Snapshot != nil {
		snap = r.Statistics.Snapshot.Format("2 January 2006 15:04 MST")
	}
	rp.heading("Open cases and confidence", fmt.Sprintf(
		"A median over completed cases leaves out the slow cases still open, so the newest quarter looks best. The Kaplan–Meier median counts each open case as lasting at least until %s; \"> X\" means more cases are still open than the median allows, so it is longer than X. The interval holds the true median with at least 95%% confidence; p is the Mann–Whitney test of %s against the other quarter: below %g the change is unlikely to be chance.",
		snap, rp.quarter(), r.Statistics.Significance))
	rows := make([]trow, 0, len(r.KPIs))
	for _, k := range r.KPIs {
		s := k.Current
		u := display.UnitForPtrs(s.RowHours()...) // one unit per row
		km, open := display.NoValue, display.NoValue
		if sv := s.Survival; sv != nil {
			km, open = display.QuantileIn(u, sv.Median, sv.MedianReached), display.OpenCounted(sv.Censored)
		}
		rows = append(rows, tr(
			tdStyled(k.Label, stTD.strong()),
			td(u.FormatPtr(s.Median)), td(display.IntervalIn(u, s.MedianCILow, s.MedianCIHigh)),
			td(km), td(open), td(display.PValue(k.QoQ.PValue)), td(display.PValue(k.YoY.PValue)),
		))
	}
	rp.table([]column{
		{title: "Metric"},
		{title: "Median, completed", w: 24, align: align.Right},
		{title: "95% interval", w: 26, align: align.Right},
		{title: "Median, open counted", w: 26, align: align.Right},
		{title: "Open", w: 18, align: align.Right},
		{title: "p vs last quarter", w: 22, align: align.Right},
		{title: "p vs last year", w: 22, align: align.Right},
	}, rows)
	if r.Statistics.Sentence != "" {
		rp.gap(1.5)
		rp.paragraph(r.Statistics.Sentence, stBody)
	}
	if r.Yardstick != nil {
		rp.gap(1.5)
		rp.paragraph(r.Yardstick.Sentence, stBody)
	}
}
