package analytics

import (
	"context"
	"strconv"
	"time"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// Significance is the p-value below which a change between two quarters
// is reported as a change rather than noise (the verdict's level).
const Significance = SignificanceLevel

// Statistics describe the survival estimates and the tests of the report.
type Statistics struct {
	// Snapshot is the instant open cases are censored at: the as_of
	// setting (--as-of), else the newest ingest time; nil with no case.
	Snapshot *time.Time `json:"snapshot,omitempty"`
	// Significance is the p-value threshold of a tested change.
	Significance float64 `json:"significance"`
	// Sentence compares, for time to contain (else the first metric with
	// an estimate), the report quarter's median counting open cases with
	// the completed-only median; "" when no metric has an estimate.
	Sentence string `json:"sentence,omitempty"`
}

// Survival is a Kaplan–Meier estimate of one metric in one quarter: the
// cases that reached the end milestone are events, the open ones are
// censored at the snapshot. A quantile that is not reached (more than
// half, or a tenth, of the cases are still open at the longest follow-up)
// holds that follow-up in hours: the true value is larger.
type Survival struct {
	N             int     `json:"n"`
	Events        int     `json:"events"`
	Censored      int     `json:"censored"` // open cases counted
	Median        float64 `json:"km_median_hours"`
	MedianReached bool    `json:"median_reached"`
	P90           float64 `json:"km_p90_hours"`
	P90Reached    bool    `json:"p90_reached"`
}

// RowHours are the durations a statistics row about s shows — the
// completed-only median and p90, the median's interval and the
// Kaplan–Meier median and p90 — so the row picks one unit for all of them
// (display.UnitForPtrs).
func (s Stat) RowHours() []*float64 {
	out := []*float64{s.Median, s.P90, s.MedianCILow, s.MedianCIHigh}
	if sv := s.Survival; sv != nil {
		out = append(out, &sv.Median, &sv.P90)
	}
	return out
}

// buildStatistics adds to the metrics of buildMetrics the median's
// confidence interval, the Kaplan–Meier estimate per quarter and the
// p-value of each KPI change.
func buildStatistics(ctx context.Context, q querier, sp *span, r *Report) error {
	r.Statistics.Significance = Significance
	type key struct{ quarter, metric string }
	from := sp.first()
	if ya := sp.quarter.YearAgo().String(); ya < from {
		from = ya
	}
	p := pirsql.MetricStatsParams{Definitions: sqlDefinitions(sp.defs), Cohort: sp.cohort, From: from, To: sp.last()}
	cis, err := pirsql.MedianCI(ctx, q, p)
	if err != nil {
		return err
	}
	ci := map[key]pirsql.MedianCIRow{}
	for _, c := range cis {
		ci[key{c.Quarter, c.Metric}] = c
	}
	survs, err := pirsql.Survival(ctx, q, p)
	if err != nil {
		return err
	}
	surv := map[key]*Survival{}
	for _, s := range survs {
		surv[key{s.Quarter, s.Metric}] = &Survival{N: s.N, Events: s.Events, Censored: s.Censored,
			Median: round(s.MedianHours), MedianReached: s.MedianReached, P90: round(s.P90Hours), P90Reached: s.P90Reached}
		snap := s.Snapshot.In(sp.loc)
		r.Statistics.Snapshot = &snap
	}
	fill := func(metric string, st *Stat) {
		if st == nil {
			return
		}
		k := key{st.Quarter, metric}
		if c, ok := ci[k]; ok {
			st.MedianCILow, st.MedianCIHigh = roundPtr(c.Low), roundPtr(c.High)
		}
		st.Survival = surv[k]
	}
	for i := range r.Metrics {
		for j := range r.Metrics[i].Stats {
			fill(r.Metrics[i].Metric, &r.Metrics[i].Stats[j])
		}
	}

	cur, prev, ya := sp.last(), sp.quarter.Prev().String(), sp.quarter.YearAgo().String()
	durs, err := pirsql.Durations(ctx, q, pirsql.DurationsParams{Definitions: sqlDefinitions(sp.defs), Cohort: sp.cohort,
		Quarters: []string{cur, prev, ya}})
	if err != nil {
		return err
	}
	hours := map[key][]float64{}
	for _, d := range durs {
		k := key{d.Quarter, d.Metric}
		hours[k] = append(hours[k], d.Hours)
	}
	test := func(metric, from string) *float64 {
		p, ok := MannWhitney(hours[key{from, metric}], hours[key{cur, metric}])
		if !ok {
			return nil
		}
		return ptr(roundP(p))
	}
	for i := range r.KPIs {
		k := &r.KPIs[i]
		fill(k.Metric, &k.Current)
		fill(k.Metric, k.Previous)
		fill(k.Metric, k.YearAgo)
		// A change is coloured only when the Mann–Whitney test says it is
		// unlikely to be noise (p < Significance) and it passes the
		// neutral-change rule: the verdict is taken again with the p-value.
		k.QoQ.PValue = test(k.Metric, prev)
		k.YoY.PValue = test(k.Metric, ya)
		k.QoQ.Direction = retest(k.QoQ, k.Previous, k.Current)
		k.YoY.Direction = retest(k.YoY, k.YearAgo, k.Current)
	}
	r.Statistics.Sentence = survivalSentence(r)
	return nil
}

// retest is the verdict of a change once its p-value is known.
func retest(c Change, from *Stat, cur Stat) string {
	if from == nil || c.PValue == nil {
		return c.Direction
	}
	return verdict(c, from.N, cur.N, c.PValue)
}

// survivalSentence is Statistics.Sentence.
func survivalSentence(r *Report) string {
	var pick *KPI
	for i := range r.KPIs {
		k := &r.KPIs[i]
		if k.Current.Survival == nil {
			continue
		}
		if pick == nil || k.Metric == "contain" {
			pick = k
		}
	}
	if pick == nil || r.Statistics.Snapshot == nil {
		return ""
	}
	s := pick.Current.Survival
	end := pick.Metric
	for _, d := range r.Definitions {
		if d.Name == pick.Metric {
			end = d.End
		}
	}
	return display.SurvivalSentence(pick.Label, end, r.Quarter, r.Statistics.Snapshot.Format("2 January 2006"),
		s.Censored, pick.Current.N, s.Median, s.MedianReached, pick.Current.Median)
}

// roundP keeps 6 significant digits of a p-value: stable JSON, and tiny
// p-values stay distinguishable from 0.
func roundP(p float64) float64 {
	if p == 0 {
		return 0
	}
	s := strconv.FormatFloat(p, 'g', 6, 64)
	v, _ := strconv.ParseFloat(s, 64)
	return v
}
