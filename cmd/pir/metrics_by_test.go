package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMetricsBy: pir metrics --by prints what the view quarterly_metrics_by
// holds, with the same config (threshold) seen by both.
func TestMetricsBy(t *testing.T) {
	db := sampleDB(t)
	cfg := filepath.Join(t.TempDir(), "pir.toml")
	if err := os.WriteFile(cfg, []byte("slice_min_cases = 40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"Default", nil},
		{"Config", []string{"--config", cfg}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runPir(t, "", append([]string{"metrics", "--db", db, "--quarter", "2025-Q4", "--by", "team", "--format", "csv"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			code, view, errs := runPir(t, "", append([]string{"query", "--db", db, "--format", "csv"}, append(tc.args,
				`SELECT * FROM quarterly_metrics_by WHERE dimension = 'team' AND quarter BETWEEN '2024-Q1' AND '2025-Q4'`)...)...)
			if code != 0 {
				t.Fatalf("query exit %d: %s", code, errs)
			}
			// key (value, quarter, metric) -> "n median": the CLI fills quarters
			// without a counted case with n 0 rows the view does not have;
			// pir query prints 6 significant digits.
			rows := func(csv string, skipEmpty bool) map[string]string {
				m := map[string]string{}
				for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
					f := strings.Split(line, ",")
					if skipEmpty && f[4] == "0" {
						continue
					}
					med := ""
					if v, err := strconv.ParseFloat(f[6], 64); err == nil {
						med = strconv.FormatFloat(v, 'f', 2, 64)
					}
					m[f[1]+" "+f[2]+" "+f[3]] = f[4] + " " + med
				}
				return m
			}
			got, want := rows(out, true), rows(view, false)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("got %d rows with cases, the view %d", len(got), len(want))
			}
			others := 0
			for k, g := range got {
				if want[k] != g {
					t.Errorf("%s: got %q, quarterly_metrics_by %q", k, g, want[k])
				}
				if strings.HasPrefix(k, "other ") {
					others++
				}
			}
			if tc.name == "Config" && others == 0 {
				t.Error("slice_min_cases = 40 pooled no team as other")
			}
		})
	}
	t.Run("ErrDimension", func(t *testing.T) {
		code, _, errs := runPir(t, "", "metrics", "--db", db, "--by", "owner")
		if code != 2 || !strings.Contains(errs, "want one of severity, category, team") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
	t.Run("Table", func(t *testing.T) {
		code, out, errs := runPir(t, "", "metrics", "--db", db, "--quarter", "2025-Q4", "--by", "detection_source")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, want := range []string{"by detected by", "Internal", "Time to contain (MTTC)", "quarterly_metrics_by"} {
			if !strings.Contains(out, want) {
				t.Errorf("table lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestConfigTenantReports(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"ErrNoTenant", "[[report]]\nname = \"a\"\n", "report 1: tenant is required"},
		{"ErrName", "[[report]]\ntenant = \"../etc\"\n", `name "../etc"`},
		{"ErrDuplicate", "[[report]]\ntenant = \"a\"\n[[report]]\ntenant = \"b\"\nname = \"a\"\n", `name "a" is also report 1's`},
		{"ErrAllTenantsAlone", "all_tenants_report = true\n", "all_tenants_report needs [[report]]"},
		{"ErrThreshold", "slice_min_cases = -1\n", "slice_min_cases -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "pir.toml")
			if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadConfig(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("Defaults", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "pir.toml")
		os.WriteFile(p, []byte("marking = \"TLP:GREEN\"\n[[report]]\ntenant = \"acme\"\n"), 0o644)
		cfg, err := loadConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		r := cfg.Reports[0]
		if r.Name != "acme" || r.Organisation != "acme" || r.Marking != "TLP:GREEN" || cfg.allCases() {
			t.Errorf("got %+v, all cases %v", r, cfg.allCases())
		}
	})
}
