package main

import (
	"context"
	"os"
	"os/exec"
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

// TestQueryCannotWriteDatabase: plain `pir query` (without --safe) opens
// the database read-only, yet DuckDB's COPY … TO wrote over the file (4
// bytes of CSV) and ATTACH of a hard link READ_WRITE deleted rows. Every
// route to the database file or its WAL is refused, whatever the name
// (relative, ./, .., absolute, a hard link, a symbolic link, a dangling
// link to the WAL, /proc/self/fd) and however the SQL is written (case,
// comments, quoting, an expression or identifier for the file, a second
// statement, EXPLAIN ANALYZE), and so are the statements that could reach
// it another way (ATTACH, EXPORT, INSTALL/LOAD, SET/RESET, PRAGMA, CALL,
// logging and profiling functions). After each the file is byte-for-byte
// unchanged and no WAL exists; COPY … TO another file still works.
func TestQueryCannotWriteDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	ingestExamples(t, db)
	before := fileSum(t, db)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	must(t, os.Link(db, filepath.Join(dir, "hard.duckdb")))
	must(t, os.Symlink("pir.duckdb", filepath.Join(dir, "soft.duckdb")))
	must(t, os.Symlink(filepath.Join(dir, "sub", "..", "soft.duckdb"), filepath.Join(dir, "sub", "chain")))
	must(t, os.Symlink("pir.duckdb.wal", filepath.Join(dir, "wal-link"))) // dangling: no WAL yet
	must(t, os.Symlink(dir, filepath.Join(dir, "sub", "up")))
	t.Chdir(dir)

	copyTo := func(name string) string { return "COPY (SELECT 1 AS x) TO '" + name + "'" }
	refused := []string{
		copyTo("pir.duckdb"),
		copyTo("./pir.duckdb"),
		copyTo("sub/../pir.duckdb"),
		copyTo("sub/up/pir.duckdb"),
		copyTo(db),
		copyTo("hard.duckdb"),
		copyTo("soft.duckdb"),
		copyTo("sub/chain"),
		copyTo("pir.duckdb.wal"),
		copyTo("wal-link"),
		copyTo(".//pir.duckdb"),
		"COPY (SELECT 1) TO 'pir.duckdb' (FORMAT parquet)",
		"COPY cases TO 'pir.duckdb'",
		"COPY store.cases (case_id) TO 'hard.duckdb' WITH (HEADER false)",
		"cOpY (sElEcT 1) tO 'pir.duckdb'",
		"/* ; */ COPY -- ) TO 'x.csv'\n (SELECT ')'';' AS \"TO 'a.csv'\") /* TO 'b.csv' */ TO 'pir.duckdb'",
		"COPY (SELECT 1) TO pir.duckdb",
		"COPY (SELECT 1) TO \"pir.duckdb\"",
		"COPY (SELECT 1) TO ('pir' || '.duckdb')",
		"COPY (SELECT 1) TO (getvariable('target'))",
		"COPY (SELECT 1) TO 'pir'\n'.duckdb'",
		"COPY (SELECT 1) TO E'pir.duckdb'",
		"COPY (SELECT 1) TO $$pir.duckdb$$",
		"COPY (SELECT 1) TO U&'pir.duckdb'",
		"COPY (SELECT 1) TO '.' (FORMAT csv, PER_THREAD_OUTPUT true, FILENAME_PATTERN 'pir', FILE_EXTENSION 'duckdb')",
		"COPY (SELECT 1 AS p) TO '.' (FORMAT csv, PARTITION_BY (p))",
		"COPY (SELECT 1) TO 'ok.csv'; COPY (SELECT 1) TO 'pir.duckdb'",
		"SELECT 1; COPY (SELECT 1) TO 'pir.duckdb'",
		"COPY (SELECT 1; COPY (SELECT 1) TO 'pir.duckdb') TO 'ok.csv'",
		"COPY (COPY (SELECT 1) TO 'pir.duckdb') TO 'ok.csv'",
		"EXPLAIN ANALYZE COPY (SELECT 1) TO 'pir.duckdb'",
		"EXPLAIN ANALYZE SELECT * FROM enable_logging()",
		"COPY FROM DATABASE pir TO memory",
		"EXPORT DATABASE '" + filepath.Join(dir, "export") + "'",
		"ATTACH 'hard.duckdb' AS h (READ_WRITE)",
		"ATTACH 'hard.duckdb' AS h (READ_WRITE); DELETE FROM h.store.cases",
		"attach 'soft.duckdb' as s",
		"ATTACH ':memory:' AS m",
		"DETACH pir",
		"INSTALL httpfs",
		"FORCE INSTALL httpfs",
		"LOAD json",
		"LOAD '" + filepath.Join(dir, "evil.duckdb_extension") + "'",
		"SET enable_external_access = false",
		"SET GLOBAL allowed_directories = ['/']",
		"RESET enable_external_access",
		"SET lock_configuration = false",
		"SET profiling_output = 'pir.duckdb'",
		"SET log_query_path = 'pir.duckdb'",
		"SET temp_directory = '.'",
		"PRAGMA enable_profiling",
		"PRAGMA profiling_output = 'pir.duckdb'",
		"PRAGMA show_tables",
		"CALL enable_logging(storage = 'file', storage_path = '.')",
		"CALL checkpoint()",
		"CALL pragma_version()",
		"CHECKPOINT",
		"CREATE TEMP TABLE t AS SELECT 1",
		"SELECT * FROM enable_logging(storage = 'file', storage_path = '.')",
		"SELECT * FROM system.main.\"Enable_Logging\"()",
		"SELECT * FROM (SELECT 1), LATERAL (SELECT * FROM force_checkpoint())",
		"WITH q AS (SELECT * FROM query('SELECT * FROM checkpoint()')) SELECT * FROM q",
		"SELECT write_log('x')",
		"SUMMARIZE SELECT * FROM enable_profiling()",
		"DESCRIBE SELECT * FROM json_execute_serialized_sql('{}')",
		"INSERT INTO store.cases SELECT * FROM store.cases",
		"DELETE FROM store.cases",
		"PIVOT cases ON severity",
	}
	for _, q := range refused {
		code, out, stderr := runPir(t, "", "query", "--db", db, q)
		if code != 1 || !strings.HasPrefix(stderr, "Error: query: ") {
			t.Errorf("%q: exit %d, want 1 with the reason:\n%s%s", q, code, out, stderr)
		}
		if fileSum(t, db) != before {
			t.Fatalf("%q changed the database file", q)
		}
		for _, left := range []string{db + ".wal", filepath.Join(dir, "export")} {
			if _, err := os.Stat(left); err == nil {
				t.Fatalf("%q left %s", q, left)
			}
		}
	}
	if got := queryString(t, db, "SELECT count(*) FROM cases"); got != "400" {
		t.Errorf("cases: got %s, want 400", got)
	}
	for _, name := range []string{"ok.csv", "x.csv", "a.csv", "b.csv", "pir_0.duckdb", "p=1"} {
		if _, err := os.Stat(name); err == nil {
			t.Errorf("a refused statement wrote %s", name)
		}
	}

	// What plain pir query still runs.
	allowed := map[string]string{
		"SELECT count(*) AS n FROM cases":                                     "n\n400\n",
		"  -- a comment\nWITH c AS (FROM cases) SELECT count(*) AS n FROM c;": "n\n400\n",
		"SELECT count(*) AS n FROM read_csv('out.csv')":                       "n\n2\n",
		"EXPLAIN SELECT 1":                     "",
		"DESCRIBE cases":                       "",
		"SHOW TABLES":                          "",
		"SUMMARIZE SELECT severity FROM cases": "",
		"SELECT count(*) AS n FROM pragma_table_info('cases')":   "",
		"SELECT count(*) > 0 AS ok FROM cohort_cases('created')": "ok\ntrue\n",
	}
	// COPY … TO another file: the rebuilt statement writes exactly there.
	for _, q := range []string{
		"COPY (SELECT case_id FROM cases ORDER BY case_id LIMIT 2) TO 'out.csv' (FORMAT csv, HEADER true)",
		"copy cases (case_id) to 'sub/up/cases.csv' with (header false)",
		"COPY (SELECT 1 AS x) TO 'one.parquet' (FORMAT 'parquet', COMPRESSION zstd);",
	} {
		if code, out, stderr := runPir(t, "", "query", "--db", db, q); code != 0 {
			t.Errorf("%q: exit %d:\n%s%s", q, code, out, stderr)
		}
	}
	if b, _ := os.ReadFile("out.csv"); string(b) != "case_id\nIR-00001\nIR-00002\n" {
		t.Errorf("out.csv: got %q", b)
	}
	if b, _ := os.ReadFile("cases.csv"); strings.Count(string(b), "\n") != 400 {
		t.Errorf("cases.csv: got %d lines, want 400", strings.Count(string(b), "\n"))
	}
	for q, want := range allowed {
		code, out, stderr := runPir(t, "", "query", "--format", "csv", "--db", db, q)
		if code != 0 || (want != "" && out != want) {
			t.Errorf("%q: exit %d, got %q, want %q: %s", q, code, out, want, stderr)
		}
	}
	if fileSum(t, db) != before {
		t.Fatalf("the database file changed")
	}
}

