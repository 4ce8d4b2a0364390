package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// Slices are the report's durations split by a case dimension, the impact
// totals and who detected the incidents (issue 20). The numbers are those
// of the views quarterly_metrics_by, quarterly_impact, quarterly_impact_cost
// (docs/schema.md) for the report's cohort and definitions.
type Slices struct {
	// MinCases is the session's slice_min_cases: a value with fewer counted
	// cases of a metric in a quarter is shown as "other".
	MinCases int `json:"min_cases"`
	// Dimensions are those the data has (some case gives a value), in the
	// order of slice_dimensions: severity, category, team, business_unit,
	// tenant, detection_source.
	Dimensions []SliceDimension `json:"dimensions"`
	// Impact holds the trailing quarters with a case that records impact.
	Impact []ImpactQuarter `json:"impact"`
	// Detection counts the report quarter's counted cases by who detected
	// them, most first; empty when no case says.
	Detection []DetectionCount `json:"detection"`
	// InternalShare is the share (0–1) of the report quarter's cases with a
	// known detection source that were detected internally; nil when none
	// is known.
	InternalShare *float64 `json:"internal_share"`
}

// SliceDimension is one dimension's values ("other" and "unspecified"
// last).
type SliceDimension struct {
	Dimension string       `json:"dimension"`
	Values    []SliceValue `json:"values"`
}

// SliceValue is one value of a dimension with every metric, in definition
// order.
type SliceValue struct {
	Value   string        `json:"value"`
	Metrics []SliceMetric `json:"metrics"`
}

// SliceMetric is one metric of a slice over the trailing quarters (N = 0
// where a quarter counted none), and the report quarter's median against
// the previous quarter's and the same quarter a year earlier (the verdict
// by the 5 % and 5-case rules; no test of chance).
type SliceMetric struct {
	Metric string      `json:"metric"`
	Stats  []SliceStat `json:"stats"`
	QoQ    Change      `json:"qoq"`
	YoY    Change      `json:"yoy"`
}

// SliceStat is a slice's statistics in one quarter.
type SliceStat struct {
	Quarter string   `json:"quarter"`
	N       int      `json:"n"`
	Mean    *float64 `json:"mean_hours"`
	Median  *float64 `json:"median_hours"`
	P90     *float64 `json:"p90_hours"`
}

// Current is the report quarter's statistics (the last of Stats).
func (m SliceMetric) Current() SliceStat {
	if len(m.Stats) == 0 {
		return SliceStat{}
	}
	return m.Stats[len(m.Stats)-1]
}

// Metric returns the slice's statistics of one metric, and false when the
// slice has none.
func (v SliceValue) Metric(name string) (SliceMetric, bool) {
	for _, m := range v.Metrics {
		if m.Metric == name {
			return m, true
		}
	}
	return SliceMetric{}, false
}

// Dimension returns one dimension of the slices, nil when the data does not
// have it.
func (s *Slices) Dimension(name string) *SliceDimension {
	if s == nil {
		return nil
	}
	for i := range s.Dimensions {
		if s.Dimensions[i].Dimension == name {
			return &s.Dimensions[i]
		}
	}
	return nil
}

// ImpactQuarter is the impact recorded by one quarter's counted cases.
type ImpactQuarter struct {
	Quarter string `json:"quarter"`
	// Cases record at least one impact figure.
	Cases int `json:"cases"`
	// Records exposed, summed over the RecordsCases that give them.
	Records      *int64 `json:"records"`
	RecordsCases int    `json:"records_cases"`
	// DowntimeHours summed over the DowntimeCases that give them.
	DowntimeHours *float64 `json:"downtime_hours"`
	DowntimeCases int      `json:"downtime_cases"`
	// Regulator and Customers count the cases that notified them.
	Regulator int `json:"regulator_notified"`
	Customers int `json:"customers_notified"`
	// Costs per currency, largest first (never added across currencies).
	Costs []ImpactCost `json:"costs"`
}

// ImpactCost is the cost of a quarter's cases in one currency.
type ImpactCost struct {
	Currency string  `json:"currency"`
	Cases    int     `json:"cases"`
	Cost     float64 `json:"cost"`
}

// DetectionCount is how many of the quarter's counted cases one source
// detected ("unspecified": the case does not say), and their share of all.
type DetectionCount struct {
	Source string  `json:"source"`
	Cases  int     `json:"cases"`
	Share  float64 `json:"share"`
}

