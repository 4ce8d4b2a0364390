package analytics

import (
	"testing"
	"time"
)

// TestBuildStatistics checks the survival estimate, the median interval
// and the change p-values on the hand-worked fixture (build_test.go).
func TestBuildStatistics(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	equal(t, "snapshot (newest ingest time)", r.Statistics.Snapshot.UTC(), time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC))
	equal(t, "significance", r.Statistics.Significance, 0.05)

	// Triage in 2024-Q1: C1 2 h, C2 0 h, C3 open without triage, censored
	// at the snapshot: 15 Feb → 10 May 2024 = 85 d = 2040 h. S(0) = 2/3,
	// S(2) = 1/3: KM median 2 h where the plain median of the two closed
	// triages is 1 h; p90 not reached (> 2040 h).
	tr := kpi(r, "triage")
	equal(t, "triage median", *tr.Current.Median, 1.0)
	equal(t, "triage survival", *tr.Current.Survival, Survival{N: 3, Events: 2, Censored: 1,
		Median: 2, MedianReached: true, P90: 2040, P90Reached: false})

	// Contain in 2024-Q1: 10, 20, 10 h (C3 is open but contained: an
	// event); no censoring, so the KM median is the plain median.
	c := kpi(r, "contain")
	equal(t, "contain survival", *c.Current.Survival, Survival{N: 3, Events: 3, Censored: 0,
		Median: 10, MedianReached: true, P90: 20, P90Reached: true})
	equal(t, "contain median", *c.Current.Median, c.Current.Survival.Median)
	// 3 cases: too few for a 95 % interval.
	if c.Current.MedianCILow != nil || c.Current.MedianCIHigh != nil {
		t.Errorf("contain interval: got %v..%v, want none below 6 cases", c.Current.MedianCILow, c.Current.MedianCIHigh)
	}
	// 2023-Q4 {4, 8} against 2024-Q1 {10, 20, 10}: tied 10s → normal
	// approximation: U = 0, μ = 3, σ² = 6/12 · (6 − 6/20) = 2.85,
	// z = −2.5/√2.85 = −1.48087, p = 0.138641.
	equal(t, "contain qoq p", *c.QoQ.PValue, 0.138641)
	// 2023-Q1 {30} against {10, 20, 10}: ties → normal: ranks 1.5 1.5 3 | 4:
	// U(2023-Q1) = 4 − 1 = 3, μ = 1.5, σ² = 3/12 · (5 − 6/12) = 1.125,
	// z = (1.5 − 0.5)/1.06066 = 0.942809, p = 0.345779.
	equal(t, "contain yoy p", *c.YoY.PValue, 0.345779)
	// Every trailing quarter's stat carries its survival estimate: 2023-Q3
	// has no contained case (n 0) but O1, open since 1 Sep 2023, counts as
	// censored at 252 d = 6048 h: the median is "> 6048 h", not missing.
	for _, st := range series(r, "contain").Stats {
		if st.N > 0 && st.Survival == nil {
			t.Errorf("%s: n %d without a survival estimate", st.Quarter, st.N)
		}
		if st.Quarter == "2023-Q3" {
			equal(t, "2023-Q3 survival", *st.Survival, Survival{N: 1, Censored: 1, Median: 6048, P90: 6048})
		}
	}
}

func TestSurvivalSentence(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	// contain has no open case in 2024-Q1 (C3 is open but contained)
	equal(t, "sentence", r.Statistics.Sentence,
		"No case of 2024-Q1 is still open without containment, so the median time to contain (10.0 h) needs no correction for open cases.")
	r.KPIs = r.KPIs[1:2] // triage: C3 open without triage
	equal(t, "triage sentence", survivalSentence(r),
		"Counting the case still open without triage on 10 May 2024, the median time to triage in 2024-Q1 is 2.0 h; over the 2 completed cases alone it is 1.0 h.")
}
