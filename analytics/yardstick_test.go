package analytics

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestYardstick(t *testing.T) {
	db := openSeeded(t, "UTC")
	// now 15 May 2024: M-Trends 2024 (April 2024, 2023 data, 10 days) is
	// the newest published; the fixture's 2024-Q1 dwell median is C1's
	// 5 days (compromise 5 Jan, detection 10 Jan).
	r := build(t, db, Options{})
	if r.Yardstick == nil {
		t.Fatal("no yardstick")
	}
	equal(t, "reference", r.Yardstick.Reference.Report, "M-Trends 2024")
	equal(t, "days", r.Yardstick.Reference.Days, 10.0)
	want := "The median dwell time in 2024-Q1 was 5.0 days across 1 incident; Mandiant M-Trends 2024 reports a global median dwell time of 10.0 days for 2023, over intrusions investigated by Mandiant incident responders worldwide: a population of serious breaches that called in outside responders, so it is a yardstick, not a like-for-like target."
	equal(t, "sentence", r.Yardstick.Sentence, want)

	// Before M-Trends 2024 was published: M-Trends 2023's 16 days (2022).
	r = build(t, db, Options{Now: func() time.Time { return time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC) }})
	equal(t, "reference in March", r.Yardstick.Reference.Report+" "+r.Yardstick.Reference.DataYear, "M-Trends 2023 2022")

	// A report on 2016-Q1 uses the figure about 2016, not a later year's.
	r = build(t, db, Options{Quarter: "2016-Q1"})
	equal(t, "reference for 2016", r.Yardstick.Reference.DataYear, "2016")
	if !strings.HasSuffix(r.Yardstick.Sentence, "no dwell time was counted in 2016-Q1.") {
		t.Errorf("sentence without data: %q", r.Yardstick.Sentence)
	}
}

// TestPublishedMedians checks the table's own consistency: every figure
// has a source, a population and a data period before its publication.
func TestPublishedMedians(t *testing.T) {
	ps := PublishedMedians()
	if len(ps) < 12 {
		t.Fatalf("got %d published medians, want the 12 M-Trends editions at least", len(ps))
	}
	for _, p := range ps {
		y, err := strconv.Atoi(p.DataYear[:4])
		if err != nil || y >= p.Published.Year()+1 || p.Days <= 0 || p.Population == "" || !strings.HasPrefix(p.Source, "https://") {
			t.Errorf("%s %s: data %q, published %s, %v days, population %q, source %q", p.Publisher, p.Report, p.DataYear, p.Published.Format("2006-01"), p.Days, p.Population, p.Source)
		}
	}
	// M-Trends' global medians as published (days by data year).
	want := map[string]float64{"2014": 205, "2015": 146, "2016": 99, "2017": 101, "2018": 78, "2019": 56,
		"2020": 24, "2021": 21, "2022": 16, "2023": 10, "2024": 11, "2025": 14}
	for _, p := range ps {
		if p.Publisher == "Mandiant" {
			if p.Days != want[p.DataYear] {
				t.Errorf("M-Trends %s: got %v days, want %v", p.DataYear, p.Days, want[p.DataYear])
			}
			delete(want, p.DataYear)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing M-Trends years: %v", want)
	}
}
