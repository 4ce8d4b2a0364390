package analytics

import "math"

// NeutralPct is the smallest change of a median, in percent, that the
// report calls better or worse; anything smaller is "≈ no clear change".
const NeutralPct = 5.0

// SignificanceLevel is the p-value under which a change counts when a test
// gives one.
const SignificanceLevel = 0.05

// verdict says whether a change of medians is an improvement, the one rule
// every output follows (docs/metrics.md, "the neutral-change rule"):
//
//   - "n/a": a side is missing;
//   - "neutral" (≈ no clear change, no green or red): either quarter has
//     fewer than SmallSample counted cases, the median moved by less than
//     NeutralPct percent (or not at all), or a test's pValue (when not nil)
//     is SignificanceLevel or more;
//   - else "better" when the median fell (lower durations are better),
//     "worse" when it rose.
//
// pValue is nil until a test (e.g. Mann–Whitney U over the two quarters'
// durations) supplies one; then only the first two rules apply.
func verdict(c Change, fromN, toN int, pValue *float64) string {
	if c.From == nil || c.To == nil {
		return "n/a"
	}
	if fromN < SmallSample || toN < SmallSample || *c.To == *c.From {
		return "neutral"
	}
	if *c.From != 0 && math.Abs((*c.To-*c.From) / *c.From * 100) < NeutralPct {
		return "neutral"
	}
	if pValue != nil && *pValue >= SignificanceLevel {
		return "neutral"
	}
	if *c.To < *c.From {
		return "better"
	}
	return "worse"
}

// P90Regression is a metric whose 90th percentile rose by at least
// P90RegressionPct percent against the previous quarter with both quarters
// at SmallSample cases or more: the slowest cases got slower, whatever the
// median did.
type P90Regression struct {
	Metric string  `json:"metric"`
	Label  string  `json:"label"`
	From   float64 `json:"from_hours"`
	To     float64 `json:"to_hours"`
	Pct    float64 `json:"pct"`
	Median string  `json:"median_direction"` // the median's verdict
	Vs     string  `json:"vs"`               // the quarter compared with
	N      [2]int  `json:"n"`                // cases then and now
}

// P90RegressionPct is the rise of a p90, in percent, that the report states.
const P90RegressionPct = 25.0

// p90Regressions lists the KPIs whose p90 rose by P90RegressionPct or more
// against the previous quarter (n ≥ SmallSample on both sides).
func p90Regressions(r *Report) []P90Regression {
	var out []P90Regression
	for _, k := range r.KPIs {
		prev, cur := k.Previous, k.Current
		if prev == nil || prev.P90 == nil || cur.P90 == nil || *prev.P90 <= 0 ||
			prev.N < SmallSample || cur.N < SmallSample {
			continue
		}
		pct := (*cur.P90 - *prev.P90) / *prev.P90 * 100
		if pct < P90RegressionPct {
			continue
		}
		out = append(out, P90Regression{Metric: k.Metric, Label: k.Label, From: *prev.P90, To: *cur.P90, Pct: round(pct),
			Median: k.QoQ.Direction, Vs: prev.Quarter, N: [2]int{prev.N, cur.N}})
	}
	return out
}
