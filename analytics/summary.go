package analytics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// headlineMetrics are the metrics the executive summary prefers, in order;
// custom metrics follow in definition order.
var headlineMetrics = []string{"contain", "dwell", "recover", "resolve", "triage", "close", "eradicate"}

// summarize writes the executive summary: 3–6 plain sentences on volume,
// up to two headline metrics, root causes, techniques and overdue actions.
func summarize(r *Report) []string {
	out := []string{volumeSentence(r)}
	out = append(out, metricSentences(r, 2)...)
	out = append(out, rootCauseSentence(r))
	if s := techniqueSentence(r); s != "" {
		out = append(out, s)
	}
	out = append(out, actionSentence(r))
	if len(out) > 6 {
		out = out[:6]
	}
	return out
}

func verb(cohort string) string {
	if cohort == "closure" {
		return "closed"
	}
	return "detected"
}

func volumeSentence(r *Report) string {
	prev := QuarterCount{}
	if n := len(r.Volume.Total); n >= 2 {
		prev = r.Volume.Total[n-2]
	}
	var b strings.Builder
	if r.Cases == 0 {
		fmt.Fprintf(&b, "No incidents were %s in %s", verb(r.Cohort), r.Quarter)
	} else {
		fmt.Fprintf(&b, "%s %s %s in %s", plural(r.Cases, "incident", "incidents"), wasWere(r.Cases), verb(r.Cohort), r.Quarter)
		if r.ExcludedCases > 0 {
			fmt.Fprintf(&b, " (%s excluded from metrics as exercises, tests or false positives)", Thousands(r.ExcludedCases))
		}
	}
	if prev.Quarter != "" {
		fmt.Fprintf(&b, ", against %s in %s", Thousands(prev.Cases), prev.Quarter)
	}
	return b.String() + "."
}

// metricSentences describes up to max headline metrics that have data in
// the report quarter, comparing medians only when both samples are large
// enough.
func metricSentences(r *Report, max int) []string {
	order := map[string]int{}
	for i, m := range headlineMetrics {
		order[m] = i
	}
	kpis := make([]KPI, len(r.KPIs))
	copy(kpis, r.KPIs)
	rank := func(k KPI) int {
		if i, ok := order[k.Metric]; ok {
			return i
		}
		return len(headlineMetrics)
	}
	// stable insertion sort by preference, keeping definition order otherwise
	for i := 1; i < len(kpis); i++ {
		for j := i; j > 0 && rank(kpis[j]) < rank(kpis[j-1]); j-- {
			kpis[j], kpis[j-1] = kpis[j-1], kpis[j]
		}
	}
	var out []string
	for _, k := range kpis {
		if len(out) == max {
			break
		}
		if k.Current.N == 0 {
			continue
		}
		out = append(out, metricSentence(r, k))
	}
	if len(out) == 0 && len(kpis) > 0 {
		k := kpis[0]
		out = append(out, fmt.Sprintf("No incident in %s had the milestones to compute %s, so durations cannot be reported.", r.Quarter, lowerLabel(k.Label)))
	}
	return out
}

func metricSentence(r *Report, k KPI) string {
	cur := k.Current
	label := lowerLabel(k.Label)
	base, baseQ, ch := k.Previous, "", k.QoQ
	if base != nil {
		baseQ = base.Quarter
	}
	if base == nil || base.N == 0 {
		base, ch = k.YearAgo, k.YoY
		if base != nil {
			baseQ = base.Quarter
		}
	}
	lead := "Median " + label
	if base == nil || base.N == 0 || base.Median == nil {
		return fmt.Sprintf("%s was %s across %s in %s (90th percentile %s); there is no earlier quarter with data to compare against.",
			lead, hours(*cur.Median, *cur.Median), plural(cur.N, "incident", "incidents"), r.Quarter, hours(*cur.P90, *cur.P90))
	}
	from, to := *base.Median, *cur.Median
	if cur.N < SmallSample || base.N < SmallSample {
		return fmt.Sprintf("%s was %s across %s, against %s across %d in %s: too few incidents (fewer than %d) to call a trend.",
			lead, hours(to, from), plural(cur.N, "incident", "incidents"), hours(from, to), base.N, baseQ, SmallSample)
	}
	switch ch.Direction {
	case "same":
		return fmt.Sprintf("%s was unchanged at %s against %s across %s.", lead, hours(to, from), baseQ, plural(cur.N, "incident", "incidents"))
	default:
		v := "fell"
		if to > from {
			v = "rose"
		}
		pct := ""
		if ch.Pct != nil {
			pct = " (" + signedPct(*ch.Pct) + ")"
		}
		return fmt.Sprintf("%s %s from %s to %s%s against %s across %s.", lead, v, hours(from, to), hours(to, from), pct, baseQ, plural(cur.N, "incident", "incidents"))
	}
}

