package sql_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

var attackTables = []string{"attack_release", "attack_tactics", "attack_techniques"}

// TestAttackCatalogueMatchesMigrations: the generated catalogue holds the
// rows migration 0002 loaded, so a database created from the migrations
// has it without a reload (the loader compares only the release line).
func TestAttackCatalogueMatchesMigrations(t *testing.T) {
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // TEMP tables live on one connection
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tb := range attackTables {
		if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE migrated_"+tb+" AS SELECT * FROM "+tb); err != nil {
			t.Fatal(err)
		}
	}
	catalogue, err := os.ReadFile("attack/enterprise-attack.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, string(catalogue)); err != nil {
		t.Fatalf("the catalogue does not run on the migrated schema: %v", err)
	}
	for _, tb := range attackTables {
		var n, diff int
		err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+tb+`),
			(SELECT count(*) FROM (SELECT * FROM `+tb+` EXCEPT ALL SELECT * FROM migrated_`+tb+`))
			+ (SELECT count(*) FROM (SELECT * FROM migrated_`+tb+` EXCEPT ALL SELECT * FROM `+tb+`))`).Scan(&n, &diff)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 || diff != 0 {
			t.Errorf("%s: %d rows, %d differ from the migrated ones: a new catalogue needs a new release line", tb, n, diff)
		}
	}
}

// TestAttackCatalogueReload: a database holding another release gets the
// embedded catalogue on its next read-write open, not on a read-only one.
func TestAttackCatalogueReload(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pir.duckdb")
	db, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want string
	if err := db.QueryRowContext(ctx, "SELECT version FROM attack_release").Scan(&want); err != nil {
		t.Fatal(err)
	}
	// An older file: another release, a technique it lacks.
	if _, err := db.ExecContext(ctx, `UPDATE attack_release SET version = 'v17';
		DELETE FROM attack_techniques WHERE technique_id = 'T1059.001'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	state := func(readOnly bool) string {
		t.Helper()
		db, err := pirsql.Open(ctx, path, pirsql.Options{ReadOnly: readOnly})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var s string
		if err := db.QueryRowContext(ctx, `SELECT (SELECT version FROM attack_release) || ' '
			|| (SELECT count(*) FROM attack_techniques WHERE technique_id = 'T1059.001')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := state(true); got != "v17 0" {
		t.Errorf("read-only open: got %q, want the file unchanged", got)
	}
	if got := state(false); got != want+" 1" {
		t.Errorf("read-write open: got %q, want %s with T1059.001 back", got, want)
	}
}
