package analytics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/coverage"
	"github.com/pirhq/pir/display"
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

// TestCoverageByPlatform, with hand-made rules: T1486 has a Windows rule
// only, T1078 an Okta rule only, T1190 a web-server rule (any platform).
// Cases of 2025-Q4:
//
//	A windows, esxi  T1486, T1190
//	B windows        T1486
//	C esxi           T1486
//	D okta           T1078
//	E (none)         T1078
//	F esxi           T1059 (no rule at all)
//
// windows: cases A, B; techniques T1486 (covered), T1190 (any: covered): 2 of 2.
// esxi: A, C, F; T1486 (the Windows rule is not for ESXi), T1190 (covered),
// T1059: 1 of 3, top gaps T1486 (2 cases), T1059 (1).
// okta: D; T1078 covered: 1 of 1. No platform: E; T1078 by technique: 1 of 1.
// Gaps, most cases first: T1486 (3 cases, only C without a rule for one of
// its platforms: A has the Windows rule for its windows; "1 of 3"), then
// T1059 (1 of 1).
func TestCoverageByPlatform(t *testing.T) {
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed := []string{
		`INSERT INTO store.cases (source, case_id, status, excluded, detected_at, platforms, content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
		 ('pir', 'A', 'closed', false, '2025-11-01 00:00:00Z', ['windows', 'esxi'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'B', 'closed', false, '2025-11-02 00:00:00Z', ['windows'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'C', 'closed', false, '2025-11-03 00:00:00Z', ['esxi'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'D', 'closed', false, '2025-11-04 00:00:00Z', ['okta'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'E', 'closed', false, '2025-11-05 00:00:00Z', NULL, 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z'),
		 ('pir', 'F', 'closed', false, '2025-11-06 00:00:00Z', ['esxi'], 'h', 'f', 'h', 'pir', '2025-12-01 00:00:00Z')`,
		`INSERT INTO store.case_techniques (source, case_id, technique_id) VALUES
		 ('pir', 'A', 'T1486'), ('pir', 'A', 'T1190'), ('pir', 'B', 'T1486'), ('pir', 'C', 'T1486'),
		 ('pir', 'D', 'T1078'), ('pir', 'E', 'T1078'), ('pir', 'F', 'T1059')`,
	}
	for _, s := range seed {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	set := &coverage.RuleSet{Files: 3, Rules: []coverage.Rule{
		{Path: "win.yml", Title: "Windows ransom", Techniques: []string{"T1486"}, Platform: "windows"},
		{Path: "okta.yml", Title: "Okta login", Techniques: []string{"T1078"}, Platform: "okta"},
		{Path: "web.yml", Title: "Web exploit", Techniques: []string{"T1190"}, Platform: coverage.AnyPlatform},
	}}
	now := func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }
	c, err := BuildCoverage(ctx, db, set, CoverageOptions{Quarter: "2025-Q4", Quarters: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.ByPlatform {
		got = append(got, fmt.Sprintf("%s %d %d %d %s %v", p.Platform, p.Cases, p.Techniques, p.Covered, display.Rate(p.Share), p.TopGaps))
	}
	want := []string{
		"esxi 3 3 1 33% [T1486 T1059]",
		"windows 2 2 2 100% []",
		"okta 1 1 1 100% []",
		" 1 1 1 100% []",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("by platform:\ngot\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var gaps []string
	for _, g := range c.GapList {
		gaps = append(gaps, fmt.Sprintf("%s %s", g.ID, display.UncoveredCases(g.Uncovered(), g.Cases)))
	}
	if w := "T1486 1 of 3, T1059 1"; strings.Join(gaps, ", ") != w {
		t.Errorf("gaps: got %s, want %s", strings.Join(gaps, ", "), w)
	}
}
