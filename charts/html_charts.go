package charts

import (
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"strings"

	ec "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// chartView is one chart card: the option for ECharts, and the same numbers
// as a table for readers without JavaScript (and for copying into tickets).
type chartView struct {
	ID       string // DOM id of the chart container: stable, [a-z0-9-]
	Title    string
	Subtitle string // what is plotted and in which unit
	Height   int    // px
	// Unit is appended to values in tooltips ("h", "d"); empty for counts.
	Unit   string
	Option template.JS // HTML-safe JSON, see encodeOption
	// Empty, when set, replaces the chart: there is nothing to draw.
	Empty string
	Note  string
	Table tableView
}

// Colours and type shared by every chart; the CSS uses the same values.
const (
	colInk     = "#1f2937"
	colMuted   = "#6b7280"
	colGrid    = "#e5e7eb"
	colAxis    = "#9ca3af"
	colMedian  = "#1d4ed8"
	colP90     = "#f59e0b"
	colBar     = "#4f46e5"
	colCreated = "#94a3b8"
	colDone    = "#10b981"
	colOverdue = "#ef4444"
	fontStack  = `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif`
)

// optioner is a go-echarts chart: Validate completes it, JSON is its option.
type optioner interface {
	Validate()
	JSON() map[string]interface{}
}

// finishOption turns a go-echarts chart into the option JSON for the page,
// applying the shared look, then patch for what go-echarts has no field for.
func finishOption(c optioner, patch func(m map[string]any)) (template.JS, error) {
	c.Validate()
	raw, err := json.Marshal(c.JSON())
	if err != nil {
		return "", fmt.Errorf("chart option: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", fmt.Errorf("chart option: %w", err)
	}
	delete(m, "toolbox")
	delete(m, "title") // the card's <h3> is the title, in HTML
	m["animation"] = false
	m["backgroundColor"] = "transparent"
	m["textStyle"] = map[string]any{"fontFamily": fontStack, "color": colInk, "fontSize": 12}
	if t, ok := m["tooltip"].(map[string]any); ok {
		t["confine"] = true
		t["textStyle"] = map[string]any{"fontSize": 12}
	}
	for _, name := range []string{"xAxis", "yAxis"} {
		axes, _ := m[name].([]any)
		for _, a := range axes {
			if ax, ok := a.(map[string]any); ok {
				ax["nameTextStyle"] = map[string]any{"color": colMuted, "fontSize": 11}
				ax["axisLine"] = map[string]any{"lineStyle": map[string]any{"color": colAxis}}
				ax["axisTick"] = map[string]any{"show": false}
				// Labels name their font: containLabel measures with the
				// label's own font, not the global textStyle, and clips
				// long category labels otherwise.
				if l, ok := ax["axisLabel"].(map[string]any); ok {
					l["fontFamily"] = fontStack
				} else {
					ax["axisLabel"] = map[string]any{"fontFamily": fontStack}
				}
			}
		}
	}
	if patch != nil {
		patch(m)
	}
	return encodeOption(m)
}

// axisAt returns the index'th axis object of an option ("xAxis", "yAxis").
func axisAt(m map[string]any, name string, index int) map[string]any {
	axes, _ := m[name].([]any)
	if index < len(axes) {
		if ax, ok := axes[index].(map[string]any); ok {
			return ax
		}
	}
	return map[string]any{}
}

func initOpts(id string) ec.GlobalOpts {
	return ec.WithInitializationOpts(opts.Initialization{ChartID: id})
}

func legendTop() ec.GlobalOpts {
	return ec.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "0", Left: "center", ItemWidth: 14, ItemHeight: 10})
}

func axisTooltip(pointer string) ec.GlobalOpts {
	return ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: pointer}})
}

// quarterAxis is the category x axis of the per-quarter charts.
func quarterAxis(quarters []string) ec.GlobalOpts {
	return ec.WithXAxisOpts(opts.XAxis{
		Type: "category", Data: quarters, Name: "Quarter", NameLocation: "middle", NameGap: 38,
		AxisLabel: &opts.AxisLabel{Color: colMuted},
	})
}

