package pdf

import (
	"fmt"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/display"
)

// benchmark is the section that places the team's yearly medians in a
// VERIS reference, present when the report has a Benchmark.
func (rp *report) benchmark() {
	b := rp.r.Benchmark
	if b == nil {
		return
	}
	scope := "every industry and organisation size"
	if b.Industry != "" || b.OrgSize != "" {
		scope = "industry (NAICS) " + display.Or(b.Industry, "any") + ", organisation size " + display.Or(b.OrgSize, "any")
	}
	rp.heading("Benchmark against public breaches", fmt.Sprintf(
		"The team's median per year against the VERIS incidents of %s (%s). Percentile rank: the share of those incidents that took less time than the team's median; lower is faster.",
		clean(b.Reference, rp.fs.regular, 120), scope))
	rows := make([]trow, 0, len(b.Rows))
	for _, r := range b.Rows {
		rank := display.NoValue
		if r.PercentileRank != nil {
			rank = display.Ordinal(*r.PercentileRank)
		}
		metric := r.Metric
		for _, d := range rp.r.Definitions {
			if d.Name == r.Metric {
				metric = d.Label
			}
		}
		rows = append(rows, tr(td(display.BenchmarkYear(r.Year)), td(metric),
			td(display.DurationPtr(r.TeamMedian)), td(display.Count(r.TeamN)),
			td(display.DurationPtr(r.ReferenceMedian)), td(display.Count(r.ReferenceN)), td(rank)))
	}
	rp.table([]column{
		{title: "Year", w: 20},
		{title: "Metric"},
		{title: "Team median", w: 24, align: align.Right},
		{title: "Team n", w: 16, align: align.Right},
		{title: "Reference median", w: 28, align: align.Right},
		{title: "Reference n", w: 22, align: align.Right},
		{title: "Percentile", w: 20, align: align.Right},
	}, rows)
	rp.gap(1.5)
	if s := b.Sentence(); s != "" {
		rp.paragraph(s, stBody)
		rp.gap(1)
	}
	for _, c := range b.Caveats {
		rp.paragraph(c, stSmall)
	}
}
