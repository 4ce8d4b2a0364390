package ingest

import (
	"fmt"
	"regexp"
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
