package display

import "testing"

// TestTechniqueCount: a parent technique's count names its sub-techniques
// only when they are in it, so the summary's 19 for T1078 is not read as
// the technique table's 10.
func TestTechniqueCount(t *testing.T) {
	for _, c := range []struct {
		name, id string
		cases    int
		subs     bool
		want     string
	}{
		{"Valid Accounts", "T1078", 19, true, "Valid Accounts (T1078 with its sub-techniques, 19 cases)"},
		{"Phishing", "T1566", 1, false, "Phishing (T1566, 1 case)"},
		{"", "T9999", 2, false, "T9999 (2 cases)"},
	} {
		if got := TechniqueCount(c.name, c.id, c.cases, c.subs); got != c.want {
			t.Errorf("TechniqueCount(%q, %q, %d, %v): got %q, want %q", c.name, c.id, c.cases, c.subs, got, c.want)
		}
	}
}
