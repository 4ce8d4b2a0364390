package coverage

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pirhq/pir/internal/testenv"
)

func TestTechniqueFromTag(t *testing.T) {
	for _, c := range []struct {
		tag, want string
		ok        bool
	}{
		{"attack.t1558.003", "T1558.003", true},
		{"attack.T1110", "T1110", true},
		{" ATTACK.t1078 ", "T1078", true},
		{"attack.credential-access", "", false},
		{"attack.g0016", "", false},
		{"attack.s0002", "", false},
		{"attack.t12", "", false},
		{"attack.t1558.03", "", false},
		{"attack.t1558.0031", "", false},
		{"cve.2021-44228", "", false},
	} {
		got, ok := TechniqueFromTag(c.tag)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got %q %v, want %q %v", c.tag, got, ok, c.want, c.ok)
		}
	}
}

func TestLoad(t *testing.T) {
	set, err := Load(testenv.SigmaRules(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		// 13 SigmaHQ rules + parent_only + no_techniques are usable.
		if len(set.Rules) != 15 || set.Files != 22 {
			t.Errorf("got %d rules from %d files, want 15 from 22", len(set.Rules), set.Files)
		}
		byTitle := map[string]Rule{}
		for _, r := range set.Rules {
			byTitle[r.Title] = r
		}
		rc4 := byTitle["Suspicious Kerberos RC4 Ticket Encryption"]
		want := Rule{
			Path: "sigmahq/windows/builtin/security/win_security_susp_rc4_kerberos.yml",
			ID:   "496a0e47-0a33-4dca-b009-9e6ca3591f39", Title: "Suspicious Kerberos RC4 Ticket Encryption",
			Status: "test", Author: "Florian Roth (Nextron Systems)", Date: "2017-02-06", Level: "medium",
			Techniques: []string{"T1558.003"}, Platform: "windows",
		}
		if !reflect.DeepEqual(rc4, want) {
			t.Errorf("got %+v, want %+v", rc4, want)
		}
		if got := byTitle["Failed Logon From Public IP"].Techniques; !reflect.DeepEqual(got, []string{"T1078", "T1190", "T1133"}) {
			t.Errorf("tag order: got %v", got)
		}
		if got := byTitle["Tactic Tag Only (pir fixture)"].Techniques; len(got) != 0 || got == nil {
			t.Errorf("no techniques: got %#v, want empty list", got)
		}
	})
	t.Run("Inactive", func(t *testing.T) {
		var got []string
		for _, r := range set.Inactive {
			got = append(got, r.Path+" "+r.Status)
		}
		want := []string{"fixtures/deprecated.yml deprecated", "fixtures/unsupported.yml unsupported"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		got := map[string]string{}
		for _, p := range set.Invalid {
			got[p.Path] = p.Error
		}
		want := map[string]string{
			"fixtures/invalid/bad_status.yml":   `status "production": want one of stable, test, experimental, deprecated, unsupported`,
			"fixtures/invalid/empty.yml":        "empty file",
			"fixtures/invalid/list.yml":         "not a Sigma rule (want a YAML mapping with title, logsource and detection)",
			"fixtures/invalid/no_detection.yml": "no detection section",
			"fixtures/invalid/not_yaml.yml":     "yaml: line 1: did not find expected ',' or ']'",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
	t.Run("ErrNoRulesDir", func(t *testing.T) {
		if _, err := Load(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, ErrNoRulesDir) {
			t.Errorf("got %v, want ErrNoRulesDir", err)
		}
	})
}

func TestParse(t *testing.T) {
	t.Run("MultiDocument", func(t *testing.T) {
		src := "title: A\nlogsource: {product: windows}\ndetection: {s: {EventID: 1}, condition: s}\ntags: [attack.t1003.001, attack.T1003.001]\n---\n" +
			"title: B\ncorrelation: {type: event_count, rules: [a]}\ntags: [attack.t1110]\n"
		rules, err := Parse("x.yml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) != 2 || rules[1].Doc != 1 || !reflect.DeepEqual(rules[0].Techniques, []string{"T1003.001"}) || rules[1].Techniques[0] != "T1110" {
			t.Errorf("got %+v", rules)
		}
	})
	t.Run("ErrWrongType", func(t *testing.T) {
		_, err := Parse("x.yml", []byte("title: [a, b]\nlogsource: {}\ndetection: {}\n"))
		if err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("got %v, want a type error naming line 1", err)
		}
	})
	t.Run("ErrSecondDocument", func(t *testing.T) {
		_, err := Parse("x.yml", []byte("title: A\nlogsource: {}\ndetection: {}\n---\nfoo: bar\n"))
		if err == nil || !strings.HasPrefix(err.Error(), "document 2: no title") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		dir := t.TempDir()
		big := "title: big\nlogsource: {}\ndetection: {}\ndescription: " + strings.Repeat("x", MaxRuleSize) + "\n"
		if err := os.WriteFile(filepath.Join(dir, "big.yml"), []byte(big), 0o644); err != nil {
			t.Fatal(err)
		}
		set, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Invalid) != 1 || !strings.Contains(set.Invalid[0].Error, "larger than") {
			t.Errorf("got %+v", set.Invalid)
		}
	})
}

func TestMatch(t *testing.T) {
	set := &RuleSet{Rules: []Rule{
		{Path: "a.yml", Techniques: []string{"T1078"}},              // 0: parent only
		{Path: "b.yml", Techniques: []string{"T1078.004"}},          // 1: sub-technique
		{Path: "c.yml", Techniques: []string{"T1558.003", "T1086"}}, // 2: and a revoked ID
		{Path: "d.yml", Techniques: []string{"T1078.004", "T1078"}}, // 3: both
	}}
	revoked := map[string]string{"T1086": "T1059.001"}
	ix := set.Index(func(id string) string {
		if r, ok := revoked[id]; ok {
			return r
		}
		return id
	})
	for _, c := range []struct {
		id      string
		want    Match
		covered bool
		related bool
	}{
		// A rule for the sub-technique covers it; a parent rule is related only.
		{"T1078.004", Match{Exact: []int{1, 3}, Parent: []int{0, 3}}, true, false},
		// A sibling sub-technique: only the parent rules are related.
		{"T1078.002", Match{Parent: []int{0, 3}}, false, true},
		// The parent: its own rules cover it; sub-technique rules are related.
		{"T1078", Match{Exact: []int{0, 3}, Sub: []int{1, 3}}, true, false},
		{"T1558", Match{Sub: []int{2}}, false, true},
		{"T1059.001", Match{Exact: []int{2}}, true, false},
		{"T1190", Match{}, false, false},
	} {
		got := ix.Match(c.id)
		norm := func(m Match) Match {
			for _, l := range []*[]int{&m.Exact, &m.Parent, &m.Sub} {
				if len(*l) == 0 {
					*l = nil
				}
			}
			return m
		}
		if !reflect.DeepEqual(norm(got), c.want) || got.Covered() != c.covered || got.Related() != c.related {
			t.Errorf("%s: got %+v (covered %v, related %v), want %+v", c.id, got, got.Covered(), got.Related(), c.want)
		}
	}
	if got := ix.Techniques(); !reflect.DeepEqual(got, []string{"T1059.001", "T1078", "T1078.004", "T1558.003"}) {
		t.Errorf("techniques: got %v", got)
	}
}

var techniqueID = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// FuzzParse: any input either fails cleanly or gives rules with a title and
// well-formed technique IDs.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"../examples/rules/windows/builtin/security", "../testdata/sigma/fixtures", "../testdata/sigma/fixtures/invalid"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && !e.IsDir() {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("title: &a [*a]\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := Parse("f.yml", data)
		if err != nil {
			if rules != nil {
				t.Fatalf("rules with an error: %v", rules)
			}
			return
		}
		for _, r := range rules {
			if r.Title == "" {
				t.Fatalf("rule without title: %+v", r)
			}
			for _, id := range r.Techniques {
				if !techniqueID.MatchString(id) {
					t.Fatalf("bad technique ID %q", id)
				}
			}
		}
	})
}
