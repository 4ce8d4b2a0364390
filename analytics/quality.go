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
	err := each(ctx, q, "milestone_coverage", pirsql.MilestoneCoverage, []any{sp.cohort, sp.last()}, func(s scanner) error {
		var c MilestoneCoverage
		if err := s.Scan(&c.Milestone, &dq.Cases, &c.Present, &c.Share); err != nil {
			return err
		}
		c.Share = round(c.Share)
		dq.Coverage = append(dq.Coverage, c)
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, q, "data_quality", pirsql.DataQuality, []any{sp.cohort, ts(sp.now), sp.last(), sp.limit}, func(s scanner) error {
		var f Finding
		var ids string
		if err := s.Scan(&f.Kind, &f.Detail, &f.Count, &ids, &f.KindCases); err != nil {
			return err
		}
		if err := unmarshalList(ids, &f.CaseIDs); err != nil {
			return fmt.Errorf("finding %s: %w", f.Kind, err)
		}
		dq.Findings = append(dq.Findings, f)
		return nil
	})
	if err != nil {
		return err
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
