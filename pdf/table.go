package pdf

import (
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// column describes a table column: its header, width in millimetres (0 for
// the one that takes what is left) and alignment.
type column struct {
	title string
	w     float64
	align align.Type
}

// cell is the content of one table cell: one or more stacked runs.
type cell []part

// td is a plain body cell.
func td(s string) cell { return cell{{text: s, st: stTD}} }

// tdStyled is a body cell in another style.
func tdStyled(s string, st style) cell { return cell{{text: s, st: st}} }

// trow is one body row; bg shades it (nil: white).
type trow struct {
	cells []cell
	bg    *props.Color
}

// tr builds a row.
func tr(cells ...cell) trow { return trow{cells: cells} }

// tableMaxLines caps how many lines one body cell may take, so one oversized
// value cannot push a table over several pages.
const tableMaxLines = 8

// table lays out a table with a header row that repeats on every page it
// spans. Widths are fixed by the columns; text wraps inside its cell.
func (d *doc) table(cols []column, rows []trow) {
	us := make([]int, len(cols))
	rest, flex := grid, -1
	for i, c := range cols {
		if c.w == 0 {
			flex = i
			continue
		}
		us[i] = units(c.w)
		rest -= us[i]
	}
	if flex >= 0 {
		us[flex] = max(1, rest)
	} else {
		us[len(us)-1] += rest
	}

	header := func() (float64, []core.Col) {
		blocks := make([]block, len(cols))
		h := 0.0
		for i, c := range cols {
			st := stTH
			st.align = c.align
			blocks[i] = d.layout([]part{{text: c.title, st: st, maxLines: 3}}, mm(us[i]), cellPadX, cellPadY)
			h = max(h, blocks[i].h)
		}
		cs := make([]core.Col, len(cols))
		for i, b := range blocks {
			bg := colHead
			cs[i] = b.col(us[i], cellPadX, cellPadY, cellStyle(&bg, colRule, 0.3))
		}
		return h, cs
	}
	body := func(r trow) (float64, []core.Col) {
		blocks := make([]block, len(cols))
		h := 0.0
		for i := range cols {
			var parts []part
			if i < len(r.cells) {
				for _, p := range r.cells[i] {
					if p.st.align == "" {
						p.st.align = cols[i].align
					}
					if p.maxLines == 0 {
						p.maxLines = tableMaxLines
					}
					parts = append(parts, p)
				}
			}
			if len(parts) == 0 {
				parts = []part{{text: "", st: stTD}}
			}
			blocks[i] = d.layout(parts, mm(us[i]), cellPadX, cellPadY)
			h = max(h, blocks[i].h)
		}
		cs := make([]core.Col, len(cols))
		for i, b := range blocks {
			cs[i] = b.col(us[i], cellPadX, cellPadY, cellStyle(r.bg, colHair, 0.2))
		}
		return h, cs
	}

	hh, hc := header()
	heights := make([]float64, len(rows))
	for i, r := range rows {
		heights[i], _ = body(r)
	}
	// sum is the height of rows i..j-1.
	sum := func(i, j int) float64 {
		h := 0.0
		for _, x := range heights[i:j] {
			h += x
		}
		return h
	}
	// A table starts with at least its first tableKeepRows rows and never
	// leaves fewer than that on a page of their own at its end: a page
	// that holds only the last row or two of a table reads as a mistake.
	d.ensure(hh + sum(0, min(len(rows), tableKeepRows)))
	d.add(hh, hc...)
	for i, r := range rows {
		h, cs := body(r)
		tail := i > 0 && i == len(rows)-tableKeepRows && !d.fits(sum(i, len(rows)))
		if tail || !d.fits(h) {
			d.breakPage()
			hh, hc = header()
			d.add(hh, hc...)
		}
		d.add(h, cs...)
	}
}

// tableKeepRows is how many rows of a table stay together at its start and
// at its end when it breaks across pages.
const tableKeepRows = 3
