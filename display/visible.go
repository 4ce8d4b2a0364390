package display

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// Case titles, owners, summaries and IDs come from exports that attackers
// can write to. Some characters draw nothing: bidi overrides (U+202A–202E,
// U+2066–2069) reorder what follows them, zero-width characters (U+200B–
// 200D, U+2060, U+FEFF) and variation selectors vanish. Two IDs that differ
// only by one of them look identical in a report, and a title can show a
// different text than it holds. Every renderer therefore shows them.

// markOpen and markClose enclose a revealed character: "‹U+202E›". The
// single guillemets are in every font pir draws with (the PDF's Go fonts
// have no ⟨ ⟩).
const (
	markOpen  = '‹'
	markClose = '›'
)

// Visible returns s with every character that would draw nothing or
// reorder its neighbours shown as its code point, e.g. "‹U+202E›": Unicode
// format characters (category Cf: bidi controls, zero-width space and
// joiners, word joiner, byte order mark, …), variation selectors and the
// other default-ignorable code points (Hangul fillers, U+034F), and control
// characters other than whitespace. Whitespace is left to the renderer.
// A literal "‹" is shown as "‹U+2039›", so a title that spells out
// "‹U+202E›" can never look like one that holds U+202E: two different
// strings never look the same.
//
// Apply it once, where untrusted text enters a renderer (applied twice, the
// "‹" of the first pass is revealed again). s is returned as it is when it
// has nothing to show.
func Visible(s string) string {
	i := strings.IndexFunc(s, hidden)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if !hidden(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteRune(markOpen)
		b.WriteString("U+")
		hex := strings.ToUpper(strconv.FormatInt(int64(r), 16))
		b.WriteString(strings.Repeat("0", max(0, 4-len(hex))))
		b.WriteString(hex)
		b.WriteRune(markClose)
	}
	return b.String()
}

// hidden reports whether Visible shows r as its code point.
func hidden(r rune) bool {
	switch {
	case r == markOpen:
		return true
	case r < 0x7f && r >= 0x20:
		return false // printable ASCII: the common case, decided at once
	case unicode.IsSpace(r):
		return false
	case unicode.IsControl(r):
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// VisibleCopy returns a deep copy of v in which every string (struct
// fields, slice and array elements, map values, through pointers) is
// Visible. Map keys and unexported fields are copied as they are. Renderers
// call it once on the model they are given, so every string they show, now
// or after a field is added, is shown visibly; the caller's value is not
// changed.
func VisibleCopy[T any](v T) T {
	src := reflect.ValueOf(&v).Elem()
	dst := reflect.New(src.Type()).Elem()
	copyVisible(dst, src)
	return dst.Interface().(T)
}

func copyVisible(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(Visible(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyVisible(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Struct:
		dst.Set(src) // unexported fields (time.Time's) as they are
		t := src.Type()
		for i := 0; i < src.NumField(); i++ {
			if t.Field(i).IsExported() {
				copyVisible(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			copyVisible(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			copyVisible(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(src.Type().Elem()).Elem()
			copyVisible(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		copyVisible(e, src.Elem())
		dst.Set(e)
	default:
		dst.Set(src)
	}
}
