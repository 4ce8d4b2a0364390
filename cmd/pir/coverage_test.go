package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pirhq/pir/internal/testenv"
)

// The coverage tests read a rules folder of 13 SigmaHQ rules (DRL 1.1,
// examples/rules) and pir's own fixtures (testdata/sigma/fixtures:
// deprecated, unsupported, a parent-only rule, a rule without techniques and
// five invalid files), assembled by testenv.SigmaRules; the goldens name it
// goldenSigmaDir.
const goldenSigmaDir = "../../testdata/sigma"

func TestCoverageGolden(t *testing.T) {
	db := sampleDB(t)
	sigmaDir := testenv.SigmaRules(t)
	layer := filepath.Join(t.TempDir(), "layer.json")
	for _, f := range []struct{ format, file string }{
		{"table", "coverage-2025-Q4.txt"},
		{"json", "coverage-2025-Q4.json"},
		{"csv", "coverage-2025-Q4.csv"},
	} {
		t.Run(f.format, func(t *testing.T) {
			code, out, errs := runMetricsCLI(t, reviewClock, "coverage", "--db", db, "--rules", sigmaDir,
				"--quarter", "2025-Q4", "--quarters", "4", "--format", f.format, "-o", layer)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			// Invalid files are reported, never fatal.
			if !strings.Contains(errs, "warning: 5 rule file(s) are not valid Sigma rules") {
				t.Errorf("stderr: got %q", errs)
			}
			reviewGolden(t, f.file, strings.ReplaceAll(out, sigmaDir, goldenSigmaDir))
		})
	}
	b, err := os.ReadFile(layer)
	if err != nil {
		t.Fatal(err)
	}
	reviewGolden(t, "coverage-layer-2025-Q4.json", strings.ReplaceAll(string(b), sigmaDir, goldenSigmaDir))
	checkNavigatorLayer(t, b)
}

