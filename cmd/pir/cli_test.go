package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runPir runs the CLI in-process, as main does, and returns exit code,
// stdout and stderr.
func runPir(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"pir"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeTemp(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const cliCases = `{"id":"NY-1","title":"Late night phish","severity":"high","category":"Phishing","timeline":{"detection":"2024-03-31 23:30","containment":"2024-04-01 01:30"},"techniques":["T1566.001"]}
{"id":"NY-2","title":"Pipe | and \"quotes\"","severity":"low","timeline":{"detection":"2024-02-10T12:00:00Z"}}
`

func TestCLIIngestAndQuery(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pir.duckdb")
	in := writeTemp(t, "cases.jsonl", cliCases)

	code, out, errs := runPir(t, "", "ingest", "--db", db, "--tz", "America/New_York", in)
	if code != 0 {
		t.Fatalf("ingest: exit %d, stderr %s", code, errs)
	}
	if !strings.HasPrefix(out, in+": format pir, 2 records\ningested 1 file(s): 2 inserted, 0 updated, 0 unchanged, 0 rejected") {
		t.Errorf("summary: got %q", out)
	}
	code, out, _ = runPir(t, "", "ingest", "--db", db, "--tz", "America/New_York", in)
	if code != 0 || !strings.Contains(out, "0 inserted, 0 updated, 2 unchanged") {
		t.Errorf("re-ingest: exit %d, %q", code, out)
	}

	// A case detected 23:30 on 31 March in New York is Q1 there, Q2 in UTC.
	q := "SELECT case_id, quarter FROM cases WHERE case_id = 'NY-1'"
	_, out, _ = runPir(t, "", "query", "--db", db, "--format", "csv", "--tz", "America/New_York", q)
	if out != "case_id,quarter\nNY-1,2024-Q1\n" {
		t.Errorf("New York quarter: got %q", out)
	}
	_, out, _ = runPir(t, "", "query", "--db", db, "--format", "csv", q)
	if out != "case_id,quarter\nNY-1,2024-Q2\n" {
		t.Errorf("UTC quarter: got %q", out)
	}

	t.Run("Formats", func(t *testing.T) {
		sql := "SELECT case_id, title, severity, detected_at FROM cases ORDER BY case_id"
		code, out, errs := runPir(t, "", "query", "--db", db, "--format", "csv", sql)
		if code != 0 {
			t.Fatal(errs)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("csv does not parse: %v\n%s", err, out)
		}
		want := [][]string{{"case_id", "title", "severity", "detected_at"},
			{"NY-1", "Late night phish", "high", "2024-04-01T03:30:00Z"},
			{"NY-2", `Pipe | and "quotes"`, "low", "2024-02-10T12:00:00Z"}}
		if !equalRecords(recs, want) {
			t.Errorf("csv: got %q, want %q", recs, want)
		}

		_, out, _ = runPir(t, "", "query", "--db", db, "--format", "json", sql)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("json does not parse: %v\n%s", err, out)
		}
		if len(rows) != 2 || rows[1]["title"] != `Pipe | and "quotes"` || rows[0]["detected_at"] != "2024-04-01T03:30:00Z" {
			t.Errorf("json: got %v", rows)
		}
		if i, j := strings.Index(out, `"case_id"`), strings.Index(out, `"title"`); i < 0 || j < i {
			t.Errorf("json keys not in column order: %s", out)
		}

		_, out, _ = runPir(t, "", "query", "--db", db, "--format", "markdown", sql)
		wantMD := "| case_id | title | severity | detected_at |\n| --- | --- | --- | --- |\n" +
			"| NY-1 | Late night phish | high | 2024-04-01T03:30:00Z |\n" +
			"| NY-2 | Pipe \\| and \"quotes\" | low | 2024-02-10T12:00:00Z |\n"
		if out != wantMD {
			t.Errorf("markdown: got\n%s\nwant\n%s", out, wantMD)
		}

		_, out, _ = runPir(t, "", "query", "--db", db, "--tz", "America/New_York", sql)
		for _, want := range []string{"case_id", "NY-1", "2024-03-31T23:30:00-04:00", "(2 rows)"} {
			if !strings.Contains(out, want) {
				t.Errorf("table: missing %q in\n%s", want, out)
			}
		}
	})

	t.Run("ReadOnly", func(t *testing.T) {
		for _, sql := range []string{
			"INSERT INTO store.cases (source, case_id) VALUES ('x', 'y')",
			"DELETE FROM store.cases",
			"UPDATE store.cases SET title = 'x'",
			"CREATE TABLE evil (a INT)",
			"DROP VIEW cases",
		} {
			code, _, errs := runPir(t, "", "query", "--db", db, sql)
			if code != 1 || !strings.Contains(errs, "read-only") || strings.Contains(errs, "goroutine") {
				t.Errorf("%s: exit %d, stderr %q; want exit 1 and a read-only error", sql, code, errs)
			}
		}
		_, out, _ := runPir(t, "", "query", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM cases")
		if out != "n\n2\n" {
			t.Errorf("database changed: %q", out)
		}
	})

	t.Run("ErrSQL", func(t *testing.T) {
		code, _, errs := runPir(t, "", "query", "--db", db, "SELEC nonsense")
		if code != 1 || !strings.Contains(errs, "Error: query: Parser Error") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})

	t.Run("Stdin", func(t *testing.T) {
		_, out, _ := runPir(t, "SELECT count(*) AS n FROM cases", "query", "--db", db, "--format", "csv", "-")
		if out != "n\n2\n" {
			t.Errorf("got %q", out)
		}
	})
}

func equalRecords(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") {
			return false
		}
	}
	return true
}

