package display

import (
	"fmt"
	"strconv"
)

// RCAFinding is how a root-cause quality finding (view rca_findings) is
// called: Label heads a row, Prompt is the question a review facilitator
// asks about it.
type RCAFinding struct {
	Finding string // shallow, ends-at-person, blame-language
	Label   string
	Prompt  string
}

var rcaFindings = []RCAFinding{
	{"shallow", "Shallow root cause",
		"The chain stops early. Ask why again until the answer is something the organisation can change: a control, a process, a design."},
	{"ends-at-person", "Ends at a person",
		"The last why names a person. Ask why the system let this happen: what made the action possible, easy or invisible?"},
	{"blame-language", "Blame language",
		"This wording judges a person. Describe what happened and what the person knew at the time; a blameless review keeps people talking."},
}

// RCAFindings returns the root-cause quality findings in display order.
func RCAFindings() []RCAFinding { return append([]RCAFinding(nil), rcaFindings...) }

// RCAFindingOf returns the wording of one finding; an unknown finding
// gets its name as label and no prompt.
func RCAFindingOf(finding string) RCAFinding {
	for _, f := range rcaFindings {
		if f.Finding == finding {
			return f
		}
	}
	return RCAFinding{Finding: finding, Label: Words(finding)}
}

// RCADetail says what a root-cause finding kind counts, for the data-quality
// table: "fewer than 3 whys".
func RCADetail(finding string, minWhys int) string {
	switch finding {
	case "shallow":
		return fmt.Sprintf("a root cause with fewer than %d whys", minWhys)
	case "ends-at-person":
		return "the last why names a person or role"
	case "blame-language":
		return "careless, human error, should have, … in a why, summary or lesson"
	}
	return Words(finding)
}

// QuartersOf is "5 of 8" quarters.
func QuartersOf(n, of int) string { return Count(n) + " of " + Count(of) }

// WithinDays heads the on-time column: "Within 14 days" (a fraction as
// given: "Within 0.5 days").
func WithinDays(days float64) string {
	return "Within " + strconv.FormatFloat(days, 'f', -1, 64) + " days"
}
