package charts

import (
	gacharts "github.com/go-analyze/charts"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// addYardstickLine draws the report's published dwell median (Yardstick)
// as a dotted reference line on the dwell trend chart's option m, in the
// chart's unit, and stretches the value axis to show it.
func addYardstickLine(m map[string]any, r *analytics.Report, metric string, unit display.Unit, dataMax float64) {
	if r.Yardstick == nil || metric != r.Yardstick.Reference.Metric {
		return
	}
	ref := r.Yardstick.Reference
	v := unit.Value(ref.Days * 24)
	series, _ := m["series"].([]any)
	if len(series) == 0 {
		return
	}
	first, _ := series[0].(map[string]any)
	if first == nil {
		return
	}
	label := ref.Report + " (" + ref.DataYear + "): " + display.Number(v) + " " + unit.Symbol()
	first["markLine"] = map[string]any{
		"silent": true, "symbol": "none",
		"lineStyle": map[string]any{"type": "dotted", "color": "#6b7280", "width": 1.5},
		"label":     map[string]any{"formatter": label, "position": "insideEndTop", "color": "#4b5563", "fontSize": 11},
		"data":      []any{map[string]any{"yAxis": v, "name": label}},
	}
	if v > dataMax {
		if y := axisAt(m, "yAxis", 0); y != nil {
			y["max"] = v * 1.15
		}
	}
}

// ReferenceLine is a published value drawn across a trend chart.
type ReferenceLine struct {
	Hours float64
	Label string // legend entry, e.g. "M-Trends 2026 (2025)"
}

// colorReference is the grey of reference lines.
var colorReference = gacharts.Color{R: 0x9c, G: 0xa3, B: 0xaf, A: 255}

// referenceSeries is a flat series of n points at v.
func referenceSeries(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// YardstickReference is the reference line of the report's published
// median for the trend chart of metric; nil for other metrics.
func YardstickReference(r *analytics.Report, metric string) *ReferenceLine {
	if r.Yardstick == nil || r.Yardstick.Reference.Metric != metric {
		return nil
	}
	ref := r.Yardstick.Reference
	return &ReferenceLine{Hours: ref.Days * 24, Label: ref.Report + " (" + ref.DataYear + ")"}
}
