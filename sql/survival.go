package sql

import (
	"context"
	_ "embed" // the survival and interval queries are embedded files
	"encoding/json"
	"time"
)

//go:embed queries/metric_survival.sql
var metricSurvivalSQL string

//go:embed queries/metric_median_ci.sql
var metricMedianCISQL string

//go:embed queries/metric_durations.sql
var metricDurationsSQL string

// SurvivalRow is the Kaplan–Meier estimate of one metric in one quarter
// (the metric_survival macro, docs/schema.md): open cases count as censored at
// Snapshot. A quantile not reached holds the longest follow-up in hours,
// a lower bound.
type SurvivalRow struct {
	Quarter, Metric           string
	N, Events, Censored       int
	MedianHours, P90Hours     float64
	MedianReached, P90Reached bool
	Snapshot                  time.Time
}

// Survival runs queries/metric_survival.sql over the quarters From..To.
func Survival(ctx context.Context, q Querier, p MetricStatsParams) ([]SurvivalRow, error) {
	args := []any{definitionsJSON(p.Definitions), p.Cohort, p.From, p.To}
	return queryRows(ctx, q, "metric_survival", metricSurvivalSQL, args, func(s scanner, r *SurvivalRow) error {
		return s.Scan(&r.Quarter, &r.Metric, &r.N, &r.Events, &r.Censored, &r.MedianHours, &r.P90Hours,
			&r.MedianReached, &r.P90Reached, &r.Snapshot)
	})
}

// MedianCIRow is the 95 % confidence interval of one metric's median in
// one quarter; nil bounds below 6 counted cases.
type MedianCIRow struct {
	Quarter, Metric string
	Low, High       *float64
}

// MedianCI runs queries/metric_median_ci.sql over the quarters From..To.
func MedianCI(ctx context.Context, q Querier, p MetricStatsParams) ([]MedianCIRow, error) {
	args := []any{definitionsJSON(p.Definitions), p.Cohort, p.From, p.To}
	return queryRows(ctx, q, "metric_median_ci", metricMedianCISQL, args, func(s scanner, r *MedianCIRow) error {
		return s.Scan(&r.Quarter, &r.Metric, &r.Low, &r.High)
	})
}

// DurationsParams select the counted durations of some quarters.
type DurationsParams struct {
	Definitions []MetricDefinition
	Cohort      string
	Quarters    []string
}

// DurationRow is one counted duration.
type DurationRow struct {
	Quarter, Metric string
	Hours           float64
}

// Durations runs queries/metric_durations.sql: every counted duration of
// the quarters, sorted by quarter, metric and hours.
func Durations(ctx context.Context, q Querier, p DurationsParams) ([]DurationRow, error) {
	qs, _ := json.Marshal(p.Quarters) // strings only: cannot fail
	args := []any{definitionsJSON(p.Definitions), p.Cohort, string(qs)}
	return queryRows(ctx, q, "metric_durations", metricDurationsSQL, args, func(s scanner, r *DurationRow) error {
		return s.Scan(&r.Quarter, &r.Metric, &r.Hours)
	})
}
