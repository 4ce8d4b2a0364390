package charts

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	gacharts "github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/pirhq/pir/analytics"
)

// PNGOptions sizes a PNG chart. Width and Height are in pixels; Scale is how
// many pixels stand for one layout pixel, so a chart drawn for print (Scale 2
// or 3) keeps the same proportions and text size as on screen, only sharper.
type PNGOptions struct {
	Width, Height int
	// Scale multiplies fonts, strokes and paddings; 0 means 1.
	Scale float64
	// Font is the typeface for every label; nil means Go Regular, the face
	// the PDF uses, so charts and text match.
	Font *truetype.Font
	// Title is drawn above the plot when set. The PDF leaves it empty and
	// prints the heading as text, which stays searchable.
	Title string
	// Reference, when set, is drawn by TrendPNG as a flat third line: a
	// published median to read the team's against (Yardstick).
	Reference *ReferenceLine
}

// ErrNoData is returned when a chart has nothing to draw; callers print a
// sentence instead of an empty frame.
var ErrNoData = errors.New("no data to chart")

// Palette colours: muted, colour-blind-safe enough, readable in greyscale
// print because neighbours differ in lightness.
var (
	colorInk    = gacharts.Color{R: 33, G: 37, B: 41, A: 255}
	colorMuted  = gacharts.Color{R: 108, G: 117, B: 125, A: 255}
	colorGrid   = gacharts.Color{R: 226, G: 230, B: 234, A: 255}
	colorAxis   = gacharts.Color{R: 173, G: 181, B: 189, A: 255}
	colorNavy   = gacharts.Color{R: 31, G: 58, B: 95, A: 255}
	colorSteel  = gacharts.Color{R: 122, G: 160, B: 204, A: 255}
	colorOrange = gacharts.Color{R: 221, G: 132, B: 82, A: 255}
	colorRed    = gacharts.Color{R: 196, G: 78, B: 82, A: 255}
)

// png holds one chart's resolved options.
type png struct {
	o    PNGOptions
	font *truetype.Font
}

func newPNG(o PNGOptions) (*png, error) {
	if o.Width <= 0 || o.Height <= 0 {
		return nil, fmt.Errorf("png chart: size %dx%d", o.Width, o.Height)
	}
	if o.Scale <= 0 {
		o.Scale = 1
	}
	f := o.Font
	if f == nil {
		var err error
		if f, err = truetype.Parse(goregular.TTF); err != nil {
			return nil, fmt.Errorf("png chart: font: %w", err)
		}
	}
	return &png{o: o, font: f}, nil
}

// px scales a layout size to pixels.
func (p *png) px(v float64) int { return int(math.Round(v * p.o.Scale)) }

func (p *png) fontStyle(size float64, c gacharts.Color) gacharts.FontStyle {
	return gacharts.FontStyle{FontSize: size * p.o.Scale, FontColor: c, Font: p.font}
}

func (p *png) theme(series []gacharts.Color) gacharts.ColorPalette {
	return gacharts.MakeTheme(gacharts.ThemeOption{
		AxisStrokeColor:    colorAxis,
		AxisSplitLineColor: colorGrid,
		BackgroundColor:    gacharts.ColorWhite,
		TextColor:          colorInk,
		TextColorXAxis:     colorMuted,
		TextColorYAxis:     colorMuted,
		SeriesColors:       series,
	})
}

func (p *png) padding() gacharts.Box {
	return gacharts.Box{Top: p.px(8), Right: p.px(14), Bottom: p.px(4), Left: p.px(4), IsSet: true}
}

func (p *png) title() gacharts.TitleOption {
	if p.o.Title == "" {
		return gacharts.TitleOption{Show: gacharts.Ptr(false)}
	}
	return gacharts.TitleOption{
		Text:      clip(p.o.Title, 80),
		FontStyle: p.fontStyle(12, colorInk),
	}
}

func (p *png) legend(names []string) gacharts.LegendOption {
	// The library spaces legend items in unscaled pixels; trailing spaces
	// keep items apart at print scale.
	spaced := make([]string, len(names))
	for i, n := range names {
		spaced[i] = n
		if i < len(names)-1 {
			spaced[i] += "   "
		}
	}
	return gacharts.LegendOption{
		SeriesNames: spaced,
		FontStyle:   p.fontStyle(9.5, colorInk),
		Offset:      gacharts.OffsetStr{Left: gacharts.PositionRight},
		Align:       gacharts.AlignLeft,
		Padding:     gacharts.Box{Bottom: p.px(4), IsSet: true},
	}
}

