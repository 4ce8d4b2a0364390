package charts

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pirhq/pir/analytics"
)

// sliceReport is dashReport with two teams: CSIRT contains in 2 h every
// quarter (n 6), SOC in 9 h (n 20); and every case unspecified in
// business unit (not a filter: nothing to choose between).
func sliceReport() *analytics.Report {
	r := dashReport()
	team := analytics.SliceDimension{Dimension: "team"}
	for _, tv := range []struct {
		value  string
		median float64
		n      int
	}{{"CSIRT", 2, 6}, {"SOC", 9, 20}} {
		v := analytics.SliceValue{Value: tv.value}
		for _, d := range r.Definitions {
			m := analytics.SliceMetric{Metric: d.Name}
			for _, q := range r.Quarters {
				m.Stats = append(m.Stats, analytics.SliceStat{Quarter: q, N: tv.n, Median: f64(tv.median), P90: f64(tv.median * 2), Mean: f64(tv.median)})
			}
			v.Metrics = append(v.Metrics, m)
		}
		team.Values = append(team.Values, v)
	}
	unit := analytics.SliceDimension{Dimension: "business_unit", Values: []analytics.SliceValue{{Value: "unspecified"}}}
	r.Slices = &analytics.Slices{MinCases: 5, Dimensions: []analytics.SliceDimension{team, unit}}
	return r
}

func TestDashboardFilterMarkup(t *testing.T) {
	var buf bytes.Buffer
	if err := Dashboard(&buf, sliceReport(), DashboardOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`<select data-filter="team" aria-label="Team">`, `<option value="CSIRT">CSIRT</option>`, `id="pir-slices"`,
		`"chart-trend-contain":{"median":[2,2,2,2,2,2,2,2],"p90":[4,4,4,4,4,4,4,4],"n":[6,6,6,6,6,6,6,6]}`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, `data-filter="business_unit"`) {
		t.Error("a filter with one value (unspecified) is drawn")
	}
	// Without slices there is no filter bar.
	buf.Reset()
	if err := Dashboard(&buf, dashReport(), DashboardOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `id="pir-slices"`) {
		t.Error("a report without slices has the filter data")
	}
}

// contain series data of the MTTC trend chart, medians then p90s, "-" for
// gaps.
const containDataJS = `(function () {
  var c = echarts.getInstanceByDom(document.getElementById("chart-trend-contain"));
  return c.getOption().series.map(function (s) {
    return s.data.map(function (d) { var v = (d && typeof d === "object") ? d.value : d; return String(v); }).join(",");
  });
})()`

// chooseJS picks a value in a filter as a user does: the select's value,
// then its change event.
func chooseJS(dim, value string) string {
	return `(function () { var s = document.querySelector("select[data-filter='` + dim + `']");
  s.value = "` + value + `"; s.dispatchEvent(new Event("change", {bubbles: true}));
  return document.getElementById("filter-status").textContent; })()`
}

// testFilters: choosing a team redraws the MTTC chart with that team's
// medians and p90s, "All" brings the report's own back; no console error.
func testFilters(t *testing.T, b *browser) {
	page, ev := b.open(t, "filters.html", sliceReport(), tabOptions{})
	b.checkCharts(t, page, 13)
	run := func(js string) []string {
		t.Helper()
		got, err := chromedp.Run(page, chromedp.Evaluate[[]string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return got
	}
	before := run(containDataJS)
	if want := "9.5,8.2,7.9,10.1,6.4,5.8,6.3,7.1"; len(before) != 2 || before[0] != want {
		t.Fatalf("MTTC medians before got %q, want %s", before, want)
	}
	status, err := chromedp.Run(page, chromedp.Evaluate[string](chooseJS("team", "CSIRT")))
	if err != nil {
		t.Fatal(err)
	}
	if status != "Showing only the cases of Team: CSIRT." {
		t.Errorf("status got %q", status)
	}
	after := run(containDataJS)
	if want := []string{"2,2,2,2,2,2,2,2", "4,4,4,4,4,4,4,4"}; strings.Join(after, "|") != strings.Join(want, "|") {
		t.Errorf("MTTC series for CSIRT got %q, want %q", after, want)
	}
	if _, err := chromedp.Run(page, chromedp.Evaluate[string](chooseJS("team", ""))); err != nil {
		t.Fatal(err)
	}
	if back := run(containDataJS); strings.Join(back, "|") != strings.Join(before, "|") {
		t.Errorf("All got %q, want the report's own %q", back, before)
	}
	b.checkClean(t, ev, true)
}
