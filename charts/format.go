package charts

import (
	"math"
	"strconv"
	"strings"

	"github.com/pirhq/pir/analytics"
)

// Display helpers shared by the HTML dashboard and the PNG charts of the PDF,
// so both show the same numbers the same way. They format values of the
// report model; they never compute statistics.

// Unit is the display unit of a duration. The report model keeps every
// duration in hours; a chart, tile or table column shows hours or days,
// chosen by magnitude with UnitFor.
type Unit int

const (
	// Hours shows durations as they are in the model.
	Hours Unit = iota
	// Days shows durations divided by 24.
	Days
)

// DaysFrom is the magnitude, in hours, from which durations are shown in
// days: 36 h reads better than 1.5 d, 120 h worse than 5 d.
const DaysFrom = 48.0

// UnitFor picks one unit for a set of durations (hours) that are shown
// together, e.g. one chart axis or one table column: days when the largest
// magnitude is at least DaysFrom hours, else hours. NaN values are ignored.
func UnitFor(hours ...float64) Unit {
	max := 0.0
	for _, h := range hours {
		if !math.IsNaN(h) && math.Abs(h) > max {
			max = math.Abs(h)
		}
	}
	if max >= DaysFrom {
		return Days
	}
	return Hours
}

// UnitForPtrs is UnitFor over optional durations (nil values are ignored).
func UnitForPtrs(hours ...*float64) Unit {
	vs := make([]float64, 0, len(hours))
	for _, h := range hours {
		if h != nil {
			vs = append(vs, *h)
		}
	}
	return UnitFor(vs...)
}

// Name is the unit for axis names and table headers: "hours" or "days".
func (u Unit) Name() string {
	if u == Days {
		return "days"
	}
	return "hours"
}

// Symbol is the unit after a number: "h" or "d".
func (u Unit) Symbol() string {
	if u == Days {
		return "d"
	}
	return "h"
}

// Convert turns hours into this unit.
func (u Unit) Convert(hours float64) float64 {
	if u == Days {
		return hours / 24
	}
	return hours
}

// Value converts hours into this unit rounded to the precision FormatNumber
// shows, for chart data (so tooltips and tables agree).
func (u Unit) Value(hours float64) float64 {
	return RoundDisplay(u.Convert(hours))
}

// Format shows hours in this unit with its symbol, e.g. "12.5 h", "3.2 d".
func (u Unit) Format(hours float64) string {
	return FormatNumber(u.Convert(hours)) + " " + u.Symbol()
}

// FormatPtr is Format for an optional duration; nil shows as "–".
func (u Unit) FormatPtr(hours *float64) string {
	if hours == nil {
		return NoValue
	}
	return u.Format(*hours)
}

// NoValue is shown where the model has no number (nil, or N = 0).
const NoValue = "–"

// FormatHours shows one duration in the unit its own magnitude calls for.
func FormatHours(hours float64) string { return UnitFor(hours).Format(hours) }

// FormatHoursPtr is FormatHours for an optional duration; nil shows as "–".
func FormatHoursPtr(hours *float64) string {
	if hours == nil {
		return NoValue
	}
	return FormatHours(*hours)
}

// digits is how many decimals FormatNumber shows for v: two below 1, one
// below 100, none from 100 (0.25 h, 12.5 h, 152 d).
func digits(v float64) int {
	a := math.Abs(v)
	switch {
	case a < 1:
		return 2
	case a < 100:
		return 1
	default:
		return 0
	}
}

// RoundDisplay rounds v to the decimals FormatNumber shows.
func RoundDisplay(v float64) float64 {
	p := math.Pow(10, float64(digits(v)))
	return math.Round(v*p) / p
}

// FormatNumber shows a measurement with up to 2 decimals below 1, 1 below
// 100 and none from 100, with an ASCII minus so tables paste into spreadsheets.
// Zero is "0".
func FormatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoValue
	}
	v = RoundDisplay(v)
	if v == 0 {
		return "0"
	}
	out := strconv.FormatFloat(v, 'f', digits(v), 64)
	if math.Abs(v) < 1 { // 0.8, not 0.80; 1.0 and up keep their decimal
		out = strings.TrimSuffix(out, "0")
	}
	return out
}

// FormatCount shows a count with thousands separators: 12,345.
func FormatCount(n int) string { return analytics.Thousands(n) }

// FormatRate shows a 0..1 ratio (completion rate, coverage share) as a whole
// percentage: "83%". nil shows as "–".
func FormatRate(r *float64) string {
	if r == nil {
		return NoValue
	}
	return FormatShare(*r)
}

