package sql

import (
	"context"
	_ "embed" // the case queries are embedded files
	"encoding/json"
	"fmt"
	"time"
)

//go:embed queries/case_volume.sql
var caseVolumeSQL string

//go:embed queries/open_case_ageing.sql
var openCaseAgeingSQL string

//go:embed queries/notable_cases.sql
var notableCasesSQL string

//go:embed queries/root_causes.sql
var rootCausesSQL string

//go:embed queries/stored_cases.sql
var storedCasesSQL string

// CaseVolumeRow counts the cases of one quarter for one dimension ("all",
// "category", "severity", "excluded") and key.
type CaseVolumeRow struct {
	Quarter, Dimension, Key string
	Cases                   int
}

// CaseVolume runs queries/case_volume.sql for the cohort's quarters from
// through to, inclusive.
func CaseVolume(ctx context.Context, q Querier, cohort, from, to string) ([]CaseVolumeRow, error) {
	return queryRows(ctx, q, "case_volume", caseVolumeSQL, []any{cohort, from, to}, func(s scanner, r *CaseVolumeRow) error {
		return s.Scan(&r.Quarter, &r.Dimension, &r.Key, &r.Cases)
	})
}

// OpenCaseAgeingRow counts the cases open at the end of a quarter in one
// age bucket ("<7d", "7-30d", "30-90d", ">90d").
type OpenCaseAgeingRow struct {
	Quarter, Bucket string
	Cases           int
}

// OpenCaseAgeing runs queries/open_case_ageing.sql: the cases open at the
// end of each quarter, or at at if that is earlier, by age.
func OpenCaseAgeing(ctx context.Context, q Querier, quarters []string, at time.Time) ([]OpenCaseAgeingRow, error) {
	qs, err := json.Marshal(quarters)
	if err != nil {
		return nil, err
	}
	return queryRows(ctx, q, "open_case_ageing", openCaseAgeingSQL, []any{string(qs), instant(at)}, func(s scanner, r *OpenCaseAgeingRow) error {
		return s.Scan(&r.Quarter, &r.Bucket, &r.Cases)
	})
}

// NotableCasesParams select the critical and high cases of one quarter.
type NotableCasesParams struct {
	Definitions []MetricDefinition
	Cohort      string
	Quarter     string
	Limit       int64 // at most this many rows
}

// NotableCaseRow is a critical or high case with its hours per metric it
// counts in; Total is how many such cases the quarter has (every row).
type NotableCaseRow struct {
	CaseID, Source, Title, Severity, Category, Status string
	RootCause                                         string    // root-cause category, "" when none
	Detected                                          time.Time // detection, else compromise
	Hours                                             map[string]float64
	Total                                             int
}

// NotableCases runs queries/notable_cases.sql.
func NotableCases(ctx context.Context, q Querier, p NotableCasesParams) ([]NotableCaseRow, error) {
	args := []any{definitionsJSON(p.Definitions), p.Cohort, p.Quarter, p.Limit}
	return queryRows(ctx, q, "notable_cases", notableCasesSQL, args, func(s scanner, r *NotableCaseRow) error {
		var hours string
		if err := s.Scan(&r.CaseID, &r.Source, &r.Title, &r.Severity, &r.Category, &r.Status, &r.RootCause, &r.Detected, &hours, &r.Total); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(hours), &r.Hours); err != nil {
			return fmt.Errorf("case %s: hours %s: %w", r.CaseID, hours, err)
		}
		return nil
	})
}

// RootCauseRow is one root-cause category in one quarter: cases, share of
// the quarter's cases with a root cause, mean 5-Whys depth, recurrences.
type RootCauseRow struct {
	Quarter, Category string
	Cases             int
	Share, MeanWhys   float64
	Recurrences       int
}

// RootCauses runs queries/root_causes.sql for the cohort's quarters from
// through to, inclusive.
func RootCauses(ctx context.Context, q Querier, cohort, from, to string) ([]RootCauseRow, error) {
	return queryRows(ctx, q, "root_causes", rootCausesSQL, []any{cohort, from, to}, func(s scanner, r *RootCauseRow) error {
		return s.Scan(&r.Quarter, &r.Category, &r.Cases, &r.Share, &r.MeanWhys, &r.Recurrences)
	})
}

// StoredCases runs queries/stored_cases.sql: how many cases the store
// holds.
func StoredCases(ctx context.Context, q Querier) (int64, error) {
	rows, err := queryRows(ctx, q, "stored_cases", storedCasesSQL, nil, func(s scanner, n *int64) error { return s.Scan(n) })
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	return rows[0], nil
}

// RowCount counts the rows of the table schema.name (both quoted as
// identifiers), for harnesses that load tables of their own (the bench's
// bare-load baseline).
func RowCount(ctx context.Context, q Querier, schema, name string) (int64, error) {
	query := "SELECT count(*) FROM " + quoteIdent(schema) + "." + quoteIdent(name)
	rows, err := queryRows(ctx, q, "row_count", query, nil, func(s scanner, n *int64) error { return s.Scan(n) })
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	return rows[0], nil
}
