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
// draw the same prepared stack: the six categories with most cases of the
// period in words, the rest summed as Other. The table under the HTML chart
// still lists every category.
func TestRootCauseSeriesShared(t *testing.T) {
	r := pngFixture() // eight categories: phishing 10, Zugangsdaten 3, misconfiguration 2, a–e 1 each
	s := rootCauseStack(r)
	wantNames := []string{"phishing", "Zugangsdaten – ł ß Ω Ж", "misconfiguration", "a", "b", "c", "Other"}
	if !reflect.DeepEqual(s.names, wantNames) {
		t.Fatalf("stack names: got %q, want %q", s.names, wantNames)
	}
	// Other is d + e: 2 cases in 2024-Q2, none before.
	if got := s.values[6]; !reflect.DeepEqual(got, []int{0, 0, 2}) {
		t.Errorf("Other per quarter: got %v, want [0 0 2]", got)
	}
	if s.colors[6] != otherColor || s.colors[0] != Palette()[0] {
		t.Errorf("colours: got %v", s.colors)
	}

	cv, err := rootCauseChart(r, "rc")
	if err != nil {
		t.Fatal(err)
	}
	names, values := optionSeries(t, cv)
	if !reflect.DeepEqual(names, s.names) {
		t.Errorf("HTML series: got %q, want the prepared %q", names, s.names)
	}
	if got := values[6]; !reflect.DeepEqual(got, []float64{0, 0, 2}) {
		t.Errorf("HTML Other: got %v, want [0 0 2]", got)
	}
	if len(cv.Table.Rows) != 8 {
		t.Errorf("table rows: got %d, want all 8 categories", len(cv.Table.Rows))
	}
	if _, err := RootCausesPNG(r, pngSize); err != nil {
		t.Errorf("PNG from the same stack: %v", err)
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
