package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestCLISampleTenants: --tenants spreads the cases over the named clients,
// the first the largest, and changes nothing else in the cases.
func TestCLISampleTenants(t *testing.T) {
	code, plain, errs := runPir(t, "", "sample", "--cases", "120", "--seed", "3")
	if code != 0 {
		t.Fatalf("sample: exit %d: %s", code, errs)
	}
	code, out, errs := runPir(t, "", "sample", "--cases", "120", "--seed", "3", "--tenants", "acme, globex")
	if code != 0 {
		t.Fatalf("sample --tenants: exit %d: %s", code, errs)
	}
	tenant := regexp.MustCompile(`,"tenant":"([^"]*)"`)
	counts := map[string]int{}
	for _, m := range tenant.FindAllStringSubmatch(out, -1) {
		counts[m[1]]++
	}
	if counts["acme"]+counts["globex"] != 120 || len(counts) != 2 || counts["acme"] <= counts["globex"] || counts["globex"] < 20 {
		t.Errorf("tenants: got %v, want 120 cases over acme and globex, acme the larger", counts)
	}
	if strings.Contains(plain, `"tenant"`) {
		t.Error("without --tenants a case has a tenant")
	}
	if got := tenant.ReplaceAllString(out, ""); got != plain {
		t.Error("with the tenant removed, the cases differ from those without --tenants")
	}
	for _, tc := range []struct{ flag, want string }{
		{"acme,,globex", `tenant "": want a name`},
		{"acme,acme", `tenant "acme": given twice`},
	} {
		code, _, errs := runPir(t, "", "sample", "--cases", "5", "--tenants", tc.flag)
		if code != 2 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "Try: ") {
			t.Errorf("--tenants %q: exit %d, stderr %q, want 2 and %q", tc.flag, code, errs, tc.want)
		}
	}
}
