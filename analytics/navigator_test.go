package analytics

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/internal/navcheck"
	pirsql "github.com/pirhq/pir/sql"
)

func TestBuildLayer(t *testing.T) {
	db := openSeeded(t, "UTC")
	l, err := BuildLayer(context.Background(), db, LayerOptions{Quarter: "2024-Q1", Quarters: 2, Version: "v1.0.0",
		Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	nl := checkLayer(t, db, l)
	t.Log("\n" + nl.Summary())
	if l.Name != "pir incidents 2023-Q4 to 2024-Q1" || l.Versions.Attack != "18" {
		t.Errorf("name/versions: got %q %+v", l.Name, l.Versions)
	}
	// 2023-Q4 adds P1 (T1566.002) to C2: score 2 for the link sub-technique.
	// T1064 (deprecated), T1685 (ATT&CK v19) and T9999 are not drawn.
	scores := map[string]int{}
	for _, tq := range l.Techniques {
		scores[tq.TechniqueID] = tq.Score
	}
	want := map[string]int{"T1059.001": 2, "T1566.001": 2, "T1566.002": 2, "T1078": 1, "T1190": 1, "T1486": 1}
	equal(t, "scores", scores, want)
	// What the Navigator draws: each technique under each of its tactics
	// (T1078 Valid Accounts under four), with the same scores.
	drawnScores := map[string]int{}
	for _, c := range nl.Drawn {
		drawnScores[c.TechniqueID] = int(*c.Score)
		if c.TechniqueID == "T1078" {
			drawnScores["T1078 tactics"]++
		}
	}
	want["T1078 tactics"] = 4
	equal(t, "drawn", drawnScores, want)
	if l.Gradient.MinValue != 0 || l.Gradient.MaxValue != 2 {
		t.Errorf("gradient: got %+v", l.Gradient)
	}
	ps := l.Techniques[0]
	if ps.TechniqueID != "T1059.001" || ps.Comment != "2 incidents: C1, C3" ||
		!reflectEqual(ps.Metadata, []LayerMetadata{{"cases", "C1, C3"}, {"recorded as (revoked)", "T1086"}}) {
		t.Errorf("T1059.001: got %+v", ps)
	}
	// Every technique not drawn is named, with its cases and replacement.
	md := map[string]string{}
	for _, m := range nl.Metadata {
		md[m.Name] = m.Value
	}
	for name, value := range map[string]string{
		"not drawn: deprecated in ATT&CK v18.1": "T1064 Scripting (no replacement; 1 case: C4)",
		"not drawn: revoked in ATT&CK v18.1":    "T1086 (drawn as its replacement T1059.001 PowerShell)",
		"not in ATT&CK v18.1 (not drawn)":       "T1685 Disable or Modify Tools (1 case: C4); T9999 (1 case: C3)",
	} {
		if md[name] != value {
			t.Errorf("metadata %q: got %q, want %q", name, md[name], value)
		}
	}
	if !strings.Contains(l.Description, "© 2025 The MITRE Corporation") {
		t.Errorf("description lacks MITRE's notice: %s", l.Description)
	}
}

func TestNavigatorLayerEmpty(t *testing.T) {
	db := openSeeded(t, "UTC")
	l := NavigatorLayer(nil, ATTACKInfo{Version: "v18.1"}, LayerInfo{First: "2024-Q1", Last: "2024-Q1", Cohort: "detection", TimeZone: "UTC", Version: "v1"})
	checkLayer(t, db, l)
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

// checkLayer loads the layer with the Navigator's rules (package navcheck,
// with the ATT&CK data of db's catalogue) and fails on every problem: what
// the Navigator would drop, skip or refuse. It returns what it draws.
func checkLayer(t *testing.T, db *pirsql.DB, l *Layer) *navcheck.Layer {
	t.Helper()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := db.AttackTechniques(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nl, probs := navcheck.Load(b, navcheck.NewCatalogue(ts))
	for _, p := range probs {
		t.Errorf("Navigator: %s", p)
	}
	if nl == nil {
		t.FailNow()
	}
	return nl
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
