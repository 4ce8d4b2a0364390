package sql_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// sessionDB creates a database file with a view that reads a setting, as
// the views of later migrations will, and returns its path.
func sessionDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pir.duckdb")
	db, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE VIEW report_cohort AS SELECT setting('cohort') AS cohort, setting('quarters') AS quarters`); err != nil {
		t.Fatal(err)
	}
	return path
}

func openSession(t *testing.T, path string, readOnly bool, s pirsql.Session) *pirsql.DB {
	t.Helper()
	db, err := pirsql.Open(context.Background(), path, pirsql.Options{ReadOnly: readOnly, Session: s})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// everyConn runs query on n connections held at the same time (so each
// is a different pooled connection) and returns the first column of each.
func everyConn(t *testing.T, db *pirsql.DB, n int, query string) []string {
	t.Helper()
	ctx := context.Background()
	var got []string
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var v string
		if err := c.QueryRowContext(ctx, query).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		got = append(got, v)
	}
	return got
}

func TestSessionSettings(t *testing.T) {
	path := sessionDB(t)
	over := pirsql.Session{Settings: map[string]string{"cohort": "closure", "new_key": "it's'); DROP TABLE cases; --"}}

	t.Run("Defaults", func(t *testing.T) {
		db := openSession(t, path, true, pirsql.Session{})
		if got := everyConn(t, db, 3, "SELECT cohort || ' ' || quarters FROM report_cohort"); !reflect.DeepEqual(got, []string{"detection 8", "detection 8", "detection 8"}) {
			t.Errorf("got %q, want the defaults", got)
		}
	})
	t.Run("ReadOnlyEveryConnection", func(t *testing.T) {
		db := openSession(t, path, true, over)
		if got := everyConn(t, db, 4, "SELECT cohort || ' ' || quarters FROM report_cohort"); !reflect.DeepEqual(got, []string{"closure 8", "closure 8", "closure 8", "closure 8"}) {
			t.Errorf("got %q, want the override on every connection", got)
		}
		// An unknown key is added, its value bound, never pasted into SQL.
		if got := everyConn(t, db, 1, "SELECT setting('new_key')"); got[0] != over.Settings["new_key"] {
			t.Errorf("new_key: got %q", got[0])
		}
		if got := everyConn(t, db, 1, "SELECT count(*)::VARCHAR FROM cases"); got[0] != "0" {
			t.Errorf("cases: got %q", got[0])
		}
	})
	t.Run("ReadWrite", func(t *testing.T) {
		db := openSession(t, path, false, over)
		if got := everyConn(t, db, 2, "SELECT cohort FROM report_cohort"); !reflect.DeepEqual(got, []string{"closure", "closure"}) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("FileUnchanged", func(t *testing.T) {
		db := openSession(t, path, true, pirsql.Session{})
		if got := everyConn(t, db, 1, "SELECT cohort FROM report_cohort"); got[0] != "detection" {
			t.Errorf("after sessions: got %q, want the stored default", got[0])
		}
	})
}

// TestSessionNewFile: the connection that migrates a new file finds no
// table to shadow; every connection after Open has the session.
func TestSessionNewFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.duckdb")
	db := openSession(t, path, false, pirsql.Session{Settings: map[string]string{"quarters": "4"}})
	if got := everyConn(t, db, 3, "SELECT setting('quarters')"); !reflect.DeepEqual(got, []string{"4", "4", "4"}) {
		t.Errorf("got %q, want 4 on every connection", got)
	}
}

// TestSessionOlderSchema: a file without pir_settings (an older schema)
// opens read-only with a session; the settings are skipped.
func TestSessionOlderSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := pirsql.Open(ctx, path, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DROP MACRO setting; DROP TABLE pir_settings`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro := openSession(t, path, true, pirsql.Session{Settings: map[string]string{"cohort": "closure"},
		Metrics: []pirsql.MetricDefinition{{Name: "exposure", Start: "compromise", End: "containment"}}})
	if got := everyConn(t, ro, 1, "SELECT string_agg(metric, ',' ORDER BY position) FROM metric_definitions"); got[0] != "dwell,triage,contain,eradicate,recover,resolve,close,exposure" {
		t.Errorf("metrics: got %q", got[0])
	}
}

func TestSessionMetrics(t *testing.T) {
	path := sessionDB(t)
	db := openSession(t, path, true, pirsql.Session{Metrics: []pirsql.MetricDefinition{
		{Name: "exposure", Label: "Exposure window", Start: "compromise", End: "containment"},
		{Name: "recover", Start: "containment", End: "recovery"}, // keeps its label and position
		{Name: "close", Label: "Closing", Start: "triage", End: "closure"},
		{Name: "unlabelled", Start: "detection", End: "closure"}, // label = name
	}})
	want := []string{
		"1 dwell Dwell time (MTTD) compromise detection",
		"2 triage Time to triage detection triage",
		"3 contain Time to contain (MTTC) detection containment",
		"4 eradicate Time to eradicate containment eradication",
		"5 recover Time to recover (MTTR) containment recovery",
		"6 resolve Detection to recovery detection recovery",
		"7 close Closing triage closure",
		"8 exposure Exposure window compromise containment",
		"9 unlabelled unlabelled detection closure",
	}
	rows, err := db.QueryContext(context.Background(), `SELECT concat_ws(' ', position, metric, label, start_milestone, end_milestone) FROM metric_definitions ORDER BY position`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("metric_definitions:\ngot  %q\nwant %q", got, want)
	}
	// The views built on metric_definitions see the merged set.
	if got := everyConn(t, db, 2, "SELECT json_array_length(default_metric_defs())::VARCHAR"); !reflect.DeepEqual(got, []string{"9", "9"}) {
		t.Errorf("default_metric_defs: got %q, want 9 metrics", got)
	}
	if got := everyConn(t, db, 1, "SELECT count(*)::VARCHAR FROM pir.main.metric_definitions"); got[0] != "7" {
		t.Errorf("stored metric_definitions: got %q rows, want 7", got[0])
	}
}

func TestSessionTables(t *testing.T) {
	path := sessionDB(t)
	db := openSession(t, path, true, pirsql.Session{Tables: []pirsql.TableRows{{
		Table:   "metric_definitions",
		Columns: []string{"position", "metric", "label", "start_milestone", "end_milestone"},
		Rows:    [][]any{{1, "only", "The only metric", "detection", "closure"}},
	}}})
	if got := everyConn(t, db, 3, "SELECT default_metric_defs()"); got[0] != `[{"metric":"only","start":"detection","end":"closure"}]` || got[1] != got[0] || got[2] != got[0] {
		t.Errorf("got %q", got)
	}
	if got := everyConn(t, db, 1, "SELECT typeof(position) FROM metric_definitions"); got[0] != "INTEGER" {
		t.Errorf("position: got %s, want the main table's INTEGER", got[0])
	}

	t.Run("ErrRowWidth", func(t *testing.T) {
		_, err := pirsql.Open(context.Background(), path, pirsql.Options{ReadOnly: true, Session: pirsql.Session{Tables: []pirsql.TableRows{{
			Table: "metric_definitions", Columns: []string{"metric"}, Rows: [][]any{{"a", "b"}},
		}}}})
		if err == nil {
			t.Error("got nil, want an error for a row with two values for one column")
		}
	})
}
