package analytics

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// AgeBuckets are the open-case age buckets, youngest first.
var AgeBuckets = []string{"<7d", "7-30d", "30-90d", ">90d"}

// buildVolume fills Cases, ExcludedCases and Volume. Total has a row for
// every trailing quarter; the other lists only non-zero counts.
func buildVolume(ctx context.Context, q querier, sp *span, r *Report) error {
	total := map[string]int{}
	r.Volume = Volume{ByCategory: []QuarterCount{}, BySeverity: []QuarterCount{}, Total: []QuarterCount{}, Excluded: []QuarterCount{}}
	err := each(ctx, q, "case_volume", pirsql.CaseVolume, []any{sp.cohort, sp.first(), sp.last()}, func(s scanner) error {
		var c QuarterCount
		var dim string
		if err := s.Scan(&c.Quarter, &dim, &c.Key, &c.Cases); err != nil {
			return err
		}
		switch dim {
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
		return nil
	})
	if err != nil {
		return err
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
	qs, _ := json.Marshal(r.Quarters)
	counts := map[[2]string]int{}
	err := each(ctx, q, "open_case_ageing", pirsql.OpenCaseAgeing, []any{string(qs), ts(sp.now)}, func(s scanner) error {
		var quarter, bucket string
		var n int
		if err := s.Scan(&quarter, &bucket, &n); err != nil {
			return err
		}
		counts[[2]string{quarter, bucket}] = n
		return nil
	})
	if err != nil {
		return err
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
	r.RootCauses = []RootCause{}
	return each(ctx, q, "root_causes", pirsql.RootCauses, []any{sp.cohort, sp.first(), sp.last()}, func(s scanner) error {
		var rc RootCause
		if err := s.Scan(&rc.Quarter, &rc.Category, &rc.Cases, &rc.Share, &rc.MeanWhys, &rc.Recurrences); err != nil {
			return err
		}
		rc.Share, rc.MeanWhys = round(rc.Share), round(rc.MeanWhys)
		r.RootCauses = append(r.RootCauses, rc)
		return nil
	})
}

// buildActions fills Actions: one summary per trailing quarter (zero
// counts and nil rates for a quarter without action items).
func buildActions(ctx context.Context, q querier, sp *span, r *Report) error {
	byQ := map[string]ActionSummary{}
	args := []any{sp.cohort, ts(sp.asOf), sp.asOfDate, sp.first(), sp.last()}
	err := each(ctx, q, "action_items", pirsql.ActionItems, args, func(s scanner) error {
		var a ActionSummary
		var rate, onTime, days sql.NullFloat64
		if err := s.Scan(&a.Quarter, &a.Created, &a.Completed, &a.Overdue, &rate, &onTime, &days); err != nil {
			return err
		}
		a.CompletionRate, a.OnTimeRate, a.MedianDays = roundPtr(rate), roundPtr(onTime), roundPtr(days)
		byQ[a.Quarter] = a
		return nil
	})
	if err != nil {
		return err
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
	r.Overdue = []OverdueItem{}
	return each(ctx, q, "overdue_items", pirsql.OverdueItems, []any{ts(sp.asOf), sp.asOfDate, sp.limit}, func(s scanner) error {
		var o OverdueItem
		if err := s.Scan(&o.CaseID, &o.Source, &o.ItemID, &o.Summary, &o.Owner, &o.Priority, &o.Due, &o.DaysOverdue, &o.Status, &r.OverdueTotal); err != nil {
			return err
		}
		r.Overdue = append(r.Overdue, o)
		return nil
	})
}

// buildNotable fills Notable (up to the list limit) and NotableTotal: the
// report quarter's critical and high cases with their durations.
func buildNotable(ctx context.Context, q querier, sp *span, r *Report) error {
	r.Notable = []NotableCase{}
	return each(ctx, q, "notable_cases", pirsql.NotableCases, []any{sp.defsJSON, sp.cohort, sp.last(), sp.limit}, func(s scanner) error {
		var c NotableCase
		var hours string
		if err := s.Scan(&c.CaseID, &c.Source, &c.Title, &c.Severity, &c.Category, &c.Status, &c.RootCause, &c.Detected, &hours, &r.NotableTotal); err != nil {
			return err
		}
		c.Detected = c.Detected.In(sp.loc)
		if err := json.Unmarshal([]byte(hours), &c.Hours); err != nil {
			return fmt.Errorf("case %s: hours %s: %w", c.CaseID, hours, err)
		}
		for k, v := range c.Hours {
			c.Hours[k] = round(v)
		}
		r.Notable = append(r.Notable, c)
		return nil
	})
}

// buildInputs fills Inputs from the ingest provenance tables.
func buildInputs(ctx context.Context, q querier, sp *span, r *Report) error {
	r.Inputs = []InputFile{}
	return each(ctx, q, "ingested_files", pirsql.IngestedFiles, nil, func(s scanner) error {
		var f InputFile
		var at time.Time
		if err := s.Scan(&f.Path, &f.SHA256, &f.Format, &f.Records, &at); err != nil {
			return err
		}
		f.IngestedAt = at.In(sp.loc)
		r.Inputs = append(r.Inputs, f)
		return nil
	})
}
