package display

import "strings"

// DimensionLabel names a slice dimension (quarterly_metrics_by's
// dimension) for headings and filter controls: "business_unit" is
// "Business unit".
func DimensionLabel(dimension string) string {
	switch dimension {
	case "severity":
		return "Severity"
	case "category":
		return "Category"
	case "team":
		return "Team"
	case "business_unit":
		return "Business unit"
	case "tenant":
		return "Client"
	case "detection_source":
		return "Detected by"
	}
	return Words(dimension)
}

// SliceValueLabel shows one value of a dimension: the folded small values
// are "Other (fewer than N cases)" when minCases > 1, a case without a
// value "Unspecified", a detection source in words ("external-party" is
// "external party").
func SliceValueLabel(dimension, value string, minCases int) string {
	switch value {
	case "other":
		if minCases > 1 {
			return "Other (each < " + Count(minCases) + " cases)"
		}
		return "Other"
	case "unspecified":
		return "Unspecified"
	}
	if dimension == "detection_source" {
		w := Words(value)
		return strings.ToUpper(w[:1]) + w[1:]
	}
	if dimension == "category" {
		return Words(value)
	}
	return value
}

// DetectionShareSentence says who detected the quarter's incidents, e.g.
// "62% of incidents with a known source were detected internally (8 of
// 13)".
func DetectionShareSentence(internal, known int) string {
	if known == 0 {
		return ""
	}
	return Share(float64(internal)/float64(known)) + " of incidents with a known source were detected internally (" +
		Count(internal) + " of " + Count(known) + ")"
}

// Money shows an amount with its currency code: "5,300 EUR"; amounts of
// 1,000 and more have no decimals.
func Money(amount float64, currency string) string {
	s := Number(amount)
	if amount >= 1000 || amount <= -1000 {
		s = Count(int(Round(amount)))
	}
	if currency == "" || currency == "unspecified" {
		return s + " (no currency)"
	}
	return s + " " + currency
}

// RecordsCount shows exposed records: "1,250 records".
func RecordsCount(n int64) string { return Plural(int(n), "record", "records") }

// FilterWords are the sentences the dashboard's filter script shows: the
// status line for all cases and for one value ("{}" stands for the
// filter's label and value, e.g. "Team: CSIRT"), the note on every part of
// the page a filter does not change, and the note on filtered KPI tiles.
func FilterWords() map[string]string {
	return map[string]string{
		"all":         "Showing all cases. One filter applies at a time.",
		"only":        "Showing only the cases of {}.",
		"notFiltered": "Not filtered: these numbers are of all cases of the report, whatever the filter above says.",
		"kpis":        "Filtered tiles: a change is called better or worse by the 5 % and 5-case rules only; the unfiltered tiles also test it for chance (Mann–Whitney).",
		"noValue":     NoValue,
	}
}

// Versus is the comparison label of a KPI change, "vs 2024-Q3".
func Versus(quarter string) string { return "vs " + quarter }
