package pdf

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// SliceDimensions returns the slice dimensions the PDF shows (the "By team
// and business unit" tables): the report model needs no other.
func SliceDimensions() []string { return []string{"team", "business_unit"} }

// sliceMetric is the metric the "By team / business unit" tables show:
// time to contain, the one leadership asks about first, else the first
// metric of the report.
func (rp *report) sliceMetric() (analytics.MetricDef, bool) {
	for _, d := range rp.r.Definitions {
		if d.Name == "contain" {
			return d, true
		}
	}
	if len(rp.r.Definitions) > 0 {
		return rp.r.Definitions[0], true
	}
	return analytics.MetricDef{}, false
}

// slices is the section "By team and business unit": a table per dimension
// the data has, the impact the quarter's cases recorded and who detected
// them. Each part only when the data has its field; nothing at all when it
// has none of them. (The "By severity" table is part of the summary pages.)
func (rp *report) slices() {
	s := rp.r.Slices
	if s == nil {
		return
	}
	var dims []*analytics.SliceDimension
	for _, name := range SliceDimensions() {
		if d := s.Dimension(name); d != nil {
			dims = append(dims, d)
		}
	}
	impact := rp.quarterImpact()
	if len(dims) == 0 && impact == nil && s.InternalShare == nil {
		return
	}
	def, ok := rp.sliceMetric()
	title := "Impact and detection"
	if len(dims) > 0 {
		var names []string
		for _, d := range dims {
			names = append(names, strings.ToLower(display.DimensionLabel(d.Dimension)))
		}
		title = "By " + strings.Join(names, " and ")
	}
	rp.heading(title, fmt.Sprintf(
		"Cases %s in %s, time zone %s. Values with fewer than %s counted cases in the quarter are pooled as Other. Every metric per value: the view quarterly_metrics_by.",
		rp.cohortVerb(), rp.quarter(), rp.timeZone(), display.Count(max(s.MinCases, 1))))
	if ok {
		for _, d := range dims {
			rp.sliceTable(d, def)
		}
	}
	rp.impactSummary(impact)
	rp.detectionShare()
}

// sliceTable: one row per value of the dimension with the metric's median,
// p90 and n in the report quarter and the change of the median from the
// previous quarter.
func (rp *report) sliceTable(d *analytics.SliceDimension, def analytics.MetricDef) {
	label := display.DimensionLabel(d.Dimension)
	rp.subheading(label+": "+def.Label, 30)
	rows := make([]trow, 0, len(d.Values))
	for _, v := range d.Values {
		m, ok := v.Metric(def.Name)
		if !ok {
			continue
		}
		cur := m.Current()
		// one unit for the row's median, p90 and change
		u := display.UnitForPtrs(cur.Median, cur.P90)
		med, p90 := u.FormatPtr(cur.Median), u.FormatPtr(cur.P90)
		if cur.N == 0 {
			med, p90 = display.NoValue, display.NoValue
		}
		n := display.Count(cur.N)
		if cur.N < analytics.SmallSample {
			n += "*"
		}
		rows = append(rows, tr(
			tdStyled(clean(display.SliceValueLabel(d.Dimension, v.Value, rp.r.Slices.MinCases), rp.fs.bold, 80), stTD.strong()),
			// a slice's change is not tested for chance (no Mann–Whitney
			// test per value): shown without arrow or colour
			td(med), td(p90), td(n), td(display.Change(m.QoQ).StringIn(u)),
		))
	}
	rp.table([]column{
		{title: label},
		{title: "Median", w: 22, align: align.Right},
		{title: "p90", w: 22, align: align.Right},
		{title: "n", w: 14, align: align.Right},
		{title: "vs last quarter", w: 38, align: align.Right},
	}, rows)
	rp.paragraph(fmt.Sprintf("* fewer than %d cases: too few to compare. Changes within a %s are not tested for chance, so they carry no arrow.", analytics.SmallSample, strings.ToLower(label)), stSmall)
}

// quarterImpact is the report quarter's impact, nil when no case of it
// records any.
func (rp *report) quarterImpact() *analytics.ImpactQuarter {
	for i, q := range rp.r.Slices.Impact {
		if q.Quarter == rp.r.Quarter {
			return &rp.r.Slices.Impact[i]
		}
	}
	return nil
}

// impactSummary: what the quarter's incidents cost, in one table.
func (rp *report) impactSummary(q *analytics.ImpactQuarter) {
	if q == nil {
		return
	}
	rp.subheading("Impact", 30)
	rp.paragraph(fmt.Sprintf("%s of %s recorded an impact figure; totals cover the cases that give each figure.",
		display.Plural(q.Cases, "incident", "incidents"), rp.quarter()), stSmall)
	var rows []trow
	if q.Records != nil {
		rows = append(rows, tr(tdStyled("Records exposed", stTD.strong()), td(display.Count(int(*q.Records))), td(display.Plural(q.RecordsCases, "case", "cases"))))
	}
	if q.DowntimeHours != nil {
		rows = append(rows, tr(tdStyled("Downtime", stTD.strong()), td(display.DurationPtr(q.DowntimeHours)), td(display.Plural(q.DowntimeCases, "case", "cases"))))
	}
	for _, c := range q.Costs {
		rows = append(rows, tr(tdStyled("Cost", stTD.strong()), td(clean(display.Money(c.Cost, c.Currency), rp.fs.regular, 60)), td(display.Plural(c.Cases, "case", "cases"))))
	}
	rows = append(rows,
		tr(tdStyled("Regulator notified", stTD.strong()), td(display.Count(q.Regulator)), td("")),
		tr(tdStyled("Customers notified", stTD.strong()), td(display.Count(q.Customers)), td("")))
	rp.table([]column{
		{title: "Figure"},
		{title: "Total", w: 45, align: align.Right},
		{title: "Cases giving it", w: 40, align: align.Right},
	}, rows)
}

// detectionShare: who detected the quarter's incidents, internal first.
func (rp *report) detectionShare() {
	s := rp.r.Slices
	if s.InternalShare == nil {
		return
	}
	rp.subheading("Who detected the incidents", 30)
	internal, known := 0, 0
	for _, d := range s.Detection {
		if d.Source != "unspecified" {
			known += d.Cases
		}
		if d.Source == "internal" {
			internal += d.Cases
		}
	}
	rp.paragraph(display.DetectionShareSentence(internal, known)+
		". Incidents found by an outside party (a partner, customer or the attacker) mean detection missed them.", stBody)
	rows := make([]trow, 0, len(s.Detection))
	for _, d := range s.Detection {
		rows = append(rows, tr(tdStyled(display.SliceValueLabel("detection_source", d.Source, 0), stTD.strong()),
			td(display.Count(d.Cases)), td(display.Share(d.Share))))
	}
	rp.table([]column{
		{title: "Detected by"},
		{title: "Cases", w: 30, align: align.Right},
		{title: "Share", w: 30, align: align.Right},
	}, rows)
}
