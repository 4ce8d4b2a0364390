package analytics

import (
	"context"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// Freshness says how fresh the data behind a report is, so a stale export
// is seen rather than read as a quiet quarter: every output states it.
type Freshness struct {
	// DatabaseCases counts every case in the database (any quarter).
	DatabaseCases int `json:"database_cases"`
	// NewestDetected is the newest detection (compromise when a case has
	// none) and NewestCase its case; nil and "" without cases.
	NewestDetected *time.Time `json:"newest_detected_at"`
	NewestCase     string     `json:"newest_case"`
	// NewestFile is the most recently ingested file and NewestIngested
	// when; "" and nil when nothing was ingested.
	NewestFile     string     `json:"newest_file"`
	NewestIngested *time.Time `json:"newest_ingested_at"`
}

// Empty reports whether the report quarter has no case while the database
// has cases: the export may be stale, or the clock moved past the data.
func (r *Report) Empty() bool { return r.Cases == 0 && r.Freshness.DatabaseCases > 0 }

// buildFreshness fills Freshness from the data_freshness view.
func buildFreshness(ctx context.Context, q querier, sp *span, r *Report) error {
	f, err := pirsql.DataFreshness(ctx, q)
	if err != nil {
		return err
	}
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.In(sp.loc)
		return &v
	}
	r.Freshness = Freshness{DatabaseCases: f.Cases, NewestDetected: in(f.NewestDetected), NewestCase: f.NewestCase,
		NewestFile: f.NewestFile, NewestIngested: in(f.NewestIngested)}
	return nil
}