// valueAxis is a y axis with its name (and unit) along it.
func valueAxis(name string, integer bool) ec.GlobalOpts {
	y := opts.YAxis{
		Type: "value", Name: name, NameLocation: "middle", NameGap: 42,
		AxisLabel: &opts.AxisLabel{Color: colMuted},
		SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colGrid}},
	}
	if integer {
		y.MinInterval = 1
	}
	return ec.WithYAxisOpts(y)
}

func gridOpts(left, top int) ec.GlobalOpts {
	return ec.WithGridOpts(opts.Grid{Left: fmt.Sprint(left), Right: "16", Top: fmt.Sprint(top), Bottom: "58"})
}

// legendRows estimates how many rows a top legend of these names takes in
// a half-width card (about 560 px), so the plot starts below it.
func legendRows(names []string) int {
	rows, used := 1, 0
	for _, n := range names {
		w := 13*len([]rune(n))/2 + 34
		if used > 0 && used+w > 560 {
			rows++
			used = 0
		}
		used += w
	}
	return rows
}

func legendTopPx(names []string) int { return 16 + 22*legendRows(names) }

// clipLabel shortens a label for an axis; the full text is in the table.
func clipLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// trendChart is the median and p90 of one metric over the trailing quarters.
func trendChart(r *analytics.Report, s analytics.MetricSeries, id string) (*chartView, error) {
	cv := &chartView{ID: id, Title: display.Or(s.Label, s.Metric), Height: 250}
	tr := trendOf(s, r.Quarters)
	unit := tr.unit
	cv.Unit = unit.Symbol()
	cv.Subtitle = "Median and p90 in " + unit.Name()
	axisName, axisType := unit.Title(), "value"
	if heavyTailed(tr.hours) {
		// A p90 a hundred times the median flattens the median on a linear
		// axis; on a log axis both read.
		axisName, axisType = axisName+" (log scale)", "log"
		cv.Subtitle += ", log scale"
	}
	cv.Table = tableView{
		Head: []headCell{th("Quarter"), thNum("Cases (n)"), thNum("Median (" + unit.Name() + ")"), thNum("p90 (" + unit.Name() + ")"), th("Note")},
	}
	median := make([]opts.LineData, len(r.Quarters))
	p90 := make([]opts.LineData, len(r.Quarters))
	for i, q := range r.Quarters {
		median[i], p90[i] = opts.LineData{Value: "-"}, opts.LineData{Value: "-"}
		row := []cell{tdMono(q), tdCount(tr.n[i]), {Text: display.NoValue, Class: "num muted"}, {Text: display.NoValue, Class: "num muted"}, tdMuted("")}
		sym := "circle"
		if tr.small[i] {
			sym = "emptyCircle"
			row[4] = tdMuted("small sample")
			cv.Note = "Hollow points: fewer than 5 cases counted; read with care."
		}
		if v := tr.median[i]; v != nil {
			median[i] = opts.LineData{Value: *v, Symbol: sym}
			row[2] = tdNum(display.Number(*v))
		}
		if v := tr.p90[i]; v != nil {
			p90[i] = opts.LineData{Value: *v, Symbol: sym}
			row[3] = tdNum(display.Number(*v))
		}
		cv.Table.Rows = append(cv.Table.Rows, row)
	}
	if len(tr.hours) == 0 {
		cv.Empty = "No case counted in this metric in the trailing quarters."
		return cv, nil
	}
	line := ec.NewLine()
	line.SetGlobalOptions(initOpts(id), axisTooltip("line"), legendTop(), quarterAxis(r.Quarters),
		valueAxis(axisName, false), gridOpts(52, 34),
		ec.WithColorsOpts(opts.Colors{colMedian, colP90}))
	line.SetXAxis(r.Quarters).
		AddSeries("Median", median, ec.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 7, ShowSymbol: opts.Bool(true)}),
			ec.WithLineStyleOpts(opts.LineStyle{Width: 2.5})).
		AddSeries("p90", p90, ec.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 6, ShowSymbol: opts.Bool(true)}),
			ec.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dashed"}))
	var err error
	cv.Option, err = finishOption(line, func(m map[string]any) {
		if axisType == "log" {
			y := axisAt(m, "yAxis", 0)
			y["type"], y["logBase"] = "log", 10
		}
		addYardstickLine(m, r, s.Metric, unit, unit.Value(slices.Max(tr.hours)))
	})
	return cv, err
}

