package analytics

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pirhq/pir/display"
)

// headlineMetrics are the metrics the executive summary prefers, in order;
// custom metrics follow in definition order.
var headlineMetrics = []string{"contain", "dwell", "recover", "resolve", "triage", "close", "eradicate"}

// summarize writes the executive summary: 3–7 plain sentences on volume,
// up to two headline metrics, root causes, techniques, overdue actions and
// the public yardstick for dwell time with its population.
func summarize(r *Report) []string {
	out := []string{volumeSentence(r)}
	out = append(out, metricSentences(r, 2)...)
	out = append(out, rootCauseSentence(r))
	if s := techniqueSentence(r); s != "" {
		out = append(out, s)
	}
	out = append(out, actionSentence(r))
	if s := yardstickSentence(r); s != "" {
		out = append(out, s)
	}
	if len(out) > 7 {
		out = out[:7]
	}
	return out
}

// yardstickSentence names the published median the quarter's dwell time is
// read against and the population it comes from, so nobody compares a
// team's own incidents with outside-responder breaches as if they were
// alike. "" without a yardstick or without a dwell median.
func yardstickSentence(r *Report) string {
	y := r.Yardstick
	if y == nil {
		return ""
	}
	var dwell *Stat
	for i := range r.KPIs {
		if r.KPIs[i].Metric == "dwell" && r.KPIs[i].Current.Median != nil {
			dwell = &r.KPIs[i].Current
		}
	}
	if dwell == nil {
		return ""
	}
	ref := y.Reference
	refH := ref.Days * 24
	return fmt.Sprintf("Yardstick: the median dwell time of %s in %s sits against a %s of %s in %s %s (%s data), measured over %s: a different population, so a reference, not a target.",
		display.SentenceDuration(*dwell.Median, refH), r.Quarter, ref.Measure, display.SentenceDuration(refH, refH), ref.Publisher, ref.Report, ref.DataYear, ref.Population)
}

func volumeSentence(r *Report) string {
	prev := QuarterCount{}
	if n := len(r.Volume.Total); n >= 2 {
		prev = r.Volume.Total[n-2]
	}
	var b strings.Builder
	if r.Empty() {
		nd := ""
		if d := r.Freshness.NewestDetected; d != nil {
			nd = " (the newest detected " + d.Format("2 January 2006") + ")"
		}
		fmt.Fprintf(&b, "No incidents were %s in %s, although the database holds %s%s: the data may be stale, so this report is empty, not a quiet quarter",
			display.CohortVerb(r.Cohort), r.Quarter, display.Plural(r.Freshness.DatabaseCases, "case", "cases"), nd)
	} else if r.Cases == 0 {
		fmt.Fprintf(&b, "No incidents were %s in %s", display.CohortVerb(r.Cohort), r.Quarter)
	} else {
		fmt.Fprintf(&b, "%s %s %s in %s", display.Plural(r.Cases, "incident", "incidents"), display.WasWere(r.Cases), display.CohortVerb(r.Cohort), r.Quarter)
		if r.ExcludedCases > 0 {
			fmt.Fprintf(&b, " (%s excluded from metrics as exercises, tests or false positives)", display.Count(r.ExcludedCases))
		}
	}
	if prev.Quarter != "" {
		fmt.Fprintf(&b, ", against %s in %s", display.Count(prev.Cases), prev.Quarter)
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
		out = append(out, fmt.Sprintf("No incident in %s had the milestones to compute %s, so durations cannot be reported.", r.Quarter, display.LowerLabel(k.Label)))
	}
	return out
}

