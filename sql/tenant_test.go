package sql_test

import (
	"context"
	"path/filepath"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

func TestCopyTenant(t *testing.T) {
	ctx := context.Background()
	db := openSliceDB(t, pirsql.Session{})
	// The seed is read-only here: give it children and provenance through
	// a writable open of the same file first.
	path := db.Path
	db.Close()
	w, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO store.case_techniques VALUES ('pir', 'A1', 'T1566'), ('pir', 'B1', 'T1078')`,
		`INSERT INTO store.action_items (source, case_id, item_id, summary, owner, status, position)
		 VALUES ('pir', 'A1', 'a', 'Fix acme', 'alice@acme', 'open', 1), ('pir', 'B1', 'b', 'Fix globex', 'bob@globex', 'open', 1)`,
		`INSERT INTO store.ingest_runs VALUES (7, '2024-05-01 00:00:00Z', '2024-05-01 00:00:00Z', 1, 8, 0, 0, 1)`,
		`INSERT INTO store.ingest_files VALUES (7, 'f', 's', 'pir', 9, 1)`,
		`INSERT INTO store.rejects (run_id, path, record, reason, rejected_at) VALUES (7, 'f', '9', 'globex secret', '2024-05-01 00:00:00Z')`,
	} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	dst := filepath.Join(t.TempDir(), "acme.duckdb")
	n, err := w.CopyTenant(ctx, dst, "acme")
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if n != 6 {
		t.Errorf("copied %d cases, want 6 (A1-A4, X1, C1)", n)
	}
	a, err := pirsql.Open(ctx, dst, pirsql.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	checkRows(t, analyticsRows(t, a, `SELECT string_agg(case_id, ',' ORDER BY case_id), count(DISTINCT tenant) FROM cases`), []string{"A1,A2,A3,A4,C1,X1 | 1"})
	checkRows(t, analyticsRows(t, a, `SELECT case_id, technique_id FROM case_techniques`), []string{"A1 | T1566"})
	checkRows(t, analyticsRows(t, a, `SELECT case_id, owner FROM action_items`), []string{"A1 | alice@acme"})
	// Provenance counts the tenant's records only; rejects are not copied.
	checkRows(t, analyticsRows(t, a, `SELECT path, records, rejects FROM ingested_files`), []string{"f | 6 | 0"})
	checkRows(t, analyticsRows(t, a, `SELECT count(*) FROM store.rejects`), []string{"0"})
	checkRows(t, analyticsRows(t, a, `SELECT count(*) FROM attack_techniques WHERE technique_id = 'T1566'`), []string{"1"})

	t.Run("ErrExists", func(t *testing.T) {
		r, err := pirsql.Open(ctx, path, pirsql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := r.CopyTenant(ctx, dst, "acme"); err == nil {
			t.Error("copy over an existing file: got no error")
		}
	})
}
