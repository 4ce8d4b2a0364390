package charts

import (
	"encoding/json"
	"html/template"
	"math"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// filterDimensions are the dimensions the dashboard filters by, in order.
var filterDimensions = []string{"severity", "category", "team", "business_unit"}

// slicesView is the filter bar over the trend charts: one select per
// dimension the data has, and the slices precomputed into the page (Data,
// read by dashboard_filters.js). Choosing a value redraws every trend
// chart's median and p90 from that value's cases; one filter applies at a
// time. The page stays one offline file whose size does not grow with the
// case count: at most slice_max_values values (+ other, unspecified) per
// dimension, each two numbers per metric and trailing quarter.
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

// sliceData is the JSON the page carries: per dimension and value, per
// trend chart id, the medians and p90s in the chart's unit (null: no
// counted case), and the n of each quarter.
type sliceData struct {
	Dimensions map[string]map[string]map[string]sliceSeries `json:"dimensions"`
}

type sliceSeries struct {
	Median []*float64 `json:"median"`
	P90    []*float64 `json:"p90"`
	N      []int      `json:"n"`
}

// sliceFilters builds the filter bar for the trend charts (trends, in the
// order of r.Metrics); nil when the report has no slice to filter by.
func sliceFilters(r *analytics.Report, trends []*chartView) (*slicesView, error) {
	if r.Slices == nil || len(trends) != len(r.Metrics) {
		return nil, nil
	}
	data := sliceData{Dimensions: map[string]map[string]map[string]sliceSeries{}}
	v := &slicesView{}
	for _, name := range filterDimensions {
		d := r.Slices.Dimension(name)
		if d == nil || len(d.Values) < 2 {
			continue // nothing to choose between
		}
		f := filterView{Dimension: name, Label: display.DimensionLabel(name)}
		byValue := map[string]map[string]sliceSeries{}
		for _, val := range d.Values {
			f.Options = append(f.Options, filterOption{Value: val.Value, Label: display.SliceValueLabel(name, val.Value, r.Slices.MinCases)})
			charts := map[string]sliceSeries{}
			for i, s := range r.Metrics {
				if trends[i].Empty != "" {
					continue
				}
				m, ok := val.Metric(s.Metric)
				if !ok {
					continue
				}
				unit := trendOf(s, r.Quarters).unit
				ss := sliceSeries{}
				for _, st := range m.Stats {
					ss.Median = append(ss.Median, inUnit(unit, st.Median))
					ss.P90 = append(ss.P90, inUnit(unit, st.P90))
					ss.N = append(ss.N, st.N)
				}
				charts[trends[i].ID] = ss
			}
			byValue[val.Value] = charts
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
