package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var techniqueRE = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// NormalizeTechnique upper-cases and validates an ATT&CK technique ID
// ("t1558.003" → "T1558.003").
func NormalizeTechnique(s string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(s))
	if !isTechniqueID(id) {
		return "", fmt.Errorf("%q is not an ATT&CK technique ID (want T1234 or T1234.001)", truncate(s, 40))
	}
	return id, nil
}

// isTechniqueID is techniqueRE.MatchString without the regexp engine (a
// few techniques per case on the ingest hot path).
func isTechniqueID(s string) bool {
	if (len(s) != 5 && len(s) != 9) || s[0] != 'T' || !isDigits(s[1:5]) {
		return false
	}
	return len(s) == 5 || (s[5] == '.' && isDigits(s[6:]))
}

// NormalizeSeverity maps a severity name (any case) or TheHive's number
// (1 low … 4 critical) to one of Severities. Empty stays empty.
func NormalizeSeverity(s string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "":
		return "", nil
	case "1":
		return "low", nil
	case "2":
		return "medium", nil
	case "3":
		return "high", nil
	case "4":
		return "critical", nil
	case "info", "informational":
		return "informational", nil
	case "crit":
		return "critical", nil
	}
	for _, sv := range Severities {
		if v == sv {
			return sv, nil
		}
	}
	return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low, informational or 1–4)", truncate(s, 40))
}

// NormalizeCategory turns free text into lower-case-with-hyphens:
// "Cloud Misconfiguration" → "cloud-misconfiguration".
func NormalizeCategory(s string) string {
	if isNormalCategory(s) {
		return s
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// isNormalCategory reports whether NormalizeCategory(s) is s: lower-case
// ASCII letters and digits, single hyphens between them.
func isNormalCategory(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// NormalizeActionStatus maps common spellings to one of ActionStatuses.
func NormalizeActionStatus(s string) (string, error) {
	v := NormalizeCategory(s)
	switch v {
	case "":
		return "open", nil
	case "open", "todo", "new":
		return "open", nil
	case "in-progress", "inprogress", "doing", "started":
		return "in-progress", nil
	case "done", "closed", "complete", "completed", "resolved":
		return "done", nil
	case "wont-do", "won-t-do", "wontdo", "wontfix", "won-t-fix", "cancelled", "canceled":
		return "wont-do", nil
	}
	return "", fmt.Errorf("unknown action-item status %q (want open, in-progress, done or wont-do)", truncate(s, 40))
}

// CleanText removes NUL and other control characters (except tab and
// newline) that no report can show, and trims space.
func CleanText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			ascii = false
			break
		} else if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return cleanControl(s)
		}
	}
	if ascii {
		return strings.TrimSpace(s)
	}
	if strings.IndexFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }) < 0 {
		return strings.TrimSpace(s)
	}
	return cleanControl(s)
}

