package analytics

import (
	"context"
	"database/sql"

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
	args := []any{sp.defsJSON, sp.cohort, from, sp.last()}
	err := each(ctx, q, "metric_stats", pirsql.MetricStats, args, func(s scanner) error {
		var st Stat
		var metric string
		var mean, median, p90, lo, hi sql.NullFloat64
		if err := s.Scan(&st.Quarter, &metric, &st.N, &mean, &median, &p90, &lo, &hi,
			&st.Excluded.MissingStart, &st.Excluded.MissingEnd, &st.Excluded.OutOfOrder, &st.Excluded.ExcludedCase); err != nil {
			return err
		}
		st.Mean, st.Median, st.P90, st.Min, st.Max = roundPtr(mean), roundPtr(median), roundPtr(p90), roundPtr(lo), roundPtr(hi)
		st.SmallSample = st.N < SmallSample
		stats[key{st.Quarter, metric}] = st
		return nil
	})
	if err != nil {
		return err
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

// change compares the median of from (earlier) with cur. Lower is better.
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
	switch {
	case *c.To < *c.From:
		c.Direction = "better"
	case *c.To > *c.From:
		c.Direction = "worse"
	default:
		c.Direction = "same"
	}
	return c
}
