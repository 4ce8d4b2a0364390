// Package pdf renders the quarterly report model as the PDF executive report
// (A4 portrait, maroto v2): page 1 is the executive summary, then trends,
// root causes, ATT&CK, action items, notable incidents and an appendix with
// definitions and data quality. It lays out what analytics computed and
// computes nothing of its own.
package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// DefaultMarking is the classification printed when neither the options nor
// the report carry one: TLP:AMBER, limited disclosure.
const DefaultMarking = "TLP:AMBER"

// DefaultMaxRows caps the overdue and notable-incident lists.
const DefaultMaxRows = 25

// Options adjust the report. The zero value is fine.
type Options struct {
	// Organisation and Marking override the report's (from the config).
	Organisation string
	Marking      string
	// MaxRows caps the overdue action-item and notable-incident lists,
	// most important first; the rest are counted. 0 means DefaultMaxRows.
	MaxRows int
}

// Render writes the PDF report for r to w.
func Render(w io.Writer, r *analytics.Report, o Options) error {
	if r == nil {
		return errors.New("pdf: no report")
	}
	b, _, err := render(r, o)
	if err != nil {
		return fmt.Errorf("pdf %s: %w", r.Quarter, err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("pdf %s: write: %w", r.Quarter, err)
	}
	return nil
}

// report is one rendering: the model, the resolved options and the layout.
type report struct {
	r       *analytics.Report
	o       Options
	org     string
	marking string
	charts  *chartSet
	*doc
}

// render lays out and generates the PDF; it also returns the page count its
// own layout predicts, which the tests hold against the PDF's.
func render(r *analytics.Report, o Options) ([]byte, int, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, 0, err
	}
	cf, err := customFonts()
	if err != nil {
		return nil, 0, fmt.Errorf("font: %w", err)
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	// Every string the report shows, once: invisible characters as code
	// points (clean would drop them, and two IDs could look the same).
	r = display.VisibleCopy(r)
	o.Organisation, o.Marking = display.Visible(o.Organisation), display.Visible(o.Marking)
	rep := &report{r: r, o: o}
	rep.org = firstNonEmpty(o.Organisation, r.Organisation)
	rep.marking = firstNonEmpty(o.Marking, r.Marking, DefaultMarking)
	rep.org = clean(rep.org, fs.bold, 200)
	rep.marking = clean(rep.marking, fs.bold, 60)

	charts, err := renderCharts(r)
	if err != nil {
		return nil, 0, err
	}
	rep.charts = charts

	b := newBuilder(cf, docMeta{
		title:   fmt.Sprintf("Incident response report %s", clean(r.Quarter, fs.regular, 40)),
		subject: "Quarterly post-incident review analytics",
		creator: "pir " + clean(r.Version, fs.regular, 60),
		marking: rep.marking, author: rep.org, created: r.GeneratedAt,
	})
	m := maroto.New(b.Build())
	rep.doc = &doc{m: m, fs: fs, cellH: pageH - marginTop - marginBottom, pages: 1}

	footer := rep.footer()
	header := rep.header()
	if err := m.RegisterFooter(footer...); err != nil {
		return nil, 0, fmt.Errorf("footer: %w", err)
	}
	if err := m.RegisterHeader(header...); err != nil {
		return nil, 0, fmt.Errorf("header: %w", err)
	}
	rep.headerH = rowsHeight(header)
	rep.footerH = rowsHeight(footer)
	rep.cur = rep.headerH

	rep.summary()
	rep.trends()
	rep.statistics()
	rep.benchmark()
	rep.slices()
	rep.rootCauses()
	rep.failedFixes()
	rep.lessons()
	rep.attack()
	rep.coverage()
	rep.actionItems()
	rep.overduePlaybooks()
	rep.notable()
	rep.appendix()
	rep.overdueList()

	out, err := m.Generate()
	if err != nil {
		return nil, 0, fmt.Errorf("generate: %w", err)
	}
	return out.GetBytes(), rep.pages, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// rowsHeight adds up rows of fixed height (header and footer).
func rowsHeight(rows []core.Row) float64 {
	h := 0.0
	for _, r := range rows {
		h += r.GetHeight(nil, nil)
	}
	return h
}

// header is the band on every page: organisation, report and quarter on the
// left, the marking on the right, a rule below.
func (rp *report) header() []core.Row {
	const h = 6.5
	st := stSmall.with(func(s *style) { s.color = colMuted })
	bu := rp.badgeUnits()
	left := "Incident response report · " + clean(rp.r.Quarter, rp.fs.regular, 20)
	if rp.org != "" {
		left = rp.org + " · " + left
	}
	left = fit(left, rp.fs.regular, st.size, mm(grid-bu)-4)
	top := (h - st.fontH()*1.2) / 2
	return []core.Row{
		newRow(h,
			col.New(grid-bu).Add(text.New(left, st.textProp(top))),
			rp.badge(bu, h),
		),
		newRow(4, rp.ruleCol(colRule, 0.3, 40)),
	}
}

// footer repeats the marking with the generation date and version; maroto
// prints "Page N of M" centred below it.
func (rp *report) footer() []core.Row {
	const h = 6.5
	st := stSmall
	bu := rp.badgeUnits()
	parts := []string{clean(rp.r.Quarter, rp.fs.regular, 20)}
	if !rp.r.GeneratedAt.IsZero() {
		parts = append(parts, "generated "+rp.r.GeneratedAt.Format("2 January 2006 15:04 MST"))
	}
	if v := clean(rp.r.Version, rp.fs.regular, 40); v != "" {
		parts = append(parts, "pir "+v)
	}
	left := fit(strings.Join(parts, " · "), rp.fs.regular, st.size, mm(grid-bu)-4)
	top := (h - st.fontH()*1.2) / 2
	return []core.Row{
		newRow(2.5, rp.ruleCol(colRule, 0.3, 0)),
		newRow(h,
			col.New(grid-bu).Add(text.New(left, st.textProp(top))),
			rp.badge(bu, h),
		),
	}
}

// badgeUnits is the marking badge's width: the label plus padding, at most
// 40% of the page width (a longer marking is shortened to fit).
func (rp *report) badgeUnits() int {
	return units(min(rp.fs.bold.measure(rp.marking, 7.5)+5, contentW*0.4))
}

// badge is the marking as a label: TLP colours on black for TLP markings
// (FIRST TLP 2.0), white on dark grey for anything else.
func (rp *report) badge(u int, h float64) core.Col {
	fg := markingColor(rp.marking)
	st := style{size: 7.5, bold: true, color: fg, align: align.Center}
	top := (h - 1.0 - st.fontH()*1.2) / 2
	label := fit(rp.marking, rp.fs.bold, st.size, mm(u)-2)
	bg := colBlack
	if !strings.HasPrefix(strings.ToUpper(rp.marking), "TLP:") {
		bg = props.Color{Red: 52, Green: 58, Blue: 64}
	}
	c := col.New(u).Add(text.New(label, st.textProp(top+0.5)))
	c.WithStyle(&props.Cell{BackgroundColor: &bg})
	return c
}

func markingColor(m string) props.Color {
	u := strings.ToUpper(m)
	switch {
	case strings.HasPrefix(u, "TLP:RED"):
		return props.Color{Red: 255, Green: 43, Blue: 43}
	case strings.HasPrefix(u, "TLP:AMBER"):
		return props.Color{Red: 255, Green: 192, Blue: 0}
	case strings.HasPrefix(u, "TLP:GREEN"):
		return props.Color{Red: 51, Green: 255, Blue: 0}
	default:
		return colWhite
	}
}

// ruleCol is a full-width horizontal line at offset percent of its row.
func (rp *report) ruleCol(c props.Color, thickness, offset float64) core.Col {
	return line.NewCol(grid, props.Line{Color: &c, Thickness: thickness, OffsetPercent: offset, SizePercent: 100})
}

// docMeta is what differs between pir's PDF documents in their builder.
type docMeta struct {
	title, subject, creator, marking, author string
	created                                  time.Time
}

// newBuilder is the page setup shared by the quarterly report and the
// review pack: A4, margins, embedded fonts, "Page N of M", metadata.
func newBuilder(cf []*entity.CustomFont, m docMeta) config.Builder {
	b := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginLeft).
		WithRightMargin(marginRight).
		WithTopMargin(marginTop).
		WithBottomMargin(marginBottom).
		WithMaxGridSize(grid).
		WithCustomFonts(cf).
		WithDefaultFont(&props.Font{Family: familySans, Style: fontstyle.Normal, Size: stBody.size, Color: &colInk}).
		WithPageNumber(props.PageNumber{
			Pattern: "Page {current} of {total}",
			Place:   props.Bottom,
			Family:  familySans,
			Style:   fontstyle.Normal,
			Size:    stSmall.size,
			Color:   &colMuted,
		}).
		WithCompression(true).
		WithTitle(m.title, true).
		WithSubject(m.subject, true).
		WithCreator(m.creator, true).
		WithKeywords(m.marking, true)
	if m.author != "" {
		b = b.WithAuthor(m.author, true)
	}
	if !m.created.IsZero() {
		b = b.WithCreationDate(m.created)
	}
	return b
}
