package analytics

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/pirhq/pir/coverage"
)

// Coverage of 2024-Q1 in testdata/metrics/seed.sql (C5, an exercise, left
// out), worked by hand. The quarter's techniques and cases:
//
//	T1059.001 2 (C1; C3 as revoked T1086)   T1566.001 2 (C2, C3)
//	T1190, T1486, T1566.002, T1078, T9999 (unknown), T1685 (newer), T1064: 1
//
// Rules: T1190 covers T1190; revoked T1086 counts as T1059.001 and covers
// it; the parent T1566 is only related to T1566.001 and T1566.002;
// T1078.004 is related to its parent T1078; T1685.002 to T1685.
// So 2 of 9 covered (22.22%), 4 related, 7 gaps. 2023-Q4 has one
// technique, T1566.002: related, not covered (0%).
func TestBuildCoverage(t *testing.T) {
	ctx := context.Background()
	db := openSeeded(t, "UTC")
	set := &coverage.RuleSet{Files: 6, Rules: []coverage.Rule{
		{Path: "a.yml", Title: "Web exploit", Author: "A", Status: "test", Techniques: []string{"T1190"}},
		{Path: "b.yml", Title: "Phish parent", Status: "stable", Techniques: []string{"T1566"}},
		{Path: "c.yml", Title: "Old PowerShell", Techniques: []string{"T1086"}},
		{Path: "d.yml", Title: "Cloud accounts", Techniques: []string{"T1078.004"}},
		{Path: "e.yml", Title: "Disable logging", Techniques: []string{"T1685.002"}},
		{Path: "f.yml", Title: "No tags", Techniques: []string{}},
	}, Inactive: []coverage.Rule{{Path: "old.yml", Title: "Old", Status: "deprecated", Techniques: []string{"T1486"}}}}
	c, err := BuildCoverage(ctx, db, set, CoverageOptions{Quarter: "2024-Q1", Quarters: 4, Now: func() time.Time { return fixedNow }, RulesDir: "rules"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		if c.Techniques != 9 || c.Covered != 2 || c.Gaps != 7 || c.Related != 4 || c.Share == nil || *c.Share != 0.2222 {
			t.Errorf("counts: got %d techniques, %d covered, %d gaps, %d related, share %v", c.Techniques, c.Covered, c.Gaps, c.Related, deref(c.Share))
		}
		if c.Rules != 6 || c.RulesWithTechniques != 5 || c.RuleTechniques != 5 || len(c.Inactive) != 1 {
			t.Errorf("rules: got %d rules, %d with techniques, %d techniques, %d inactive", c.Rules, c.RulesWithTechniques, c.RuleTechniques, len(c.Inactive))
		}
		ids := func(l []CoverageTechnique) []string {
			var out []string
			for _, x := range l {
				out = append(out, x.ID)
			}
			return out
		}
		if got, want := ids(c.GapList), []string{"T1566.001", "T1064", "T1078", "T1486", "T1566.002", "T1685", "T9999"}; !reflect.DeepEqual(got, want) {
			t.Errorf("gaps: got %v, want %v", got, want)
		}
		if got, want := ids(c.CoveredList), []string{"T1059.001", "T1190"}; !reflect.DeepEqual(got, want) {
			t.Errorf("covered: got %v, want %v", got, want)
		}
		ps := c.CoveredList[0]
		if ps.Cases != 2 || !reflect.DeepEqual(ps.CaseIDs, []string{"C1", "C3"}) || len(ps.Rules) != 1 || ps.Rules[0].Technique != "T1086" || ps.Rules[0].Title != "Old PowerShell" {
			t.Errorf("T1059.001: got %+v", ps)
		}
		rel := map[string]string{}
		for _, g := range c.GapList {
			for _, r := range g.Related {
				rel[g.ID] += r.Path + ":" + r.Technique
			}
		}
		want := map[string]string{"T1566.001": "b.yml:T1566", "T1566.002": "b.yml:T1566", "T1078": "d.yml:T1078.004", "T1685": "e.yml:T1685.002"}
		if !reflect.DeepEqual(rel, want) {
			t.Errorf("related: got %v, want %v", rel, want)
		}
	})
	t.Run("Trend", func(t *testing.T) {
		var got []string
		for _, s := range c.Trend {
			b, _ := json.Marshal(s)
			got = append(got, string(b))
		}
		want := []string{
			`{"quarter":"2023-Q2","techniques":0,"covered":0,"related":0,"share":null}`,
			`{"quarter":"2023-Q3","techniques":0,"covered":0,"related":0,"share":null}`,
			`{"quarter":"2023-Q4","techniques":1,"covered":0,"related":1,"share":0}`,
			`{"quarter":"2024-Q1","techniques":9,"covered":2,"related":4,"share":0.2222}`,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
	t.Run("Layer", func(t *testing.T) {
		l := CoverageLayer(c)
		scores := map[string]int{}
		for _, x := range l.Techniques {
			scores[x.TechniqueID] = x.Score
		}
		// T9999 (unknown), T1685 (newer than v18.1) and T1064 (deprecated)
		// are not drawn by the Navigator: they are named in the metadata.
		want := map[string]int{"T1059.001": 2, "T1190": 2, "T1566.001": 1, "T1566.002": 1, "T1078": 1, "T1486": 0}
		if !reflect.DeepEqual(scores, want) {
			t.Errorf("scores: got %v, want %v", scores, want)
		}
		nl := checkLayer(t, db, l)
		md := map[string]string{}
		for _, m := range nl.Metadata {
			md[m.Name] = m.Value
		}
		if got := md["not drawn: deprecated in ATT&CK v18.1"]; got != "T1064 Scripting (no replacement; gap; 1 case: C4)" {
			t.Errorf("deprecated metadata: got %q", got)
		}
		if l.Versions.Layer != "4.5" || l.Domain != "enterprise-attack" || l.Gradient.MaxValue != 2 || len(l.LegendItems) != 3 {
			t.Errorf("layer: got %+v", l)
		}
	})
	t.Run("NoRules", func(t *testing.T) {
		c, err := BuildCoverage(ctx, db, &coverage.RuleSet{}, CoverageOptions{Quarter: "2024-Q1", Quarters: 1, Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		if c.Covered != 0 || c.Gaps != 9 || *c.Share != 0 {
			t.Errorf("got %+v", c)
		}
	})
}
