package sql

import (
	"context"
	_ "embed" // the benchmark queries are embedded files
)

//go:embed queries/benchmark_reference.sql
var benchmarkReferenceSQL string

//go:embed queries/benchmark_team.sql
var benchmarkTeamSQL string

// YearDuration is one duration in hours of a metric in a year.
type YearDuration struct {
	Year   int
	Metric string
	Hours  float64
}

// BenchmarkReferenceParams filter the reference's VERIS cases.
type BenchmarkReferenceParams struct {
	Industry string // NAICS code prefix; "" = all
	OrgSize  string // "small", "large" or a VERIS employee_count; "" = all
}

// BenchmarkReference runs queries/benchmark_reference.sql on a database
// loaded with VERIS data: its dwell and contain durations by incident year.
func BenchmarkReference(ctx context.Context, q Querier, p BenchmarkReferenceParams) ([]YearDuration, error) {
	return queryRows(ctx, q, "benchmark_reference", benchmarkReferenceSQL, []any{p.Industry, p.OrgSize}, func(s scanner, r *YearDuration) error {
		return s.Scan(&r.Year, &r.Metric, &r.Hours)
	})
}

// BenchmarkTeam runs queries/benchmark_team.sql: the team's counted dwell
// and contain durations by the year of their cohort quarter.
func BenchmarkTeam(ctx context.Context, q Querier, defs []MetricDefinition, cohort string) ([]YearDuration, error) {
	return queryRows(ctx, q, "benchmark_team", benchmarkTeamSQL, []any{definitionsJSON(defs), cohort}, func(s scanner, r *YearDuration) error {
		return s.Scan(&r.Year, &r.Metric, &r.Hours)
	})
}
