package analytics

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestBuildLayer(t *testing.T) {
	db := openSeeded(t, "UTC")
	l, err := BuildLayer(context.Background(), db, LayerOptions{Quarter: "2024-Q1", Quarters: 2, Version: "v1.0.0",
		Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	checkLayerFormat(t, l)
	if l.Name != "pir incidents 2023-Q4 to 2024-Q1" || l.Versions.Attack != "18" {
		t.Errorf("name/versions: got %q %+v", l.Name, l.Versions)
	}
	// 2023-Q4 adds P1 (T1566.002) to C2: score 2 for the link sub-technique.
	scores := map[string]int{}
	for _, tq := range l.Techniques {
		scores[tq.TechniqueID] = tq.Score
	}
	want := map[string]int{"T1059.001": 2, "T1566.001": 2, "T1566.002": 2, "T1064": 1, "T1078": 1, "T1190": 1, "T1486": 1}
	equal(t, "scores", scores, want)
	if l.Gradient.MinValue != 0 || l.Gradient.MaxValue != 2 {
		t.Errorf("gradient: got %+v", l.Gradient)
	}
	ps := l.Techniques[0]
	if ps.TechniqueID != "T1059.001" || ps.Comment != "2 incidents: C1, C3" ||
		!reflectEqual(ps.Metadata, []LayerMetadata{{"cases", "C1, C3"}, {"recorded as (revoked)", "T1086"}}) {
		t.Errorf("T1059.001: got %+v", ps)
	}
	last := l.Metadata[len(l.Metadata)-1]
	if last.Name != "not in ATT&CK v18.1 (not drawn)" ||
		last.Value != "T1685 Disable or Modify Tools (1 case: C4); T9999 (1 case: C3)" {
		t.Errorf("outside metadata: got %+v", last)
	}
	if !strings.Contains(l.Description, "© 2025 The MITRE Corporation") {
		t.Errorf("description lacks MITRE's notice: %s", l.Description)
	}
}

func TestNavigatorLayerEmpty(t *testing.T) {
	l := NavigatorLayer(nil, ATTACKInfo{Version: "v18.1"}, LayerInfo{First: "2024-Q1", Last: "2024-Q1", Cohort: "detection", TimeZone: "UTC"})
	checkLayerFormat(t, l)
	if l.Name != "pir incidents 2024-Q1" || len(l.Techniques) != 0 || l.Gradient.MaxValue != 1 {
		t.Errorf("got %+v", l)
	}
	// Parents of scored sub-techniques are opened.
	l = NavigatorLayer([]Technique{{ID: "T1566", Cases: 1, Status: "active", CaseIDs: []string{"A"}},
		{ID: "T1566.001", Parent: "T1566", Cases: 3, Status: "active", CaseIDs: []string{"A", "B", "C"}}},
		ATTACKInfo{Version: "v18.1"}, LayerInfo{First: "2024-Q1", Last: "2024-Q1"})
	if !l.Techniques[0].ShowSubtechniques || l.Techniques[1].ShowSubtechniques || l.Gradient.MaxValue != 3 {
		t.Errorf("got %+v", l.Techniques)
	}
}

// checkLayerFormat checks what the v4.5 layer format requires, through the
// JSON the Navigator reads.
func checkLayerFormat(t *testing.T, l *Layer) {
	t.Helper()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if name, _ := m["name"].(string); name == "" {
		t.Errorf("name is required")
	}
	if m["domain"] != "enterprise-attack" {
		t.Errorf("domain: got %v", m["domain"])
	}
	v, _ := m["versions"].(map[string]any)
	if v["layer"] != "4.5" || v["navigator"] == nil || v["navigator"].(string) < "4.9.0" {
		t.Errorf("versions: got %v", v)
	}
	g, _ := m["gradient"].(map[string]any)
	colors, _ := g["colors"].([]any)
	if len(colors) < 2 || g["maxValue"].(float64) <= g["minValue"].(float64) {
		t.Errorf("gradient: got %v", g)
	}
	id := regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	techs, _ := m["techniques"].([]any)
	for _, x := range techs {
		tq := x.(map[string]any)
		if !id.MatchString(tq["techniqueID"].(string)) {
			t.Errorf("techniqueID: got %v", tq["techniqueID"])
		}
		if _, ok := tq["score"].(float64); !ok {
			t.Errorf("score: got %v", tq["score"])
		}
		for _, md := range tq["metadata"].([]any) {
			if mm := md.(map[string]any); mm["name"] == "" || mm["value"] == nil {
				t.Errorf("metadata: got %v", mm)
			}
		}
	}
}

func reflectEqual(a, b []LayerMetadata) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