// FormatShare shows a 0..1 ratio as a whole percentage: "83%".
func FormatShare(r float64) string {
	if math.IsNaN(r) {
		return NoValue
	}
	return strconv.FormatFloat(math.Round(r*100), 'f', 0, 64) + "%"
}

// FormatPct shows analytics.Change.Pct, which is in percent (12.5 means
// +12.5 %), signed and whole: "+13%", "-40%", "0%". nil shows as "–".
func FormatPct(p *float64) string {
	if p == nil {
		return NoValue
	}
	v := math.Round(*p)
	switch {
	case v > 0:
		return "+" + strconv.FormatFloat(v, 'f', 0, 64) + "%"
	case v < 0:
		return strconv.FormatFloat(v, 'f', 0, 64) + "%"
	default:
		return "0%"
	}
}

// ChangeUnit is the unit for a change: the unit the newer median is shown
// in (FormatHours), so a tile reads "6.6 d, -1.1 d" and never mixes units.
func ChangeUnit(c analytics.Change) Unit {
	if c.To != nil {
		return UnitFor(*c.To)
	}
	return UnitForPtrs(c.Abs)
}

// FormatChange shows a change of medians as signed absolute and percent
// change, e.g. "-1.5 d (-23%)", "+2.0 h (+10%)"; "n/a" when a side is
// missing. The sign is the direction of the number; whether that is better
// is c.Direction (lower durations are better).
func FormatChange(c analytics.Change) string {
	if c.Abs == nil || c.Direction == "n/a" {
		return "n/a"
	}
	u := ChangeUnit(c)
	abs := u.Format(*c.Abs)
	if *c.Abs > 0 && RoundDisplay(u.Convert(*c.Abs)) != 0 {
		abs = "+" + abs
	}
	if c.Pct == nil {
		return abs
	}
	return abs + " (" + FormatPct(c.Pct) + ")"
}

// Arrow is the glyph for the sign of a change: "▲" up, "▼" down, "=" no
// change, "" when there is nothing to compare.
func Arrow(c analytics.Change) string {
	switch {
	case c.Abs == nil || c.Direction == "n/a":
		return ""
	case *c.Abs > 0:
		return "▲"
	case *c.Abs < 0:
		return "▼"
	default:
		return "="
	}
}

// DirectionColor is the colour for a change's direction, lower being better:
// green for "better", red for "worse", grey otherwise. The PNG charts and the
// dashboard use the same three.
func DirectionColor(direction string) string {
	switch direction {
	case "better":
		return "#1a7f37"
	case "worse":
		return "#c62828"
	default:
		return "#6b7280"
	}
}

// ageBucket describes one analytics.AgeBucket.Bucket for display.
type ageBucket struct{ key, label, color string }

// ageBuckets are the buckets the model uses, youngest first.
func ageBuckets() []ageBucket {
	return []ageBucket{
		{"<7d", "< 7 days", "#fcd34d"},
		{"7-30d", "7–30 days", "#f59e0b"},
		{"30-90d", "30–90 days", "#ea580c"},
		{">90d", "> 90 days", "#9f1239"},
	}
}

// AgeBucketOrder returns the age buckets of analytics.AgeBucket, youngest
// first.
func AgeBucketOrder() []string {
	bs := ageBuckets()
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.key
	}
	return out
}

// AgeBucketLabel spells out an age bucket: "7-30d" is "7–30 days". Unknown
// buckets are returned as they are.
func AgeBucketLabel(bucket string) string {
	for _, b := range ageBuckets() {
		if b.key == bucket {
			return b.label
		}
	}
	return bucket
}

// AgeBucketColor is the colour of an age bucket, light (young) to dark (old);
// grey for an unknown bucket.
func AgeBucketColor(bucket string) string {
	for _, b := range ageBuckets() {
		if b.key == bucket {
			return b.color
		}
	}
	return "#9ca3af"
}

// Palette is the colour cycle for categorical series (case categories, root
// causes): Tableau 10, chosen to stay distinct for the common colour-vision
// deficiencies and in greyscale print, then a navy and a light blue.
func Palette() []string {
	return []string{
		"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2",
		"#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#2f4b7c", "#a0cbe8",
	}
}

// TechniqueLabel is how a technique is named on axes and in tables: "ID name",
// or the ID alone with a note when the ID is not in the embedded ATT&CK list.
func TechniqueLabel(t analytics.Technique) string {
	switch {
	case !t.Known:
		return t.ID + " (not in ATT&CK)"
	case t.Name == "":
		return t.ID
	default:
		return t.ID + " " + t.Name
	}
}