// TestQueryAbortIsAnError: `CALL enable_logging(storage='file',
// storage_path=<a file>)` followed by any statement made DuckDB throw from
// its log writer, which ends the process with SIGABRT: a goroutine dump of
// ~200 lines and exit code 2 (the usage code), with --safe too (the log
// writer is refused file access). Logging and profiling to files are refused
// before DuckDB sees them: the real binary exits 1 with one line.
func TestQueryAbortIsAnError(t *testing.T) {
	bin := pirBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	ingestExamples(t, db)
	file := filepath.Join(dir, "notes.txt")
	os.WriteFile(file, []byte("x\n"), 0o644)
	logs := filepath.Join(dir, "logs")
	for _, tc := range []struct {
		safe bool
		sql  string
	}{
		{false, "CALL enable_logging(storage = 'file', storage_path = '" + file + "'); SELECT 1"},
		{true, "CALL enable_logging(storage = 'file', storage_path = '" + logs + "'); SELECT 1"},
		{false, "SELECT * FROM enable_logging(storage = 'file', storage_path = '" + file + "')"},
		{true, "SELECT * FROM enable_logging(storage = 'file', storage_path = '" + logs + "')"},
		{false, "SELECT 1 FROM enable_logging(storage = 'file', storage_path = '" + file + "'), read_csv('" + file + "')"},
		{false, "PRAGMA enable_profiling = 'json'; SET profiling_output = '" + filepath.Join(dir, "p.json") + "'; SELECT 1"},
		{true, "SET log_query_path = '" + filepath.Join(dir, "q.log") + "'; SELECT 1"},
		{false, "SELECT * FROM enable_profiling()"},
	} {
		args := []string{"query", "--db", db}
		if tc.safe {
			args = append(args, "--safe")
		}
		cmd := exec.Command(bin, append(args, tc.sql)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		code := cmd.ProcessState.ExitCode()
		lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
		if code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "Error: query: refused: ") {
			t.Errorf("--safe=%v %q: exit %d, %d lines of stderr, want exit 1 and one line:\n%.600s", tc.safe, tc.sql, code, len(lines), stderr.String())
		}
	}
	for _, name := range []string{"logs", "p.json", "q.log"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "x\n" {
		t.Errorf("notes.txt changed: %q", b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueryPanicIsAnError: a panic while a query runs (here a nil database
// handle dereferenced inside the driver call) ends as a one-line error, not
// a goroutine dump with exit code 2.
func TestQueryPanicIsAnError(t *testing.T) {
	res, err := runAnalystQuery(context.Background(), nil, "SELECT 1")
	if res != nil || err == nil || !strings.HasPrefix(err.Error(), "query: internal error: ") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, %v; want one line: query: internal error: …", res, err)
	}
	var b strings.Builder
	if code := exitCode(err, &b); code != exitFailed || strings.Count(b.String(), "\n") != 1 {
		t.Errorf("exit %d, %q: want %d and one line", code, b.String(), exitFailed)
	}
}