// buildSlices fills Slices.
func buildSlices(ctx context.Context, q querier, sp *span, r *Report) error {
	s := &Slices{Dimensions: []SliceDimension{}, Impact: []ImpactQuarter{}, Detection: []DetectionCount{}}
	var err error
	if s.MinCases, err = pirsql.SliceMinCases(ctx, q); err != nil {
		return err
	}
	from := sp.quarter.YearAgo().String()
	if f := sp.first(); f < from {
		from = f
	}
	var rows []pirsql.MetricSliceRow
	if sp.slices == nil || len(sp.slices) > 0 {
		if rows, err = pirsql.MetricSlices(ctx, q, pirsql.MetricStatsParams{Definitions: sqlDefinitions(sp.defs), Cohort: sp.cohort, From: from, To: sp.last()}, sp.slices); err != nil {
			return err
		}
	}
	type key struct{ dim, value, quarter, metric string }
	stats := map[key]SliceStat{}
	var dims []string
	values := map[string][]string{}
	named := map[string]bool{}              // the dimension has a value other than unspecified
	shownFrom := sp.quarter.Prev().String() // the trailing quarters and the previous one name the values
	if f := sp.first(); f < shownFrom {
		shownFrom = f
	}
	for _, row := range rows {
		stats[key{row.Dimension, row.Value, row.Quarter, row.Metric}] = SliceStat{
			Quarter: row.Quarter, N: row.N, Mean: roundPtr(row.Mean), Median: roundPtr(row.Median), P90: roundPtr(row.P90)}
		if row.Quarter < shownFrom {
			continue // the year-ago quarter only compares
		}
		if len(dims) == 0 || dims[len(dims)-1] != row.Dimension {
			dims = append(dims, row.Dimension)
		}
		vs := values[row.Dimension]
		if len(vs) == 0 || vs[len(vs)-1] != row.Value {
			values[row.Dimension] = append(vs, row.Value)
		}
		if row.Value != "unspecified" {
			named[row.Dimension] = true
		}
	}
	prev, yearAgo := sp.quarter.Prev().String(), sp.quarter.YearAgo().String()
	for _, d := range dims {
		if !named[d] {
			continue
		}
		sd := SliceDimension{Dimension: d}
		for _, v := range values[d] {
			sv := SliceValue{Value: v}
			for _, def := range sp.defs {
				sm := SliceMetric{Metric: def.Name, Stats: make([]SliceStat, 0, len(r.Quarters))}
				for _, quarter := range r.Quarters {
					st, ok := stats[key{d, v, quarter, def.Name}]
					if !ok {
						st = SliceStat{Quarter: quarter}
					}
					sm.Stats = append(sm.Stats, st)
				}
				cur := sm.Current()
				than := func(quarter string) Change {
					var from *Stat
					if p, ok := stats[key{d, v, quarter, def.Name}]; ok {
						from = &Stat{Quarter: p.Quarter, N: p.N, Median: p.Median}
					}
					return change(from, Stat{Quarter: cur.Quarter, N: cur.N, Median: cur.Median})
				}
				sm.QoQ, sm.YoY = than(prev), than(yearAgo)
				sv.Metrics = append(sv.Metrics, sm)
			}
			sd.Values = append(sd.Values, sv)
		}
		s.Dimensions = append(s.Dimensions, sd)
	}

	totals, err := pirsql.ImpactTotals(ctx, q, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	costs, err := pirsql.ImpactCost(ctx, q, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	for _, t := range totals {
		iq := ImpactQuarter{Quarter: t.Quarter, Cases: t.Cases, Records: t.Records, RecordsCases: t.RecordsCases,
			DowntimeHours: roundPtr(t.DowntimeHours), DowntimeCases: t.DowntimeCases, Regulator: t.Regulator,
			Customers: t.Customers, Costs: []ImpactCost{}}
		for _, c := range costs {
			if c.Quarter == t.Quarter {
				iq.Costs = append(iq.Costs, ImpactCost{Currency: c.Currency, Cases: c.Cases, Cost: round(c.Cost)})
			}
		}
		s.Impact = append(s.Impact, iq)
	}

	det, err := pirsql.DetectionSources(ctx, q, sp.cohort, sp.last(), sp.last())
	if err != nil {
		return err
	}
	total, known, internal := 0, 0, 0
	for _, d := range det {
		total += d.Cases
		if d.Source != "unspecified" {
			known += d.Cases
		}
		if d.Source == "internal" {
			internal += d.Cases
		}
	}
	if known > 0 {
		for _, d := range det {
			s.Detection = append(s.Detection, DetectionCount{Source: d.Source, Cases: d.Cases, Share: round(float64(d.Cases) / float64(total))})
		}
		s.InternalShare = ptr(round(float64(internal) / float64(known)))
	}
	r.Slices = s
	return nil
}
