package display

import "testing"

func TestStatisticsWords(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	for _, tc := range []struct{ got, want string }{
		{Quantile(12, true), "12.0 h"},
		{Quantile(2040, false), "> 85.0 d"},
		{Interval(p(4), p(9)), "4.0–9.0 h"},
		{Interval(p(20), p(100)), "0.83–4.2 d"},
		{Interval(nil, p(9)), NoValue},
		{PValue(p(0.1386)), "p = 0.14"},
		{PValue(p(0.0041)), "p = 0.004"},
		{PValue(p(0.0496)), "p = 0.050"},
		{PValue(p(7e-18)), "p < 0.001"},
		{PValue(nil), NoValue},
		{OpenCounted(0), "none open"},
		{Ordinal(25), "25th"}, {Ordinal(1), "1st"}, {Ordinal(22.4), "22nd"}, {Ordinal(13), "13th"}, {Ordinal(111), "111th"}, {Ordinal(0), "0th"},
		{OpenCounted(3), "3 open"},
		{SurvivalSentence("Time to contain (MTTC)", "containment", "2024-Q1", "10 May 2024", 3, 20, 14, true, p(10)),
			"Counting the 3 cases still open without containment on 10 May 2024, the median time to contain in 2024-Q1 is 14.0 h; over the 20 completed cases alone it is 10.0 h."},
		{SurvivalSentence("Time to contain (MTTC)", "containment", "2024-Q1", "10 May 2024", 2, 0, 30, false, nil),
			"Counting the 2 cases still open without containment on 10 May 2024, the median time to contain in 2024-Q1 is more than 30.0 h; no case has completed yet."},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestRowUnit: the statistics row's median, interval and Kaplan–Meier
// median share the unit of the row — a 41-hour median next to an interval
// that reaches 6.3 days is written 1.7 d, 0.45–6.3 d, not "41.0 h" and
// "0.45–6.3 d".
func TestRowUnit(t *testing.T) {
	med, lo, hi := 41.0, 10.8, 151.2
	u := UnitForPtrs(&med, &lo, &hi)
	if got := u.FormatPtr(&med); got != "1.7 d" {
		t.Errorf("median: got %q, want 1.7 d", got)
	}
	if got := IntervalIn(u, &lo, &hi); got != "0.45–6.3 d" {
		t.Errorf("interval: got %q, want 0.45–6.3 d", got)
	}
	if got := QuantileIn(u, 36, false); got != "> 1.5 d" {
		t.Errorf("KM median not reached: got %q, want > 1.5 d", got)
	}
	if got := QuantileIn(Hours, 12, true); got != "12.0 h" {
		t.Errorf("KM median in hours: got %q, want 12.0 h", got)
	}
	if got := IntervalIn(Hours, nil, &hi); got != NoValue {
		t.Errorf("interval without a bound: got %q, want %q", got, NoValue)
	}
}
