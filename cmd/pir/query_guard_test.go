package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ingestExamples loads examples/cases.jsonl (400 cases) into a new
// database at path.
func ingestExamples(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", path, examplesCases(t)); code != 0 {
		t.Fatalf("ingest into %q: exit %d: %s", path, code, stderr)
	}
}

// TestQueryDBPathIsNotADSN: the --db path never reaches DuckDB as
// connection options. A path with '?' or '#' (a directory named "case#1"
// is enough) used to be pasted into the driver's DSN, where '#' cut off
// access_mode=read_only and enable_external_access=false, and '?' could add
// options of its own: `pir query --safe` then read any file. Such paths are
// a usage error now; spaces and non-ASCII names work as before.
func TestQueryDBPathIsNotADSN(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "pir.duckdb")
	ingestExamples(t, good)
	secret := filepath.Join(dir, "secret.csv")
	os.WriteFile(secret, []byte("v\nPIRSECRET\n"), 0o600)
	readSecret := "SELECT v FROM read_csv('" + secret + "')"

	// The files exist under these names, so nothing but the DSN is tested.
	hashDir := filepath.Join(dir, "case#1", "pir.duckdb")
	os.MkdirAll(filepath.Dir(hashDir), 0o755)
	copyFile(t, good, hashDir)
	copyFile(t, good, filepath.Join(dir, "x.duckdb"))
	for _, path := range []string{
		hashDir,
		filepath.Join(dir, "x.duckdb?enable_external_access=true"),
		filepath.Join(dir, "x.duckdb?enable_external_access=true#"),
	} {
		copyFile(t, good, path)
		for _, args := range [][]string{
			{"query", "--safe", "--db", path, readSecret},
			{"query", "--db", path, "DELETE FROM store.cases"},
		} {
			code, out, stderr := runPir(t, "", args...)
			if code != exitUsage || strings.Contains(out, "PIRSECRET") || !strings.Contains(stderr, "connection options") {
				t.Errorf("pir %q: exit %d, want %d and the path refused:\n%s%s", args, code, exitUsage, out, stderr)
			}
		}
		t.Run("Env", func(t *testing.T) {
			t.Setenv("PIR_DB", path)
			if code, out, stderr := runPir(t, "", "query", "--safe", readSecret); code != exitUsage || strings.Contains(out, "PIRSECRET") {
				t.Errorf("PIR_DB=%q: exit %d, want %d:\n%s%s", path, code, exitUsage, out, stderr)
			}
		})
		if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", path, examplesCases(t)); code != exitUsage {
			t.Errorf("ingest --db %q: exit %d, want %d: %s", path, code, exitUsage, stderr)
		}
	}
	if got := queryString(t, filepath.Join(dir, "x.duckdb"), "SELECT count(*) FROM store.cases"); got != "400" {
		t.Errorf("x.duckdb: %s cases, want 400", got)
	}

	// Ordinary names: spaces, quotes, '&', '=', '%41' and non-ASCII letters.
	for _, name := range []string{"my reviews/pir ünï 日本.duckdb", "it's a&b=c %41.duckdb"} {
		path := filepath.Join(dir, name)
		ingestExamples(t, path)
		if code, out, stderr := runPir(t, "", "query", "--format", "csv", "--db", path, "SELECT count(*) AS n FROM cases"); code != 0 || out != "n\n400\n" {
			t.Errorf("query --db %q: exit %d:\n%s%s", path, code, out, stderr)
		}
		if code, out, _ := runPir(t, "", "query", "--safe", "--db", path, readSecret); code != 1 || strings.Contains(out, "PIRSECRET") {
			t.Errorf("query --safe --db %q read an outside file: exit %d:\n%s", path, code, out)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
