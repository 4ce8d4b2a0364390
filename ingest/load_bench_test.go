package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	pirsql "github.com/pirhq/pir/sql"
)

// benchFile is a canonical JSONL file for the ingest benchmarks: $PIR_BENCH_FILE,
// or the bundled sample.
func benchFile(b *testing.B) (string, int) {
	p := os.Getenv("PIR_BENCH_FILE")
	if p == "" {
		p = "../examples/cases.jsonl"
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Skipf("no bench file: %v", err)
	}
	n := 0
	for _, c := range data {
		if c == '\n' {
			n++
		}
	}
	return p, n
}

// BenchmarkLoad measures a first ingest into a fresh database (cases/s).
func BenchmarkLoad(b *testing.B) {
	p, n := benchFile(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := pirsql.Open(context.Background(), filepath.Join(b.TempDir(), "b.duckdb"), pirsql.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := Load(context.Background(), db, []Input{{Path: p}}, Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkLoadBaselineReadJSON is the baseline for BenchmarkLoad, measured
// in the same run: DuckDB's own read_json loading the same file into one
// table through the same driver, with no validation.
func BenchmarkLoadBaselineReadJSON(b *testing.B) {
	p, n := benchFile(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := pirsql.Open(context.Background(), filepath.Join(b.TempDir(), "b.duckdb"), pirsql.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := db.Exec(`CREATE TABLE raw AS SELECT * FROM read_json(?, format = 'newline_delimited')`, p); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cases/s")
}
