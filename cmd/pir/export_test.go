package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestExportTablesReadable reads every table directory of an export on its
// own with DuckDB's Hive-partitioned reader, as Spark, Trino or Athena
// point at one directory, and checks the schema it finds against the
// manifest: for an empty database (every partitioned table empty, e.g.
// mail_log before the first email) and for the bundled sample.
func TestExportTablesReadable(t *testing.T) {
	ctx := context.Background()
	empty := filepath.Join(t.TempDir(), "empty.duckdb")
	db, err := pirsql.Open(ctx, empty, pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, c := range []struct{ name, db string }{{"Empty", empty}, {"Sample", sampleDB(t)}} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "export")
			if code, _, errs := runPir(t, "", "export", "--quiet", "--db", c.db, "--parquet", dir); code != 0 {
				t.Fatalf("export: exit %d: %s", code, errs)
			}
			m := readExportManifest(t, dir)
			eng, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			emptyPartitioned := 0
			for _, tb := range m.Tables {
				glob := filepath.Join(dir, tb.Name, "*.parquet")
				hive := ""
				if tb.PartitionedBy != "" {
					glob = filepath.Join(dir, tb.Name, "*", "*.parquet")
					hive = ", hive_partitioning = true"
				}
				rows, err := eng.QueryContext(ctx, "DESCRIBE SELECT * FROM read_parquet('"+glob+"'"+hive+")")
				if err != nil {
					t.Errorf("%s: not readable on its own: %v", tb.Name, err)
					continue
				}
				var got []string
				for rows.Next() {
					var name, typ string
					var null, key, def, extra *string
					if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
						t.Fatal(err)
					}
					got = append(got, name+" "+typ)
				}
				rows.Close()
				// The files hold the relation's columns, quarter excepted:
				// it comes from the path (last, as a string).
				var want []string
				for _, col := range tb.Columns {
					if col.Name != "quarter" || tb.PartitionedBy == "" {
						want = append(want, col.Name+" "+col.Type)
					}
				}
				if tb.PartitionedBy != "" {
					want = append(want, "quarter VARCHAR")
				}
				if strings.Join(got, ", ") != strings.Join(want, ", ") {
					t.Errorf("%s: schema read back\n got %s\nwant %s", tb.Name, strings.Join(got, ", "), strings.Join(want, ", "))
				}
				var n int64
				if err := eng.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet('"+glob+"'"+hive+")").Scan(&n); err != nil || n != tb.Rows {
					t.Errorf("%s: %d rows read, manifest %d (%v)", tb.Name, n, tb.Rows, err)
				}
				if tb.PartitionedBy != "" && tb.Rows == 0 {
					emptyPartitioned++
					if _, err := os.Stat(filepath.Join(dir, tb.Name, "quarter=unknown", "data_0.parquet")); err != nil || len(tb.Partitions) != 0 {
						t.Errorf("%s: empty: %v, partitions %v", tb.Name, err, tb.Partitions)
					}
				}
			}
			if c.name == "Empty" && emptyPartitioned < 20 {
				t.Errorf("only %d empty partitioned tables in an empty database", emptyPartitioned)
			}
			if c.name == "Sample" && emptyPartitioned == 0 {
				t.Error("the sample has no empty partitioned table (mail_log should be one)")
			}
		})
	}
}