func TestCoverageContent(t *testing.T) {
	db := sampleDB(t)
	sigmaDir := testenv.SigmaRules(t)
	code, out, errs := runMetricsCLI(t, reviewClock, "coverage", "--db", db, "--rules", sigmaDir, "--quarter", "2025-Q4", "--quarters", "4", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var c struct {
		Techniques, Covered, Gaps, Related int
		Share                              float64
		GapList                            []struct {
			ID      string
			Cases   int
			Related []struct{ Technique, Path string }
		} `json:"gap_list"`
		CoveredList []struct {
			ID    string
			Rules []struct{ Path, Author string }
		} `json:"covered_list"`
		Inactive []struct{ Path, Status string }
		Invalid  []struct{ Path, Error string }
		Trend    []struct {
			Quarter string
			Share   *float64
		}
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Covered+c.Gaps != c.Techniques || len(c.GapList) != c.Gaps || len(c.CoveredList) != c.Covered || c.Techniques == 0 {
		t.Errorf("counts do not add up: %+v", c)
	}
	for i := 1; i < len(c.GapList); i++ {
		if c.GapList[i].Cases > c.GapList[i-1].Cases {
			t.Errorf("gaps not ranked by cases at %s", c.GapList[i].ID)
		}
	}
	// T1110.003 (password spraying) is seen; the fixture tags only its
	// parent T1110: related, not covered (ATT&CK sub-technique semantics).
	found := false
	for _, g := range c.GapList {
		if g.ID == "T1110.003" {
			found = len(g.Related) == 1 && g.Related[0].Technique == "T1110" && g.Related[0].Path == "fixtures/parent_only.yml"
		}
	}
	if !found {
		t.Errorf("T1110.003 should be a gap with the parent-only rule as related: %+v", c.GapList)
	}
	// The deprecated rule tags T1558.003 but the covering rule is the
	// SigmaHQ one, with its author (DRL attribution).
	for _, x := range c.CoveredList {
		if x.ID == "T1558.003" && (len(x.Rules) != 1 || x.Rules[0].Author != "Florian Roth (Nextron Systems)") {
			t.Errorf("T1558.003 rules: %+v", x.Rules)
		}
	}
	if len(c.Inactive) != 2 || len(c.Invalid) != 5 || len(c.Trend) != 4 {
		t.Errorf("inactive %d, invalid %d, trend %d", len(c.Inactive), len(c.Invalid), len(c.Trend))
	}

	t.Run("Layer", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "layer.json")
		if code, _, errs := runMetricsCLI(t, reviewClock, "coverage", "--db", db, "--rules", sigmaDir, "--quarter", "2025-Q4", "-o", path); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		b, _ := os.ReadFile(path)
		var l struct {
			Versions struct{ Attack, Navigator, Layer string }
			Domain   string
			Gradient struct {
				Colors             []string
				MinValue, MaxValue int
			}
			Techniques []struct {
				TechniqueID string
				Score       int
				Enabled     bool
			}
		}
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		if l.Versions.Layer != "4.5" || l.Versions.Attack != "18" || l.Domain != "enterprise-attack" || len(l.Gradient.Colors) != 3 || l.Gradient.MaxValue != 2 {
			t.Errorf("layer header: %+v", l)
		}
		id := regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
		scores := map[int]int{}
		for _, x := range l.Techniques {
			if !id.MatchString(x.TechniqueID) || x.Score < 0 || x.Score > 2 || !x.Enabled {
				t.Errorf("technique %+v", x)
			}
			scores[x.Score]++
		}
		if scores[2] != c.Covered || scores[0]+scores[1] == 0 {
			t.Errorf("scores %v, covered %d", scores, c.Covered)
		}
	})

	t.Run("Config", func(t *testing.T) {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "pir.toml")
		if err := os.WriteFile(cfg, []byte("rules = \""+sigmaDir+"\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runMetricsCLI(t, reviewClock, "coverage", "--db", db, "--config", cfg, "--quarter", "2025-Q4", "--format", "csv")
		if code != 0 || !strings.HasPrefix(out, "quarter,technique_id,") {
			t.Errorf("exit %d, %q: %s", code, out, errs)
		}
	})

	t.Run("UsageErrors", func(t *testing.T) {
		for _, args := range [][]string{
			{"coverage", "--db", db},
			{"coverage", "--db", db, "--rules", filepath.Join(t.TempDir(), "missing")},
			{"coverage", "--db", db, "--rules", sigmaDir, "--format", "xml"},
			{"coverage", "--db", db, "--rules", sigmaDir, "--quarter", "Q5"},
			{"coverage", "--db", db, "extra"},
		} {
			if code, _, errs := runMetricsCLI(t, reviewClock, args...); code != exitUsage || !strings.Contains(errs, "Try:") {
				t.Errorf("%v: got exit %d, %q", args, code, errs)
			}
		}
	})
}

func TestCoverageHostile(t *testing.T) {
	db := hostileDB(t)
	rules := t.TempDir()
	rule := "title: \"=cmd|' /C calc'!A0 \\e[31mred\"\nauthor: \"@evil\"\nstatus: test\ntags: [attack.t1566.001]\nlogsource: {product: windows}\ndetection: {s: {EventID: 1}, condition: s}\n"
	if err := os.WriteFile(filepath.Join(rules, "evil.yml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runMetricsCLI(t, reviewClock, "coverage", "--db", db, "--rules", rules, "--quarter", "2025-Q4", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var titles string
	for _, r := range recs[1:] {
		if r[1] == "T1566.001" {
			titles = r[8]
		}
	}
	if !strings.HasPrefix(titles, "'=cmd") {
		t.Errorf("rule titles cell not neutralised: %q", titles)
	}
	_, table, _ := runMetricsCLI(t, reviewClock, "coverage", "--db", db, "--rules", rules, "--quarter", "2025-Q4")
	if strings.ContainsRune(table, '\x1b') {
		t.Error("escape sequence from a rule title reached the terminal")
	}
}

// TestReportCoverageSection: `pir report --rules` adds the coverage
// section to the PDF; without rules there is none.
func TestReportCoverageSection(t *testing.T) {
	db := sampleDB(t)
	sigmaDir := testenv.SigmaRules(t)
	for _, withRules := range []bool{true, false} {
		dir := t.TempDir()
		args := []string{"report", "--db", db, "--quarter", "2025-Q4", "--pdf-only", "--out", dir}
		if withRules {
			args = append(args, "--rules", sigmaDir)
		}
		code, _, errs := runMetricsCLI(t, reviewClock, args...)
		if code != 0 {
			t.Fatalf("rules %v: exit %d: %s", withRules, code, errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "report-2025-Q4.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(pdfText(t, b), "Detection engineering"); got != withRules {
			t.Errorf("rules %v: coverage section present %v", withRules, got)
		}
	}
	code, _, errs := runMetricsCLI(t, reviewClock, "report", "--db", db, "--quarter", "2025-Q4", "--out", t.TempDir(), "--rules", filepath.Join(t.TempDir(), "none"))
	if code != exitUsage {
		t.Errorf("missing rules folder: exit %d, %q", code, errs)
	}
}

// TestRunCoverageSection: `rules` in the config puts the coverage section
// into the scheduled run's report.
func TestRunCoverageSection(t *testing.T) {
	abs := testenv.SigmaRules(t)
	dir, cfg := runConfig(t, examplesCases(t), "")
	f, err := os.OpenFile(cfg, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Top-level keys must come before the first table.
	old, _ := os.ReadFile(cfg)
	if _, err := f.WriteAt(append([]byte("rules = \""+abs+"\"\n"), old...), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, _, errs := runPirAt(t, reviewClock, "run", "--config", cfg, "--quarter", "2025-Q4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	page, err := os.ReadFile(filepath.Join(dir, "out", "dashboard-2025-Q4.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<section id="coverage"`) {
		t.Error("the run's dashboard has no coverage section")
	}
}
