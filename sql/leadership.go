package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed" // the leadership queries are embedded files
)

//go:embed queries/target_attainment.sql
var targetAttainmentSQL string

//go:embed queries/severity_metrics.sql
var severityMetricsSQL string

//go:embed queries/overdue_by_owner.sql
var overdueByOwnerSQL string

// TargetAttainmentRow is one severity target in one quarter: N counted
// cases of the severity, WithinTarget of them at most TargetHours; Share is
// nil when N is 0.
type TargetAttainmentRow struct {
	Quarter, Severity, Metric, Within string
	TargetHours                       float64
	N, WithinTarget                   int
	Share                             *float64
}

// TargetAttainment runs queries/target_attainment.sql for the quarters
// from through to.
func TargetAttainment(ctx context.Context, q Querier, defs []MetricDefinition, cohort, from, to string) ([]TargetAttainmentRow, error) {
	return queryRows(ctx, q, "target_attainment", targetAttainmentSQL, []any{definitionsJSON(defs), cohort, from, to},
		func(s scanner, r *TargetAttainmentRow) error {
			return s.Scan(&r.Quarter, &r.Severity, &r.Metric, &r.Within, &r.TargetHours, &r.N, &r.WithinTarget, &r.Share)
		})
}

// SeverityMetricRow is one severity and metric of a quarter: counted cases,
// median and p90 hours, and the target when the severity has one for the
// metric (Within "" and the pointers nil otherwise).
type SeverityMetricRow struct {
	Severity, Metric string
	N                int
	Median, P90      float64
	Within           string
	TargetHours      *float64
	WithinTarget     *int
	Share            *float64
}

// SeverityMetrics runs queries/severity_metrics.sql for one quarter.
func SeverityMetrics(ctx context.Context, q Querier, defs []MetricDefinition, cohort, quarter string) ([]SeverityMetricRow, error) {
	return queryRows(ctx, q, "severity_metrics", severityMetricsSQL, []any{definitionsJSON(defs), cohort, quarter},
		func(s scanner, r *SeverityMetricRow) error {
			var within stdsql.NullString
			var n stdsql.NullInt64
			if err := s.Scan(&r.Severity, &r.Metric, &r.N, &r.Median, &r.P90, &within, &r.TargetHours, &n, &r.Share); err != nil {
				return err
			}
			r.Within = within.String
			if n.Valid {
				v := int(n.Int64)
				r.WithinTarget = &v
			}
			return nil
		})
}

// OverdueOwnerRow is the action items of one owner and priority overdue at
// the as-of instant: how many and the oldest days overdue.
type OverdueOwnerRow struct {
	Owner, Priority string
	Items, Oldest   int
}

// OverdueByOwner runs queries/overdue_by_owner.sql.
func OverdueByOwner(ctx context.Context, q Querier, at AsOf) ([]OverdueOwnerRow, error) {
	return queryRows(ctx, q, "overdue_by_owner", overdueByOwnerSQL, []any{instant(at.At), at.Date},
		func(s scanner, r *OverdueOwnerRow) error {
			return s.Scan(&r.Owner, &r.Priority, &r.Items, &r.Oldest)
		})
}
