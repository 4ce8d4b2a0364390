package charts

import (
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/coverage"
)

func TestCoverageSection(t *testing.T) {
	if h, err := coverageSection(&analytics.Report{}); err != nil || h != "" {
		t.Errorf("no coverage: got %q, %v", h, err)
	}
	share := 0.25
	r := &analytics.Report{Coverage: &analytics.Coverage{
		Quarter: "2025-Q4", RulesDir: "rules/<x>", Techniques: 4, Covered: 1, Gaps: 3, Related: 1, Share: &share,
		Trend: []analytics.CoverageShare{{Quarter: "2025-Q3"}, {Quarter: "2025-Q4", Techniques: 4, Covered: 1, Share: &share}},
		GapList: []analytics.CoverageTechnique{{ID: "T1110.003", Name: "Password Spraying", Cases: 3, CasesCovered: 1,
			Related: []analytics.CoverageRuleRef{{Title: "<script>alert(1)</script>", Technique: "T1110"}}}},
		ByPlatform: []analytics.CoveragePlatform{
			{Platform: "esxi", Cases: 2, Techniques: 2, Covered: 0, Share: new(0.0), TopGaps: []string{"T1486", "T1490"}},
			{Platform: "", Cases: 1, Techniques: 1, Covered: 1, Share: new(1.0), TopGaps: []string{}},
		},
		CoveredList: []analytics.CoverageTechnique{{ID: "T1190", Name: "Exploit Public-Facing Application", Cases: 2,
			Rules: []analytics.CoverageRuleRef{{Title: "SQL Injection Strings In URI", Technique: "T1190"}}}},
		Invalid:  []coverage.Problem{{Path: "bad.yml", Error: "<img src=x onerror=alert(1)>"}},
		Matching: analytics.CoverageMatching, License: analytics.DRLNotice,
	}}
	h, err := coverageSection(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	for _, want := range []string{`<section id="coverage"`, "Detection engineering, 2025-Q4", "25% of the 4 ATT&amp;CK techniques",
		"T1110: &lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "rules/&lt;x&gt;", `style="width: 25%"`,
		"Detection Rule License 1.1",
		// by platform: the low share in bold, the cases without platforms named
		`<tr><td>esxi</td><td class="num">2</td><td class="num">2</td><td class="num">0</td><td class="num"><strong>0%</strong>`,
		`<td>T1486, T1490</td>`, `<tr><td>no platform recorded</td><td class="num">1</td>`,
		// the gap's cases without a rule for their platform
		`<td>T1110.003</td><td>Password Spraying</td><td class="num">2 of 3</td>`} {
		if !strings.Contains(s, want) {
			t.Errorf("%q missing from\n%s", want, s)
		}
	}
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(s, bad) {
			t.Errorf("unescaped %q", bad)
		}
	}
}

// TestDashboardCoverage: the dashboard carries the section only when the
// report has Coverage.
func TestDashboardCoverage(t *testing.T) {
	r := dashReport()
	if strings.Contains(string(renderDashboard(t, r)), `id="coverage"`) {
		t.Error("coverage section without Report.Coverage")
	}
	share := 0.5
	r.Coverage = &analytics.Coverage{Quarter: r.Quarter, Techniques: 2, Covered: 1, Gaps: 1, Share: &share,
		GapList: []analytics.CoverageTechnique{{ID: "T1530", Name: "Data from Cloud Storage", Cases: 8}}}
	page := string(renderDashboard(t, r))
	i, j := strings.Index(page, `<section id="coverage"`), strings.Index(page, `<section id="quality"`)
	if i < 0 || j < i {
		t.Fatalf("coverage section missing or after data quality")
	}
	if !strings.Contains(page[i:j], "<td>T1530</td><td>Data from Cloud Storage</td><td class=\"num\">8</td><td>–</td>") || strings.Contains(page[i:j], "Coverage by platform") {
		t.Errorf("gap row missing in\n%s", page[i:j])
	}
}
