package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/coverage"
	pirsql "github.com/pirhq/pir/sql"
)

// buildModel is the one way a command builds the quarterly report model:
// analytics.Build with the resolved settings (the metric definitions come
// from the database, where the session has merged the config's [[metric]]
// tables in), then, with coverage, the detection-coverage section when
// s.rules names a Sigma rules folder (pir report and run; pir metrics and
// the email summary leave it out), and the benchmark section when
// s.reference names a VERIS reference database.
func buildModel(ctx context.Context, e *env, db *pirsql.DB, s *settings, coverage bool) (*analytics.Report, error) {
	rep, err := analytics.Build(ctx, db, analytics.Options{
		Quarter: s.reportQuarter(e.now()), Quarters: s.quarters, Cohort: s.cohort, Now: e.now, Version: version,
		Organisation: s.organisation, Marking: s.marking, ListLimit: s.listLimit, Logger: e.log,
	})
	if err != nil {
		return nil, reportError(s, err)
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
