package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// AgeBuckets are the open-case age buckets, youngest first.
var AgeBuckets = []string{"<7d", "7-30d", "30-90d", ">90d"}

// buildVolume fills Cases, ExcludedCases and Volume. Total has a row for
// every trailing quarter; the other lists only non-zero counts.
func buildVolume(ctx context.Context, q querier, sp *span, r *Report) error {
	total := map[string]int{}
	r.Volume = Volume{ByCategory: []QuarterCount{}, BySeverity: []QuarterCount{}, Total: []QuarterCount{}, Excluded: []QuarterCount{}}
	rows, err := pirsql.CaseVolume(ctx, q, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	for _, row := range rows {
		c := QuarterCount{Quarter: row.Quarter, Key: row.Key, Cases: row.Cases}
		switch row.Dimension {
		case "all":
			total[c.Quarter] = c.Cases
		case "category":
			r.Volume.ByCategory = append(r.Volume.ByCategory, c)
		case "severity":
			r.Volume.BySeverity = append(r.Volume.BySeverity, c)
		case "excluded":
			r.Volume.Excluded = append(r.Volume.Excluded, c)
			if c.Quarter == r.Quarter {
				r.ExcludedCases = c.Cases
			}
		}
	}
	for _, quarter := range r.Quarters {
		r.Volume.Total = append(r.Volume.Total, QuarterCount{Quarter: quarter, Key: "all", Cases: total[quarter]})
	}
	r.Cases = total[r.Quarter]
	return nil
}

// buildAgeing fills OpenAgeing: every trailing quarter × every bucket, the
// cases open at the quarter's end (or now, for the current quarter).
func buildAgeing(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.OpenCaseAgeing(ctx, q, r.Quarters, sp.now)
	if err != nil {
		return err
	}
	counts := map[[2]string]int{}
	for _, row := range rows {
		counts[[2]string{row.Quarter, row.Bucket}] = row.Cases
	}
	r.OpenAgeing = make([]AgeBucket, 0, len(r.Quarters)*len(AgeBuckets))
	for _, quarter := range r.Quarters {
		for _, b := range AgeBuckets {
			r.OpenAgeing = append(r.OpenAgeing, AgeBucket{Quarter: quarter, Bucket: b, Cases: counts[[2]string{quarter, b}]})
		}
	}
	return nil
}

// buildRootCauses fills RootCauses for every trailing quarter, most cases
// first within a quarter.
func buildRootCauses(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.RootCauses(ctx, q, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	r.RootCauses = make([]RootCause, 0, len(rows))
	for _, rc := range rows {
		r.RootCauses = append(r.RootCauses, RootCause{Quarter: rc.Quarter, Category: rc.Category, Cases: rc.Cases,
			Share: round(rc.Share), MeanWhys: round(rc.MeanWhys), Recurrences: rc.Recurrences})
	}
	return nil
}

// buildActions fills Actions: one summary per trailing quarter (zero
// counts and nil rates for a quarter without action items).
func buildActions(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.ActionItems(ctx, q, pirsql.ActionItemsParams{Cohort: sp.cohort, AsOf: sp.asOfParam(), From: sp.first(), To: sp.last()})
	if err != nil {
		return err
	}
	byQ := map[string]ActionSummary{}
	for _, a := range rows {
		byQ[a.Quarter] = ActionSummary{Quarter: a.Quarter, Created: a.Created, Completed: a.Completed, Overdue: a.Overdue,
			CompletionRate: roundPtr(a.CompletionRate), OnTimeRate: roundPtr(a.OnTimeRate), MedianDays: roundPtr(a.MedianDays)}
	}
	r.Actions = make([]ActionSummary, 0, len(r.Quarters))
	for _, quarter := range r.Quarters {
		a, ok := byQ[quarter]
		if !ok {
			a = ActionSummary{Quarter: quarter}
		}
		r.Actions = append(r.Actions, a)
	}
	return nil
}

// buildOverdue fills Overdue (the most overdue, up to the list limit) and
// OverdueTotal: action items of any case overdue at AsOf.
func buildOverdue(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.OverdueItems(ctx, q, sp.asOfParam(), sp.limit)
	if err != nil {
		return err
	}
	r.Overdue = make([]OverdueItem, 0, len(rows))
	for _, o := range rows {
		r.Overdue = append(r.Overdue, OverdueItem{CaseID: o.CaseID, Source: o.Source, ItemID: o.ItemID, Summary: o.Summary,
			Owner: o.Owner, Priority: o.Priority, Due: o.Due, DaysOverdue: o.DaysOverdue, Status: o.Status})
		r.OverdueTotal = o.Total
	}
	return nil
}

// buildNotable fills Notable (up to the list limit) and NotableTotal: the
// report quarter's critical and high cases with their durations.
func buildNotable(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.NotableCases(ctx, q, pirsql.NotableCasesParams{Definitions: sqlDefinitions(sp.defs), Cohort: sp.cohort, Quarter: sp.last(), Limit: sp.limit})
	if err != nil {
		return err
	}
	r.Notable = make([]NotableCase, 0, len(rows))
	for _, c := range rows {
		for k, v := range c.Hours {
			c.Hours[k] = round(v)
		}
		r.Notable = append(r.Notable, NotableCase{CaseID: c.CaseID, Source: c.Source, Title: c.Title, Severity: c.Severity,
			Category: c.Category, Status: c.Status, RootCause: c.RootCause, Detected: c.Detected.In(sp.loc), Hours: c.Hours})
		r.NotableTotal = c.Total
	}
	return nil
}

// buildInputs fills Inputs from the ingest provenance tables.
func buildInputs(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.IngestedFiles(ctx, q)
	if err != nil {
		return err
	}
	r.Inputs = make([]InputFile, 0, len(rows))
	for _, f := range rows {
		r.Inputs = append(r.Inputs, InputFile{Path: f.Path, SHA256: f.SHA256, Format: f.Format, Records: f.Records, IngestedAt: f.IngestedAt.In(sp.loc)})
	}
	return nil
}
