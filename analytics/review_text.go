package analytics

import (
	"strings"

	"github.com/pirhq/pir/display"
)

// The review's wording that its three renderers (Markdown, HTML, PDF) share,
// so the same review reads the same in every format. Values are raw text:
// each renderer escapes them for its format.

// ReviewBlameless is the ground rule printed at the top of every review.
const ReviewBlameless = "Blameless review: this document describes what happened and how systems and processes behaved, " +
	"not who is to blame. People are named only as owners of action items."

// ReviewTimeLayout is how milestone times are shown (in the review's zone).
const ReviewTimeLayout = "2006-01-02 15:04 MST"

// Facts are the incident summary's label/value pairs, in order.
func (rv *Review) Facts() [][2]string {
	q := rv.Quarter
	if q != "" {
		q = rv.Quarter + " (" + display.Plural(rv.QuarterCases, "case", "cases") + ")"
	}
	metrics := "counted"
	if rv.Excluded {
		metrics = "excluded (exercise, test or false positive)"
	}
	return [][2]string{
		{"Case", rv.CaseID},
		{"Source", rv.Source},
		{"Title", display.OrNoValue(rv.Title)},
		{"Severity", display.OrNoValue(rv.Severity)},
		{"Category", display.OrNoValue(display.Words(rv.Category))},
		{"Status", display.OrNoValue(rv.Status)},
		{"Tags", display.OrNoValue(strings.Join(rv.Tags, ", "))},
		{"Quarter", display.OrNoValue(q)},
		{"Metrics", metrics},
		{"ATT&CK techniques", display.Count(len(rv.Techniques))},
		{"Action items", display.Count(len(rv.Actions)) + " (" + display.Count(rv.OverdueActions) + " overdue)"},
	}
}

// RootCauseCategory is the root-cause category in words, or "not
// recorded".
func (rv *Review) RootCauseCategory() string {
	return display.Or(display.Words(rv.RootCause.Category), "not recorded")
}

// QuarterName names the quarter the case is compared with.
func (rv *Review) QuarterName() string {
	if rv.Quarter == "" {
		return "the case's quarter"
	}
	return rv.Quarter
}

// Footer is the provenance line: who generated it when, as of which date,
// in which zone, compared with which cohort.
func (rv *Review) Footer() string {
	s := "Generated"
	if rv.Version != "" {
		s += " by pir " + rv.Version
	}
	if !rv.GeneratedAt.IsZero() {
		s += " on " + rv.GeneratedAt.Format(ReviewTimeLayout)
	}
	s += "; action items as of " + rv.AsOfDate + "; times in " + rv.TimeZone + "; durations compared with the " +
		rv.QuarterName() + " detection cohort."
	if rv.Organisation != "" {
		s = rv.Organisation + ". " + s
	}
	return s
}

// AfterPrevious describes a milestone's distance from the one recorded
// before it: "2.0 h after detection", "2.0 d before detection (out of
// order)", or NoValue for the first.
func (t ReviewMilestone) AfterPrevious() string {
	if t.SincePrevious == nil {
		return display.NoValue
	}
	h := *t.SincePrevious
	if t.OutOfOrder {
		return display.Duration(-h) + " before " + t.Previous + " (out of order)"
	}
	return display.Duration(h) + " after " + t.Previous
}

// AfterDetection is "T+2.0 h", "T−5.0 d", "T+0", or NoValue without a
// detection time.
func (t ReviewMilestone) AfterDetection() string {
	if t.SinceDetection == nil {
		return display.NoValue
	}
	h := *t.SinceDetection
	switch {
	case h == 0:
		return "T+0"
	case h < 0:
		return "T−" + display.Duration(-h)
	default:
		return "T+" + display.Duration(h)
	}
}

// TechniqueList lists a rule's techniques: "T1190 Exploit Public-Facing
// Application, T9999".
func (r ReviewRule) TechniqueList() string {
	parts := make([]string, len(r.Techniques))
	for i, t := range r.Techniques {
		parts[i] = strings.TrimSpace(t.ID + " " + t.Name)
	}
	return strings.Join(parts, ", ")
}
