package charts

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// hostileTeam is a team name from case data that tries to break out of
// the page's markup and its JSON block.
const hostileTeam = `</script><img src=x onerror=alert(1)>"'&`

// sliceReport is dashReport with three teams: CSIRT contains in 2 h every
// quarter (n 6), SOC in 9 h (n 20), and a team with a hostile name in 3 h
// (n 5); and every case unspecified in business unit (not a filter:
// nothing to choose between).
func sliceReport() *analytics.Report {
	r := dashReport()
	team := analytics.SliceDimension{Dimension: "team"}
	for _, tv := range []struct {
		value  string
		median float64
		n      int
	}{{"CSIRT", 2, 6}, {"SOC", 9, 20}, {hostileTeam, 3, 5}} {
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
	// Two severities, each with the contain metric only; "By severity"
	// has a row of each.
	sev := analytics.SliceDimension{Dimension: "severity"}
	for _, s := range []string{"critical", "high"} {
		m := analytics.SliceMetric{Metric: "contain"}
		for _, q := range r.Quarters {
			m.Stats = append(m.Stats, analytics.SliceStat{Quarter: q, N: 8, Median: f64(1), P90: f64(2), Mean: f64(1)})
		}
		sev.Values = append(sev.Values, analytics.SliceValue{Value: s, Metrics: []analytics.SliceMetric{m}})
		r.BySeverity = append(r.BySeverity, analytics.SeverityMetric{Severity: s, Metric: "contain", Label: "Time to contain", N: 8, Median: 1, P90: 2})
	}
	r.Slices = &analytics.Slices{MinCases: 5, Dimensions: []analytics.SliceDimension{sev, team, unit}}
	return r
}

func TestDashboardFilterMarkup(t *testing.T) {
	var buf bytes.Buffer
	if err := Dashboard(&buf, sliceReport(), DashboardOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`<select data-filter="team" aria-label="Team">`, `<option value="CSIRT">CSIRT</option>`, `id="pir-slices"`,
		`"chart-trend-contain":{"median":[2,2,2,2,2,2,2,2],"p90":[4,4,4,4,4,4,4,4],"n":[6,6,6,6,6,6,6,6],"rows":[["6","2.0","4.0",""],`,
		`"kpi-contain":{"median":"2.0 h","p90":"4.0 h","n":"6","changes":[`,
		// The hostile name: escaped in the option, \u003c… in the JSON.
		`<option value="&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#34;&#39;&amp;">&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#34;&#39;&amp;</option>`,
		`"\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e\"'\u0026":{"tiles":`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "<img src=x") {
		t.Error("the hostile team name is in the page unescaped")
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
	// The MTTC tile and the first row of the table under the MTTC chart
	// show CSIRT's numbers; every part the filter does not change says so.
	if got, want := run(filteredJS), []string{"2.0 h", "4.0 h", "6", "6", "2.0", "4.0", "notes 13 of 13"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("with team CSIRT: tile, table and notes got %q, want %q", got, want)
	}
	if _, err := chromedp.Run(page, chromedp.Evaluate[string](chooseJS("team", ""))); err != nil {
		t.Fatal(err)
	}
	if back := run(containDataJS); strings.Join(back, "|") != strings.Join(before, "|") {
		t.Errorf("All got %q, want the report's own %q", back, before)
	}
	if got, want := run(filteredJS), ownJS(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("All: tile, table and notes got %q, want the report's own %q", got, want)
	}

	// A severity: "By severity" keeps the chosen severity's row and drops
	// its "not filtered" note; the other parts keep theirs.
	if _, err := chromedp.Run(page, chromedp.Evaluate[string](chooseJS("severity", "critical"))); err != nil {
		t.Fatal(err)
	}
	const bySeverityJS = `(function () {
  var card = document.querySelector("[data-sliced='severity']");
  var rows = Array.prototype.filter.call(card.querySelectorAll("tr[data-key]"), function (tr) { return tr.offsetParent !== null; });
  return rows.map(function (tr) { return tr.getAttribute("data-key"); }).concat([String(card.querySelector(".not-filtered").hidden)]);
})()`
	if got, want := run(bySeverityJS), []string{"critical", "true"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("By severity with severity critical: visible rows and note hidden got %q, want %q", got, want)
	}
	if got := run(filteredJS); got[len(got)-1] != "notes 12 of 13" {
		t.Errorf("with severity critical: %s, want notes 12 of 13", got[len(got)-1])
	}
	if _, err := chromedp.Run(page, chromedp.Evaluate[string](chooseJS("severity", ""))); err != nil {
		t.Fatal(err)
	}
	if got, want := run(bySeverityJS), []string{"critical", "high", "true"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("By severity with All: got %q, want %q", got, want)
	}

	// The hostile team: chosen by its value, shown as text, nothing runs.
	status, err = chromedp.Run(page, chromedp.Evaluate[string](chooseJS("team", strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(hostileTeam))))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Showing only the cases of Team: " + hostileTeam + "."; status != want {
		t.Errorf("status got %q, want %q", status, want)
	}
	if got := run(filteredJS); len(got) < 3 || got[0] != "3.0 h" || got[2] != "5" {
		t.Errorf("with the hostile team: tile got %q, want 3.0 h and n 5", got)
	}
	if got, err := chromedp.Run(page, chromedp.Evaluate[int](`document.querySelectorAll("main img").length`)); err != nil || got != 0 {
		t.Errorf("images in the page after choosing the hostile team: %d, %v", got, err)
	}
	b.checkClean(t, ev, true)
}

// filteredJS reads the MTTC tile (median, p90, n), the first row of the
// table under the MTTC chart (n, median, p90) and how many "not filtered"
// notes show, of how many (13: the masthead's facts, the four cards of
// the decisions section, and every other section but the key figures and
// trends).
const filteredJS = `(function () {
  var tile = document.getElementById("kpi-contain");
  var row = document.querySelector("#fig-chart-trend-contain table tbody tr");
  var notes = document.querySelectorAll(".not-filtered");
  var shown = Array.prototype.filter.call(notes, function (n) { return !n.hidden; }).length;
  return [tile.querySelector(".kpi-value").textContent, tile.querySelector(".kpi-p90").textContent,
    tile.querySelector(".kpi-n").textContent, row.cells[1].textContent, row.cells[2].textContent,
    row.cells[3].textContent, "notes " + shown + " of " + notes.length];
})()`

// ownJS is what filteredJS reads on the report's own page: the MTTC tile
// and the first quarter of the MTTC trend of dashReport, no note shown.
func ownJS() []string {
	r := dashReport()
	var k analytics.KPI
	for _, x := range r.KPIs {
		if x.Metric == "contain" {
			k = x
		}
	}
	u := display.UnitForPtrs(k.Current.Median, k.Current.P90)
	var first analytics.Stat
	for _, m := range r.Metrics {
		if m.Metric == "contain" {
			first = m.Stats[0]
		}
	}
	return []string{u.FormatPtr(k.Current.Median), u.FormatPtr(k.Current.P90), display.Count(k.Current.N),
		display.Count(first.N), display.Number(*first.Median), display.Number(*first.P90), "notes 0 of 13"}
}