func TestCLIIngestInvalidRecord(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pir.duckdb")
	good := writeTemp(t, "good.jsonl", cliCases)
	if code, _, errs := runPir(t, "", "ingest", "--db", db, good); code != 0 {
		t.Fatal(errs)
	}
	bad := writeTemp(t, "cases.jsonl", strings.Repeat(`{"id":"ok","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n", 56)+
		`{"id":"bad","timeline":{"detection":"yesterday"}}`+"\n")
	code, out, errs := runPir(t, "", "ingest", "--db", db, bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := bad + `:57: timeline.detection: cannot parse "yesterday" as a timestamp`
	if !strings.Contains(errs, want) || out != "" {
		t.Errorf("stderr %q, want it to contain %q (stdout %q)", errs, want, out)
	}
	_, out, _ = runPir(t, "", "query", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM cases")
	if out != "n\n2\n" {
		t.Errorf("database changed by a failed ingest: %q", out)
	}

	code, out, errs = runPir(t, "", "ingest", "--db", db, "--skip-invalid", bad)
	if code != 0 || !strings.Contains(out, "1 inserted") || !strings.Contains(out, "1 rejected") || !strings.Contains(errs, "rejected: "+want) {
		t.Errorf("skip-invalid: exit %d, out %q, err %q", code, out, errs)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ingest"}, "ingest needs at least one FILE"},
		{[]string{"ingest", "--format", "xml", "x"}, `--format "xml"`},
		{[]string{"ingest", "--tz", "Mars/Olympus", "x"}, `--tz "Mars/Olympus"`},
		{[]string{"query", "--format", "xls", "SELECT 1"}, `--format "xls"`},
		{[]string{"query"}, "query needs SQL"},
		{[]string{"query", "--bogus"}, "flag provided but not defined"},
		{[]string{"nosuchcommand"}, ""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := runPir(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			if !strings.Contains(errs, "Error: ") || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "Try: ") {
				t.Errorf("stderr %q, want Error: …%s… and Try:", errs, tc.want)
			}
		})
	}
}

func TestCLIQueryMissingDatabase(t *testing.T) {
	code, _, errs := runPir(t, "", "query", "--db", filepath.Join(t.TempDir(), "nope.duckdb"), "SELECT 1")
	if code != 1 || !strings.Contains(errs, "no such database") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestCLIHelp: every command has --help with an Examples block.
func TestCLIHelp(t *testing.T) {
	code, out, _ := runPir(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "pir version ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	app := newApp(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	for _, c := range app.Commands {
		t.Run(c.Name, func(t *testing.T) {
			code, out, _ := runPir(t, "", c.Name, "--help")
			if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "pir "+c.Name) {
				t.Errorf("exit %d; help lacks Examples:\n%s", code, out)
			}
		})
	}
}