func (p *png) render(draw func(*gacharts.Painter) error) ([]byte, error) {
	painter := gacharts.NewPainter(gacharts.PainterOptions{
		OutputFormat: gacharts.ChartOutputPNG,
		Width:        p.o.Width,
		Height:       p.o.Height,
		Font:         p.font,
	})
	if err := draw(painter); err != nil {
		return nil, err
	}
	return painter.Bytes()
}

// valueAxis is a value axis that starts at zero with a unit title.
func (p *png) valueAxis(unit string, formatter gacharts.ValueFormatter) gacharts.ValueAxisOption {
	return gacharts.ValueAxisOption{
		Min:            gacharts.Ptr(0.0),
		Title:          unit,
		TitleFontStyle: p.fontStyle(9.5, colorMuted),
		LabelFontStyle: p.fontStyle(9.5, colorMuted),
		SplitLineShow:  gacharts.Ptr(true),
		ValueFormatter: formatter,
		LabelCount:     5,
	}
}

// niceStep is the smallest round step (1, 2, 2.5 or 5 times a power of ten)
// that covers maxVal in at most five intervals; whole steps only for counts.
func niceStep(maxVal float64, whole bool) float64 {
	if maxVal <= 0 || math.IsNaN(maxVal) || math.IsInf(maxVal, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(maxVal/5)))
	for {
		for _, base := range []float64{1, 2, 2.5, 5} {
			s := base * mag
			if whole && s != math.Trunc(s) {
				continue
			}
			if maxVal/s <= 5+1e-9 {
				return s
			}
		}
		mag *= 10
	}
}

// zeroAxis is a value axis from zero to a round top at least maxVal, with a
// label on every round step.
func (p *png) zeroAxis(unit string, maxVal float64, whole bool) gacharts.ValueAxisOption {
	step := niceStep(maxVal, whole)
	top := math.Max(step, step*math.Ceil(maxVal/step-1e-9))
	f := axisNumber
	if whole {
		f = axisInteger
	}
	a := p.valueAxis(unit, f)
	a.Max = gacharts.Ptr(top)
	a.LabelCount = int(math.Round(top/step)) + 1
	a.PreferNiceIntervals = gacharts.Ptr(false)
	return a
}

// countAxis is a zero-based axis of whole counts.
func (p *png) countAxis(unit string, maxVal float64) gacharts.ValueAxisOption {
	return p.zeroAxis(unit, maxVal, true)
}

// maxOf is the largest value in vs, or the largest column sum when stacked.
func maxOf(vs [][]float64, stacked bool) float64 {
	m := 0.0
	if len(vs) == 0 {
		return m
	}
	for i := range vs[0] {
		sum := 0.0
		for _, v := range vs {
			if i >= len(v) {
				continue
			}
			if stacked {
				sum += v[i]
			} else {
				sum = math.Max(sum, v[i])
			}
		}
		m = math.Max(m, sum)
	}
	return m
}

