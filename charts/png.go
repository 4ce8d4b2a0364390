package charts

import (
	"errors"
	"fmt"
	"math"
	"slices"
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
	colorOther  = gacharts.Color{R: 186, G: 176, B: 172, A: 255}
)

// categorical is the dashboard's Palette as chart colours, so a root cause
// has the same colour in the HTML and the PDF.
func categorical() []gacharts.Color {
	hex := Palette()
	out := make([]gacharts.Color, len(hex))
	for i, h := range hex {
		out[i] = gacharts.ParseColor(h)
	}
	return out
}

// maxStackKeys is how many root-cause categories get their own colour; the
// rest are summed into "Other" so the legend stays readable.
const maxStackKeys = 7

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
// two lines, in hours or days (the y-axis says which). A quarter without a
// counted case is a gap, not a zero.
func TrendPNG(s analytics.MetricSeries, quarters []string, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	byQuarter := make(map[string]analytics.Stat, len(s.Stats))
	maxH := 0.0
	for _, st := range s.Stats {
		byQuarter[st.Quarter] = st
		for _, v := range []*float64{st.Median, st.P90} {
			if v != nil && *v > maxH {
				maxH = *v
			}
		}
	}
	if len(quarters) == 0 || maxH == 0 && !hasValue(s.Stats) {
		return nil, fmt.Errorf("trend chart %s: %w", s.Metric, ErrNoData)
	}
	unit := UnitFor(maxH)
	top := 0.0
	null := gacharts.GetNullValue()
	median := make([]float64, len(quarters))
	p90 := make([]float64, len(quarters))
	for i, q := range quarters {
		st, ok := byQuarter[q]
		median[i], p90[i] = null, null
		if ok && st.N > 0 && st.Median != nil {
			median[i] = unit.Value(*st.Median)
			top = math.Max(top, median[i])
		}
		if ok && st.N > 0 && st.P90 != nil {
			p90[i] = unit.Value(*st.P90)
			top = math.Max(top, p90[i])
		}
	}
	opt := gacharts.NewLineChartOptionWithData([][]float64{median, p90})
	opt.Theme = p.theme([]gacharts.Color{colorNavy, colorSteel})
	opt.Padding = p.padding()
	opt.Title = p.title()
	opt.Legend = p.legend([]string{"median", "p90"})
	opt.XAxis = p.quarterAxis(quarters)
	opt.XAxis.BoundaryGap = gacharts.Ptr(true)
	opt.YAxis = []gacharts.YAxisOption{p.zeroAxis(unit.Name(), top, false)}
	opt.LineStrokeWidth = 2 * p.o.Scale
	opt.Symbol = gacharts.Symbol{Shape: gacharts.SymbolCircle, Size: 2.5 * p.o.Scale}
	return p.render(func(pt *gacharts.Painter) error { return pt.LineChart(opt) })
}

