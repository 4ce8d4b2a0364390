package pdf

import (
	"fmt"
	"math"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The Go fonts (BSD licence, by Bigelow & Holmes) are compiled into the
// binary, so names in Latin, Greek and Cyrillic render on a machine with no
// fonts installed. PDF core fonts are Latin-1 only.
const (
	familySans = "gosans"
	familyMono = "gomono"
)

// face is one embedded font with the metrics the PDF writer uses, so text can
// be measured and wrapped here exactly as maroto will draw it.
type face struct {
	font *sfnt.Font
	buf  sfnt.Buffer
	upem float64
	// widths caches advance widths in thousandths of an em, rounded per
	// glyph as gofpdf does; -1 marks a rune the font has no glyph for.
	widths map[rune]int
}

// fonts holds the faces of one render (not shared between goroutines).
type fonts struct {
	regular, bold, mono *face
}

func newFace(ttf []byte) (*face, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return &face{font: f, upem: float64(f.UnitsPerEm()), widths: map[rune]int{}}, nil
}

func loadFonts() (*fonts, error) {
	var fs fonts
	for _, x := range []struct {
		dst **face
		ttf []byte
	}{{&fs.regular, goregular.TTF}, {&fs.bold, gobold.TTF}, {&fs.mono, gomono.TTF}} {
		f, err := newFace(x.ttf)
		if err != nil {
			return nil, fmt.Errorf("font: %w", err)
		}
		*x.dst = f
	}
	return &fs, nil
}

// customFonts registers the embedded faces with maroto.
func customFonts() ([]*entity.CustomFont, error) {
	return repository.New().
		AddUTF8FontFromBytes(familySans, fontstyle.Normal, goregular.TTF).
		AddUTF8FontFromBytes(familySans, fontstyle.Bold, gobold.TTF).
		AddUTF8FontFromBytes(familyMono, fontstyle.Normal, gomono.TTF).
		AddUTF8FontFromBytes(familyMono, fontstyle.Bold, gomono.TTF).
		Load()
}

// has reports whether the face has a glyph for r.
func (f *face) has(r rune) bool { return f.width(r) >= 0 }

// width is the advance of r in thousandths of an em, or -1 without a glyph.
func (f *face) width(r rune) int {
	if w, ok := f.widths[r]; ok {
		return w
	}
	w := -1
	if gi, err := f.font.GlyphIndex(&f.buf, r); err == nil && gi != 0 {
		adv, err := f.font.GlyphAdvance(&f.buf, gi, fixed.Int26_6(f.upem*64), 0)
		if err == nil {
			w = int(math.Round(float64(adv) / 64 * 1000 / f.upem))
		}
	}
	f.widths[r] = w
	return w
}

// measure is the width of s in millimetres at size points.
func (f *face) measure(s string, size float64) float64 {
	total := 0
	for _, r := range s {
		if w := f.width(r); w > 0 {
			total += w
		} else if w < 0 {
			total += 500 // gofpdf's width for a glyph it does not have
		}
	}
	return float64(total) * size / 1000 * 25.4 / 72
}

// face picks the face for a style.
func (fs *fonts) face(st style) *face {
	switch {
	case st.mono:
		return fs.mono
	case st.bold:
		return fs.bold
	default:
		return fs.regular
	}
}

// ptToMM converts a font size to the height maroto gives one line of it.
func ptToMM(pt float64) float64 { return pt * 25.4 / 72 }
