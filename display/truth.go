package display

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CaseRef is how outputs name a case: the ID alone for the default source
// "pir", else "source:ID" (the SQL macro case_ref).
func CaseRef(source, id string) string {
	if source == "pir" || source == "" {
		return id
	}
	return source + ":" + id
}

// Window writes a config duration ("365d", "4h", "2w") in words: "365
// days", "4 hours", "2 weeks"; anything else as given.
func Window(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return NoValue
	}
	unit := map[byte][2]string{'h': {"hour", "hours"}, 'd': {"day", "days"}, 'w': {"week", "weeks"}}[t[len(t)-1]]
	if unit[0] == "" {
		return s
	}
	num := strings.TrimSpace(t[:len(t)-1])
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return s
	}
	if v == 1 {
		return num + " " + unit[0]
	}
	return num + " " + unit[1]
}

// Times writes how often something happened in prose: "once", "twice",
// "3 times".
func Times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return Count(n) + " times"
}

// Freshness says how fresh the data is in one sentence for page 1, the
// dashboard header and the email: "Newest case IR-00400, detected 30
// December 2025; newest file cases.jsonl, ingested 5 December 2026 08:20
// CET." Times are shown in their own zone.
func Freshness(newestDetected *time.Time, newestCase, file string, ingested *time.Time) string {
	var parts []string
	if newestDetected != nil {
		parts = append(parts, fmt.Sprintf("newest case %s, detected %s", Or(newestCase, NoValue), newestDetected.Format("2 January 2006")))
	} else {
		parts = append(parts, "no case in the database")
	}
	if ingested != nil {
		parts = append(parts, fmt.Sprintf("newest file %s, ingested %s", Or(file, NoValue), ingested.Format("2 January 2006 15:04 MST")))
	} else {
		parts = append(parts, "no file ingested")
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// EmptyQuarter is the one line that says a report quarter has no case
// while the database has some: what a scheduled run stops with.
func EmptyQuarter(quarter, cohortVerb string, dbCases int, freshness string) string {
	return fmt.Sprintf("no cases %s in %s, but the database holds %s. %s The export may be stale or the quarter wrong",
		cohortVerb, quarter, Plural(dbCases, "case", "cases"), freshness)
}

// NoClearChange labels a change under the neutral-change rule: under 5%,
// or too few cases on a side to say.
const NoClearChange = "≈ no clear change"

// Day writes a YYYY-MM-DD date as a sentence does: "31 December 2025"
// (the text as given when it is no such date).
func Day(date string) string {
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return d.Format("2 January 2006")
}

// DecisionLine is one decision as the email and the dashboard write it:
// "12 critical or high action items overdue … — owner IAM Team: commit to …".
func DecisionLine(count int, what, owner, proposal string) string {
	return fmt.Sprintf("%s %s — owner %s: %s.", Count(count), what, Or(owner, "unassigned"), proposal)
}

// HiddenTitle stands in for a case title that leadership outputs hide
// (leadership_titles = "hide"): "phishing, critical case".
func HiddenTitle(category, severity string) string {
	s := Words(Or(category, "uncategorised"))
	if severity != "" {
		s += ", " + severity
	}
	return s + " case"
}

// StringIn is String with the absolute change in unit u: the unit of its
// row, so a row reads "0.92 d … −0.10 d", never hours beside days.
func (c Change) StringIn(u Unit) string {
	if c.Abs == nil || c.Direction == "n/a" {
		return "n/a"
	}
	abs := u.Format(*c.Abs)
	if *c.Abs > 0 && Round(u.Convert(*c.Abs)) != 0 {
		abs = "+" + abs
	}
	if c.Pct == nil {
		return abs
	}
	return abs + " (" + Pct(c.Pct) + ")"
}
