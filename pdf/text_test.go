package pdf

import (
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/phpdave11/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

func testFonts(t testing.TB) *fonts {
	t.Helper()
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestPdfClean(t *testing.T) {
	f := testFonts(t).regular
	for _, c := range []struct {
		name, in, want string
		limit          int
	}{
		{"OK", "Zürich é ü ł ß Ω Ж", "Zürich é ü ł ß Ω Ж", 0},
		{"Whitespace", "  a\n\tb\r\n  c  ", "a b c", 0},
		{"Controls", "a\x00b\x1bc\x7f", "abc", 0},
		{"Bidi", "\u202Eabc\u202C\u200Bd\uFEFF", "abcd", 0},
		{"MissingGlyph", "a🔥b漢", "a\uFFFDb\uFFFD", 0},
		{"InvalidUTF8", "a\xffb", "a\uFFFDb", 0},
		{"Limit", "abcdefghij", "abcd…", 4},
		{"LimitExact", "abcd", "abcd", 4},
		{"LimitSpaces", "ab    ", "ab", 2},
		{"Markup", `<b>x</b> \input{y} =cmd|' /C calc'!A0`, `<b>x</b> \input{y} =cmd|' /C calc'!A0`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := clean(c.in, f, c.limit); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	t.Run("Huge", func(t *testing.T) {
		got := clean(strings.Repeat("x", 1<<20), f, 0)
		if n := utf8.RuneCountInString(got); n != maxRunes+1 {
			t.Errorf("got %d runes, want %d", n, maxRunes+1)
		}
	})
}

func TestPdfWrap(t *testing.T) {
	fs := testFonts(t)
	const size, width = 9.0, 40.0
	for _, c := range []struct {
		name, in string
		want     []string // nil: only check widths and content
	}{
		{"Short", "Valid Accounts", []string{"Valid Accounts"}},
		{"Empty", "", []string{""}},
		{"Words", "lateral movement via remote services lateral movement", nil},
		{"LongWord", strings.Repeat("x", 120), nil},
		{"Hyphen", "Dr. Ingrid Müller-Lüdenscheidt-Oberhausen", nil},
		{"Path", "exports/sentinel/incidents/very/long/name/cases.jsonl", nil},
		{"Unicode", strings.Repeat("é ü ł ß Ω Ж ", 12), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []*face{fs.regular, fs.bold, fs.mono} {
				lines := wrap(c.in, f, size, width)
				for _, l := range lines {
					if w := f.measure(l, size); w > width {
						t.Errorf("line %q: got %.2f mm, want at most %.2f", l, w, width)
					}
				}
				if got := squashAll(strings.Join(lines, "")); got != squashAll(c.in) {
					t.Errorf("got %q, want the input back %q", got, c.in)
				}
				if c.want != nil && strings.Join(lines, "|") != strings.Join(c.want, "|") {
					t.Errorf("got %q, want %q", lines, c.want)
				}
			}
		})
	}
	t.Run("NoHyphenBreakInIDs", func(t *testing.T) {
		for _, in := range []string{"overdue since 2024-Q1", "case IR-2025-010 closed", "kept\u00A0together 2024-Q2\u00A032%"} {
			for _, l := range wrap(in, fs.regular, size, 22) {
				if strings.HasSuffix(l, "-") || strings.HasSuffix(l, "\u00A0") {
					t.Errorf("%q: got line %q, want no break at that hyphen or no-break space", in, l)
				}
			}
		}
	})
	t.Run("HyphenBreak", func(t *testing.T) {
		lines := wrap("Dr. Ingrid Müller-Lüdenscheidt", fs.regular, size, 30)
		if len(lines) != 2 || !strings.HasSuffix(lines[0], "Müller-") {
			t.Errorf("got %q, want a break after the hyphen", lines)
		}
	})
}

func squashAll(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestPdfFitAndClamp(t *testing.T) {
	f := testFonts(t).regular
	s := "Nordwind Versicherung AG — CSIRT — Incident response"
	got := fit(s, f, 8, 30)
	if f.measure(got, 8) > 30 || !strings.HasSuffix(got, "…") {
		t.Errorf("fit: got %q (%.1f mm), want at most 30 mm ending in …", got, f.measure(got, 8))
	}
	if got := fit("short", f, 8, 30); got != "short" {
		t.Errorf("fit: got %q, want it unchanged", got)
	}
	lines := clampLines([]string{"a", "b", "c", "d"}, 2, f, 8, 30)
	if len(lines) != 2 || lines[1] != "b …" {
		t.Errorf("clampLines: got %q, want [a, b …]", lines)
	}
}

// TestPdfMeasureMatchesGofpdf holds the widths used for wrapping against
// the PDF writer's own (gofpdf, under maroto): if they drifted, maroto would
// wrap a line a second time and lines would overlap.
func TestPdfMeasureMatchesGofpdf(t *testing.T) {
	fs := testFonts(t)
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("r", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("b", "", gobold.TTF)
	pdf.AddUTF8FontFromBytes("m", "", gomono.TTF)
	for _, s := range []string{"Time to contain (MTTC)", "é ü ł ß Ω Ж", "WWWWiiii 0123456789 ▲▼–—…", "sha256 9f86d081884c7d65"} {
		for fam, f := range map[string]*face{"r": fs.regular, "b": fs.bold, "m": fs.mono} {
			for _, size := range []float64{7.5, 9, 21} {
				pdf.SetFont(fam, "", size)
				want := pdf.GetStringWidth(s)
				if got := f.measure(s, size); math.Abs(got-want) > 1e-6 {
					t.Errorf("%s %q at %.1f pt: got %.4f mm, want %.4f", fam, s, size, got, want)
				}
			}
		}
	}
	if err := pdf.Error(); err != nil {
		t.Fatal(err)
	}
}
