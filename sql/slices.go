package sql

import (
	"context"
	_ "embed" // the slice queries are embedded files
	"strconv"
)

//go:embed queries/metric_slices.sql
var metricSlicesSQL string

//go:embed queries/impact_totals.sql
var impactTotalsSQL string

//go:embed queries/impact_cost.sql
var impactCostSQL string

//go:embed queries/detection_sources.sql
var detectionSourcesSQL string

//go:embed queries/slice_min_cases.sql
var sliceMinCasesSQL string

// MetricSliceRow is one metric in one quarter for the cases with one value
// of a dimension ("other": the folded small values; "unspecified": no
// value): counted cases and duration statistics in hours (nil when none
// counted).
type MetricSliceRow struct {
	Dimension, Value, Quarter, Metric string
	N                                 int
	Mean, Median, P90                 *float64
}

// SliceDimensions returns the dimensions a metric can be sliced by, in
// display order (the view slice_dimensions).
func SliceDimensions() []string {
	return []string{"severity", "category", "team", "business_unit", "tenant", "detection_source"}
}

// MetricSlices runs queries/metric_slices.sql once per dimension of dims
// (nil: every one of SliceDimensions), in display order: the duration
// statistics by dimension and value, folded by the session's slice
// settings. Each dimension costs about one pass over the durations and
// holds them while it runs: compute only those an output shows.
func MetricSlices(ctx context.Context, q Querier, p MetricStatsParams, dims []string) ([]MetricSliceRow, error) {
	want := map[string]bool{}
	for _, d := range dims {
		want[d] = true
	}
	out := []MetricSliceRow{}
	for _, d := range SliceDimensions() {
		if dims != nil && !want[d] {
			continue
		}
		args := []any{definitionsJSON(p.Definitions), p.Cohort, p.From, p.To, d}
		rows, err := queryRows(ctx, q, "metric_slices "+d, metricSlicesSQL, args, func(s scanner, r *MetricSliceRow) error {
			return s.Scan(&r.Dimension, &r.Value, &r.Quarter, &r.Metric, &r.N, &r.Mean, &r.Median, &r.P90)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// ImpactTotalsRow is the impact of one quarter's cases that record any.
type ImpactTotalsRow struct {
	Quarter              string
	Cases                int
	Records              *int64 // nil: no case gives records
	RecordsCases         int
	DowntimeHours        *float64
	DowntimeCases        int
	Regulator, Customers int
}

// ImpactTotals runs queries/impact_totals.sql for the cohort's quarters
// from through to.
func ImpactTotals(ctx context.Context, q Querier, cohort, from, to string) ([]ImpactTotalsRow, error) {
	return queryRows(ctx, q, "impact_totals", impactTotalsSQL, []any{cohort, from, to}, func(s scanner, r *ImpactTotalsRow) error {
		return s.Scan(&r.Quarter, &r.Cases, &r.Records, &r.RecordsCases, &r.DowntimeHours, &r.DowntimeCases, &r.Regulator, &r.Customers)
	})
}

// ImpactCostRow is the cost of one quarter's cases in one currency.
type ImpactCostRow struct {
	Quarter, Currency string
	Cases             int
	Cost              float64
}

// ImpactCost runs queries/impact_cost.sql.
func ImpactCost(ctx context.Context, q Querier, cohort, from, to string) ([]ImpactCostRow, error) {
	return queryRows(ctx, q, "impact_cost", impactCostSQL, []any{cohort, from, to}, func(s scanner, r *ImpactCostRow) error {
		return s.Scan(&r.Quarter, &r.Currency, &r.Cases, &r.Cost)
	})
}

// DetectionSourceRow counts one quarter's counted cases by who detected them.
type DetectionSourceRow struct {
	Quarter, Source string
	Cases           int
}

// DetectionSources runs queries/detection_sources.sql.
func DetectionSources(ctx context.Context, q Querier, cohort, from, to string) ([]DetectionSourceRow, error) {
	return queryRows(ctx, q, "detection_sources", detectionSourcesSQL, []any{cohort, from, to}, func(s scanner, r *DetectionSourceRow) error {
		return s.Scan(&r.Quarter, &r.Source, &r.Cases)
	})
}

// SliceMinCases is the session's slice_min_cases setting: the fewest
// counted cases a slice value shows by name.
func SliceMinCases(ctx context.Context, q Querier) (int, error) {
	rows, err := queryRows(ctx, q, "slice_min_cases", sliceMinCasesSQL, nil, func(s scanner, v *string) error {
		return s.Scan(v)
	})
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	return strconv.Atoi(rows[0])
}
