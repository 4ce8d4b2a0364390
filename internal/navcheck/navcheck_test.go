package navcheck

import (
	"encoding/json"
	"strings"
	"testing"
)

var testCatalogue = &Catalogue{
	Domain: "enterprise-attack", Version: "18",
	Tactics: []string{"defense-evasion", "execution", "initial-access", "persistence"},
	Techniques: map[string]Technique{
		"T1059":     {ID: "T1059", Tactics: []string{"execution"}},
		"T1059.001": {ID: "T1059.001", Tactics: []string{"execution"}},
		"T1064":     {ID: "T1064", Tactics: []string{"defense-evasion", "execution"}, Deprecated: true},
		"T1086":     {ID: "T1086", Tactics: []string{"execution"}, Revoked: true},
		"T1078":     {ID: "T1078", Tactics: []string{"defense-evasion", "initial-access", "persistence"}},
	},
}

// valid is a layer following layerformat.md v4.5; each case below breaks
// one rule.
func valid() map[string]any {
	return map[string]any{
		"name":     "pir incidents 2024-Q1",
		"versions": map[string]any{"attack": "18", "navigator": "5.2.0", "layer": "4.5"},
		"domain":   "enterprise-attack",
		"sorting":  3,
		"layout":   map[string]any{"layout": "side", "aggregateFunction": "max", "expandedSubtechniques": "annotated", "showID": true},
		"techniques": []any{
			map[string]any{"techniqueID": "T1059.001", "score": 2, "comment": "2 incidents", "enabled": true,
				"metadata": []any{map[string]any{"name": "cases", "value": "C1, C3"}}},
			map[string]any{"techniqueID": "T1078", "score": 1, "tactic": "initial-access"},
		},
		"gradient":    map[string]any{"colors": []any{"#ffffff", "#d62728"}, "minValue": 0, "maxValue": 2},
		"legendItems": []any{map[string]any{"label": "more", "color": "#d62728"}},
		"metadata":    []any{map[string]any{"name": "quarters", "value": "2024-Q1"}, map[string]any{"divider": true}},
	}
}

func load(t *testing.T, m map[string]any) (*Layer, []string) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return Load(b, testCatalogue)
}

func TestLoadValid(t *testing.T) {
	l, probs := load(t, valid())
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	// T1059.001 without a tactic is drawn under its one tactic; T1078 only
	// under the tactic given.
	if len(l.Drawn) != 2 || l.Drawn[0].TechniqueID != "T1059.001" || l.Drawn[0].Tactic != "execution" || *l.Drawn[0].Score != 2 ||
		l.Drawn[1].TechniqueID != "T1078" || l.Drawn[1].Tactic != "initial-access" {
		t.Errorf("drawn: got %+v", l.Drawn)
	}
	if l.GradientMax != 2 || len(l.Metadata) != 1 || len(l.Legend) != 1 {
		t.Errorf("got %+v", l)
	}
	if s := l.Summary(); !strings.Contains(s, "T1059.001  score 2") || !strings.Contains(s, "metadata: quarters = 2024-Q1") {
		t.Errorf("summary:\n%s", s)
	}
	// A technique without a tactic is copied to every tactic it has.
	m := valid()
	m["techniques"] = []any{map[string]any{"techniqueID": "T1078", "score": 1}}
	if l, _ := load(t, m); len(l.Drawn) != 3 {
		t.Errorf("T1078 without tactic: got %d cells, want 3", len(l.Drawn))
	}
}

func TestLoadProblems(t *testing.T) {
	tech := func(t map[string]any) func(m map[string]any) {
		return func(m map[string]any) { m["techniques"] = []any{t} }
	}
	for _, c := range []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{"ErrNoName", func(m map[string]any) { delete(m, "name") }, "name: required"},
		{"ErrDomain", func(m map[string]any) { m["domain"] = "enterprise" }, "domain \"enterprise\""},
		{"ErrOtherDomain", func(m map[string]any) { m["domain"] = "mobile-attack" }, "invalid domain"},
		{"ErrAttackVersion", func(m map[string]any) { m["versions"].(map[string]any)["attack"] = "v17" }, "invalid domain"},
		{"ErrLayerVersion", func(m map[string]any) { m["versions"].(map[string]any)["layer"] = "4.4" }, "must be \"4.5\""},
		{"ErrNavigatorVersion", func(m map[string]any) { m["versions"].(map[string]any)["navigator"] = "4.8.2" }, "at least 4.9.0"},
		{"ErrNoVersions", func(m map[string]any) { delete(m, "versions") }, "versions: required"},
		{"ErrTechniqueID", tech(map[string]any{"techniqueID": "T159"}), "want T#### or T####.###"},
		{"ErrDeprecated", tech(map[string]any{"techniqueID": "T1064", "score": 1}), "deprecated"},
		{"ErrRevoked", tech(map[string]any{"techniqueID": "T1086", "score": 1}), "revoked"},
		{"ErrUnknown", tech(map[string]any{"techniqueID": "T9999", "score": 1}), "not in ATT&CK v18"},
		{"ErrTacticName", tech(map[string]any{"techniqueID": "T1078", "tactic": "Initial Access"}), "not a tactic shortname"},
		{"ErrTacticOfOther", tech(map[string]any{"techniqueID": "T1059.001", "tactic": "persistence"}), "is not a tactic of T1059.001"},
		{"ErrScoreString", tech(map[string]any{"techniqueID": "T1078", "score": "3"}), "is not a number"},
		{"ErrEmptyMetadata", tech(map[string]any{"techniqueID": "T1078", "metadata": []any{map[string]any{"name": "cases", "value": ""}}}), "non-empty"},
		{"ErrLayerMetadata", func(m map[string]any) { m["metadata"] = []any{map[string]any{"name": "note"}} }, "non-empty"},
		{"ErrDuplicate", func(m map[string]any) {
			m["techniques"] = []any{map[string]any{"techniqueID": "T1078"}, map[string]any{"techniqueID": "T1078", "tactic": "persistence"}}
		}, "replaces the first"},
		{"ErrGradientOrder", func(m map[string]any) {
			m["gradient"] = map[string]any{"colors": []any{"#fff", "#f00"}, "minValue": 2, "maxValue": 2}
		}, "must be > minValue"},
		{"ErrGradientColours", func(m map[string]any) {
			m["gradient"] = map[string]any{"colors": []any{"#fff"}, "minValue": 0, "maxValue": 2}
		}, "at least two colours"},
		{"ErrGradientColour", func(m map[string]any) {
			m["gradient"] = map[string]any{"colors": []any{"#fff", "reddish"}, "minValue": 0, "maxValue": 2}
		}, "not a colour"},
		{"ErrLayout", func(m map[string]any) { m["layout"].(map[string]any)["aggregateFunction"] = "median" }, "aggregateFunction"},
		{"ErrSorting", func(m map[string]any) { m["sorting"] = 4 }, "sorting"},
		{"ErrLegend", func(m map[string]any) { m["legendItems"] = []any{map[string]any{"label": "x"}} }, "legendItems[0].color: required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := valid()
			c.change(m)
			_, probs := load(t, m)
			if !strings.Contains(strings.Join(probs, "\n"), c.want) {
				t.Errorf("got problems %q, want one containing %q", probs, c.want)
			}
		})
	}
}
