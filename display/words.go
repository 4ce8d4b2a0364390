package display

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plural counts something in words: "1 case", "1,234 cases".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Count(n) + " " + many
}

// WasWere is the verb for n things: "was" for one, else "were".
func WasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// IsAre is the verb for n things: "is" for one, else "are".
func IsAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// JoinAnd joins parts as a list in a sentence: "a", "a and b", "a, b and c".
func JoinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	default:
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
}

// JoinCases lists the first max of ids (all when max <= 0) joined with
// ", ", and says how many of total are not listed: "IR-1, IR-2 and 5 more".
// ids may already be a capped list of total cases (the report model's case
// ID lists are capped at its list limit).
func JoinCases(ids []string, total, max int) string {
	if max > 0 && len(ids) > max {
		ids = ids[:max]
	}
	s := strings.Join(ids, ", ")
	if total > len(ids) {
		s += " and " + Count(total-len(ids)) + " more"
	}
	return s
}

// JoinCapped joins at most n items with ", " and counts the rest:
// "a, b and 3 more".
func JoinCapped(items []string, n int) string { return JoinCases(items, len(items), n) }

// Words turns a normalised slug into words: the root-cause category
// "insufficient-monitoring" is "insufficient monitoring", the case
// category "business-email-compromise" is "business email compromise".
// Root-cause and case categories are shown this way in every table, chart
// and sentence; pir query and the JSON keep the slug.
func Words(slug string) string { return strings.ReplaceAll(slug, "-", " ") }

// LowerLabel turns a metric label into running text: "Time to contain
// (MTTC)" becomes "time to contain"; a leading acronym keeps its case.
func LowerLabel(label string) string {
	if i := strings.Index(label, " ("); i > 0 {
		label = label[:i]
	}
	r, n := utf8.DecodeRuneInString(label)
	if n == 0 {
		return label
	}
	if next, _ := utf8.DecodeRuneInString(label[n:]); unicode.IsUpper(next) {
		return label
	}
	return string(unicode.ToLower(r)) + label[n:]
}

// milestoneLabels are the display names of the lifecycle milestones.
var milestoneLabels = map[string]string{
	"compromise": "Compromise", "detection": "Detection", "triage": "Triage",
	"containment": "Containment", "eradication": "Eradication",
	"recovery": "Recovery", "closure": "Closure",
}

// MilestoneLabel is the display name of a lifecycle milestone
// ("containment" is "Containment"), as column values and row labels; other
// names are returned as they are. Metric definitions ("detection →
// containment") and sentences keep the lower-case name.
func MilestoneLabel(m string) string {
	if l, ok := milestoneLabels[m]; ok {
		return l
	}
	return m
}

// CohortLabel says which date puts a case in a quarter: "quarter of
// detection" or "quarter of closure".
func CohortLabel(cohort string) string {
	switch cohort {
	case "", "detection":
		return "quarter of detection"
	case "closure":
		return "quarter of closure"
	}
	return cohort
}

// CohortVerb is the verb for a cohort in a sentence: cases "detected" or
// "closed" in a quarter.
func CohortVerb(cohort string) string {
	if cohort == "closure" {
		return "closed"
	}
	return "detected"
}

// ageBucketLabels spell out the open-case age buckets of the report model.
var ageBucketLabels = map[string]string{
	"<7d": "< 7 days", "7-30d": "7–30 days", "30-90d": "30–90 days", ">90d": "> 90 days",
}

// AgeBucketLabel spells out an open-case age bucket: "7-30d" is
// "7–30 days". Unknown buckets are returned as they are.
func AgeBucketLabel(bucket string) string {
	if l, ok := ageBucketLabels[bucket]; ok {
		return l
	}
	return bucket
}

// Finding is how one data-quality finding kind is called: Label heads a
// table row; One and Many count its cases in a sentence ("3 cases with
// out-of-order milestones"). One is empty for kinds the data-quality
// headline does not mention.
type Finding struct {
	Kind      string
	Label     string
	One, Many string
}

// findings are every finding kind of the report model, in the order the
// data-quality headline lists them.
var findings = []Finding{
	{"out_of_order", "Milestones out of order", "case with out-of-order milestones", "cases with out-of-order milestones"},
	{"future_timestamp", "Timestamps in the future", "case (any quarter) with a timestamp in the future", "cases (any quarter) with timestamps in the future"},
	{"before_1990", "Timestamps before 1990", "case (any quarter) with a timestamp before 1990", "cases (any quarter) with timestamps before 1990"},
	{"unknown_technique", "Technique IDs not in ATT&CK", "case with an unknown ATT&CK ID", "cases with unknown ATT&CK IDs"},
	{"missing_root_cause", "Closed without a root cause", "closed case without a root cause", "closed cases without a root cause"},
	{"newer_technique", "Technique IDs newer than the embedded ATT&CK", "", ""},
	{"revoked_technique", "Revoked technique IDs (mapped to their replacement)", "", ""},
	{"deprecated_technique", "Deprecated technique IDs", "", ""},
	{"excluded", "Excluded from metrics", "", ""},
	{"rca_shallow", "Root cause with too few whys", "", ""},
	{"rca_ends_at_person", "5 Whys ending at a person", "", ""},
	{"rca_blame_language", "Blame language in the review", "", ""},
}

// Findings returns every data-quality finding kind with its wording, in
// the order the data-quality headline lists them.
func Findings() []Finding { return append([]Finding(nil), findings...) }

// FindingLabel names a data-quality finding kind for a table row:
// "out_of_order" is "Milestones out of order". Unknown kinds are returned
// as they are.
func FindingLabel(kind string) string {
	for _, f := range findings {
		if f.Kind == kind {
			return f.Label
		}
	}
	return kind
}

// TechniqueLabel is how a technique is named on chart axes: "ID name", or
// the ID with a note when the ID is not in the embedded ATT&CK list.
func TechniqueLabel(id, name string, known bool) string {
	switch {
	case !known:
		return id + " (not in ATT&CK)"
	case name == "":
		return id
	default:
		return id + " " + name
	}
}

// TechniqueNote explains a technique whose status in the embedded ATT&CK
// catalogue (release version, e.g. "v18.1") is not simply active: "not in
// ATT&CK v18.1", "deprecated in ATT&CK", "from a later ATT&CK release than
// v18.1"; "" for an active technique. A revoked ID is explained by
// RevokedNote.
func TechniqueNote(status, version string) string {
	switch status {
	case "unknown":
		return strings.TrimSpace("not in ATT&CK " + version)
	case "deprecated":
		return "deprecated in ATT&CK"
	case "newer":
		return strings.TrimSpace("from a later ATT&CK release than " + version)
	}
	return ""
}

// RevokedNote explains a recorded ID that ATT&CK revoked: "revoked in
// ATT&CK; counts as T1059.001".
func RevokedNote(countsAs string) string { return "revoked in ATT&CK; counts as " + countsAs }

// RecordedAsRevoked explains the revoked IDs a technique was recorded as:
// "recorded as revoked T1086, T1064"; "" when there are none.
func RecordedAsRevoked(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return "recorded as revoked " + strings.Join(ids, ", ")
}

// TacticLabel is a tactic's display name, spelled from its short name
// ("command-and-control" is "Command and Control") when there is none.
func TacticLabel(name, shortname string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	words := strings.Split(shortname, "-")
	for i, w := range words {
		if w != "" && (i == 0 || w != "and" && w != "of" && w != "the") {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
