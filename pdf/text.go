package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every string in the report model may come from a case export, so it is
// untrusted: it can be huge, hold control characters, bidi overrides that
// reorder what follows, characters the font lacks, or one 300-character
// "word". Nothing is interpreted (a PDF text object has no markup), so the
// only risks are to the layout and to what a reader sees. Render and Review
// first show invisible characters as code points (display.Visible on a copy
// of the model); clean and wrap take care of the layout.

// replacement stands for a character the embedded font cannot draw.
const replacement = '\uFFFD'

// nbsp joins two words that must stay on one line ("2024-Q2 32%").
const nbsp = '\u00A0'

// maxRunes caps any one string; longer input is cut with an ellipsis.
const maxRunes = 2000

// clean makes s safe to lay out: whitespace (newlines, tabs) becomes single
// spaces, control and format characters that are left (none are, in text
// from the model: Render showed them) are dropped, characters outside the
// font become U+FFFD, and the result is at most limit runes (0: maxRunes)
// plus an ellipsis when cut.
func clean(s string, f *face, limit int) string {
	if limit <= 0 || limit > maxRunes {
		limit = maxRunes
	}
	var b strings.Builder
	n := 0
	space, cut := false, false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			r = replacement
		case r == nbsp:
			// A no-break space is kept: it joins a value to its label.
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs):
			continue
		case !f.has(r):
			r = replacement
		}
		if n >= limit {
			cut = true
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if cut {
		out = strings.TrimRight(out, " ") + "…"
	}
	return out
}

// wrap breaks s (already clean) into lines no wider than width millimetres
// at size points: at spaces, after a hyphen when the hyphenated word does
// not fit, after a path separator when a word is wider than a whole line,
// and inside a word only as a last resort. It never returns a line wider
// than width unless width cannot hold a single character.
func wrap(s string, f *face, size, width float64) []string {
	if s == "" {
		return []string{""}
	}
	spaceW := f.measure(" ", size)
	var lines []string
	line, lineW := "", 0.0
	flush := func() {
		lines = append(lines, line)
		line, lineW = "", 0
	}
	for _, word := range strings.Split(s, " ") {
		if word == "" {
			continue
		}
		for word != "" {
			w := f.measure(word, size)
			sep, sepW := "", 0.0
			if line != "" {
				sep, sepW = " ", spaceW
			}
			if lineW+sepW+w <= width {
				line += sep + word
				lineW += sepW + w
				break
			}
			// Not on this line: a hyphenated word may split here.
			if line != "" {
				if i := hyphenAt(word, f, size, width-lineW-sepW); i > 0 {
					line += sep + word[:i]
					word = word[i:]
					flush()
					continue
				}
				flush()
				continue
			}
			// Alone on a line and still too wide: split at a separator,
			// else by characters.
			i := breakAt(word, "-/\\_.,;:", f, size, width)
			if i == 0 {
				i = breakChars(word, f, size, width)
			}
			line, lineW = word[:i], f.measure(word[:i], size)
			word = word[i:]
			flush()
		}
	}
	if line != "" || len(lines) == 0 {
		flush()
	}
	return lines
}

// breakAt is the longest prefix of word ending in one of the characters in
// seps that is no wider than avail, as a byte index; 0 when there is none.
// A separator at the very end does not count (nothing would follow it).
func breakAt(word, seps string, f *face, size, avail float64) int {
	best := 0
	for i, r := range word {
		if !strings.ContainsRune(seps, r) {
			continue
		}
		end := i + utf8.RuneLen(r)
		if end >= len(word) {
			break
		}
		if f.measure(word[:end], size) > avail {
			break
		}
		best = end
	}
	return best
}

// hyphenAt is the longest prefix of word ending in a hyphen between two
// letters ("Müller-", not "2024-" of "2024-Q1" nor "IR-" of "IR-2025-010")
// that is no wider than avail, as a byte index; 0 when there is none.
func hyphenAt(word string, f *face, size, avail float64) int {
	rs := []rune(word)
	best, at := 0, 0
	for i, r := range rs {
		at += utf8.RuneLen(r)
		if r != '-' || i == 0 || i == len(rs)-1 || !unicode.IsLetter(rs[i-1]) || !unicode.IsLetter(rs[i+1]) {
			continue
		}
		if f.measure(word[:at], size) > avail {
			break
		}
		best = at
	}
	return best
}

// breakChars is the longest prefix of word no wider than width, at least
// one character, as a byte index.
func breakChars(word string, f *face, size, width float64) int {
	w := 0.0
	for i, r := range word {
		rw := f.measure(string(r), size)
		if i > 0 && w+rw > width {
			return i
		}
		w += rw
	}
	return len(word)
}

// fit shortens s (already clean) with an ellipsis until it is no wider than
// width millimetres, for places that must stay on one line.
func fit(s string, f *face, size, width float64) string {
	if f.measure(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		cand := strings.TrimRight(string(r), " ") + "…"
		if f.measure(cand, size) <= width {
			return cand
		}
	}
	return ""
}

// clampLines keeps at most n lines, ending the last kept one with an
// ellipsis, so one long value cannot push a table across pages.
func clampLines(lines []string, n int, f *face, size, width float64) []string {
	if n <= 0 || len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n]...)
	out[n-1] = fit(out[n-1]+" …", f, size, width)
	return out
}
