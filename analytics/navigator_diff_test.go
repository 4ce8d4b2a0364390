package analytics

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBuildDiffLayer(t *testing.T) {
	db := openSeeded(t, "UTC")
	ctx := context.Background()
	now := func() time.Time { return fixedNow }
	l, err := BuildDiffLayer(ctx, db, DiffOptions{From: "2023-Q4", To: "2024-Q1", Version: "v1.0.0", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	nl := checkLayer(t, db, l)
	t.Log("\n" + nl.Summary())
	// 2023-Q4 has P1 (T1566.002); 2024-Q1 has C1-C4 (C5 is excluded).
	scores := map[string]int{}
	for _, x := range l.Techniques {
		scores[x.TechniqueID] = x.Score
	}
	equal(t, "scores", scores, map[string]int{"T1059.001": 2, "T1566.001": 2, "T1078": 1, "T1190": 1, "T1486": 1, "T1566.002": 0})
	if l.Gradient.MinValue != -2 || l.Gradient.MaxValue != 2 || l.Gradient.Colors[1] != "#ffffff" || len(l.LegendItems) != 3 {
		t.Errorf("gradient: got %+v, legend %+v", l.Gradient, l.LegendItems)
	}
	if l.Name != "pir change in incidents 2023-Q4 to 2024-Q1" || l.Techniques[0].TechniqueID != "T1059.001" ||
		l.Techniques[0].Comment != "2023-Q4: none; 2024-Q1: 2 incidents: C1, C3; change +2 (new in 2024-Q1)" {
		t.Errorf("got %q, first %+v", l.Name, l.Techniques[0])
	}
	md := map[string]string{}
	for _, m := range nl.Metadata {
		md[m.Name] = m.Value
	}
	for name, value := range map[string]string{
		"new in 2024-Q1":                        "T1059.001, T1566.001, T1078, T1190, T1486",
		"unchanged":                             "T1566.002",
		"score":                                 "incidents in 2024-Q1 minus incidents in 2023-Q4",
		"not drawn: deprecated in ATT&CK v18.1": "T1064 Scripting (no replacement; 2023-Q4 none; 2024-Q1 1 incident: C4; change +1 (new in 2024-Q1))",
		"not drawn: revoked in ATT&CK v18.1":    "T1086 (drawn as its replacement T1059.001 PowerShell)",
	} {
		if md[name] != value {
			t.Errorf("metadata %q: got %q, want %q", name, md[name], value)
		}
	}

	// The other way round every technique went away.
	back, err := BuildDiffLayer(ctx, db, DiffOptions{From: "2024-Q1", To: "2023-Q4", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	checkLayer(t, db, back)
	for _, x := range back.Techniques {
		if x.Score != -scores[x.TechniqueID] {
			t.Errorf("%s: got %d backwards, %d forwards", x.TechniqueID, x.Score, scores[x.TechniqueID])
		}
	}
	if back.Techniques[len(back.Techniques)-1].TechniqueID != "T1566.001" || back.Techniques[0].TechniqueID != "T1566.002" {
		t.Errorf("order: got %+v", back.Techniques)
	}

	t.Run("ErrSameQuarter", func(t *testing.T) {
		if _, err := BuildDiffLayer(ctx, db, DiffOptions{From: "2024-Q1", To: "2024-Q1", Now: now}); !errors.Is(err, ErrSameQuarter) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("ErrFutureQuarter", func(t *testing.T) {
		if _, err := BuildDiffLayer(ctx, db, DiffOptions{From: "2024-Q1", To: "2024-Q3", Now: now}); !errors.Is(err, ErrFutureQuarter) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("ErrBadQuarter", func(t *testing.T) {
		if _, err := BuildDiffLayer(ctx, db, DiffOptions{From: "2024Q1", To: "2024-Q2", Now: now}); !errors.Is(err, ErrBadQuarter) {
			t.Errorf("got %v", err)
		}
	})
}

// TestDiffLayerMixed: rises, falls, new and gone techniques in one layer,
// with the gradient bounds set by the biggest change either way.
func TestDiffLayerMixed(t *testing.T) {
	db := openSeeded(t, "UTC")
	tech := func(id string, n int, status string) Technique {
		ids := []string{"A", "B", "C", "D", "E"}[:n]
		return Technique{ID: id, Cases: n, CaseIDs: ids, Status: status, Known: true}
	}
	from := []Technique{tech("T1190", 3, "active"), tech("T1078", 1, "active"), tech("T1064", 2, "deprecated"), tech("T1486", 1, "active")}
	to := []Technique{tech("T1190", 1, "active"), tech("T1078", 4, "active"), tech("T1566.001", 2, "active")}
	to[2].Parent = "T1566"
	l := DiffLayer(from, to, ATTACKInfo{Version: "v18.1"}, LayerInfo{First: "2024-Q1", Last: "2024-Q2", Cohort: "detection", TimeZone: "UTC", Version: "v1"})
	checkLayer(t, db, l)
	var got []string
	for _, x := range l.Techniques {
		got = append(got, x.TechniqueID+" "+signed(x.Score))
	}
	equal(t, "order", got, []string{"T1078 +3", "T1566.001 +2", "T1486 -1", "T1190 -2"})
	if l.Gradient.MinValue != -3 || l.Gradient.MaxValue != 3 {
		t.Errorf("gradient: got %+v", l.Gradient)
	}
	md := map[string]string{}
	for _, m := range l.Metadata {
		md[m.Name] = m.Value
	}
	equal(t, "groups", []string{md["new in 2024-Q2"], md["gone in 2024-Q2"], md["more incidents"], md["fewer incidents"]},
		[]string{"T1566.001", "T1486", "T1078", "T1190"})
	if d := md["not drawn: deprecated in ATT&CK v18.1"]; d != "T1064 (no replacement; 2024-Q1 2 incidents: A, B; 2024-Q2 none; change -2 (gone in 2024-Q2))" {
		t.Errorf("deprecated: got %q", d)
	}
}