// heavyTailed says whether durations span so many orders of magnitude that
// a log axis is needed: all positive (a log axis cannot show zero) and the
// largest at least 10 times the smallest — beyond that the median lies
// along the bottom of a linear axis and its trend cannot be read.
func heavyTailed(hours []float64) bool {
	if len(hours) == 0 {
		return false
	}
	lo, hi := hours[0], hours[0]
	for _, h := range hours {
		if h <= 0 {
			return false
		}
		lo, hi = min(lo, h), max(hi, h)
	}
	return hi >= 10*lo
}

// stackedBars draws a prepared stack as stacked bars per quarter.
func stackedBars(id string, s stack, yName string) (template.JS, error) {
	bar := ec.NewBar()
	bar.SetGlobalOptions(initOpts(id), axisTooltip("shadow"), legendTop(), quarterAxis(s.quarters),
		valueAxis(yName, true), gridOpts(52, legendTopPx(s.names)), ec.WithColorsOpts(opts.Colors(s.colors)))
	bar.SetXAxis(s.quarters)
	for k, name := range s.names {
		data := make([]opts.BarData, len(s.quarters))
		for q := range s.quarters {
			data[q] = opts.BarData{Value: s.values[k][q]}
		}
		bar.AddSeries(name, data, ec.WithBarChartOpts(opts.BarChart{Stack: "total", BarWidth: "55%"}))
	}
	return finishOption(bar, func(m map[string]any) {
		series, _ := m["series"].([]any)
		for _, s := range series {
			if sm, ok := s.(map[string]any); ok {
				sm["emphasis"] = map[string]any{"focus": "series"}
			}
		}
	})
}

