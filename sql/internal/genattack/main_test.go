package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pirhq/pir/internal/testenv"
)

func writeFixture(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var fixture = map[string]string{
	"SOURCE.md":          `- Source: https://github.com/mitre/cti @ 421deacb77191b38bdd1bf63268954e93da91365 ("ATT&CK v18.1 Enterprise", 2025-11-13).` + "\n",
	"LICENSE-ATTACK.txt": "ATT&CK\nLicense\n\n\"© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.\"\n",
	"enterprise-techniques.csv": `technique_id,name,tactics,is_subtechnique,deprecated_or_revoked,deprecated,revoked,platforms,stix_id,modified,object_version,revoked_by
T1059,Command and Scripting Interpreter,execution,false,false,false,false,Windows,x,m,1,
T1059.001,PowerShell,execution,true,false,false,false,Windows,x,m,1,
T1086,PowerShell,execution,false,true,false,true,Windows,x,m,1,T1099
T1099,Old's Name,execution;persistence,false,true,false,true,Windows,x,m,1,T1059.001
T1064,Scripting,defense-evasion;execution,false,true,true,false,Windows,x,m,1,
`,
	"enterprise-tactics.csv": `matrix_order,tactic_id,shortname,name,deprecated_or_revoked
2,TA0002,execution,Execution,false
1,TA0043,reconnaissance,Reconnaissance,false
`,
	"attack-v19-ids-not-in-v18.1.csv": `technique_id,name,is_subtechnique,seen_in,sigma_tag_count
T1685.001,Disable or Modify Windows Event Log,true,x,0
`,
}

func TestRun(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeFixture(t, src, fixture)
	sqlPath, licPath := filepath.Join(out, "catalogue.sql"), filepath.Join(out, "LICENSE")
	if err := run(src, sqlPath, licPath); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(sqlPath)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		"\n-- release: v18.1 https://github.com/mitre/cti @ 421deacb77191b38bdd1bf63268954e93da91365 (enterprise-attack)\n",
		"DELETE FROM attack_techniques;\nDELETE FROM attack_tactics;\nDELETE FROM attack_release;\n",
		"INSERT INTO attack_release (version, domain, release_date, source, notice) VALUES\n    ('v18.1', 'enterprise-attack', DATE '2025-11-13', 'https://github.com/mitre/cti @ 421deacb77191b38bdd1bf63268954e93da91365 (enterprise-attack)', '© 2025 The MITRE Corporation.",
		"    (1, 'reconnaissance', 'TA0043', 'Reconnaissance'),\n    (2, 'execution', 'TA0002', 'Execution');",
		// a revoked-by chain resolves to its end; quotes are doubled
		"('T1086', 'PowerShell', ['execution']::VARCHAR[], false, NULL, true, false, 'T1099', 'T1059.001', 'v18.1')",
		"('T1099', 'Old''s Name', ['execution', 'persistence']::VARCHAR[], false, NULL, true, false, 'T1059.001', 'T1059.001', 'v18.1')",
		"('T1059.001', 'PowerShell', ['execution']::VARCHAR[], true, 'T1059', false, false, NULL, 'T1059.001', 'v18.1')",
		"('T1064', 'Scripting', ['defense-evasion', 'execution']::VARCHAR[], false, NULL, false, true, NULL, 'T1064', 'v18.1')",
		"('T1685.001', 'Disable or Modify Windows Event Log', []::VARCHAR[], true, 'T1685', false, false, NULL, 'T1685.001', 'v19');",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if lic, _ := os.ReadFile(licPath); string(lic) != fixture["LICENSE-ATTACK.txt"] {
		t.Errorf("license copy: got %q", lic)
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, body string
	}{
		{"ErrDanglingRevokedBy", "enterprise-techniques.csv", "technique_id,name,tactics,is_subtechnique,deprecated,revoked,revoked_by\nT1086,P,execution,false,false,true,T1\n"},
		{"ErrBadID", "enterprise-techniques.csv", "technique_id,name,tactics,is_subtechnique,deprecated,revoked,revoked_by\nX1,P,execution,false,false,false,\n"},
		{"ErrMissingColumn", "enterprise-tactics.csv", "matrix_order,tactic_id\n1,TA0001\n"},
		{"ErrNoNotice", "LICENSE-ATTACK.txt", "no notice here\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			writeFixture(t, src, fixture)
			writeFixture(t, src, map[string]string{tc.file: tc.body})
			if err := run(src, filepath.Join(src, "out.sql"), filepath.Join(src, "LICENSE")); err == nil {
				t.Error("got nil, want an error")
			}
		})
	}
}

// update regenerates the committed catalogue: go test ./sql/internal/genattack -update
// (the same as go generate ./sql/). It never touches a migration.
var update = flag.Bool("update", false, "rewrite sql/attack/enterprise-attack.sql and sql/schema/LICENSE-ATTACK.txt")

// TestCommittedUpToDate regenerates the catalogue from the shared ATT&CK
// files, when this checkout has them, and compares it with the committed
// sql/attack/enterprise-attack.sql (a fresh clone without ../shared skips
// this, except in CI).
func TestCommittedUpToDate(t *testing.T) {
	src := filepath.Join("..", "..", "..", "..", "shared", "data", "attack")
	if _, err := os.Stat(filepath.Join(src, "enterprise-techniques.csv")); err != nil {
		testenv.Missing(t, "no ATT&CK source files at %s (CI has ../shared: this test must run there)", src)
	}
	catalogue := filepath.Join("..", "..", "attack", "enterprise-attack.sql")
	license := filepath.Join("..", "..", "schema", "LICENSE-ATTACK.txt")
	if *update {
		if err := run(src, catalogue, license); err != nil {
			t.Fatal(err)
		}
		return
	}
	out := t.TempDir()
	if err := run(src, filepath.Join(out, "catalogue.sql"), filepath.Join(out, "LICENSE")); err != nil {
		t.Fatal(err)
	}
	for gen, committed := range map[string]string{"catalogue.sql": catalogue, "LICENSE": license} {
		a, _ := os.ReadFile(filepath.Join(out, gen))
		b, err := os.ReadFile(committed)
		if err != nil || string(a) != string(b) {
			t.Errorf("%s is stale: run go generate ./sql/ (%v)", committed, err)
		}
	}
}
