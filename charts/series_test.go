package charts

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
)

// optionSeries reads the series names and data of a chart option.
func optionSeries(t *testing.T, cv *chartView) (names []string, values [][]float64) {
	t.Helper()
	var opt struct {
		Series []struct {
			Name string `json:"name"`
			Data []struct {
				Value float64 `json:"value"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(cv.Option), &opt); err != nil {
		t.Fatalf("%s: option: %v", cv.ID, err)
	}
	for _, s := range opt.Series {
		names = append(names, s.Name)
		var v []float64
		for _, d := range s.Data {
			v = append(v, d.Value)
		}
		values = append(values, v)
	}
	return names, values
}

// TestRootCauseSeriesShared: the dashboard's root-cause chart and the PDF's
// draw the same prepared stack, the categories in words. In the fixture
// every category rose from an empty 2024-Q1 into the report quarter, so
// every one is drawn on its own and there is no Other. The table under the
// HTML chart lists every category.
func TestRootCauseSeriesShared(t *testing.T) {
	r := pngFixture() // eight categories: phishing 10, Zugangsdaten 3, misconfiguration 2, a–e 1 each
	s := rootCauseStack(r)
	wantNames := []string{"phishing", "Zugangsdaten – ł ß Ω Ж", "misconfiguration", "a", "b", "c", "d", "e"}
	if !reflect.DeepEqual(s.names, wantNames) {
		t.Fatalf("stack names: got %q, want %q", s.names, wantNames)
	}
	if got := s.values[0]; !reflect.DeepEqual(got, []int{4, 0, 6}) {
		t.Errorf("phishing per quarter: got %v, want [4 0 6]", got)
	}
	if s.colors[0] != Palette()[0] {
		t.Errorf("colours: got %v", s.colors)
	}
	for i, c := range s.colors {
		if c == otherColor {
			t.Errorf("series %q has the grey of Other", s.names[i])
		}
	}

	cv, err := rootCauseChart(r, "rc")
	if err != nil {
		t.Fatal(err)
	}
	names, values := optionSeries(t, cv)
	if !reflect.DeepEqual(names, s.names) {
		t.Errorf("HTML series: got %q, want the prepared %q", names, s.names)
	}
	if got := values[0]; !reflect.DeepEqual(got, []float64{4, 0, 6}) {
		t.Errorf("HTML phishing: got %v, want [4 0 6]", got)
	}
	if len(cv.Table.Rows) != 8 {
		t.Errorf("table rows: got %d, want all 8 categories", len(cv.Table.Rows))
	}
	if _, err := RootCausesPNG(r, pngSize); err != nil {
		t.Errorf("PNG from the same stack: %v", err)
	}
}

// manyRootCauses is four quarters with one steady leading category, one
// rising, and four small ones per quarter that differ from quarter to
// quarter — the shape in which "most frequent over the period, rest as
// Other" made Other the tallest segment of every bar.
func manyRootCauses() *analytics.Report {
	qs := []string{"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}
	r := &analytics.Report{Quarter: "2025-Q4", Quarters: qs}
	add := func(q, c string, n int) {
		r.RootCauses = append(r.RootCauses, analytics.RootCause{Quarter: q, Category: c, Cases: n})
	}
	for i, q := range qs {
		add(q, "phishing-susceptibility", 5)
		if i < 3 {
			for _, c := range []string{"1", "2", "3", "4"} {
				add(q, string(rune('a'+i))+c, 2) // a1–a4, b1–b4, c1–c4
			}
		}
	}
	add("2025-Q3", "insufficient-monitoring", 1)
	add("2025-Q4", "insufficient-monitoring", 3)
	add("2025-Q4", "d1", 1)
	return r
}

// TestRootCauseOtherNeverLargest: each quarter's two largest categories
// and every category that rose into the report quarter are drawn on their
// own, in words, and more are named until Other is smaller than the
// largest named segment of every quarter. Hand-computed: the two largest
// per quarter are phishing with a1, b1, c1 and insufficient monitoring;
// d1 and insufficient monitoring rose in 2025-Q4; a2, b2 and c2 bring
// Other down to 4 cases in 2025-Q1–Q3 (phishing: 5).
func TestRootCauseOtherNeverLargest(t *testing.T) {
	r := manyRootCauses()
	s := rootCauseStack(r)
	// Legend order: most cases over the period first, then by key.
	want := []string{"phishing susceptibility", "insufficient monitoring", "a1", "a2", "b1", "b2", "c1", "c2", "d1", "Other"}
	if !reflect.DeepEqual(s.names, want) {
		t.Fatalf("names: got %q, want %q", s.names, want)
	}
	other := s.values[len(s.values)-1]
	if !reflect.DeepEqual(other, []int{4, 4, 4, 0}) {
		t.Errorf("Other per quarter: got %v, want [4 4 4 0]", other)
	}
	for q := range s.quarters {
		largest := 0
		for k := 0; k < len(s.values)-1; k++ {
			largest = max(largest, s.values[k][q])
		}
		if other[q] >= largest {
			t.Errorf("%s: Other %d is not smaller than the largest named category (%d)", s.quarters[q], other[q], largest)
		}
	}
	cv, err := rootCauseChart(r, "rc")
	if err != nil {
		t.Fatal(err)
	}
	if names, _ := optionSeries(t, cv); !reflect.DeepEqual(names, want) {
		t.Errorf("HTML series: got %q, want %q", names, want)
	}
	if RootCauseNote(r) != "" || cv.Note != "" {
		t.Errorf("note: got %q / %q, want none (every case is drawn)", RootCauseNote(r), cv.Note)
	}
}

// TestRootCauseOtherDropped: with more small categories than colours the
// sum would stay the largest segment, so it is not drawn and the caption
// counts what was left out. Each quarter has six categories of one case:
// the two first of 2025-Q1–Q3 (6) and all six of 2025-Q4, which rose from
// nothing (6), make 12 named; the other 4 × 3 = 12 cases in 12 categories
// are left out.
func TestRootCauseOtherDropped(t *testing.T) {
	qs := []string{"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}
	r := &analytics.Report{Quarter: "2025-Q4", Quarters: qs}
	for i, q := range qs {
		for j := 0; j < 6; j++ {
			r.RootCauses = append(r.RootCauses, analytics.RootCause{Quarter: q, Category: string(rune('a'+i)) + string(rune('0'+j)), Cases: 1})
		}
	}
	s := rootCauseStack(r)
	for _, n := range s.names {
		if n == otherName {
			t.Fatalf("names: got %q, want no Other", s.names)
		}
	}
	if len(s.names) != 12 || s.dropped != 12 || s.droppedKeys != 12 {
		t.Errorf("got %d named, %d cases in %d categories left out; want 12, 12, 12", len(s.names), s.dropped, s.droppedKeys)
	}
	want := "12 cases in 12 smaller categories are not drawn (each is in the table)."
	if got := RootCauseNote(r); got != want {
		t.Errorf("note: got %q, want %q", got, want)
	}
	cv, err := rootCauseChart(r, "rc")
	if err != nil {
		t.Fatal(err)
	}
	if cv.Note != want {
		t.Errorf("HTML note: got %q, want %q", cv.Note, want)
	}
}

// TestStackWords: root-cause and case categories show in words in the
// chart and its table; a blank category is "(none)".
func TestStackWords(t *testing.T) {
	r := &analytics.Report{Quarter: "2024-Q1", Quarters: []string{"2024-Q1"},
		RootCauses: []analytics.RootCause{{Quarter: "2024-Q1", Category: "insufficient-monitoring", Cases: 2}, {Quarter: "2024-Q1", Cases: 1}},
		Volume:     analytics.Volume{ByCategory: []analytics.QuarterCount{{Quarter: "2024-Q1", Key: "business-email-compromise", Cases: 3}}}}
	if got := rootCauseStack(r).names; !reflect.DeepEqual(got, []string{"insufficient monitoring", "(none)"}) {
		t.Errorf("root causes: got %q", got)
	}
	if got := categoryStack(r).names; !reflect.DeepEqual(got, []string{"business email compromise"}) {
		t.Errorf("categories: got %q", got)
	}
	cv, err := volumeChart(r, "v")
	if err != nil {
		t.Fatal(err)
	}
	if names, _ := optionSeries(t, cv); !reflect.DeepEqual(names, []string{"business email compromise"}) || cv.Table.Rows[0][0].Text != "business email compromise" {
		t.Errorf("volume chart: series %q, table %q", names, cv.Table.Rows[0][0].Text)
	}
}

// TestTrendSeriesShared: the HTML trend and the PNG trend plot the same
// values in the same unit; a quarter without a counted case is a gap.
func TestTrendSeriesShared(t *testing.T) {
	r := pngFixture()
	dwell := r.Metrics[1] // medians 200, 264, 100 h: days
	tr := trendOf(dwell, r.Quarters)
	if tr.unit.Name() != "days" {
		t.Fatalf("unit: got %s, want days", tr.unit.Name())
	}
	cv, err := trendChart(r, dwell, "t")
	if err != nil {
		t.Fatal(err)
	}
	_, values := optionSeries(t, cv)
	for i, v := range tr.median {
		if v == nil || values[0][i] != *v {
			t.Errorf("median %s: HTML %v, prepared %v", r.Quarters[i], values[0][i], v)
		}
	}
	if *tr.median[1] != 11 || cv.Table.Rows[1][2].Text != "11.0" {
		t.Errorf("264 h: got %v in the series and %q in the table, want 11 days", *tr.median[1], cv.Table.Rows[1][2].Text)
	}
	gap := trendOf(r.Metrics[0], r.Quarters) // contain: 2024-Q1 has no counted case
	if gap.median[1] != nil || gap.n[1] != 0 || gap.median[2] == nil || *gap.median[2] != 0 {
		t.Errorf("gap: got %v %v, want a gap in 2024-Q1 and a zero in 2024-Q2", gap.median, gap.n)
	}
	if _, err := TrendPNG(dwell, r.Quarters, pngSize); err != nil {
		t.Error(err)
	}
}

// TestTacticNamesShared: a tactic without a name is spelled from its short
// name the same way in the heat map and the PNG ("Credential Access").
func TestTacticNamesShared(t *testing.T) {
	r := pngFixture()
	ts := tacticsOf(r)
	if got := ts.names["credential-access"]; got != "Credential Access" {
		t.Errorf("got %q", got)
	}
	cv, err := tacticChart(r, "tac")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cv.Option), `"Credential Access"`) || cv.Table.Rows[1][0].Text != "Credential Access" {
		t.Errorf("heat map does not name the tactic as prepared: %s", clipLine(string(cv.Option)))
	}
}
