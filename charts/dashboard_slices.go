package charts

import (
	"encoding/json"
	"html/template"
	"math"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// SliceDimensions returns the dimensions the dashboard filters by, in
// order: the report model needs these slices for the page.
func SliceDimensions() []string { return []string{"severity", "category", "team", "business_unit"} }

// slicesView is the filter bar above the key figures: one select per
// dimension the data has, and the slices precomputed into the page (Data,
// read by dashboard_filters.js). Choosing a value redraws, from that
// value's cases, every KPI tile (median, p90, n, the changes), every trend
// chart's median and p90 and the table of numbers under it, and narrows the
// "By severity" table to the chosen severity; every other part of the page
// is marked "not filtered" while a filter is on. One filter applies at a
// time. The page stays one offline file whose size does not grow with the
// case count: at most slice_max_values values (+ other, unspecified) per
// dimension, each a tile per metric and a few numbers and words per metric
// and trailing quarter.
type slicesView struct {
	Filters []filterView
	Data    template.JS
}

type filterView struct {
	Dimension string // select name, [a-z_]
	Label     string
	Options   []filterOption
}

type filterOption struct{ Value, Label string }

// sliceData is the JSON the page carries: the script's sentences, and per
// dimension and value the tiles (by tile id) and the trend charts (by
// chart id).
type sliceData struct {
	Words      map[string]string               `json:"words"`
	Dimensions map[string]map[string]sliceView `json:"dimensions"`
}

// sliceView is what one value of a dimension shows.
type sliceView struct {
	Tiles  map[string]sliceTile   `json:"tiles"`
	Charts map[string]sliceSeries `json:"charts"`
}

// sliceTile is a KPI tile's text for one slice, formatted as the tile is.
type sliceTile struct {
	Median  string        `json:"median"`
	P90     string        `json:"p90"`
	N       string        `json:"n"`
	Small   bool          `json:"small,omitempty"`
	Empty   bool          `json:"empty,omitempty"`
	Changes []sliceChange `json:"changes"`
}

// sliceChange is one comparison on a filtered tile (changeView's fields).
type sliceChange struct {
	Class string `json:"class"`
	Arrow string `json:"arrow"`
	Text  string `json:"text"`
	Vs    string `json:"vs"`
	SR    string `json:"sr"`
	Title string `json:"title"`
}

// sliceSeries is a trend chart for one slice: the medians and p90s in the
// chart's unit (null: no counted case) and the n of each quarter, and the
// rows of the table under the chart (n, median, p90, note) as text.
type sliceSeries struct {
	Median []*float64  `json:"median"`
	P90    []*float64  `json:"p90"`
	N      []int       `json:"n"`
	Rows   [][4]string `json:"rows"`
}

// sliceFilters builds the filter bar for the tiles (kpis) and the trend
// charts (trends, in the order of r.Metrics); nil when the report has no
// slice to filter by.
func sliceFilters(r *analytics.Report, kpis []kpiTile, trends []*chartView) (*slicesView, error) {
	if r.Slices == nil || len(trends) != len(r.Metrics) {
		return nil, nil
	}
	data := sliceData{Words: display.FilterWords(), Dimensions: map[string]map[string]sliceView{}}
	v := &slicesView{}
	prevQ, yearQ := r.Quarter, r.Quarter
	if q, err := analytics.ParseQuarter(r.Quarter); err == nil {
		prevQ, yearQ = q.Prev().String(), q.YearAgo().String()
	}
	for _, name := range SliceDimensions() {
		d := r.Slices.Dimension(name)
		if d == nil || len(d.Values) < 2 {
			continue // nothing to choose between
		}
		f := filterView{Dimension: name, Label: display.DimensionLabel(name)}
		byValue := map[string]sliceView{}
		for _, val := range d.Values {
			f.Options = append(f.Options, filterOption{Value: val.Value, Label: display.SliceValueLabel(name, val.Value, r.Slices.MinCases)})
			sv := sliceView{Tiles: map[string]sliceTile{}, Charts: map[string]sliceSeries{}}
			for _, k := range kpis {
				if m, ok := val.Metric(k.Metric); ok {
					sv.Tiles[k.ID] = filteredTile(m, r.Quarter, prevQ, yearQ)
				}
			}
			for i, s := range r.Metrics {
				if trends[i].Empty != "" {
					continue
				}
				m, ok := val.Metric(s.Metric)
				if !ok {
					continue
				}
				unit := trendOf(s, r.Quarters).unit
				var ss sliceSeries
				for _, st := range m.Stats {
					med, p90 := inUnit(unit, st.Median), inUnit(unit, st.P90)
					ss.Median = append(ss.Median, med)
					ss.P90 = append(ss.P90, p90)
					ss.N = append(ss.N, st.N)
					row := [4]string{display.Count(st.N), numberOr(med), numberOr(p90), ""}
					if st.N > 0 && st.N < analytics.SmallSample {
						row[3] = "small sample"
					}
					ss.Rows = append(ss.Rows, row)
				}
				sv.Charts[trends[i].ID] = ss
			}
			byValue[val.Value] = sv
		}
		data.Dimensions[name] = byValue
		v.Filters = append(v.Filters, f)
	}
	if len(v.Filters) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	// json.Marshal escapes <, > and & as \u003c…: safe inside <script>.
	v.Data = template.JS(b)
	return v, nil
}

// filteredTile is a KPI tile for one slice's metric, as kpiTiles formats
// the report's own.
func filteredTile(m analytics.SliceMetric, quarter, prevQ, yearQ string) sliceTile {
	cur := m.Current()
	u := display.UnitForPtrs(cur.Median, cur.P90)
	t := sliceTile{Median: u.FormatPtr(cur.Median), P90: u.FormatPtr(cur.P90), N: display.Count(cur.N),
		Small: cur.N > 0 && cur.N < analytics.SmallSample, Empty: cur.N == 0}
	for _, c := range []struct {
		ch analytics.Change
		vs string
	}{{m.QoQ, prevQ}, {m.YoY, yearQ}} {
		cv := changeTile(c.ch, &analytics.Stat{Quarter: c.vs}, "", quarter)
		t.Changes = append(t.Changes, sliceChange{Class: cv.Class, Arrow: cv.Arrow, Text: cv.Text,
			Vs: display.Versus(cv.Vs), SR: ": " + cv.Direction, Title: cv.Title})
	}
	return t
}

// numberOr is a value of a trend table, or the no-value dash.
func numberOr(v *float64) string {
	if v == nil {
		return display.NoValue
	}
	return display.Number(*v)
}

// inUnit converts hours to the chart's unit, rounded as the chart shows
// them; nil stays nil.
func inUnit(u display.Unit, hours *float64) *float64 {
	if hours == nil {
		return nil
	}
	x := display.Round(u.Convert(*hours))
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
