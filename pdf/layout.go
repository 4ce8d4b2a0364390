package pdf

import (
	"math"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/breakline"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// Page geometry in millimetres (A4 portrait) and the grid maroto divides a
// row into: 1000 units, so a column can be sized to a fraction of a
// millimetre.
const (
	pageW        = 210.0
	pageH        = 297.0
	marginLeft   = 16.0
	marginRight  = 16.0
	marginTop    = 10.0
	marginBottom = 10.0
	grid         = 1000
	contentW     = pageW - marginLeft - marginRight
	// slack keeps wrapped lines clear of maroto's own wrapping, which
	// measures with the same font but rounds differently.
	slack = 0.4
	// lead is the distance between baselines as a multiple of the size.
	lead = 1.32
)

// Colours: ink on white with one accent; red and green only for direction.
var (
	colInk    = props.Color{Red: 33, Green: 37, Blue: 41}
	colMuted  = props.Color{Red: 104, Green: 112, Blue: 122}
	colAccent = props.Color{Red: 31, Green: 58, Blue: 95}
	colRule   = props.Color{Red: 206, Green: 212, Blue: 218}
	colHair   = props.Color{Red: 233, Green: 236, Blue: 239}
	colPanel  = props.Color{Red: 244, Green: 246, Blue: 249}
	colHead   = props.Color{Red: 236, Green: 240, Blue: 245}
	colGood   = props.Color{Red: 26, Green: 127, Blue: 55}
	colBad    = props.Color{Red: 198, Green: 40, Blue: 40}
	colWarn   = props.Color{Red: 176, Green: 96, Blue: 0}
	colWhite  = props.Color{Red: 255, Green: 255, Blue: 255}
	colBlack  = props.Color{Red: 0, Green: 0, Blue: 0}
)

// style is how a run of text is set.
type style struct {
	size  float64 // points
	bold  bool
	mono  bool
	color props.Color
	align align.Type
}

var (
	stBody    = style{size: 9, color: colInk}
	stSmall   = style{size: 7.5, color: colMuted}
	stTH      = style{size: 7.5, bold: true, color: colMuted}
	stTD      = style{size: 8.5, color: colInk}
	stH1      = style{size: 16, bold: true, color: colAccent}
	stH2      = style{size: 10.5, bold: true, color: colInk}
	stCaption = style{size: 8.5, bold: true, color: colInk}
)

func (s style) with(f func(*style)) style { f(&s); return s }

func (s style) right() style  { s.align = align.Right; return s }
func (s style) center() style { s.align = align.Center; return s }
func (s style) strong() style { s.bold = true; return s }

// alarm is s in bold red: what is overdue or late.
func (s style) alarm() style { s.bold, s.color = true, colBad; return s }

// fontH is the height maroto gives one line of this style.
func (s style) fontH() float64 { return ptToMM(s.size) }

// leadH is the distance between two baselines.
func (s style) leadH() float64 { return s.fontH() * lead }

func (s style) textProp(top float64) props.Text {
	st := fontstyle.Normal
	if s.bold {
		st = fontstyle.Bold
	}
	fam := familySans
	if s.mono {
		fam = familyMono
	}
	c := s.color
	a := s.align
	if a == "" {
		a = align.Left
	}
	return props.Text{
		Top:               top,
		Family:            fam,
		Style:             st,
		Size:              s.size,
		Color:             &c,
		Align:             a,
		BreakLineStrategy: breakline.EmptySpaceStrategy,
	}
}

// part is a run of text in a cell: a cell can stack several (a title over
// its case ID).
type part struct {
	text     string
	st       style
	maxLines int
}

// block is text laid out for a column: its lines per part and its height.
type block struct {
	parts []laidPart
	h     float64
}

type laidPart struct {
	lines []string
	st    style
}

// cellPad is the space around text in a table cell.
const (
	cellPadX = 1.6
	cellPadY = 1.25
)

// doc is the report being laid out. It mirrors maroto's page accounting
// (the same comparison in the same order) so it knows where every page
// breaks, which lets it keep headings with what follows and repeat table
// headers.
type doc struct {
	m   core.Maroto
	fs  *fonts
	cur float64 // maroto's current height on this page, header included
	// cellH is the page's usable height; headerH and footerH are the
	// registered rows' heights.
	cellH, headerH, footerH float64
	pages                   int
}

// units converts a width in millimetres to grid units.
func units(mm float64) int {
	u := int(math.Round(mm / contentW * grid))
	return max(1, min(grid, u))
}

// mm converts grid units to millimetres.
func mm(u int) float64 { return float64(u) / grid * contentW }

// fits reports whether a row of height h still fits on the current page,
// exactly as maroto decides it.
func (d *doc) fits(h float64) bool { return h+d.cur+d.footerH <= d.cellH }

// room is the height left on the current page.
func (d *doc) room() float64 { return d.cellH - d.cur - d.footerH }

// atTop reports whether nothing has been added to the page yet.
func (d *doc) atTop() bool { return d.cur <= d.headerH+1e-9 }

// add appends a row, starting a new page first when it does not fit.
func (d *doc) add(h float64, cols ...core.Col) {
	if !d.fits(h) {
		d.breakPage()
	}
	d.m.AddRow(h, cols...)
	d.cur += h
}

// breakPage fills the rest of the page so the next row starts a new one.
func (d *doc) breakPage() {
	if rest := d.room() - 0.01; rest > 0 {
		d.m.AddRow(rest, col.New(grid))
	}
	d.cur = d.headerH
	d.pages++
}

// ensure starts a new page unless h more millimetres fit on this one.
func (d *doc) ensure(h float64) {
	if !d.fits(h) && !d.atTop() {
		d.breakPage()
	}
}

// gap adds vertical space, which is dropped at the top of a page.
func (d *doc) gap(h float64) {
	if d.atTop() {
		return
	}
	if !d.fits(h) {
		d.breakPage()
		return
	}
	d.add(h, col.New(grid))
}

// layout wraps parts for a column of width w (millimetres, padding
// included) with the given padding.
func (d *doc) layout(parts []part, w, padX, padY float64) block {
	var b block
	h := padY
	for i, p := range parts {
		f := d.fs.face(p.st)
		t := clean(p.text, f, 0)
		lines := wrap(t, f, p.st.size, w-2*padX-slack)
		lines = clampLines(lines, p.maxLines, f, p.st.size, w-2*padX-slack)
		b.parts = append(b.parts, laidPart{lines: lines, st: p.st})
		if i > 0 {
			h += p.st.fontH() * (lead - 1)
		}
		h += float64(len(lines)-1)*p.st.leadH() + p.st.fontH()*1.22
	}
	b.h = h + padY
	return b
}

// col turns a laid-out block into a maroto column of u grid units whose
// text starts padY from the top.
func (b block) col(u int, padX, padY float64, cell *props.Cell) core.Col {
	c := col.New(u)
	top := padY
	for i, p := range b.parts {
		if i > 0 {
			top += p.st.fontH() * (lead - 1)
		}
		for j, l := range p.lines {
			if l == "" {
				continue
			}
			tp := p.st.textProp(top + float64(j)*p.st.leadH())
			tp.Left, tp.Right = padX, padX
			c.Add(text.New(l, tp))
		}
		top += float64(len(p.lines)-1)*p.st.leadH() + p.st.fontH()*1.22
	}
	if cell != nil {
		c.WithStyle(cell)
	}
	return c
}

// paragraph sets text across the full width, one row per line so a long
// paragraph can break across pages.
func (d *doc) paragraph(s string, st style) {
	d.paragraphIn(s, st, 0, contentW)
}

func (d *doc) paragraphIn(s string, st style, indent, w float64) {
	f := d.fs.face(st)
	lines := wrap(clean(s, f, 0), f, st.size, w-indent-slack)
	// Keep a short paragraph in one piece and never start a long one with
	// a lone line at the foot of a page.
	keep := float64(min(len(lines), 2))
	if len(lines) <= 5 {
		keep = float64(len(lines))
	}
	d.ensure(keep * st.leadH())
	for i, l := range lines {
		h := st.leadH()
		if i == len(lines)-1 {
			h = st.fontH() * 1.3
		}
		tp := st.textProp(0)
		tp.Left = indent
		d.add(h, col.New(grid).Add(text.New(l, tp)))
	}
}

// headingKeep is how much of a section's content must fit under its
// heading on the same page (a row of trend charts, a table's first rows);
// when it does not, the section starts on the next page.
const headingKeep = 58.0

// heading starts a section: the title, a rule and the subtitle. The section
// follows the previous one on the same page when the heading and the first
// headingKeep millimetres of its content still fit there, so no page ends
// with a lone chart or a few rows that a page break left behind.
func (d *doc) heading(title, sub string) { d.headingWith(title, sub, headingKeep) }

// headingWith is heading keeping keep millimetres of content with it (a
// taller first chart).
func (d *doc) headingWith(title, sub string, keep float64) {
	if !d.atTop() {
		h := 6 + stH1.fontH()*1.5 + 2.5
		if sub != "" {
			f := d.fs.face(stSmall)
			h += float64(len(wrap(clean(sub, f, 0), f, stSmall.size, contentW-slack)))*stSmall.leadH() + 2
		}
		d.ensure(h + keep)
		d.gap(6)
	}
	d.add(stH1.fontH()*1.5, col.New(grid).Add(text.New(fit(clean(title, d.fs.bold, 200), d.fs.bold, stH1.size, contentW), stH1.textProp(0))))
	d.rule(colAccent, 0.5, 2.5)
	if sub != "" {
		d.paragraph(sub, stSmall)
		d.gap(2)
	}
}

// subheading is a titled block inside a section; it keeps itself together
// with the next keep millimetres.
func (d *doc) subheading(title string, keep float64) {
	h := stH2.fontH() * 1.9
	if !d.atTop() {
		d.ensure(h + 3 + keep)
		d.gap(3)
	}
	tp := stH2.textProp(0)
	d.add(h, col.New(grid).Add(text.New(fit(clean(title, d.fs.bold, 200), d.fs.bold, stH2.size, contentW), tp)))
}

// rule draws a horizontal line in a row of height h.
func (d *doc) rule(c props.Color, thickness, h float64) {
	d.add(h, line.NewCol(grid, props.Line{Color: &c, Thickness: thickness, OffsetPercent: 30, SizePercent: 100}))
}

// image adds a PNG at the given width and height (millimetres), centred in
// a column of u grid units; the row height is the image height.
func imageCol(u int, png []byte) core.Col {
	return image.NewFromBytesCol(u, png, extension.Png, props.Rect{Center: true, Percent: 100})
}

// emptyCol is a spacer.
func emptyCol(u int) core.Col { return col.New(u) }

// newRow builds a free-standing row (header and footer).
func newRow(h float64, cols ...core.Col) core.Row { return row.New(h).Add(cols...) }

// cellStyle is a table cell's background and bottom rule.
func cellStyle(bg *props.Color, rule props.Color, thick float64) *props.Cell {
	r := rule
	return &props.Cell{BackgroundColor: bg, BorderType: border.Bottom, BorderColor: &r, BorderThickness: thick}
}
