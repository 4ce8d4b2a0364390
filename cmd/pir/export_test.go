package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

func readExportManifest(t *testing.T, dir string) exportManifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "_pir_export.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m exportManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// parquetGlob is how Spark, Trino or DuckDB would point at one table.
func parquetGlob(dir string, t pirsql.ExportTable) string {
	if t.PartitionedBy != "" {
		return "read_parquet('" + filepath.Join(dir, t.Name, "*", "*.parquet") + "', hive_partitioning = true)"
	}
	return "read_parquet('" + filepath.Join(dir, t.Name, "data.parquet") + "')"
}

func TestExportParquet(t *testing.T) {
	ctx := context.Background()
	db := sampleDB(t)
	dir := filepath.Join(t.TempDir(), "export")
	code, out, errs := runPir(t, "", "export", "--db", db, "--parquet", dir)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "exported ") {
		t.Errorf("summary: got %q", out)
	}
	m := readExportManifest(t, dir)
	if m.Format != exportFormat || m.TimeZone != "UTC" {
		t.Errorf("manifest: got format %q, zone %q", m.Format, m.TimeZone)
	}

	// A fresh engine reads the export back, as another engine would.
	eng, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	count := func(db *pirsql.DB, q string) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}

	t.Run("RowCounts", func(t *testing.T) {
		// Closed before the other subtests run pir: one process may not hold
		// a file open with two configurations (export caps DuckDB's memory).
		src, err := pirsql.Open(ctx, db, pirsql.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		names := map[string]pirsql.ExportTable{}
		for _, tb := range m.Tables {
			names[tb.Name] = tb
			schema, name, _ := strings.Cut(tb.Relation, ".")
			want := count(src, `SELECT count(*) FROM "`+schema+`"."`+name+`"`)
			if tb.Rows != want {
				t.Errorf("%s: manifest says %d rows, database has %d", tb.Name, tb.Rows, want)
			}
			if want == 0 {
				continue // an empty partitioned table has no files to read
			}
			if got := count(eng, "SELECT count(*) FROM "+parquetGlob(dir, tb)); got != want {
				t.Errorf("%s: Parquet has %d rows, database %d", tb.Name, got, want)
			}
		}
		for _, n := range []string{"cases", "case_techniques", "action_items", "detection_rules", "quarterly_metrics",
			"attack_techniques", "store_cases", "store_action_items", "ingested_files"} {
			if _, ok := names[n]; !ok {
				t.Errorf("%s: not exported", n)
			}
		}
		if _, ok := names["schema_migrations"]; ok {
			t.Error("schema_migrations exported; it is bookkeeping")
		}
		if tb := names["cases"]; tb.PartitionedBy != "quarter" || len(tb.Partitions) != 8 || tb.Partitions[7] != "2025-Q4" {
			t.Errorf("cases partitions: got %q %v", tb.PartitionedBy, tb.Partitions)
		}
		if tb := names["action_items"]; tb.QuarterFrom != "case" {
			t.Errorf("action_items quarter from %q, want case", tb.QuarterFrom)
		}
		if tb := names["attack_techniques"]; tb.PartitionedBy != "" {
			t.Errorf("attack_techniques partitioned by %q, want one file", tb.PartitionedBy)
		}
	})

	t.Run("Documented", func(t *testing.T) {
		doc, err := os.ReadFile("../../docs/export.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range m.Tables {
			if !strings.Contains(string(doc), "| `"+tb.Name+"` | "+tb.Relation+" ") {
				t.Errorf("%s (%s): not in the tables of docs/export.md", tb.Name, tb.Relation)
			}
		}
	})

	t.Run("ChildRowsInTheirCaseQuarter", func(t *testing.T) {
		q := `SELECT count(*) FROM read_parquet('` + filepath.Join(dir, "action_items", "*", "*.parquet") + `', hive_partitioning = true) a
		      JOIN read_parquet('` + filepath.Join(dir, "cases", "*", "*.parquet") + `', hive_partitioning = true) c
		        ON c.source = a.source AND c.case_id = a.case_id
		      WHERE c.quarter <> a.quarter`
		if n := count(eng, q); n != 0 {
			t.Errorf("%d action items in another quarter than their case", n)
		}
	})

	t.Run("MetricMatchesPirMetrics", func(t *testing.T) {
		code, out, errs := runPir(t, "", "metrics", "--db", db, "--quarter", "2025-Q4", "--format", "json")
		if code != 0 {
			t.Fatalf("metrics: exit %d: %s", code, errs)
		}
		var rep struct {
			Metrics []struct {
				Metric string `json:"metric"`
				Stats  []struct {
					Quarter string   `json:"quarter"`
					N       int64    `json:"n"`
					Median  *float64 `json:"median_hours"`
				} `json:"stats"`
			} `json:"metrics"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		// Time to contain, recomputed from the exported timestamps alone.
		q := `SELECT count(*), median(epoch(contained_at) / 3600.0 - epoch(detected_at) / 3600.0)
		      FROM read_parquet('` + filepath.Join(dir, "cases", "*", "*.parquet") + `', hive_partitioning = true)
		      WHERE quarter = ? AND NOT excluded AND contained_at >= detected_at`
		checked := 0
		for _, mt := range rep.Metrics {
			if mt.Metric != "contain" {
				continue
			}
			for _, s := range mt.Stats {
				var n int64
				var med *float64
				if err := eng.QueryRowContext(ctx, q, s.Quarter).Scan(&n, &med); err != nil {
					t.Fatal(err)
				}
				if n != s.N {
					t.Errorf("%s contain: %d cases in the export, pir metrics %d", s.Quarter, n, s.N)
				}
				if s.Median == nil || med == nil || math.Abs(*med-*s.Median) > 0.001 {
					t.Errorf("%s contain median: export %v h, pir metrics %v h", s.Quarter, exportDeref(med), exportDeref(s.Median))
				}
				checked++
			}
		}
		if checked != 8 {
			t.Errorf("checked %d quarters of the contain metric, want 8", checked)
		}
	})

	t.Run("ErrNotEmpty", func(t *testing.T) {
		code, _, errs := runPir(t, "", "export", "--db", db, "--parquet", dir)
		if code != exitUsage || !strings.Contains(errs, "--overwrite") {
			t.Fatalf("got exit %d, %q; want 2 and a hint to --overwrite", code, errs)
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		code, _, errs := runPir(t, "", "export", "--quiet", "--db", db, "--parquet", dir, "--overwrite", "--tz", "America/New_York")
		if code != 0 {
			t.Fatalf("export --overwrite: exit %d: %s", code, errs)
		}
		if m := readExportManifest(t, dir); m.TimeZone != "America/New_York" {
			t.Errorf("time zone: got %q", m.TimeZone)
		}
		// The partitions follow --tz exactly as pir query does.
		code, want, _ := runPir(t, "", "query", "--db", db, "--tz", "America/New_York", "--format", "csv",
			"SELECT quarter, count(*) FROM cases GROUP BY ALL ORDER BY 1")
		if code != 0 {
			t.Fatal("query failed")
		}
		rows, err := eng.QueryContext(ctx, `SELECT quarter, count(*) FROM read_parquet('`+filepath.Join(dir, "cases", "*", "*.parquet")+`', hive_partitioning = true) GROUP BY ALL ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got strings.Builder
		for rows.Next() {
			var q string
			var n int64
			if err := rows.Scan(&q, &n); err != nil {
				t.Fatal(err)
			}
			got.WriteString(q + "," + strconv.FormatInt(n, 10) + "\n")
		}
		if _, body, _ := strings.Cut(want, "\n"); got.String() != body {
			t.Errorf("cases per quarter in New York time:\nexport:\n%s\npir query:\n%s", got.String(), body)
		}
		ents, _ := os.ReadDir(filepath.Dir(dir))
		for _, e := range ents {
			if e.Name() != "export" {
				t.Errorf("left behind: %s", e.Name())
			}
		}
	})

	t.Run("ErrNoDir", func(t *testing.T) {
		if code, _, _ := runPir(t, "", "export", "--db", db); code != exitUsage {
			t.Errorf("got exit %d, want 2", code)
		}
	})
}

func exportDeref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
