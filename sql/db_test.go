package sql

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenPathIsNotADSN: the database path is never read as connection
// options. The DuckDB driver takes one DSN string, "<path>?<options>", so a
// path holding '?' or '#' could set options of its own (or cut off pir's:
// everything after '#' is a URL fragment, access_mode=read_only and
// enable_external_access=false included). Such paths are refused; the
// options pir asks for are in force on every open (checked, not assumed);
// ordinary paths with spaces and non-ASCII letters work.
func TestOpenPathIsNotADSN(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("v\nPIRSECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	readSecret := "SELECT v FROM read_csv('" + secret + "')"
	for _, name := range []string{
		"x.duckdb?enable_external_access=true",
		"x.duckdb?enable_external_access=true#",
		"x.duckdb?access_mode=read_write&enable_external_access=true&",
		"x.duckdb#",
		"case#1/pir.duckdb",
		"50%.duckdb",
		"line\nbreak.duckdb",
	} {
		t.Run("Refused "+name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(path), 0o755)
			for _, opts := range []Options{{Safe: true}, {Safe: true, ReadOnly: true}} {
				db, err := Open(ctx, path, opts)
				if err == nil {
					var v string
					qerr := db.QueryRowContext(ctx, readSecret).Scan(&v)
					db.Close()
					t.Fatalf("Open(%q, %+v) worked (read of an outside file: %q, %v), want ErrPathSyntax", path, opts, v, qerr)
				}
				if !errors.Is(err, ErrPathSyntax) {
					t.Errorf("Open(%q, %+v): got %v, want ErrPathSyntax", path, opts, err)
				}
			}
		})
	}
	for _, name := range []string{
		"pir.duckdb",
		"my reviews/pir ünï 日本.duckdb",
		"a%41b+c=d&e;f'g.duckdb",
	} {
		t.Run("OK "+name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(path), 0o755)
			db, err := Open(ctx, path, Options{Safe: true, MemoryLimit: "256MB", Threads: 1})
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			db.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the database is not at the path given: %v", err)
			}
			db, err = Open(ctx, path, Options{Safe: true, ReadOnly: true})
			if err != nil {
				t.Fatalf("Open(%q) read-only: %v", path, err)
			}
			defer db.Close()
			var mode, external string
			if err := db.QueryRowContext(ctx, "SELECT current_setting('access_mode')::VARCHAR, current_setting('enable_external_access')::VARCHAR").Scan(&mode, &external); err != nil {
				t.Fatal(err)
			}
			if !strings.EqualFold(mode, "read_only") || external != "false" {
				t.Errorf("access_mode %s, enable_external_access %s: want read_only, false", mode, external)
			}
			var v string
			if err := db.QueryRowContext(ctx, readSecret).Scan(&v); err == nil {
				t.Errorf("--safe read an outside file: %q", v)
			}
		})
	}
}
