package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// OverdueReviews are the critical and high cases closed in the report
// quarter (excluded ones left out) whose review was due, ReviewWithinDays
// after closure, before Report.AsOf and was not held by then (view
// overdue_reviews, macro overdue_reviews_at). A decision-box candidate.
type OverdueReviews struct {
	// Cases counts them; Skipped those whose review was recorded as
	// skipped (a decision not to hold one), Scheduled those with a review
	// still only scheduled; the rest record none.
	Cases     int `json:"cases"`
	Skipped   int `json:"skipped"`
	Scheduled int `json:"scheduled"`
	// OldestDays is how many days past its due date the oldest one is at
	// the as-of instant.
	OldestDays int `json:"oldest_days_overdue"`
	// CaseIDs name them, most overdue first, at most Options.ListLimit.
	CaseIDs []string `json:"case_ids"`
}

// buildOverdueReviews fills l.OverdueReviews for the report quarter.
func buildOverdueReviews(ctx context.Context, q querier, sp *span, l *Learning) error {
	rows, err := pirsql.OverdueReviews(ctx, q, sp.asOfParam(), sp.last())
	if err != nil {
		return err
	}
	o := OverdueReviews{CaseIDs: []string{}}
	for _, row := range rows {
		o.Cases++
		switch row.ReviewStatus {
		case "skipped":
			o.Skipped++
		case "scheduled":
			o.Scheduled++
		}
		o.OldestDays = max(o.OldestDays, row.DaysOverdue)
		if int64(len(o.CaseIDs)) < sp.limit {
			o.CaseIDs = append(o.CaseIDs, row.Ref)
		}
	}
	l.OverdueReviews = o
	return nil
}
