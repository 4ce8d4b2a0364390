package sql

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnalystTableFunctionsClassified: every table function of this DuckDB
// is either one pir query allows (it only reads) or one it refuses. A DuckDB
// upgrade that brings a new one fails here until someone decides.
func TestAnalystTableFunctionsClassified(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE internal AND function_type IN ('table', 'table_macro') ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		if tableFunctions[name] == deniedFunctions[name] {
			t.Errorf("table function %s: allowed %v, denied %v: want exactly one", name, tableFunctions[name], deniedFunctions[name])
		}
	}
	if n < 50 {
		t.Errorf("only %d table functions listed", n)
	}
}

// TestQueryAnalyst checks the analyst-SQL guard on its own: what it refuses
// (RefusedError, nothing run), the statements it rebuilds, and that a COPY
// writes exactly the file it checked.
func TestQueryAnalyst(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "pir.duckdb")
	w, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	db, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run := func(q string) (string, error) {
		rows, err := db.QueryAnalyst(ctx, q)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return "", err
			}
			for _, v := range vals {
				out = append(out, toString(v))
			}
		}
		return strings.Join(out, ","), rows.Err()
	}
	t.Run("Refused", func(t *testing.T) {
		for _, q := range []string{
			"", "-- nothing", "SELECT 1; SELECT 2", "CALL checkpoint()", "ATTACH ':memory:' AS m",
			"COPY (SELECT 1) TO '" + path + "'", "COPY (SELECT 1) TO '" + path + ".wal'",
			"COPY (SELECT 1) TO '" + filepath.Join(dir, ".", "sub", "..", "pir.duckdb") + "'",
			"COPY (SELECT 1) TO '" + filepath.Join(dir, "PIR.DUCKDB.WAL") + "'",
			"COPY (SELECT 1) TO ''", "COPY (SELECT 1", "COPY (SELECT 1) TO 'x.csv' (FORMAT csv",
			"COPY (SELECT 1) TO 'x.csv' (FORMAT (csv))", "COPY (SELECT 1) TO 'x.csv' junk",
			"COPY t FROM 'x.csv'", "COPY 'x' TO 'y'", "EXPLAIN", "EXPLAIN CALL checkpoint()",
			"SELECT 'unterminated", "/* unterminated",
			"SELECT 1 -- \x00\n; CALL checkpoint()", "COPY (SELECT 1) TO '" + path + "\x00.csv'",
		} {
			_, err := run(q)
			var re *RefusedError
			if !errors.As(err, &re) && !strings.Contains(fmtErr(err), "Parser Error") {
				t.Errorf("%q: got %v, want it refused", q, err)
			}
		}
	})
	t.Run("Rebuilt", func(t *testing.T) {
		toks, err := lexSQL("COPY (SELECT ';', 'a''b', \"c\"\"d\" /* ) */ -- )\n) TO 'o''k.csv' (HEADER, DELIM '|')")
		if err != nil {
			t.Fatal(err)
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		stmt, err := db.copyStatement(ctx, conn, "COPY (SELECT ';', 'a''b', \"c\"\"d\" /* ) */ -- )\n) TO 'o''k.csv' (HEADER, DELIM '|')", toks)
		if err != nil {
			t.Fatal(err)
		}
		wd, _ := os.Getwd()
		want := "COPY (SELECT ';', 'a''b', \"c\"\"d\" /* ) */ -- )\n\n) TO '" + filepath.Join(wd, "o''k.csv") + "' (HEADER, DELIM '|')"
		if stmt != want {
			t.Errorf("got  %q\nwant %q", stmt, want)
		}
	})
	t.Run("Runs", func(t *testing.T) {
		out := filepath.Join(dir, "it's.csv")
		if _, err := run("COPY (SELECT 42 AS answer) TO '" + strings.ReplaceAll(out, "'", "''") + "' (HEADER false)"); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(out); err != nil || string(b) != "42\n" {
			t.Errorf("%s: %q %v", out, b, err)
		}
		if got, err := run("EXPLAIN ANALYZE SELECT 1"); err != nil || !strings.Contains(got, "PROJECTION") {
			t.Errorf("EXPLAIN ANALYZE: %q %v", got, err)
		}
	})
}

func toString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzLexSQL: the lexer never panics, and its tokens lie in order inside
// the text.
func FuzzLexSQL(f *testing.F) {
	for _, s := range []string{
		"COPY (SELECT 1) TO 'x.csv'", "SELECT $$a$$, $tag$b$$c$tag$, E'\\'', U&'x', $1, ?",
		"/* /* nested */ */ SELECT 1 -- c", "'unterminated", "\"a\"\"b\"", "1e-5.3", "€ 'x'", "$", "$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := lexSQL(s)
		if err != nil {
			return
		}
		end := 0
		for _, tk := range toks {
			if tk.start < end || tk.end <= tk.start || tk.end > len(s) || s[tk.start:tk.end] != tk.text {
				t.Fatalf("token %+v out of place in %q", tk, s)
			}
			end = tk.end
		}
	})
}

// FuzzQueryAnalyst: no SQL text makes the analyst-SQL guard panic or lets
// a statement change the database file. The database runs with --safe
// (enable_external_access=false) so that generated statements cannot write
// files anywhere else either.
func FuzzQueryAnalyst(f *testing.F) {
	for _, s := range []string{
		"SELECT 1", "COPY (SELECT 1) TO 'pir.duckdb'", "COPY cases TO 'x.csv' (HEADER)",
		"EXPLAIN ANALYZE SELECT 1", "CALL enable_logging(storage='file', storage_path='x')",
		"SELECT * FROM enable_logging()", "ATTACH 'pir.duckdb' AS w (READ_WRITE)", "SET threads = 1",
		"/* ; */ COPY -- )\n (SELECT ')'';') TO 'x' (FORMAT csv, PARTITION_BY (a))", "COPY (SELECT 1) TO ('a' || 'b')",
		"EXPORT DATABASE 'x'", "DESCRIBE SELECT 1", "WITH a AS (SELECT 1) SELECT * FROM a; DROP TABLE x",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	dir := f.TempDir()
	path := filepath.Join(dir, "pir.duckdb")
	w, err := Open(ctx, path, Options{})
	if err != nil {
		f.Fatal(err)
	}
	w.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	db, err := Open(ctx, path, Options{ReadOnly: true, Safe: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	f.Fuzz(func(t *testing.T, q string) {
		if rows, err := db.QueryAnalyst(ctx, q); err == nil {
			for rows.Next() {
			}
			rows.Close()
		}
		after, err := os.ReadFile(path)
		if err != nil || string(after) != string(before) {
			t.Fatalf("%q changed the database file (%v)", q, err)
		}
		if _, err := os.Stat(path + ".wal"); err == nil {
			t.Fatalf("%q left a WAL", q)
		}
	})
}
