package analytics

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pirhq/pir/coverage"
	pirsql "github.com/pirhq/pir/sql"
)

// TestCoveragePlatforms: with the SigmaHQ rules in ../shared/data/sigma, a
// ransomware case on ESXi (T1486) is a gap although AWS rules carry the tag
// (they are listed as related, with their platform); a Kerberoasting case
// on Windows (T1558.003) is covered by the Windows rules; a case with no
// platforms matches by technique alone and is counted as platform unknown.
func TestCoveragePlatforms(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "sigma", "rules")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the SigmaHQ rules are missing in CI: %v", err)
		}
		t.Skipf("no SigmaHQ rules at %s", dir)
	}
	set, err := coverage.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed := []string{
		`INSERT INTO store.cases (source, case_id, status, excluded, detected_at, platforms, content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
		 ('pir', 'R1', 'closed', false, '2025-11-01 00:00:00Z', ['esxi', 'windows'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'K1', 'closed', false, '2025-11-02 00:00:00Z', ['windows'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'U1', 'closed', false, '2025-11-03 00:00:00Z', NULL, 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z')`,
		`INSERT INTO store.case_techniques (source, case_id, technique_id) VALUES
		 ('pir', 'R1', 'T1486'), ('pir', 'K1', 'T1558.003'), ('pir', 'U1', 'T1486')`,
	}
	for _, s := range seed {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	now := func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }
	c, err := BuildCoverage(ctx, db, set, CoverageOptions{Quarter: "2025-Q4", Quarters: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]CoverageTechnique{}
	for _, x := range append(append([]CoverageTechnique{}, c.GapList...), c.CoveredList...) {
		byID[x.ID] = x
	}
	ransom, kerb := byID["T1486"], byID["T1558.003"]
	// T1486: R1 (esxi, windows) has no rule for its platforms; U1 (none)
	// matches the AWS rules by technique alone: 1 of 2 cases, a gap.
	if ransom.Cases != 2 || ransom.CasesCovered != 1 || ransom.PlatformUnknown != 1 || len(ransom.Rules) == 0 {
		t.Errorf("T1486: %d cases, %d covered, %d platform unknown, %d rules; want 2, 1, 1 and the AWS rules for U1", ransom.Cases, ransom.CasesCovered, ransom.PlatformUnknown, len(ransom.Rules))
	}
	for _, x := range c.CoveredList {
		if x.ID == "T1486" {
			t.Errorf("T1486 on esxi counted as covered by %v", x.Rules)
		}
	}
	for _, r := range ransom.Rules {
		if r.Platform != "aws" {
			t.Errorf("T1486 rule %q: platform %q, want aws", r.Title, r.Platform)
		}
	}
	if kerb.Cases != 1 || kerb.CasesCovered != 1 || kerb.PlatformUnknown != 0 || len(kerb.Rules) == 0 {
		t.Fatalf("T1558.003: %+v, want covered by Windows rules", kerb)
	}
	for _, r := range kerb.Rules {
		if r.Platform != "windows" {
			t.Errorf("T1558.003 rule %q: platform %q, want windows", r.Title, r.Platform)
		}
	}
	if c.Techniques != 2 || c.Covered != 1 {
		t.Errorf("quarter: %d of %d techniques covered, want 1 of 2", c.Covered, c.Techniques)
	}
}