// TestExportDDL runs the Athena and Trino DDL queries of docs/export.md on
// an export: one statement per table, partitioned ones with the quarter
// partition, and the documented cases statement is what the query writes.
func TestExportDDL(t *testing.T) {
	ctx := context.Background()
	doc, err := os.ReadFile("../../docs/export.md")
	if err != nil {
		t.Fatal(err)
	}
	block := func(marker string) string {
		_, rest, ok := strings.Cut(string(doc), "<!-- ddl: "+marker+" -->\n```sql\n")
		if !ok {
			t.Fatalf("docs/export.md: no %s DDL query", marker)
		}
		q, _, _ := strings.Cut(rest, "```")
		return q
	}
	dir := filepath.Join(t.TempDir(), "export")
	if code, _, errs := runPir(t, "", "export", "--quiet", "--db", sampleDB(t), "--parquet", dir); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	m := readExportManifest(t, dir)
	eng, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	run := func(q string) map[string]string {
		q = strings.ReplaceAll(q, "'export/_pir_export.json'", "'"+filepath.Join(dir, "_pir_export.json")+"'")
		rows, err := eng.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var ddl string
			if err := rows.Scan(&ddl); err != nil {
				t.Fatal(err)
			}
			name := regexp.MustCompile("(?:TABLE `|hive\\.pir\\.\")([a-z_]+)").FindStringSubmatch(ddl)
			if name == nil {
				t.Fatalf("no table name in %s", ddl)
			}
			out[name[1]] = ddl
		}
		return out
	}
	athena, trino := run(block("athena")), run(block("trino"))
	for _, tb := range m.Tables {
		a, tr := athena[tb.Name], trino[tb.Name]
		part := tb.PartitionedBy != ""
		if a == "" || tr == "" || strings.Contains(a, "PARTITIONED BY (`quarter` string)") != part ||
			strings.Contains(tr, "partitioned_by = ARRAY['quarter']") != part || strings.Contains(a, " END") || strings.Contains(a, "NULL") {
			t.Errorf("%s (partitioned %v):\n%s\n%s", tb.Name, part, a, tr)
		}
		if n := strings.Count(a, "`quarter`"); part && n != 1 {
			t.Errorf("%s: quarter %d times in %s", tb.Name, n, a)
		}
	}
	if len(athena) != len(m.Tables) || len(trino) != len(m.Tables) {
		t.Errorf("%d Athena and %d Trino statements for %d tables", len(athena), len(trino), len(m.Tables))
	}
	// The cases statement shown in the doc is the query's.
	_, rest, _ := strings.Cut(string(doc), "```sql\nCREATE EXTERNAL TABLE `cases`")
	shown, _, _ := strings.Cut("CREATE EXTERNAL TABLE `cases`"+rest, "\n```")
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if norm(shown) != norm(athena["cases"]) {
		t.Errorf("docs/export.md shows\n%s\nthe query writes\n%s", norm(shown), norm(athena["cases"]))
	}
}

// TestExportRecoversInterrupted: an export --overwrite killed between the
// two renames of the fallback swap left DIR missing, the finished export and
// the previous one beside it (internal/atomicdir's TestKilledMidReplace
// kills a process there). The next pir export puts the finished one in
// place and removes the rest before doing anything else.
func TestExportRecoversInterrupted(t *testing.T) {
	db := sampleDB(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "export")
	for _, tz := range []string{"UTC", "America/New_York"} {
		out := filepath.Join(parent, strings.ReplaceAll(tz, "/", "_"))
		if code, _, errs := runPir(t, "", "export", "--quiet", "--db", db, "--parquet", out, "--tz", tz); code != 0 {
			t.Fatalf("export: exit %d: %s", code, errs)
		}
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	id := strconv.Itoa(dead.Process.Pid) + "-123"
	os.Rename(filepath.Join(parent, "UTC"), filepath.Join(parent, ".export.old-"+id))              // the previous export, moved aside
	os.Rename(filepath.Join(parent, "America_New_York"), filepath.Join(parent, ".export.tmp-"+id)) // the finished one
	os.Mkdir(filepath.Join(parent, ".export.tmp-"+strconv.Itoa(dead.Process.Pid)+"-456"), 0o755)   // a half-written one

	code, _, errs := runPir(t, "", "export", "--db", db, "--parquet", dir)
	if code != exitUsage || !strings.Contains(errs, "recovered from an interrupted export") {
		t.Fatalf("got exit %d %q; want the recovery noted, then DIR not empty (2)", code, errs)
	}
	if m := readExportManifest(t, dir); m.TimeZone != "America/New_York" {
		t.Errorf("DIR holds the export of %s, want the finished one (America/New_York)", m.TimeZone)
	}
	ents, _ := os.ReadDir(parent)
	for _, e := range ents {
		if e.Name() != "export" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