// TrendPNG draws one metric's median and p90 over the trailing quarters as
// two lines, in hours or days (the y-axis says which). When the values span
// a factor of 20 or more (a p90 far above the median, which would flatten
// the median into a line on zero) the axis is logarithmic, as on the
// dashboard, and its title says so. A quarter without a counted case is a
// gap, not a zero.
func TrendPNG(s analytics.MetricSeries, quarters []string, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	tr := trendOf(s, quarters)
	if len(quarters) == 0 || len(tr.hours) == 0 {
		return nil, fmt.Errorf("trend chart %s: %w", s.Metric, ErrNoData)
	}
	var ref *float64
	if o.Reference != nil {
		v := tr.unit.Value(o.Reference.Hours)
		ref = &v
	}
	logScale := heavyTailed(tr.hours)
	// y is where a value is drawn: itself, or its logarithm on a log axis.
	y := func(v float64) float64 { return v }
	if logScale {
		y = math.Log10
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	null := gacharts.GetNullValue()
	median := make([]float64, len(quarters))
	p90 := make([]float64, len(quarters))
	for i := range quarters {
		median[i], p90[i] = null, null
		if v := tr.median[i]; v != nil {
			median[i] = y(*v)
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
		if v := tr.p90[i]; v != nil {
			p90[i] = y(*v)
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
	}
	data, colors, names := [][]float64{median, p90}, []gacharts.Color{colorNavy, colorSteel}, []string{"median", "p90"}
	if ref != nil && (!logScale || *ref > 0) {
		data, colors, names = append(data, referenceSeries(len(quarters), y(*ref))), append(colors, colorReference), append(names, o.Reference.Label)
		lo, hi = math.Min(lo, *ref), math.Max(hi, *ref)
	}
	opt := gacharts.NewLineChartOptionWithData(data)
	opt.Theme = p.theme(colors)
	opt.Padding = p.padding()
	opt.Title = p.title()
	opt.Legend = p.legend(names)
	opt.XAxis = p.quarterAxis(quarters)
	opt.XAxis.BoundaryGap = gacharts.Ptr(true)
	if logScale {
		opt.YAxis = []gacharts.YAxisOption{p.logAxis(tr.unit.Name()+", log scale", lo, hi)}
	} else {
		opt.YAxis = []gacharts.YAxisOption{p.zeroAxis(tr.unit.Name(), hi, false)}
	}
	opt.LineStrokeWidth = 2 * p.o.Scale
	opt.Symbol = gacharts.Symbol{Shape: gacharts.SymbolCircle, Size: 2.5 * p.o.Scale}
	return p.render(func(pt *gacharts.Painter) error { return pt.LineChart(opt) })
}

// TrendLogScale reports whether TrendPNG draws the metric on a log axis,
// so a caption can say so.
func TrendLogScale(s analytics.MetricSeries, quarters []string) bool {
	return heavyTailed(trendOf(s, quarters).hours)
}

// logAxis is a value axis for values already drawn as their base-10
// logarithm: from the decade at or below lo to the decade at or above hi,
// one label per decade, each the value itself (0.1, 1, 10, 100).
func (p *png) logAxis(unit string, lo, hi float64) gacharts.ValueAxisOption {
	bottom, top := logDecades(lo, hi)
	a := p.valueAxis(unit, func(v float64) string { return decadeLabel(v) })
	a.Min, a.Max = gacharts.Ptr(bottom), gacharts.Ptr(top)
	a.LabelCount = int(top-bottom) + 1
	a.PreferNiceIntervals = gacharts.Ptr(false)
	return a
}

// logDecades are the whole powers of ten (as exponents) that enclose lo and
// hi (both positive), at least one decade apart.
func logDecades(lo, hi float64) (bottom, top float64) {
	bottom = math.Floor(math.Log10(lo) + 1e-9)
	top = math.Ceil(math.Log10(hi) - 1e-9)
	if top <= bottom {
		top = bottom + 1
	}
	return bottom, top
}

// decadeLabel labels the log axis tick at exponent e: 10^e without
// trailing zeros ("0.01", "1", "100").
func decadeLabel(e float64) string {
	v := math.Pow(10, math.Round(e))
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func (p *png) categoryAxis(labels []string) gacharts.XAxisOption {
	return gacharts.XAxisOption{
		Labels:         labels,
		LabelFontStyle: p.fontStyle(9.5, colorMuted),
	}
}

// quarterAxis labels every quarter: the short labels fit where the library's
// collision check, which assumes every label is as wide as the widest,
// would drop every other one.
func (p *png) quarterAxis(quarters []string) gacharts.XAxisOption {
	a := p.categoryAxis(shortQuarters(quarters))
	a.LabelCount = len(quarters)
	return a
}

// VolumePNG draws the number of cases per trailing quarter as bars.
func VolumePNG(r *analytics.Report, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	if len(r.Quarters) == 0 {
		return nil, fmt.Errorf("volume chart: %w", ErrNoData)
	}
	vals := floats(caseTotals(r))
	opt := p.barOption([][]float64{vals}, []gacharts.Color{colorNavy})
	opt.Legend = gacharts.LegendOption{Show: gacharts.Ptr(false)}
	opt.CategoryAxis = p.quarterAxis(r.Quarters)
	opt.ValueAxis = []gacharts.ValueAxisOption{p.countAxis("cases", maxOf([][]float64{vals}, false))}
	opt.SeriesList[0].Label = p.barLabel()
	return p.render(func(pt *gacharts.Painter) error { return pt.BarChart(opt) })
}

func (p *png) barOption(values [][]float64, colors []gacharts.Color) gacharts.BarChartOption {
	opt := gacharts.NewBarChartOptionWithData(values)
	opt.Theme = p.theme(colors)
	opt.Padding = p.padding()
	opt.Title = p.title()
	opt.ValueFormatter = axisInteger
	return opt
}

func (p *png) barLabel() gacharts.SeriesLabel {
	return gacharts.SeriesLabel{
		Show:           gacharts.Ptr(true),
		FontStyle:      p.fontStyle(9, colorInk),
		ValueFormatter: axisInteger,
	}
}

// RootCausesPNG draws root-cause categories per trailing quarter as stacked
// bars of cases. The most frequent categories over the period get their own
// colour, the rest are summed as "Other".
func RootCausesPNG(r *analytics.Report, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	st := rootCauseStack(r)
	if len(st.keys) == 0 || len(r.Quarters) == 0 {
		return nil, fmt.Errorf("root cause chart: %w", ErrNoData)
	}
	values := make([][]float64, len(st.values))
	for i, v := range st.values {
		values[i] = floats(v)
	}
	names := make([]string, len(st.names))
	colors := make([]gacharts.Color, len(st.colors))
	for i := range st.names {
		names[i] = clip(st.names[i], 24)
		colors[i] = gacharts.ParseColor(st.colors[i])
	}
	opt := p.barOption(values, colors)
	opt.StackSeries = gacharts.Ptr(true)
	opt.Legend = p.legend(names)
	opt.CategoryAxis = p.quarterAxis(r.Quarters)
	opt.ValueAxis = []gacharts.ValueAxisOption{p.countAxis("cases", float64(st.max()))}
	return p.render(func(pt *gacharts.Painter) error { return pt.BarChart(opt) })
}

// floats turns counts into chart values.
func floats(ns []int) []float64 {
	out := make([]float64, len(ns))
	for i, n := range ns {
		out[i] = float64(n)
	}
	return out
}

// TechniquesPNG draws the report quarter's top techniques as horizontal bars
// of distinct cases, the most frequent at the top.
func TechniquesPNG(r *analytics.Report, top int, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	ts, names := techniqueBars(r, top)
	if len(ts) == 0 {
		return nil, fmt.Errorf("technique chart: %w", ErrNoData)
	}
	short := techniqueAxisLabels(names)
	labels := make([]string, len(ts))
	vals := make([]float64, len(ts))
	// The chart draws the first category at the bottom: fill in reverse.
	for i, t := range ts {
		j := len(ts) - 1 - i
		labels[j] = short[i]
		vals[j] = float64(t.Cases)
	}
	return p.horizontalBars(labels, vals, "cases", colorNavy)
}

// techniqueLabelRunes is how long a technique label on the PNG's axis may
// be: about 40 % of a half-page chart. The table under it has the full name.
const techniqueLabelRunes = 28

// techniqueAxisLabels shortens "T1567.002 Exfiltration to Cloud Storage"
// to whole words that fit, with an ellipsis; the ID is always whole.
func techniqueAxisLabels(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = clip(l, techniqueLabelRunes)
	}
	return out
}

// TacticsPNG draws the tactic roll-up of the report quarter as horizontal
// bars of distinct cases, with the previous quarter alongside when the
// report has one.
func TacticsPNG(r *analytics.Report, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	prev := ""
	for i, q := range r.Quarters {
		if q == r.Quarter && i > 0 {
			prev = r.Quarters[i-1]
		}
	}
	ts := tacticsOf(r)
	var keys []string
	for _, k := range ts.order {
		if ts.by[k][r.Quarter] > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("tactic chart: %w", ErrNoData)
	}
	cur := func(k string) int { return ts.by[k][r.Quarter] }
	slices.SortFunc(keys, func(a, b string) int {
		if cur(a) != cur(b) {
			return cur(b) - cur(a)
		}
		return strings.Compare(a, b)
	})
	labels := make([]string, len(keys))
	now := make([]float64, len(keys))
	then := make([]float64, len(keys))
	for i, k := range keys {
		j := len(keys) - 1 - i
		labels[j] = clip(ts.names[k], 28)
		now[j] = float64(cur(k))
		if prev != "" {
			then[j] = float64(ts.by[k][prev])
		}
	}
	if prev == "" {
		return p.horizontalBars(labels, now, "cases", colorNavy)
	}
	opt := p.barOption([][]float64{then, now}, []gacharts.Color{colorSteel, colorNavy})
	opt.Horizontal = true
	opt.Legend = p.legend([]string{prev, r.Quarter})
	opt.CategoryAxis = p.categoryAxis(labels)
	opt.ValueAxis = []gacharts.ValueAxisOption{p.countAxis("cases", maxOf([][]float64{then, now}, false))}
	opt.SeriesList[1].Label = p.barLabel()
	return p.render(func(pt *gacharts.Painter) error { return pt.BarChart(opt) })
}

func (p *png) horizontalBars(labels []string, vals []float64, unit string, c gacharts.Color) ([]byte, error) {
	opt := p.barOption([][]float64{vals}, []gacharts.Color{c})
	opt.Horizontal = true
	opt.Legend = gacharts.LegendOption{Show: gacharts.Ptr(false)}
	opt.CategoryAxis = p.categoryAxis(labels)
	opt.ValueAxis = []gacharts.ValueAxisOption{p.countAxis(unit, maxOf([][]float64{vals}, false))}
	opt.SeriesList[0].Label = p.barLabel()
	return p.render(func(pt *gacharts.Painter) error { return pt.BarChart(opt) })
}

// ActionItemsPNG draws action items created, completed and overdue for the
// cases of each trailing quarter as grouped bars.
func ActionItemsPNG(r *analytics.Report, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	if len(r.Actions) == 0 || len(r.Quarters) == 0 {
		return nil, fmt.Errorf("action item chart: %w", ErrNoData)
	}
	ac := actionCountsOf(r)
	created, completed, overdue := floats(ac.created), floats(ac.completed), floats(ac.overdue)
	opt := p.barOption([][]float64{created, completed, overdue}, []gacharts.Color{colorSteel, colorNavy, colorRed})
	opt.Legend = p.legend([]string{"created", "completed", "overdue"})
	opt.CategoryAxis = p.quarterAxis(r.Quarters)
	opt.ValueAxis = []gacharts.ValueAxisOption{p.countAxis("action items", maxOf([][]float64{created, completed, overdue}, false))}
	return p.render(func(pt *gacharts.Painter) error { return pt.BarChart(opt) })
}

// shortQuarters labels quarters compactly so eight fit under a half-page
// chart: "Q2 '23", "Q3", "Q4", "Q1 '24", … (the year on the first label and
// on every first quarter). Labels that are not quarters are kept, clipped.
func shortQuarters(qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		if len(q) != 7 || q[4] != '-' || q[5] != 'Q' {
			out[i] = clip(q, 10)
			continue
		}
		out[i] = q[5:]
		if i == 0 || q[6] == '1' {
			out[i] += " '" + q[2:4]
		}
	}
	return out
}

// clip shortens s to at most n runes with an ellipsis and makes it one
// line. It cuts after the last whole word that fits, so a label never ends
// in half a word ("T1133 External Remote…", not "…Remote Ser…"); the first
// word (a technique ID, a quarter) is only cut when it alone is too long.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		// r[n-1] is a space: cut ends with a whole word.
		if r[n-1] == ' ' {
			return strings.TrimSpace(cut) + "…"
		}
		return strings.TrimSpace(cut[:i]) + "…"
	}
	return strings.TrimSpace(cut) + "…"
}

// axisNumber labels a duration axis: whole numbers, one decimal below 10.
func axisNumber(v float64) string {
	if math.Abs(v) < 10 && v != math.Trunc(v) {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// axisInteger labels a count axis; fractional ticks are left blank.
func axisInteger(v float64) string {
	if v != math.Trunc(v) {
		return ""
	}
	return fmt.Sprintf("%.0f", v)
}
