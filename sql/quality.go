package sql

import (
	"context"
	_ "embed" // the data-quality queries are embedded files
	"fmt"
	"time"
)

//go:embed queries/milestone_coverage.sql
var milestoneCoverageSQL string

//go:embed queries/data_quality.sql
var dataQualitySQL string

// MilestoneCoverageRow is one lifecycle milestone among the quarter's cases
// counted in metrics: Cases of them, Present record it, Share = Present /
// Cases.
type MilestoneCoverageRow struct {
	Milestone      string
	Cases, Present int
	Share          float64
}

// MilestoneCoverage runs queries/milestone_coverage.sql for one quarter.
func MilestoneCoverage(ctx context.Context, q Querier, cohort, quarter string) ([]MilestoneCoverageRow, error) {
	return queryRows(ctx, q, "milestone_coverage", milestoneCoverageSQL, []any{cohort, quarter}, func(s scanner, r *MilestoneCoverageRow) error {
		return s.Scan(&r.Milestone, &r.Cases, &r.Present, &r.Share)
	})
}

// DataQualityParams select the findings of DataQuality.
type DataQualityParams struct {
	Cohort  string
	Now     time.Time // what "in the future" means
	Quarter string
	Limit   int64 // how many case IDs to list per finding
}

// DataQualityRow is one finding (kind and detail) with its distinct cases;
// KindCases counts the cases with any finding of the kind.
type DataQualityRow struct {
	Kind, Detail string
	Cases        int
	CaseIDs      []string // the first Limit case references, in order
	KindCases    int
}

// DataQuality runs queries/data_quality.sql.
func DataQuality(ctx context.Context, q Querier, p DataQualityParams) ([]DataQualityRow, error) {
	args := []any{p.Cohort, instant(p.Now), p.Quarter, p.Limit}
	return queryRows(ctx, q, "data_quality", dataQualitySQL, args, func(s scanner, r *DataQualityRow) error {
		var ids string
		if err := s.Scan(&r.Kind, &r.Detail, &r.Cases, &ids, &r.KindCases); err != nil {
			return err
		}
		if err := stringList(ids, &r.CaseIDs); err != nil {
			return fmt.Errorf("finding %s: %w", r.Kind, err)
		}
		return nil
	})
}