func rootCauseSentence(r *Report) string {
	var top []RootCause
	total, recurrences := 0, 0
	for _, rc := range r.RootCauses {
		if rc.Quarter != r.Quarter {
			continue
		}
		total += rc.Cases
		recurrences += rc.Recurrences
		top = append(top, rc)
	}
	if total == 0 {
		return fmt.Sprintf("No incident in %s recorded a root cause.", r.Quarter)
	}
	var parts []string
	for i, rc := range top {
		if i == 2 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", humanize(rc.Category), Thousands(rc.Cases), percent(rc.Share)))
	}
	lead := "the most common was "
	if len(parts) > 1 {
		lead = "the most common were "
	}
	s := fmt.Sprintf("Of %s with a root cause, %s%s", plural(total, "incident", "incidents"), lead, joinAnd(parts))
	if recurrences > 0 {
		s += fmt.Sprintf("; %s of them recurred after an earlier incident with the same root cause had completed all its action items", Thousands(recurrences))
	}
	return s + "."
}

func techniqueSentence(r *Report) string {
	var top []Technique
	for _, t := range r.ATTACK.ParentRollup {
		if t.Known && len(top) < 2 {
			top = append(top, t)
		}
	}
	if len(top) == 0 {
		return ""
	}
	var parts []string
	for _, t := range top {
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", t.Name, t.ID, plural(t.Cases, "case", "cases")))
	}
	noun := "The most frequent ATT&CK technique was "
	if len(parts) > 1 {
		noun = "The most frequent ATT&CK techniques were "
	}
	s := noun + joinAnd(parts)
	if n := len(r.ATTACK.Unknown); n > 0 {
		s += fmt.Sprintf("; %s not in ATT&CK %s", plural(n, "recorded ID is", "recorded IDs are"), r.ATTACK.Version)
	}
	return s + "."
}

func actionSentence(r *Report) string {
	day := r.AsOfDate
	if d, err := time.Parse("2006-01-02", r.AsOfDate); err == nil {
		day = d.Format("2 January 2006")
	}
	var s string
	if r.OverdueTotal == 0 || len(r.Overdue) == 0 {
		s = fmt.Sprintf("No action items were overdue on %s", day)
	} else {
		o := r.Overdue[0]
		owner := ""
		if o.Owner != "" {
			owner = ", owner " + o.Owner
		}
		s = fmt.Sprintf("%s %s overdue on %s (the oldest by %s%s)", plural(r.OverdueTotal, "action item", "action items"),
			wasWere(r.OverdueTotal), day, plural(o.DaysOverdue, "day", "days"), owner)
	}
	for _, a := range r.Actions {
		if a.Quarter == r.Quarter && a.Created > 0 && a.CompletionRate != nil {
			s += fmt.Sprintf("; %s of the %s from %s incidents %s complete", percent(*a.CompletionRate),
				plural(a.Created, "action item", "action items"), r.Quarter, isAre(a.Created))
		}
	}
	return s + "."
}

// hours formats a duration in hours, choosing the unit from the larger of
// x and other so that two values compared in one sentence share a unit.
func hours(x, other float64) string {
	m := math.Max(math.Abs(x), math.Abs(other))
	switch {
	case m < 1:
		return fmt.Sprintf("%.0f min", x*60)
	case m < 48:
		return fmt.Sprintf("%.1f h", x)
	default:
		return fmt.Sprintf("%.1f days", x/24)
	}
}

// signedPct formats a percentage change with a typographic minus: "−55%".
func signedPct(p float64) string {
	v := math.Round(p)
	switch {
	case v > 0:
		return fmt.Sprintf("+%.0f%%", v)
	case v < 0:
		return fmt.Sprintf("−%.0f%%", -v)
	default:
		return "0%"
	}
}

// percent formats a 0..1 share as a whole percentage.
func percent(share float64) string { return fmt.Sprintf("%.0f%%", math.Round(share*100)) }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Thousands(n) + " " + many
}

// Thousands formats a count with thousands separators: 292,452.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	default:
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
}

// lowerLabel turns a metric label into running text: "Time to contain
// (MTTC)" becomes "time to contain"; a leading acronym keeps its case.
func lowerLabel(label string) string {
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

// humanize turns a normalised category ("unpatched-vulnerability") into
// words.
func humanize(s string) string { return strings.ReplaceAll(s, "-", " ") }