func metricSentence(r *Report, k KPI) string {
	cur := k.Current
	label := display.LowerLabel(k.Label)
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
			lead, display.SentenceDuration(*cur.Median, *cur.Median), display.Plural(cur.N, "incident", "incidents"), r.Quarter, display.SentenceDuration(*cur.P90, *cur.P90))
	}
	from, to := *base.Median, *cur.Median
	if cur.N < SmallSample || base.N < SmallSample {
		return fmt.Sprintf("%s was %s across %s, against %s across %s in %s: too few incidents (fewer than %d) to call a trend.",
			lead, display.SentenceDuration(to, from), display.Plural(cur.N, "incident", "incidents"), display.SentenceDuration(from, to), display.Count(base.N), baseQ, SmallSample)
	}
	switch ch.Direction {
	case "neutral":
		// Say why it is neutral: a small move, or a larger one that the
		// Mann–Whitney test cannot tell from chance.
		why := fmt.Sprintf("under %.0f%%", NeutralPct)
		if ch.Pct != nil && math.Abs(*ch.Pct) >= NeutralPct && ch.PValue != nil && *ch.PValue >= SignificanceLevel {
			why = fmt.Sprintf("%s, but %s in a Mann–Whitney test: it may be chance", display.SentencePct(*ch.Pct), display.PValue(ch.PValue))
		}
		return fmt.Sprintf("%s was %s against %s in %s across %s: %s (%s).%s", lead, display.SentenceDuration(to, from),
			display.SentenceDuration(from, to), baseQ, display.Plural(cur.N, "incident", "incidents"), display.NoClearChange, why, p90Clause(r, k))
	default:
		v := "fell"
		if to > from {
			v = "rose"
		}
		pct := ""
		if ch.Pct != nil {
			pct = " (" + display.SentencePct(*ch.Pct) + ")"
		}
		return fmt.Sprintf("%s %s from %s to %s%s against %s across %s.%s", lead, v, display.SentenceDuration(from, to), display.SentenceDuration(to, from), pct, baseQ, display.Plural(cur.N, "incident", "incidents"), p90Clause(r, k))
	}
}

// p90Clause is " But its 90th percentile rose …" when k's p90 regressed
// (p90Regressions), else "": a falling median must not hide slower worst
// cases.
func p90Clause(r *Report, k KPI) string {
	for _, g := range p90Regressions(r) {
		if g.Metric != k.Metric {
			continue
		}
		but := "Its"
		if g.Median == "better" {
			but = "But its"
		}
		return fmt.Sprintf(" %s 90th percentile rose from %s to %s (%s): the slowest cases took longer.", but,
			display.SentenceDuration(g.From, g.To), display.SentenceDuration(g.To, g.From), display.SentencePct(g.Pct))
	}
	return ""
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
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", display.Words(rc.Category), display.Count(rc.Cases), display.Share(rc.Share)))
	}
	lead := "the most common was "
	if len(parts) > 1 {
		lead = "the most common were "
	}
	s := fmt.Sprintf("Of %s with a root cause, %s%s", display.Plural(total, "incident", "incidents"), lead, display.JoinAnd(parts))
	if recurrences > 0 {
		s += fmt.Sprintf("; %s recurred within %s of an earlier incident's completed fix (same root cause and a shared ATT&CK technique or asset)",
			display.Count(recurrences), display.Window(r.RecurrenceWindow))
		if failed := FailedFixes(r.Recurrences); len(failed) > 0 {
			var names []string
			for _, f := range failed {
				n := f.Ref
				if f.Recurrences > 1 {
					n += " (" + display.Times(f.Recurrences) + ")"
				}
				names = append(names, n)
			}
			noun := "fix"
			if len(failed) > 1 {
				noun = "fixes"
			}
			s += fmt.Sprintf(": the %s of %s did not hold", noun, display.JoinAnd(names))
		}
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
		parts = append(parts, display.TechniqueCount(t.Name, t.ID, t.Cases, r.WithSubTechniques(t.ID)))
	}
	noun := "The most frequent ATT&CK technique was "
	if len(parts) > 1 {
		noun = "The most frequent ATT&CK techniques were "
	}
	s := noun + display.JoinAnd(parts)
	if n := len(r.ATTACK.Unknown); n > 0 {
		s += fmt.Sprintf("; %s not in ATT&CK %s", display.Plural(n, "recorded ID is", "recorded IDs are"), r.ATTACK.Version)
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
		s = fmt.Sprintf("%s %s overdue on %s (the oldest by %s%s)", display.Plural(r.OverdueTotal, "action item", "action items"),
			display.WasWere(r.OverdueTotal), day, display.Plural(o.DaysOverdue, "day", "days"), owner)
	}
	for _, a := range r.Actions {
		if a.Quarter == r.Quarter && a.Created > 0 && a.CompletionRate != nil {
			s += fmt.Sprintf("; %s of the %s from %s incidents %s complete", display.Share(*a.CompletionRate),
				display.Plural(a.Created, "action item", "action items"), r.Quarter, display.IsAre(a.Created))
		}
	}
	return s + "."
}
