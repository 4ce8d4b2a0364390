package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/coverage"
	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/pdf"
	pirsql "github.com/pirhq/pir/sql"
)

// buildModel is the one way a command builds the quarterly report model:
// analytics.Build with the resolved settings (the metric definitions come
// from the database, where the session has merged the config's [[metric]]
// tables in), then, with coverage, the detection-coverage section when
// s.rules names a Sigma rules folder (pir report and run; pir metrics and
// the email summary leave it out), and the benchmark section when
// s.reference names a VERIS reference database. slices are the dimensions
// the model's Slices split the durations by: those the command's outputs
// show (nil: all, for the complete model of pir metrics --format json; an
// empty list: none), since each costs about a pass over the durations.
func buildModel(ctx context.Context, e *env, db *pirsql.DB, s *settings, coverage bool, slices []string) (*analytics.Report, error) {
	rep, err := analytics.Build(ctx, db, analytics.Options{
		Quarter: s.reportQuarter(e.now()), Quarters: s.quarters, Cohort: s.cohort, Now: e.now, Version: version,
		Organisation: s.organisation, Marking: s.marking, ListLimit: s.listLimit, Logger: e.log,
		SliceDimensions: slices,
	})
	if err != nil {
		return nil, reportError(s, err)
	}
	if err := checkEmpty(e, s, rep); err != nil {
		return nil, err
	}
	if coverage && s.rules != "" {
		if err := addCoverage(ctx, e, db, rep, s.rules); err != nil {
			return nil, err
		}
	}
	if coverage && s.reference != "" {
		if rep.Benchmark, err = buildBenchmark(ctx, db, s); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// outputSlices are the slice dimensions the dashboard (html) and the PDF
// show, in slice_dimensions order: what produceReport computes.
func outputSlices(html, pdfToo bool) []string {
	want := map[string]bool{}
	if html {
		for _, d := range charts.SliceDimensions() {
			want[d] = true
		}
	}
	if pdfToo {
		for _, d := range pdf.SliceDimensions() {
			want[d] = true
		}
	}
	out := []string{}
	for _, d := range pirsql.SliceDimensions() {
		if want[d] {
			out = append(out, d)
		}
	}
	return out
}

// addCoverage loads the Sigma rules in dir and sets rep.Coverage for the
// report's quarters and cohort; invalid rule files are a warning on
// stderr, a missing folder a usage error.
func addCoverage(ctx context.Context, e *env, db *pirsql.DB, rep *analytics.Report, dir string) error {
	set, err := coverage.Load(dir)
	if errors.Is(err, coverage.ErrNoRulesDir) {
		return usagef("--rules examples/rules", "%v", err)
	} else if err != nil {
		return err
	}
	cov, err := analytics.BuildCoverage(ctx, db, set, analytics.CoverageOptions{
		Quarter: rep.Quarter, Quarters: len(rep.Quarters), Cohort: rep.Cohort, Now: e.now, RulesDir: dir, Version: version,
	})
	if err != nil {
		return err
	}
	if n := len(cov.Invalid); n > 0 {
		fmt.Fprintf(e.stderr, "warning: %d rule file(s) in %s are not valid Sigma rules and were skipped\n", n, dir)
	}
	rep.Coverage = cov
	return nil
}

// reportError turns the analytics errors a user can fix on the command line
// into usage errors.
func reportError(s *settings, err error) error {
	switch {
	case errors.Is(err, analytics.ErrFutureQuarter):
		return usagef("pir "+s.command+" (the last complete quarter)", "--quarter %v", err)
	case errors.Is(err, analytics.ErrBadQuarter):
		return usagef(s.try("--quarter 2024-Q1"), "--quarter %v", err)
	case errors.Is(err, analytics.ErrBadCohort):
		return usagef(s.try("--cohort closure"), "--cohort %v", err)
	}
	return err
}

// errEmptyQuarter is a report quarter with no case while the database has
// some (a stale export, a clock past the data): pir run stops on it.
var errEmptyQuarter = errors.New("empty quarter")

// checkEmpty warns on stderr about an empty report quarter, or, for pir run
// without --allow-empty, fails with one line naming the newest case and
// file: a scheduled run must not email "no incidents" for stale data.
func checkEmpty(e *env, s *settings, rep *analytics.Report) error {
	if !rep.Empty() {
		return nil
	}
	f := rep.Freshness
	msg := display.EmptyQuarter(rep.Quarter, display.CohortVerb(rep.Cohort), f.DatabaseCases,
		display.Freshness(f.NewestDetected, f.NewestCase, f.NewestFile, f.NewestIngested))
	if s.refuseEmpty {
		return fmt.Errorf("%w: %s; --allow-empty (or allow_empty = true) sends the empty report", errEmptyQuarter, msg)
	}
	e.log.Warn(msg)
	return nil
}

// warnEmptyQuarter warns on stderr, as checkEmpty does, when the cohort's
// quarter has no case while the database has some: for commands without the
// report model (pir coverage).
func warnEmptyQuarter(ctx context.Context, e *env, db *pirsql.DB, cohort, quarter string) error {
	vol, err := pirsql.CaseVolume(ctx, db, cohort, quarter, quarter)
	if err != nil {
		return err
	}
	for _, v := range vol {
		if v.Dimension == "all" && v.Cases > 0 {
			return nil
		}
	}
	f, err := pirsql.DataFreshness(ctx, db)
	if err != nil || f.Cases == 0 {
		return err
	}
	loc := db.Location()
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.In(loc)
		return &v
	}
	e.log.Warn(display.EmptyQuarter(quarter, display.CohortVerb(cohort), f.Cases,
		display.Freshness(in(f.NewestDetected), f.NewestCase, f.NewestFile, in(f.NewestIngested))))
	return nil
}
