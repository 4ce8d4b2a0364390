package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// buildMetrics fills Metrics (one Stat per metric and trailing quarter) and
// KPIs (the report quarter against the previous quarter and a year ago).
func buildMetrics(ctx context.Context, q querier, sp *span, r *Report) error {
	type key struct{ quarter, metric string }
	stats := map[key]Stat{}
	from := sp.first()
	if ya := sp.quarter.YearAgo().String(); ya < from {
		from = ya
	}
	rows, err := pirsql.MetricStats(ctx, q, pirsql.MetricStatsParams{Definitions: sqlDefinitions(sp.defs), Cohort: sp.cohort, From: from, To: sp.last()})
	if err != nil {
		return err
	}
	for _, row := range rows {
		st := Stat{Quarter: row.Quarter, N: row.N,
			Excluded: Excluded{MissingStart: row.MissingStart, MissingEnd: row.MissingEnd, OutOfOrder: row.OutOfOrder, ExcludedCase: row.ExcludedCase}}
		st.Mean, st.Median, st.P90, st.Min, st.Max = roundPtr(row.Mean), roundPtr(row.Median), roundPtr(row.P90), roundPtr(row.Min), roundPtr(row.Max)
		st.SmallSample = st.N < SmallSample
		stats[key{st.Quarter, row.Metric}] = st
	}
	// get returns the stat and whether the quarter had any case at all.
	get := func(quarter, metric string) (Stat, bool) {
		st, ok := stats[key{quarter, metric}]
		if !ok {
			st = Stat{Quarter: quarter, SmallSample: true}
		}
		return st, ok
	}
	r.Metrics = make([]MetricSeries, 0, len(sp.defs))
	r.KPIs = make([]KPI, 0, len(sp.defs))
	for _, d := range sp.defs {
		ms := MetricSeries{Metric: d.Name, Label: d.Label, Stats: make([]Stat, 0, len(r.Quarters))}
		for _, quarter := range r.Quarters {
			st, _ := get(quarter, d.Name)
			ms.Stats = append(ms.Stats, st)
		}
		r.Metrics = append(r.Metrics, ms)

		k := KPI{Metric: d.Name, Label: d.Label}
		k.Current, _ = get(sp.last(), d.Name)
		if st, ok := get(sp.quarter.Prev().String(), d.Name); ok {
			k.Previous = &st
		}
		if st, ok := get(sp.quarter.YearAgo().String(), d.Name); ok {
			k.YearAgo = &st
		}
		k.QoQ = change(k.Previous, k.Current)
		k.YoY = change(k.YearAgo, k.Current)
		r.KPIs = append(r.KPIs, k)
	}
	return nil
}

// change compares the median of from (earlier) with cur. Lower is better;
// Direction follows the neutral-change rule (verdict).
func change(from *Stat, cur Stat) Change {
	c := Change{To: cur.Median, Direction: "n/a"}
	if from != nil {
		c.From = from.Median
	}
	if c.From == nil || c.To == nil {
		return c
	}
	c.Abs = ptr(round(*c.To - *c.From))
	if *c.From != 0 {
		c.Pct = ptr(round((*c.To - *c.From) / *c.From * 100))
	}
	n := 0
	if from != nil {
		n = from.N
	}
	c.Direction = verdict(c, n, cur.N, nil)
	return c
}
