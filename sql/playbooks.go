package sql

import (
	"context"
	_ "embed" // the follow-through queries are embedded files
)

//go:embed queries/playbook_updates.sql
var playbookUpdatesSQL string

//go:embed queries/overdue_playbooks.sql
var overduePlaybooksSQL string

//go:embed queries/overdue_reviews.sql
var overdueReviewsSQL string

// PlaybookUpdatesRow is the follow-through of the playbook updates of one
// quarter's cases at the as-of instant; the rates are nil when there is
// nothing to divide.
type PlaybookUpdatesRow struct {
	Quarter                    string
	Updates, Due, Done         int
	Overdue                    int
	CompletionRate, OnTimeRate *float64
}

// PlaybookUpdates runs queries/playbook_updates.sql over the quarters
// p.From..p.To (the action items' parameters: the same cohort and as-of).
func PlaybookUpdates(ctx context.Context, q Querier, p ActionItemsParams) ([]PlaybookUpdatesRow, error) {
	args := []any{p.Cohort, instant(p.AsOf.At), p.AsOf.Date, p.From, p.To}
	return queryRows(ctx, q, "playbook_updates", playbookUpdatesSQL, args, func(s scanner, r *PlaybookUpdatesRow) error {
		return s.Scan(&r.Quarter, &r.Updates, &r.Due, &r.Done, &r.Overdue, &r.CompletionRate, &r.OnTimeRate)
	})
}

// OverduePlaybookRow is a playbook update overdue at the as-of instant;
// Total is how many updates are overdue in all (every row).
type OverduePlaybookRow struct {
	CaseID, Source, Playbook, Change, Owner string
	Due                                     string // YYYY-MM-DD
	DaysOverdue                             int
	Status                                  string
	Total                                   int
}

// OverduePlaybooks runs queries/overdue_playbooks.sql: at most limit
// updates, most overdue first.
func OverduePlaybooks(ctx context.Context, q Querier, asOf AsOf, limit int64) ([]OverduePlaybookRow, error) {
	args := []any{instant(asOf.At), asOf.Date, limit}
	return queryRows(ctx, q, "overdue_playbooks", overduePlaybooksSQL, args, func(s scanner, r *OverduePlaybookRow) error {
		return s.Scan(&r.CaseID, &r.Source, &r.Playbook, &r.Change, &r.Owner, &r.Due, &r.DaysOverdue, &r.Status, &r.Total)
	})
}

// OverdueReviewRow is a closed critical or high case whose review is
// overdue at the as-of instant.
type OverdueReviewRow struct {
	// Ref names the case: its ID, or source:ID (case_ref).
	Ref, Severity, Team string
	DaysOverdue         int
	// ReviewStatus is the status recorded ("skipped", "scheduled"; "" when
	// none), Facilitator who was to run it ("" when none).
	ReviewStatus, Facilitator string
}

// OverdueReviews runs queries/overdue_reviews.sql for the cases closed in
// quarter: most overdue first.
func OverdueReviews(ctx context.Context, q Querier, asOf AsOf, quarter string) ([]OverdueReviewRow, error) {
	args := []any{instant(asOf.At), quarter}
	return queryRows(ctx, q, "overdue_reviews", overdueReviewsSQL, args, func(s scanner, r *OverdueReviewRow) error {
		return s.Scan(&r.Ref, &r.Severity, &r.Team, &r.DaysOverdue, &r.ReviewStatus, &r.Facilitator)
	})
}