func hasValue(stats []analytics.Stat) bool {
	for _, st := range stats {
		if st.N > 0 && (st.Median != nil || st.P90 != nil) {
			return true
		}
	}
	return false
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
	counts := make(map[string]int)
	for _, c := range r.Volume.Total {
		counts[c.Quarter] += c.Cases
	}
	if len(r.Quarters) == 0 {
		return nil, fmt.Errorf("volume chart: %w", ErrNoData)
	}
	vals := make([]float64, len(r.Quarters))
	for i, q := range r.Quarters {
		vals[i] = float64(counts[q])
	}
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
	if len(r.RootCauses) == 0 || len(r.Quarters) == 0 {
		return nil, fmt.Errorf("root cause chart: %w", ErrNoData)
	}
	totals := make(map[string]int)
	for _, rc := range r.RootCauses {
		totals[rc.Category] += rc.Cases
	}
	keys := make([]string, 0, len(totals))
	for k := range totals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if totals[a] != totals[b] {
			return totals[b] - totals[a]
		}
		return strings.Compare(a, b)
	})
	other := false
	if len(keys) > maxStackKeys {
		keys, other = keys[:maxStackKeys-1], true
	}
	index := make(map[string]int, len(keys))
	for i, k := range keys {
		index[k] = i
	}
	qi := make(map[string]int, len(r.Quarters))
	for i, q := range r.Quarters {
		qi[q] = i
	}
	n := len(keys)
	if other {
		n++
	}
	values := make([][]float64, n)
	for i := range values {
		values[i] = make([]float64, len(r.Quarters))
	}
	for _, rc := range r.RootCauses {
		q, ok := qi[rc.Quarter]
		if !ok {
			continue
		}
		k, ok := index[rc.Category]
		if !ok {
			k = n - 1
		}
		values[k][q] += float64(rc.Cases)
	}
	names := make([]string, 0, n)
	colors := make([]gacharts.Color, 0, n)
	palette := categorical()
	for i, k := range keys {
		names = append(names, clip(k, 24))
		colors = append(colors, palette[i%len(palette)])
	}
	if other {
		names = append(names, "Other")
		colors = append(colors, colorOther)
	}
	opt := p.barOption(values, colors)
	opt.StackSeries = gacharts.Ptr(true)
	opt.Legend = p.legend(names)
	opt.CategoryAxis = p.quarterAxis(r.Quarters)
	opt.ValueAxis = []gacharts.ValueAxisOption{p.countAxis("cases", maxOf(values, true))}
	return p.render(func(pt *gacharts.Painter) error { return pt.BarChart(opt) })
}

// TechniquesPNG draws the report quarter's top techniques as horizontal bars
// of distinct cases, the most frequent at the top.
func TechniquesPNG(r *analytics.Report, top int, o PNGOptions) ([]byte, error) {
	p, err := newPNG(o)
	if err != nil {
		return nil, err
	}
	ts := r.Techniques
	if top > 0 && len(ts) > top {
		ts = ts[:top]
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("technique chart: %w", ErrNoData)
	}
	labels := make([]string, len(ts))
	vals := make([]float64, len(ts))
	// The chart draws the first category at the bottom: fill in reverse.
	for i, t := range ts {
		j := len(ts) - 1 - i
		labels[j] = clip(TechniqueLabel(t), 26)
		vals[j] = float64(t.Cases)
	}
	return p.horizontalBars(labels, vals, "cases", colorNavy)
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
	cur := map[string]int{}
	before := map[string]int{}
	names := map[string]string{}
	for _, t := range r.Tactics {
		switch t.Quarter {
		case r.Quarter:
			cur[t.Tactic] += t.Cases
		case prev:
			before[t.Tactic] += t.Cases
		default:
			continue
		}
		names[t.Tactic] = TacticLabel(t.Name, t.Tactic)
	}
	if len(cur) == 0 {
		return nil, fmt.Errorf("tactic chart: %w", ErrNoData)
	}
	keys := make([]string, 0, len(cur))
	for k := range cur {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if cur[a] != cur[b] {
			return cur[b] - cur[a]
		}
		return strings.Compare(a, b)
	})
	labels := make([]string, len(keys))
	now := make([]float64, len(keys))
	then := make([]float64, len(keys))
	for i, k := range keys {
		j := len(keys) - 1 - i
		labels[j] = clip(names[k], 28)
		now[j] = float64(cur[k])
		then[j] = float64(before[k])
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
	by := make(map[string]analytics.ActionSummary, len(r.Actions))
	for _, a := range r.Actions {
		by[a.Quarter] = a
	}
	created := make([]float64, len(r.Quarters))
	completed := make([]float64, len(r.Quarters))
	overdue := make([]float64, len(r.Quarters))
	for i, q := range r.Quarters {
		a := by[q]
		created[i], completed[i], overdue[i] = float64(a.Created), float64(a.Completed), float64(a.Overdue)
	}
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

// clip shortens s to at most n runes with an ellipsis and makes it one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
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

// TacticLabel is a tactic's display name, spelled from its short name
// ("command-and-control" is "Command and Control") when the report has none.
func TacticLabel(name, shortname string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	words := strings.Split(shortname, "-")
	for i, w := range words {
		if w != "" && (i == 0 || w != "and" && w != "of" && w != "the") {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
