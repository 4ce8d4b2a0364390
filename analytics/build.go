// Package analytics runs pir's embedded SQL queries (package sql) and
// returns the quarterly report model that the dashboard, the PDF and the
// email render. Every number it returns comes from the documented views and
// macros, so analysts can reproduce it with `pir query`.
package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// ErrBadCohort is returned for a cohort other than detection or closure.
var ErrBadCohort = errors.New("cohort must be detection or closure")

// ErrFutureQuarter is returned when the report quarter has not started yet.
var ErrFutureQuarter = errors.New("quarter has not started yet")

// DefaultListLimit is how many overdue items, notable cases and case IDs
// per technique or finding a report lists: the report stays a small file
// at a million cases, and the full lists are one command away (pir
// actions, pir query).
const DefaultListLimit = 200

// SmallSample is the number of counted cases below which a statistic is
// flagged as too small a sample to compare.
const SmallSample = 5

// Options say which report to build.
type Options struct {
	// Quarter is the report quarter ("2024-Q1"); empty means the last
	// complete quarter in the database's time zone.
	Quarter string
	// Quarters is how many trailing quarters (ending with Quarter) the
	// trends cover; 0 means 8.
	Quarters int
	// Cohort is "detection" (default when empty) or "closure".
	Cohort string
	// Definitions are the metrics to compute; nil means the default set
	// from the metric_definitions table.
	Definitions []MetricDef
	// Now is the clock (time.Now when nil): generation time, the as-of
	// instant of the current quarter and what "in the future" means.
	Now func() time.Time
	// Version, Organisation and Marking are copied into the report.
	Version      string
	Organisation string
	Marking      string
	// ListLimit caps the lists of the model that grow with the case count:
	// the overdue items, the notable cases and the case IDs of each
	// technique and data-quality finding (the most important first; the
	// totals are always complete). 0 means DefaultListLimit; a negative
	// value lists everything.
	ListLimit int
	// SliceDimensions are the dimensions Report.Slices splits the durations
	// by (names of the view slice_dimensions): nil means all of them, an
	// empty list none. Each costs about one pass over the durations, so a
	// command asks for those its outputs show.
	SliceDimensions []string
	// Logger, when set, gets one debug record per query (name, rows,
	// elapsed): where the time of a slow report goes.
	Logger *slog.Logger
}

// querier is what the section builders run queries on: the report's read
// transaction, possibly logging each query (pirsql.Logged).
type querier = pirsql.Querier

// span is what the queries of one report share.
type span struct {
	cohort   string
	quarter  Quarter
	quarters []Quarter
	loc      *time.Location
	now      time.Time
	asOf     time.Time // min(end of quarter, now)
	asOfDate string    // YYYY-MM-DD of the last day covered by asOf
	defs     []MetricDef
	limit    int64    // list limit (Options.ListLimit), always positive
	slices   []string // Options.SliceDimensions
}

func (s *span) first() string { return s.quarters[0].String() }
func (s *span) last() string  { return s.quarter.String() }

// asOfParam is the instant and date overdue action items are measured on.
func (s *span) asOfParam() pirsql.AsOf { return pirsql.AsOf{At: s.asOf, Date: s.asOfDate} }

// sqlDefinitions are the metric definitions as the duration queries take
// them.
func sqlDefinitions(defs []MetricDef) []pirsql.MetricDefinition {
	out := make([]pirsql.MetricDefinition, len(defs))
	for i, d := range defs {
		out[i] = pirsql.MetricDefinition(d)
	}
	return out
}

// Build runs every report query in one read transaction and returns the
// complete report model for opts.Quarter and its trailing quarters.
func Build(ctx context.Context, db *pirsql.DB, opts Options) (*Report, error) {
	sp, err := newSpan(db.TimeZone, opts)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	defer tx.Rollback() // read only: nothing to commit
	if sp.defs == nil {
		if sp.defs, err = defaultDefinitions(ctx, tx); err != nil {
			return nil, err
		}
	}
	if err := ValidateDefinitions(sp.defs); err != nil {
		return nil, err
	}

	r := &Report{
		Quarter:      sp.quarter.String(),
		TimeZone:     sp.loc.String(),
		Cohort:       sp.cohort,
		GeneratedAt:  sp.now.In(sp.loc),
		AsOf:         sp.asOf.In(sp.loc),
		AsOfDate:     sp.asOfDate,
		Version:      opts.Version,
		Organisation: opts.Organisation,
		Marking:      opts.Marking,
		Definitions:  sp.defs,
	}
	for _, q := range sp.quarters {
		r.Quarters = append(r.Quarters, q.String())
	}
	steps := []func(context.Context, querier, *span, *Report) error{
		buildMetrics, buildStatistics, buildYardstickStep, buildVolume, buildAgeing, buildRootCauses, buildRecurrences, buildAttack,
		buildActions, buildOverdue, buildNotable, buildDataQuality, buildInputs, buildFreshness,
		buildTargets, buildOverdueByOwner, buildSlices, buildLearning, buildPlaybooks,
	}
	q := pirsql.Logged(tx, opts.Logger)
	for _, step := range steps {
		if err := step(ctx, q, sp, r); err != nil {
			return nil, fmt.Errorf("build report %s: %w", r.Quarter, err)
		}
	}
	r.P90Regressions = p90Regressions(r)
	r.Decisions = decide(r)
	r.Summary = summarize(r)
	return r, nil
}

func newSpan(tz string, opts Options) (*span, error) {
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", tz, err)
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	sp := &span{cohort: opts.Cohort, loc: loc, now: now, defs: opts.Definitions, limit: listLimit(opts.ListLimit), slices: opts.SliceDimensions}
	if sp.cohort == "" {
		sp.cohort = "detection"
	}
	if sp.cohort != "detection" && sp.cohort != "closure" {
		return nil, fmt.Errorf("%q: %w", opts.Cohort, ErrBadCohort)
	}
	qs := opts.Quarter
	if qs == "" {
		qs = LastCompleteQuarter(now, loc)
	}
	if sp.quarter, err = ParseQuarter(qs); err != nil {
		return nil, err
	}
	if sp.quarter.Start(loc).After(now) {
		return nil, fmt.Errorf("%s (starts %s): %w", sp.quarter, sp.quarter.Start(loc).Format("2006-01-02"), ErrFutureQuarter)
	}
	n := opts.Quarters
	if n <= 0 {
		n = 8
	}
	sp.quarters = Trailing(sp.quarter, n)
	sp.asOf = sp.quarter.End(loc)
	if now.Before(sp.asOf) {
		sp.asOf = now
	}
	sp.asOfDate = sp.asOf.Add(-time.Nanosecond).In(loc).Format("2006-01-02")
	return sp, nil
}

// listLimit turns Options.ListLimit into the SQL row limit.
func listLimit(n int) int64 {
	switch {
	case n == 0:
		return DefaultListLimit
	case n < 0:
		return math.MaxInt32
	}
	return int64(n)
}

// round keeps 4 decimals: well under a second for hours, and stable JSON
// whatever order DuckDB summed in.
func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func roundPtr(n *float64) *float64 {
	if n == nil {
		return nil
	}
	v := round(*n)
	return &v
}

func ptr(v float64) *float64 { return &v }
