package main

import (
	"strings"
	"testing"

	"github.com/pirhq/pir/internal/confcheck"
)

// TestMetricsConfluenceLessons: `pir metrics --format confluence` writes
// the sample quarter's lessons section as a valid Confluence page body with
// the figures of the report model; --by cannot be combined with it.
func TestMetricsConfluenceLessons(t *testing.T) {
	db := sampleDB(t)
	code, page, errs := runMetricsCLI(t, reviewClock, "metrics", "--db", db, "--quarter", "2025-Q4", "--format", "confluence")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if err := confcheck.Check(page); err != nil {
		t.Fatalf("page body: %v", err)
	}
	for _, want := range []string{"<h1>What we keep learning, 2025-Q4</h1>", "<h2>Needs improvement</h2>",
		"<td>Triage waited for business hours</td>", "<h2>Were the reviews held?</h2>"} {
		if !strings.Contains(page, want) {
			t.Errorf("%q missing from the page", want)
		}
	}
	if code, _, errs := runMetricsCLI(t, reviewClock, "metrics", "--db", db, "--by", "team", "--format", "confluence"); code != exitUsage || !strings.Contains(errs, "Try:") {
		t.Errorf("--by with --format confluence: exit %d: %s", code, errs)
	}
}
