package analytics

import (
	"context"
	"fmt"
	"strings"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// buildDataQuality fills DataQuality: milestone coverage among the report
// quarter's cases counted in metrics, the findings with their cases, and
// the headline.
func buildDataQuality(ctx context.Context, q querier, sp *span, r *Report) error {
	dq := DataQuality{Coverage: []MilestoneCoverage{}, Findings: []Finding{}}
	cov, err := pirsql.MilestoneCoverage(ctx, q, sp.cohort, sp.last())
	if err != nil {
		return err
	}
	for _, c := range cov {
		dq.Cases = c.Cases
		dq.Coverage = append(dq.Coverage, MilestoneCoverage{Milestone: c.Milestone, Present: c.Present, Share: round(c.Share)})
	}
	findings, err := pirsql.DataQuality(ctx, q, pirsql.DataQualityParams{Cohort: sp.cohort, Now: sp.now, Quarter: sp.last(), Limit: sp.limit})
	if err != nil {
		return err
	}
	for _, f := range findings {
		dq.Findings = append(dq.Findings, Finding{Kind: f.Kind, Detail: f.Detail, Count: f.Cases, CaseIDs: f.CaseIDs, KindCases: f.KindCases})
	}
	dq.Headline = headline(r.Quarter, dq)
	r.DataQuality = dq
	return nil
}

// headline is one sentence: how many cases, the least complete milestone,
// and the problems that need fixing at the source.
func headline(quarter string, dq DataQuality) string {
	if dq.Cases == 0 {
		return fmt.Sprintf("No cases counted in metrics in %s.", quarter)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s", display.Plural(dq.Cases, "case", "cases"), quarter)
	worst := -1
	for i, c := range dq.Coverage {
		if worst < 0 || c.Share < dq.Coverage[worst].Share {
			worst = i
		}
	}
	if worst >= 0 && dq.Coverage[worst].Share < 1 {
		c := dq.Coverage[worst]
		fmt.Fprintf(&b, ": %s recorded for %s (the least complete milestone)", c.Milestone, display.Share(c.Share))
	} else {
		b.WriteString(": every milestone recorded")
	}
	perKind := map[string]int{}
	for _, f := range dq.Findings {
		perKind[f.Kind] = f.KindCases
	}
	var problems []string
	for _, f := range display.Findings() {
		if k := perKind[f.Kind]; k > 0 && f.One != "" {
			problems = append(problems, display.Plural(k, f.One, f.Many))
		}
	}
	if len(problems) == 0 {
		b.WriteString("; no out-of-order, implausible or unknown values.")
	} else {
		b.WriteString("; " + display.JoinAnd(problems) + ".")
	}
	return b.String()
}
