// Package display is pir's one owner of wording and number formatting: how a
// count, a duration, a share or a change is written, what a finding kind or
// a root-cause slug is called, what stands where there is no value, and how
// untrusted text shows characters that would otherwise be invisible. Every
// renderer (the HTML dashboard and review page, the PDF, the email, the
// Markdown review pack, the terminal tables of the CLI) and the sentences of
// package analytics call it, so they all say the same thing the same way.
//
// It imports only the standard library: it formats values, it computes no
// statistics and knows no report model.
package display

import (
	"math"
	"strconv"
	"strings"
)

// NoValue stands where there is no value: a nil number, a metric with no
// counted case, a blank owner.
const NoValue = "–"

// Or returns s, or alt when s is blank (empty or only spaces).
func Or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// OrNoValue returns s, or NoValue when s is blank.
func OrNoValue(s string) string { return Or(s, NoValue) }

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

// Title is the unit as an axis title: "Hours" or "Days".
func (u Unit) Title() string {
	if u == Days {
		return "Days"
	}
	return "Hours"
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

// Value converts hours into this unit rounded to the precision Number
// shows, for chart data (so tooltips and tables agree).
func (u Unit) Value(hours float64) float64 {
	return Round(u.Convert(hours))
}

// Format shows hours in this unit with its symbol, e.g. "12.5 h", "3.2 d".
func (u Unit) Format(hours float64) string {
	return Number(u.Convert(hours)) + " " + u.Symbol()
}

// FormatPtr is Format for an optional duration; nil shows as NoValue.
func (u Unit) FormatPtr(hours *float64) string {
	if hours == nil {
		return NoValue
	}
	return u.Format(*hours)
}

// Duration shows one duration (hours) in the unit its own magnitude calls
// for: "41.0 h", "6.6 d", "0.25 h".
func Duration(hours float64) string { return UnitFor(hours).Format(hours) }

// DurationPtr is Duration for an optional duration; nil shows as NoValue.
func DurationPtr(hours *float64) string {
	if hours == nil {
		return NoValue
	}
	return Duration(*hours)
}

// DaysPtr shows a number of days that is already in days (the median time
// to complete an action item): "3.5 d"; nil shows as NoValue.
func DaysPtr(days *float64) string {
	if days == nil {
		return NoValue
	}
	return Number(*days) + " d"
}

// DayCount shows a whole number of days: "12 d", "1,204 d".
func DayCount(n int) string { return Count(n) + " d" }

// digits is how many decimals Number shows for v: two below 1, one below
// 100, none from 100 (0.25 h, 12.5 h, 152 d).
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

// Round rounds v to the decimals Number shows.
func Round(v float64) float64 {
	p := math.Pow(10, float64(digits(v)))
	return math.Round(v*p) / p
}

// Number shows a measurement with up to 2 decimals below 1, 1 below 100 and
// none from 100, with an ASCII minus so tables paste into spreadsheets.
// Zero is "0"; NaN and infinities show as NoValue.
func Number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoValue
	}
	v = Round(v)
	if v == 0 {
		return "0"
	}
	out := strconv.FormatFloat(v, 'f', digits(v), 64)
	if math.Abs(v) < 1 { // 0.8, not 0.80; 1.0 and up keep their decimal
		out = strings.TrimSuffix(out, "0")
	}
	return out
}

// Count shows a count with thousands separators: 292,452.
func Count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Share shows a 0..1 ratio (completion rate, coverage share, milestone
// coverage) as a whole percentage: "83%".
func Share(r float64) string {
	if math.IsNaN(r) {
		return NoValue
	}
	return strconv.FormatFloat(math.Round(r*100), 'f', 0, 64) + "%"
}

// Rate is Share for an optional ratio; nil shows as NoValue.
func Rate(r *float64) string {
	if r == nil {
		return NoValue
	}
	return Share(*r)
}

// Pct shows a change that is already in percent (12.5 means +12.5 %),
// signed and whole, with an ASCII minus: "+13%", "-40%", "0%". nil shows as
// NoValue.
func Pct(p *float64) string {
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

// Sentences use a second register: units spelled out and a typographic
// minus, because they are read, not pasted into a spreadsheet. Tables,
// tiles and charts use the symbols above.

// SentenceDuration writes a duration (hours) for a sentence, choosing the
// unit from the larger of hours and other so that two values compared in
// one sentence share a unit: "45 min", "41.0 h", "6.6 days".
func SentenceDuration(hours, other float64) string {
	m := math.Max(math.Abs(hours), math.Abs(other))
	switch {
	case m < 1:
		return strconv.FormatFloat(hours*60, 'f', 0, 64) + " min"
	case m < DaysFrom:
		return strconv.FormatFloat(hours, 'f', 1, 64) + " h"
	default:
		return strconv.FormatFloat(hours/24, 'f', 1, 64) + " days"
	}
}

// SentencePct writes a change in percent for a sentence, signed and whole
// with a typographic minus: "+12%", "−55%", "0%".
func SentencePct(p float64) string {
	v := math.Round(p)
	switch {
	case v > 0:
		return "+" + strconv.FormatFloat(v, 'f', 0, 64) + "%"
	case v < 0:
		return "−" + strconv.FormatFloat(-v, 'f', 0, 64) + "%"
	default:
		return "0%"
	}
}

// Change is a change of two medians as the report model holds it; it has
// the fields of analytics.Change in the same order, so a renderer writes
// display.Change(k.QoQ) and a change to either type breaks the build.
type Change struct {
	From *float64
	To   *float64
	Abs  *float64
	Pct  *float64
	// Direction is "better", "worse", "neutral" or "n/a".
	Direction string
	// PValue is the change's two-sided test p-value (nil: not tested).
	PValue *float64
}

// Unit is the unit a change is shown in: the unit the newer median is shown
// in (Duration), so a tile reads "6.6 d, -1.1 d" and never mixes units.
func (c Change) Unit() Unit {
	if c.To != nil {
		return UnitFor(*c.To)
	}
	return UnitForPtrs(c.Abs)
}

// String shows the change as signed absolute and percent change, e.g.
// "-1.5 d (-23%)", "+2.0 h (+10%)"; "n/a" when a side is missing. The sign
// is the direction of the number; whether that is better is c.Direction
// (lower durations are better).
func (c Change) String() string {
	if c.Abs == nil || c.Direction == "n/a" {
		return "n/a"
	}
	u := c.Unit()
	abs := u.Format(*c.Abs)
	if *c.Abs > 0 && Round(u.Convert(*c.Abs)) != 0 {
		abs = "+" + abs
	}
	if c.Pct == nil {
		return abs
	}
	return abs + " (" + Pct(c.Pct) + ")"
}

// Arrow is the glyph for the sign of a change: "▲" up, "▼" down, "=" no
// change, "" when there is nothing to compare.
func (c Change) Arrow() string {
	switch {
	case c.Abs == nil || c.Direction == "n/a":
		return ""
	case c.Direction == "neutral":
		return "≈"
	case *c.Abs > 0:
		return "▲"
	case *c.Abs < 0:
		return "▼"
	default:
		return "="
	}
}

// DirectionColor is the colour for a change's direction, lower being
// better: green for "better", red for "worse", grey otherwise. The
// dashboard, the PDF and the email use the same three.
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
