package coverage

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPlatformOf(t *testing.T) {
	tests := []struct{ product, service, category, want string }{
		{"windows", "security", "", "windows"},
		{"Windows", "", "process_creation", "windows"},
		{"aws", "cloudtrail", "", "aws"},
		{"gcp", "gcp.audit", "", "gcp"},
		{"gcp", "google_workspace.admin", "", "google-workspace"},
		{"m365", "exchange", "", "m365"},
		{"cisco", "duo", "", "saas"},
		{"cisco", "aaa", "", "network"},
		{"", "", "firewall", "network"},
		{"", "apache", "webserver", AnyPlatform},
		{"", "", "application", AnyPlatform},
		{"esxi", "", "", "esxi"},
		{"amiga", "", "", ""},
		{"", "", "", ""},
	}
	for _, tc := range tests {
		if got := PlatformOf(tc.product, tc.service, tc.category); got != tc.want {
			t.Errorf("PlatformOf(%q, %q, %q) = %q, want %q", tc.product, tc.service, tc.category, got, tc.want)
		}
	}
	for _, tc := range []struct {
		rule      string
		platforms []string
		want      bool
	}{
		{"aws", []string{"esxi", "windows"}, false},
		{"windows", []string{"esxi", "windows"}, true},
		{AnyPlatform, []string{"esxi"}, true},
		{"", []string{"esxi"}, true},
		{"aws", nil, true},
	} {
		if got := ForPlatforms(tc.rule, tc.platforms); got != tc.want {
			t.Errorf("ForPlatforms(%q, %v) = %v, want %v", tc.rule, tc.platforms, got, tc.want)
		}
	}
}

// TestPlatformsOnSigmaHQ: on the SigmaHQ rules the project keeps in
// ../shared/data/sigma, ransomware (T1486) on ESXi is not covered by the
// AWS rules tagged with it, and Kerberoasting (T1558.003) on Windows is
// covered by a Windows rule.
func TestPlatformsOnSigmaHQ(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "sigma", "rules")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the SigmaHQ rules are missing in CI: %v", err)
		}
		t.Skipf("no SigmaHQ rules at %s", dir)
	}
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix := set.Index(nil)
	covered := func(id string, platforms ...string) (bool, []string) {
		var hit bool
		var seen []string
		for _, i := range ix.Match(id).Exact {
			r := ix.Rule(i)
			seen = append(seen, r.Platform+": "+r.Title)
			if ForPlatforms(r.Platform, platforms) {
				hit = true
			}
		}
		return hit, seen
	}
	if ok, rules := covered("T1486", "esxi"); ok || len(rules) == 0 {
		t.Errorf("T1486 on esxi: covered %v by %v, want not covered by the (AWS) rules tagged with it", ok, rules)
	}
	if ok, rules := covered("T1558.003", "windows"); !ok {
		t.Errorf("T1558.003 on windows: not covered by %v", rules)
	}
	if ok, _ := covered("T1558.003", "linux"); ok {
		t.Errorf("T1558.003 on linux: covered, want no Linux rule")
	}
}