func cleanControl(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// AddTechnique appends id to list unless already present. It scans the
// list: to add many ids, use appendUnique, which stays linear.
func AddTechnique(list []string, id string) []string {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

// smallSet is the size up to which a scan beats a map for "seen before?".
const smallSet = 16

// appendUnique appends each of ids that is not yet in list (nor earlier in
// ids), in order: AddTechnique for many ids in linear time. A record may
// list 100,000 techniques; adding them one scan at a time took seconds.
func appendUnique(list []string, ids ...string) []string {
	if len(list)+len(ids) <= smallSet {
		for _, id := range ids {
			list = AddTechnique(list, id)
		}
		return list
	}
	seen := make(map[string]struct{}, len(list)+len(ids))
	for _, x := range list {
		seen[x] = struct{}{}
	}
	for _, id := range ids {
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			list = append(list, id)
		}
	}
	return list
}

// canonicalNumber writes a JSON number so that equal values are equal
// text: 1, 1.0, 1e0, 10E-1 and 0.1e1 are all "1", 0.50 is "0.5", -0 is "0".
// A TheHive case numbered 1 and one numbered 1e0 are the same case. Values
// are written in plain decimal unless that needs more than 40 zeros, then
// as digits and an exponent ("1e400"); an exponent of ten or more digits
// is refused.
func canonicalNumber(s string) (string, error) {
	if isDigits(s) && (len(s) == 1 || s[0] != '0') {
		return s, nil // already canonical: the common case
	}
	num := s
	neg := strings.HasPrefix(num, "-")
	if neg {
		num = num[1:]
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(num), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	if !isDigits(whole) || (frac != "" && !isDigits(frac)) {
		return "", fmt.Errorf("%s is not a number", truncate(s, 32))
	}
	e := 0
	if hasExp {
		eneg := strings.HasPrefix(exp, "-")
		exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
		if len(exp) > 9 || (exp != "" && !isDigits(exp)) {
			return "", fmt.Errorf("number %s out of range", truncate(s, 32))
		}
		e, _ = strconv.Atoi("0" + exp)
		if eneg {
			e = -e
		}
	}
	digits := strings.TrimLeft(whole+frac, "0")
	e -= len(frac)
	if digits == "" {
		return "0", nil
	}
	trimmed := strings.TrimRight(digits, "0")
	e += len(digits) - len(trimmed)
	digits = trimmed
	sign := ""
	if neg {
		sign = "-"
	}
	switch {
	case e >= 0 && e <= 40:
		return sign + digits + strings.Repeat("0", e), nil
	case e < 0 && -e <= 40:
		if point := len(digits) + e; point > 0 {
			return sign + digits[:point] + "." + digits[point:], nil
		}
		return sign + "0." + strings.Repeat("0", -e-len(digits)) + digits, nil
	}
	return sign + digits + "e" + strconv.Itoa(e), nil
}

// visibleID refuses an id holding a character that is invisible or that
// changes the direction of the text around it: "IR-1\u200b" looks like
// "IR-1", and "IR-\u202e1-3" like "IR-3-1", so two distinct cases (or an
// action item and another's) would look identical in every report. These
// are the bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069) and the zero-width and invisible characters (U+00AD soft
// hyphen, U+180E, U+200B–U+200D, U+2060–U+2064, U+FEFF).
func visibleID(id string) error {
	for i, r := range id {
		if r < 0x80 {
			continue
		}
		if name := invisibleName(r); name != "" {
			return fmt.Errorf("contains U+%04X (%s) at byte %d, an invisible or direction-changing character: an id must look like what it is (remove it from the export)", r, name, i)
		}
	}
	return nil
}

// invisibleName is the Unicode name of a character visibleID refuses, or "".
func invisibleName(r rune) string {
	switch r {
	case 0x00AD:
		return "SOFT HYPHEN"
	case 0x061C:
		return "ARABIC LETTER MARK"
	case 0x180E:
		return "MONGOLIAN VOWEL SEPARATOR"
	case 0x200B:
		return "ZERO WIDTH SPACE"
	case 0x200C:
		return "ZERO WIDTH NON-JOINER"
	case 0x200D:
		return "ZERO WIDTH JOINER"
	case 0x200E:
		return "LEFT-TO-RIGHT MARK"
	case 0x200F:
		return "RIGHT-TO-LEFT MARK"
	case 0x202A:
		return "LEFT-TO-RIGHT EMBEDDING"
	case 0x202B:
		return "RIGHT-TO-LEFT EMBEDDING"
	case 0x202C:
		return "POP DIRECTIONAL FORMATTING"
	case 0x202D:
		return "LEFT-TO-RIGHT OVERRIDE"
	case 0x202E:
		return "RIGHT-TO-LEFT OVERRIDE"
	case 0x2060:
		return "WORD JOINER"
	case 0x2061:
		return "FUNCTION APPLICATION"
	case 0x2062:
		return "INVISIBLE TIMES"
	case 0x2063:
		return "INVISIBLE SEPARATOR"
	case 0x2064:
		return "INVISIBLE PLUS"
	case 0x2066:
		return "LEFT-TO-RIGHT ISOLATE"
	case 0x2067:
		return "RIGHT-TO-LEFT ISOLATE"
	case 0x2068:
		return "FIRST STRONG ISOLATE"
	case 0x2069:
		return "POP DIRECTIONAL ISOLATE"
	case 0xFEFF:
		return "ZERO WIDTH NO-BREAK SPACE"
	}
	return ""
}