// pivotTable is a stack's numbers, keys × quarters, with an optional total
// row.
func pivotTable(keyHead string, s stack, total []int) tableView {
	t := tableView{Head: []headCell{th(keyHead)}}
	for _, q := range s.quarters {
		t.Head = append(t.Head, thNum(q))
	}
	for k, name := range s.names {
		row := []cell{tdText(name)}
		for q := range s.quarters {
			row = append(row, tdCount(s.values[k][q]))
		}
		t.Rows = append(t.Rows, row)
	}
	if total != nil {
		row := []cell{{Text: "All cases", Class: "strong"}}
		for _, n := range total {
			row = append(row, cell{Text: display.Count(n), Class: "num strong"})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// volumeChart is cases per quarter by category, stacked.
func volumeChart(r *analytics.Report, id string) (*chartView, error) {
	cv := &chartView{ID: id, Title: "Cases per quarter by category", Subtitle: "Cases, stacked by category (" + display.CohortLabel(r.Cohort) + ")", Height: 340}
	s := categoryStack(r)
	cv.Table = pivotTable("Category", s, caseTotals(r))
	if len(s.keys) == 0 {
		cv.Empty = "No cases in the trailing quarters."
		return cv, nil
	}
	cv.Height += 22 * (legendRows(s.names) - 1)
	var err error
	cv.Option, err = stackedBars(id, s, "Cases")
	return cv, err
}

// rootCauseChart is cases per root-cause category per quarter, stacked: the
// categories of rootCauseStack on their own, the rest as Other (as in the
// PDF). The table under it lists every category.
func rootCauseChart(r *analytics.Report, id string) (*chartView, error) {
	cv := &chartView{ID: id, Title: "Root causes per quarter", Subtitle: "Cases with a root cause, stacked by root-cause category; the two largest categories of every quarter and any that rose in " + r.Quarter + " on their own, the rest summed as Other", Height: 340}
	all := rankedStack(r.Quarters, rootCauseCounts(r), 0, categoryName)
	current := map[string]analytics.RootCause{}
	for _, rc := range r.RootCauses {
		if rc.Quarter == r.Quarter {
			current[rc.Category] = rc
		}
	}
	cv.Table = pivotTable("Root cause", all, nil)
	cv.Table.Head = append(cv.Table.Head,
		headCell{Text: "Share " + r.Quarter, Num: true, Title: "Share of the quarter's cases with a root cause"},
		headCell{Text: "Mean 5-Whys", Num: true, Title: "Mean 5-Whys depth in " + r.Quarter},
		headCell{Text: "Recurrences", Num: true, Title: "Cases in " + r.Quarter + " whose category had an earlier case with all action items done"})
	for i, k := range all.keys {
		rc, ok := current[k]
		if !ok {
			cv.Table.Rows[i] = append(cv.Table.Rows[i], tdMuted(display.NoValue), tdMuted(display.NoValue), tdMuted(display.NoValue))
			continue
		}
		cv.Table.Rows[i] = append(cv.Table.Rows[i], tdNum(display.Share(rc.Share)), tdNum(display.Number(rc.MeanWhys)), tdCount(rc.Recurrences))
	}
	if len(all.keys) == 0 {
		cv.Empty = "No root causes recorded in the trailing quarters."
		return cv, nil
	}
	s := rootCauseStack(r)
	if s.dropped > 0 {
		cv.Note = display.NotDrawn(s.dropped, s.droppedKeys)
	}
	cv.Height += 22 * (legendRows(s.names) - 1)
	var err error
	cv.Option, err = stackedBars(id, s, "Cases")
	return cv, err
}

// ageingChart is cases open at each quarter's end by age bucket.
func ageingChart(r *analytics.Report, id string) (*chartView, error) {
	cv := &chartView{ID: id, Title: "Open cases by age at quarter end", Subtitle: "Cases open on the last day of each quarter, by age", Height: 340}
	s := ageStack(r)
	cv.Table = pivotTable("Age", s, nil)
	if s.empty() {
		cv.Empty = "No case was open at the end of any trailing quarter."
		return cv, nil
	}
	var err error
	cv.Option, err = stackedBars(id, s, "Open cases")
	return cv, err
}

// techniqueChart is the report quarter's most frequent techniques as
// horizontal bars, most cases on top.
func techniqueChart(r *analytics.Report, id string, top int) (*chartView, error) {
	cv := &chartView{ID: id, Title: fmt.Sprintf("Top %d ATT&CK techniques, %s", top, r.Quarter),
		Subtitle: "Distinct cases per technique (sub-techniques listed as recorded)"}
	cv.Table = tableView{Head: []headCell{thNum("#"), th("Technique"), th("Name"), th("Tactics"), thNum("Cases"), th("Case IDs")}}
	tacticNames := map[string]string{}
	for _, t := range r.Tactics {
		tacticNames[t.Tactic] = t.Name
	}
	for i, t := range r.Techniques {
		tactics := make([]string, len(t.Tactics))
		for j, s := range t.Tactics {
			tactics[j] = display.TacticLabel(tacticNames[s], s)
		}
		name := t.Name
		status := t.Status
		if !t.Known {
			status = "unknown"
		}
		if note := display.TechniqueNote(status, r.ATTACK.Version); note != "" && !t.Known {
			name = note
		} else if note != "" {
			name += " (" + note + ")"
		}
		if rev := display.RecordedAsRevoked(t.RevokedFrom); rev != "" {
			name += " (" + rev + ")"
		}
		cv.Table.Rows = append(cv.Table.Rows, []cell{
			tdNum(fmt.Sprint(i + 1)), tdMono(t.ID), tdText(name), tdText(joinComma(tactics)), tdCount(t.Cases),
			{Text: display.JoinCases(t.CaseIDs, t.Cases, idsShown), Class: "mono ids"},
		})
	}
	if len(r.ATTACK.Unknown) > 0 {
		cv.Note = "Technique IDs not in ATT&CK " + r.ATTACK.Version + ": " + joinComma(r.ATTACK.Unknown) + "."
	}
	shown, names := techniqueBars(r, top)
	if len(shown) < top {
		cv.Title = fmt.Sprintf("ATT&CK techniques, %s", r.Quarter)
	}
	if len(shown) == 0 {
		cv.Empty = "No ATT&CK technique recorded in " + r.Quarter + "."
		return cv, nil
	}
	cv.Height = 70 + 24*len(shown)
	labels := make([]string, len(shown))
	data := make([]opts.BarData, len(shown))
	for i, t := range shown { // reversed: the first category is drawn at the bottom
		j := len(shown) - 1 - i
		labels[j] = clipLabel(names[i], 44)
		data[j] = opts.BarData{Value: t.Cases}
		if !t.Known {
			data[j].ItemStyle = &opts.ItemStyle{Color: colAxis}
		}
	}
	bar := ec.NewBar()
	bar.SetGlobalOptions(initOpts(id),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithXAxisOpts(opts.XAxis{Type: "value", Name: "Cases", NameLocation: "middle", NameGap: 26, MinInterval: 1,
			AxisLabel: &opts.AxisLabel{Color: colMuted},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colGrid}}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "category", Name: "Technique", NameLocation: "end",
			AxisLabel: &opts.AxisLabel{Color: colInk, Interval: "0"}}),
		ec.WithGridOpts(opts.Grid{Left: "24", Right: "36", Top: "28", Bottom: "40", ContainLabel: opts.Bool(true)}),
		ec.WithColorsOpts(opts.Colors{colBar}))
	bar.SetXAxis(labels).AddSeries("Cases", data,
		ec.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Color: colInk}),
		ec.WithBarChartOpts(opts.BarChart{BarWidth: "60%"}))
	bar.XYReversal()
	var err error
	cv.Option, err = finishOption(bar, func(m map[string]any) {
		y := axisAt(m, "yAxis", 0)
		y["nameTextStyle"] = map[string]any{"color": colMuted, "fontSize": 11, "align": "left"}
	})
	return cv, err
}

