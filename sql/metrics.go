package sql

import (
	"context"
	_ "embed" // the metric queries are embedded files
	"encoding/json"
)

//go:embed queries/metric_definitions.sql
var metricDefinitionsSQL string

//go:embed queries/metric_stats.sql
var metricStatsSQL string

// MetricDefinition names a duration: end milestone minus start milestone.
// It is one row of queries/metric_definitions.sql and, as a list, the
// definitions parameter of the duration queries.
type MetricDefinition struct {
	Name  string // metric
	Label string
	Start string // start_milestone
	End   string // end_milestone
}

// MetricDefinitions lists the default metric definitions (the
// metric_definitions table) in display order.
func MetricDefinitions(ctx context.Context, q Querier) ([]MetricDefinition, error) {
	return queryRows(ctx, q, "metric_definitions", metricDefinitionsSQL, nil, func(s scanner, d *MetricDefinition) error {
		return s.Scan(&d.Name, &d.Label, &d.Start, &d.End)
	})
}

// definitionsJSON is the form the SQL macros take the definitions in
// (metric_observations in schema 0001): a JSON array of {metric, start,
// end}.
func definitionsJSON(defs []MetricDefinition) string {
	type def struct {
		Metric string `json:"metric"`
		Start  string `json:"start"`
		End    string `json:"end"`
	}
	ds := make([]def, len(defs))
	for i, d := range defs {
		ds[i] = def{d.Name, d.Start, d.End}
	}
	b, _ := json.Marshal(ds) // strings only: cannot fail
	return string(b)
}

// MetricStatsParams select the quarters and cohort of MetricStats.
type MetricStatsParams struct {
	Definitions []MetricDefinition
	Cohort      string // "detection" or "closure"
	From, To    string // first and last quarter ("2024-Q1"), inclusive
}

// MetricStatsRow is one metric in one quarter with at least one case:
// counted cases, duration statistics in hours (nil when none counted) and
// the cases left out by reason.
type MetricStatsRow struct {
	Quarter, Metric                                    string
	N                                                  int
	Mean, Median, P90, Min, Max                        *float64
	MissingStart, MissingEnd, OutOfOrder, ExcludedCase int
}

// MetricStats runs queries/metric_stats.sql: per-quarter duration
// statistics and exclusion counts for the definitions.
func MetricStats(ctx context.Context, q Querier, p MetricStatsParams) ([]MetricStatsRow, error) {
	args := []any{definitionsJSON(p.Definitions), p.Cohort, p.From, p.To}
	return queryRows(ctx, q, "metric_stats", metricStatsSQL, args, func(s scanner, r *MetricStatsRow) error {
		return s.Scan(&r.Quarter, &r.Metric, &r.N, &r.Mean, &r.Median, &r.P90, &r.Min, &r.Max,
			&r.MissingStart, &r.MissingEnd, &r.OutOfOrder, &r.ExcludedCase)
	})
}
