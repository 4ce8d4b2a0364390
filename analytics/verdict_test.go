package analytics

import "testing"

func TestVerdict(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name       string
		from, to   *float64
		fromN, toN int
		p          *float64
		want       string
	}{
		{"Missing", nil, f(2), 10, 10, nil, "n/a"},
		{"Better", f(10), f(5), 10, 10, nil, "better"},
		{"Worse", f(10), f(12), 10, 10, nil, "worse"},
		{"Under5PctIsNeutral", f(10), f(10.49), 10, 10, nil, "neutral"},
		{"Exactly5PctCounts", f(10), f(9.5), 10, 10, nil, "better"},
		{"Unchanged", f(10), f(10), 10, 10, nil, "neutral"},
		{"SmallSampleThen", f(10), f(2), 4, 10, nil, "neutral"},
		{"SmallSampleNow", f(10), f(20), 10, 4, nil, "neutral"},
		{"FromZero", f(0), f(1), 10, 10, nil, "worse"},
		{"NotSignificant", f(10), f(5), 10, 10, f(0.2), "neutral"},
		{"Significant", f(10), f(5), 10, 10, f(0.01), "better"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := verdict(Change{From: tc.from, To: tc.to}, tc.fromN, tc.toN, tc.p); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestP90Regression: contain's p90 doubles while its median falls: the
// regression is stated and the sentence says "But its 90th percentile";
// a rise under 25% or with n < 5 is not.
func TestP90Regression(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	r := &Report{Quarter: "2025-Q4", KPIs: []KPI{
		{Metric: "contain", Label: "Time to contain", Current: Stat{Quarter: "2025-Q4", N: 50, Median: f(2.7), P90: f(39.3)},
			Previous: &Stat{Quarter: "2025-Q3", N: 51, Median: f(3.0), P90: f(19.2)}},
		{Metric: "triage", Label: "Time to triage", Current: Stat{Quarter: "2025-Q4", N: 50, Median: f(1), P90: f(12)},
			Previous: &Stat{Quarter: "2025-Q3", N: 51, Median: f(1), P90: f(10)}},
		{Metric: "dwell", Label: "Dwell time", Current: Stat{Quarter: "2025-Q4", N: 4, Median: f(1), P90: f(100)},
			Previous: &Stat{Quarter: "2025-Q3", N: 51, Median: f(1), P90: f(10)}},
	}}
	for i := range r.KPIs {
		r.KPIs[i].QoQ = change(r.KPIs[i].Previous, r.KPIs[i].Current)
	}
	got := p90Regressions(r)
	if len(got) != 1 || got[0].Metric != "contain" || got[0].Pct != 104.6875 || got[0].Median != "better" {
		t.Fatalf("got %+v, want contain only, +104.6875%%, median better", got)
	}
	want := "Median time to contain fell from 3.0 h to 2.7 h (−10%) against 2025-Q3 across 50 incidents. But its 90th percentile rose from 19.2 h to 39.3 h (+105%): the slowest cases took longer."
	if s := metricSentence(r, r.KPIs[0]); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	if s := metricSentence(r, r.KPIs[1]); s != "Median time to triage was 1.0 h against 1.0 h in 2025-Q3 across 50 incidents: ≈ no clear change (under 5%)." {
		t.Errorf("neutral sentence: %s", s)
	}
	ds := decideP90Regressions(r)
	if len(ds) != 1 || ds[0].Count != 105 || ds[0].Owner != "IR lead" {
		t.Errorf("decision: got %+v", ds)
	}
}
