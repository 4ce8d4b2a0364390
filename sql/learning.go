package sql

import (
	"context"
	_ "embed" // the learning-loop queries are embedded files
	"fmt"
)

//go:embed queries/lessons.sql
var lessonsSQL string

//go:embed queries/rca_summary.sql
var rcaSummarySQL string

// LessonsParams select the lesson groups of one report quarter.
type LessonsParams struct {
	Cohort   string
	Quarter  string // the report quarter
	Previous string // the quarter before it
	From     string // the first trailing quarter
	Groups   int64  // how many groups per kind
	Limit    int64  // how many case IDs per group
}

// LessonRow is one lesson group of the report quarter (queries/lessons.sql).
type LessonRow struct {
	Kind, Key, Label string
	Themed           bool
	Cases, Previous  int
	QuartersSeen     int
	FirstQuarter     string
	Texts, CaseIDs   []string
}

// Lessons runs queries/lessons.sql: needs-improvement groups first, most
// cases first within a kind.
func Lessons(ctx context.Context, q Querier, p LessonsParams) ([]LessonRow, error) {
	args := []any{p.Cohort, p.Quarter, p.From, p.Groups, p.Limit, p.Previous}
	return queryRows(ctx, q, "lessons", lessonsSQL, args, func(s scanner, r *LessonRow) error {
		var texts, ids string
		if err := s.Scan(&r.Kind, &r.Key, &r.Label, &r.Themed, &r.Cases, &r.Previous, &r.QuartersSeen, &r.FirstQuarter, &texts, &ids); err != nil {
			return err
		}
		if err := stringList(texts, &r.Texts); err != nil {
			return fmt.Errorf("lesson %s: %w", r.Key, err)
		}
		return stringList(ids, &r.CaseIDs)
	})
}

// RCASummaryParams select the root-cause quality findings of a span of
// quarters.
type RCASummaryParams struct {
	Cohort   string
	From, To string // trailing quarters, inclusive
	Limit    int64  // how many case IDs per finding and quarter
}

// RCASummaryRow counts one rca_findings finding among the cases of one
// quarter counted in metrics, out of Reviewed cases with a root cause.
type RCASummaryRow struct {
	Quarter, Finding string
	Cases            int
	RootCauses       int // cases of the quarter with a root cause
	CaseIDs          []string
	MinWhys          int // the session's rca_min_whys
}

// RCASummary runs queries/rca_summary.sql.
func RCASummary(ctx context.Context, q Querier, p RCASummaryParams) ([]RCASummaryRow, error) {
	args := []any{p.Cohort, p.From, p.To, p.Limit}
	return queryRows(ctx, q, "rca_summary", rcaSummarySQL, args, func(s scanner, r *RCASummaryRow) error {
		var ids string
		if err := s.Scan(&r.Quarter, &r.Finding, &r.Cases, &r.RootCauses, &ids, &r.MinWhys); err != nil {
			return err
		}
		return stringList(ids, &r.CaseIDs)
	})
}

//go:embed queries/review_learning.sql
var reviewLearningSQL string

//go:embed queries/review_playbooks.sql
var reviewPlaybooksSQL string

// ReviewFindingRow is one rca_findings row of a case.
type ReviewFindingRow struct{ Finding, Detail string }

// ReviewFindings runs queries/review_learning.sql for one case.
func ReviewFindings(ctx context.Context, q Querier, k CaseKey) ([]ReviewFindingRow, error) {
	return queryRows(ctx, q, "review_learning", reviewLearningSQL, []any{k.Source, k.CaseID}, func(s scanner, r *ReviewFindingRow) error {
		return s.Scan(&r.Finding, &r.Detail)
	})
}

// ReviewPlaybookRow is one playbook update of a case; Overdue is true when
// it is open past its due date on the as-of date.
type ReviewPlaybookRow struct {
	Playbook, Change, Owner, Due, Status string
	Overdue                              bool
}

// ReviewPlaybooks runs queries/review_playbooks.sql for one case on the
// as-of date asOf (YYYY-MM-DD).
func ReviewPlaybooks(ctx context.Context, q Querier, k CaseKey, asOf string) ([]ReviewPlaybookRow, error) {
	return queryRows(ctx, q, "review_playbooks", reviewPlaybooksSQL, []any{k.Source, k.CaseID, asOf}, func(s scanner, r *ReviewPlaybookRow) error {
		return s.Scan(&r.Playbook, &r.Change, &r.Owner, &r.Due, &r.Status, &r.Overdue)
	})
}

//go:embed queries/review_timeliness.sql
var reviewTimelinessSQL string

// ReviewTimelinessRow is one quarter of closure of review_timeliness.
type ReviewTimelinessRow struct {
	Quarter                                     string
	ClosedCases, Reviewed, ReviewedWithinTarget int
	MedianDays                                  *float64
	WithinDays                                  float64
}

// ReviewTimeliness runs queries/review_timeliness.sql.
func ReviewTimeliness(ctx context.Context, q Querier, from, to string) ([]ReviewTimelinessRow, error) {
	return queryRows(ctx, q, "review_timeliness", reviewTimelinessSQL, []any{from, to}, func(s scanner, r *ReviewTimelinessRow) error {
		return s.Scan(&r.Quarter, &r.ClosedCases, &r.Reviewed, &r.ReviewedWithinTarget, &r.MedianDays, &r.WithinDays)
	})
}
