package ingest

import (
	"bytes"
	"os"
	"testing"
	"time"
)

// benchLines reads the canonical JSONL bench file ($PIR_BENCH_FILE or the
// bundled sample) as trimmed, non-empty lines.
func benchLines(b *testing.B) ([][]byte, int) {
	p, _ := benchFile(b)
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	for _, l := range bytes.Split(data, []byte{'\n'}) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			lines = append(lines, l)
		}
	}
	return lines, len(data)
}

// BenchmarkDecodeCanonical decodes, validates and digests each line of the
// bench file on one goroutine: the per-record CPU cost of the parser
// without DuckDB (ns/op and allocs/op are per file).
func BenchmarkDecodeCanonical(b *testing.B) {
	lines, size := benchLines(b)
	p := &ParseContext{File: "bench.jsonl", Location: time.UTC, Now: time.Now}
	lim := p.Limits.WithDefaults()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var buf []byte // as each decoding worker does
	for b.Loop() {
		for i, l := range lines {
			r := decodeCanonicalRaw(p, l, "1", lim)
			if r.Err != nil {
				b.Fatalf("line %d: %v", i+1, r.Err)
			}
			_, buf = r.Case.contentHashBuf(buf)
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkParseCanonical runs the whole JSON Lines parser (batched,
// parallel decoding) over the bench file, as the loader does but without
// DuckDB.
func BenchmarkParseCanonical(b *testing.B) {
	lines, size := benchLines(b)
	data := bytes.Join(lines, []byte{'\n'})
	p := &ParseContext{File: "bench.jsonl", Location: time.UTC, Now: time.Now}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := Canonical{}.Parse(p, bytes.NewReader(data), func(r Record) error {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			_ = r.Case.contentHash()
			n++
			return nil
		})
		if err != nil || n != len(lines) {
			b.Fatalf("parsed %d of %d: %v", n, len(lines), err)
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
