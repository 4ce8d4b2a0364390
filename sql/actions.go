package sql

import (
	"context"
	_ "embed" // the action-item queries are embedded files
	"time"
)

//go:embed queries/action_items.sql
var actionItemsSQL string

//go:embed queries/overdue_items.sql
var overdueItemsSQL string

//go:embed queries/actions_list.sql
var actionsListSQL string

// AsOf is the instant action items are measured against and its date in the
// session time zone: an item due that day is not yet overdue.
type AsOf struct {
	At   time.Time
	Date string // YYYY-MM-DD
}

// ActionItemsParams select the quarters whose cases' action items are
// summarised.
type ActionItemsParams struct {
	Cohort   string
	AsOf     AsOf
	From, To string // first and last quarter, inclusive
}

// ActionItemsRow is the follow-through of the action items of one
// quarter's cases; the rates and the median are nil without items.
type ActionItemsRow struct {
	Quarter                                string
	Created, Completed, Overdue            int
	CompletionRate, OnTimeRate, MedianDays *float64
}

// ActionItems runs queries/action_items.sql.
func ActionItems(ctx context.Context, q Querier, p ActionItemsParams) ([]ActionItemsRow, error) {
	args := []any{p.Cohort, instant(p.AsOf.At), p.AsOf.Date, p.From, p.To}
	return queryRows(ctx, q, "action_items", actionItemsSQL, args, func(s scanner, r *ActionItemsRow) error {
		return s.Scan(&r.Quarter, &r.Created, &r.Completed, &r.Overdue, &r.CompletionRate, &r.OnTimeRate, &r.MedianDays)
	})
}

// OverdueItemRow is an action item overdue at the as-of instant; Total is
// how many items are overdue in all (every row).
type OverdueItemRow struct {
	CaseID, Source, ItemID, Summary, Owner, Priority string
	Due                                              string // YYYY-MM-DD
	DaysOverdue                                      int
	Status                                           string
	Total                                            int
}

// OverdueItems runs queries/overdue_items.sql: at most limit items, most
// overdue first.
func OverdueItems(ctx context.Context, q Querier, asOf AsOf, limit int64) ([]OverdueItemRow, error) {
	args := []any{instant(asOf.At), asOf.Date, limit}
	return queryRows(ctx, q, "overdue_items", overdueItemsSQL, args, func(s scanner, r *OverdueItemRow) error {
		return s.Scan(&r.CaseID, &r.Source, &r.ItemID, &r.Summary, &r.Owner, &r.Priority, &r.Due, &r.DaysOverdue, &r.Status, &r.Total)
	})
}

// ActionsListParams select the action items of ActionsList.
type ActionsListParams struct {
	AsOf AsOf
	// Filter is "open", "overdue" or "all".
	Filter string
	// Quarter limits to the cases of one detection quarter; "" for all.
	Quarter string
}

// ActionsListRow is one action item with its state at the as-of instant
// and the case it came from.
type ActionsListRow struct {
	Source, CaseID, Ref, Quarter, CaseTitle, Severity string
	ID, Summary, Owner, Priority, Due, Status         string
	Completed                                         *time.Time // nil unless completed by the as-of instant
	Done, Overdue                                     bool
	DaysOverdue                                       *int // nil unless overdue
}

// ActionsList runs queries/actions_list.sql: most overdue first, then by
// due date.
func ActionsList(ctx context.Context, q Querier, p ActionsListParams) ([]ActionsListRow, error) {
	args := []any{instant(p.AsOf.At), p.AsOf.Date, p.Filter, p.Quarter}
	return queryRows(ctx, q, "actions_list", actionsListSQL, args, func(s scanner, a *ActionsListRow) error {
		return s.Scan(&a.Source, &a.CaseID, &a.Ref, &a.Quarter, &a.CaseTitle, &a.Severity, &a.ID, &a.Summary,
			&a.Owner, &a.Priority, &a.Due, &a.Status, &a.Completed, &a.Done, &a.Overdue, &a.DaysOverdue)
	})
}
