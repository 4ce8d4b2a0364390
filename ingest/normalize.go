package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

var techniqueRE = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// NormalizeTechnique upper-cases and validates an ATT&CK technique ID
// ("t1558.003" → "T1558.003").
func NormalizeTechnique(s string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(s))
	if !techniqueRE.MatchString(id) {
		return "", fmt.Errorf("%q is not an ATT&CK technique ID (want T1234 or T1234.001)", truncate(s, 40))
	}
	return id, nil
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
	if strings.IndexFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }) < 0 {
		return strings.TrimSpace(s)
	}
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

// AddTechnique appends id to list unless already present.
func AddTechnique(list []string, id string) []string {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}