// tacticChart is distinct cases per tactic per quarter as a heat map.
func tacticChart(r *analytics.Report, id string) (*chartView, error) {
	cv := &chartView{ID: id, Title: "ATT&CK tactics by quarter", Subtitle: "Distinct cases per tactic and quarter (darker: more cases)"}
	st := tacticsOf(r).stack(r.Quarters)
	most := 0
	for _, v := range st.values {
		for _, n := range v {
			most = max(most, n)
		}
	}
	cv.Table = pivotTable("Tactic", st, nil)
	if most == 0 {
		cv.Empty = "No ATT&CK tactic recorded in the trailing quarters."
		return cv, nil
	}
	cv.Height = 130 + 26*len(st.keys)
	labels := make([]string, len(st.keys))
	var data []opts.HeatMapData
	for y, name := range st.names {
		labels[y] = clipLabel(name, 32)
		for q := range st.quarters {
			if v := st.values[y][q]; v > 0 {
				data = append(data, opts.HeatMapData{Value: [3]int{q, y, v}})
			}
		}
	}
	hm := ec.NewHeatMap()
	hm.SetGlobalOptions(initOpts(id),
		ec.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		ec.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		ec.WithXAxisOpts(opts.XAxis{Type: "category", Data: r.Quarters, Name: "Quarter", NameLocation: "middle", NameGap: 38,
			AxisLabel: &opts.AxisLabel{Color: colMuted},
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		ec.WithYAxisOpts(opts.YAxis{Type: "category", Data: labels, Name: "Tactic", NameLocation: "start", Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Color: colInk, Interval: "0"},
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		ec.WithGridOpts(opts.Grid{Left: "24", Right: "16", Top: "28", Bottom: "92", ContainLabel: opts.Bool(true)}),
		ec.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Calculable: opts.Bool(false), Min: 0, Max: float32(most),
			Orient: "horizontal", Left: "center", Bottom: "0", Text: []string{"more cases", "fewer"},
			InRange: &opts.VisualMapInRange{Color: []string{"#eff6ff", "#93c5fd", "#2563eb", "#1e3a8a"}}}))
	hm.AddSeries("Cases", data, ec.WithLabelOpts(opts.Label{Show: opts.Bool(true), FontSize: 11}))
	var err error
	cv.Option, err = finishOption(hm, func(m map[string]any) {
		y := axisAt(m, "yAxis", 0)
		y["nameTextStyle"] = map[string]any{"color": colMuted, "fontSize": 11, "align": "left"}
		if vm, ok := m["visualMap"].([]any); ok && len(vm) > 0 {
			if v, ok := vm[0].(map[string]any); ok {
				v["itemHeight"] = 160
				v["itemWidth"] = 12
				v["textStyle"] = map[string]any{"color": colMuted, "fontSize": 11}
			}
		}
		if s, ok := m["series"].([]any); ok && len(s) > 0 {
			if sm, ok := s[0].(map[string]any); ok {
				sm["itemStyle"] = map[string]any{"borderColor": "#ffffff", "borderWidth": 2}
				sm["emphasis"] = map[string]any{"itemStyle": map[string]any{"borderColor": colInk, "borderWidth": 1}}
			}
		}
	})
	return cv, err
}

// actionChart is action items created, completed and overdue per quarter.
func actionChart(r *analytics.Report, id string) (*chartView, error) {
	cv := &chartView{ID: id, Title: "Action items per quarter", Subtitle: "Items of the quarter's cases: created, completed, and overdue as of " + asOfDate(r), Height: 340}
	byQ := map[string]analytics.ActionSummary{}
	for _, a := range r.Actions {
		byQ[a.Quarter] = a
	}
	cv.Table = tableView{Head: []headCell{th("Quarter"), thNum("Created"), thNum("Completed"), thNum("Overdue"),
		thNum("Completion rate"), thNum("On time"), thNum("Median days to complete")}}
	ac := actionCountsOf(r)
	created := make([]opts.BarData, len(r.Quarters))
	done := make([]opts.BarData, len(r.Quarters))
	overdue := make([]opts.BarData, len(r.Quarters))
	for i, q := range r.Quarters {
		a := byQ[q]
		created[i], done[i], overdue[i] = opts.BarData{Value: ac.created[i]}, opts.BarData{Value: ac.completed[i]}, opts.BarData{Value: ac.overdue[i]}
		md := display.NoValue
		if a.MedianDays != nil {
			md = display.Number(*a.MedianDays)
		}
		cv.Table.Rows = append(cv.Table.Rows, []cell{tdMono(q), tdCount(a.Created), tdCount(a.Completed), tdCount(a.Overdue),
			tdNum(display.Rate(a.CompletionRate)), tdNum(display.Rate(a.OnTimeRate)), tdNum(md)})
	}
	if ac.total == 0 {
		cv.Empty = "No action items in the trailing quarters."
		return cv, nil
	}
	bar := ec.NewBar()
	bar.SetGlobalOptions(initOpts(id), axisTooltip("shadow"), legendTop(), quarterAxis(r.Quarters),
		valueAxis("Action items", true), gridOpts(52, 38), ec.WithColorsOpts(opts.Colors{colCreated, colDone, colOverdue}))
	bar.SetXAxis(r.Quarters).
		AddSeries("Created", created, ec.WithBarChartOpts(opts.BarChart{BarGap: "10%"})).
		AddSeries("Completed", done, ec.WithBarChartOpts(opts.BarChart{BarGap: "10%"})).
		AddSeries("Overdue", overdue, ec.WithBarChartOpts(opts.BarChart{BarGap: "10%"}))
	var err error
	cv.Option, err = finishOption(bar, nil)
	return cv, err
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
