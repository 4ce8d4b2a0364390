package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// ingestMemoryBound is the peak RSS docs/reliability.md promises for an
// ingest under a DuckDB memory limit, however large the input: 1.75 × the
// limit + 150 MB. Measured on 2 cores: 50,000 cases at 128MB ~250 MB;
// 200,000 at 128MB 302 MB; 1,000,000 at 256MB 584 MB and at 1GB 1.72 GB.
// Before the appenders were flushed, 50,000 cases took ~485 MB and 100,000
// ~960 MB, whatever the limit.
func ingestMemoryBound(limit int64) int64 { return limit*7/4 + 150<<20 }

// TestResourceIngestMemory ingests 50,000 cases (75 MB of JSON Lines) with
// PIR_MEMORY_LIMIT=128MB and checks the child's peak RSS (VmHWM)
// against the documented bound. Memory that grows with the input (an
// unflushed appender, or no limit) exceeds it at this size.
func TestResourceIngestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	dir := t.TempDir()
	cases := filepath.Join(dir, "cases.jsonl")
	const n = 50000
	writeCases(t, cases, n, 11)
	p := startPir(t, []string{"PIR_MEMORY_LIMIT=128MB"}, "ingest", "--db", filepath.Join(dir, "pir.duckdb"), cases)
	peak := p.trackPeakRSS()
	if code := p.wait(); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, p.stderr)
	}
	rss := peak()
	bound := ingestMemoryBound(128 << 20)
	t.Logf("ingest of %d cases with a 128MB limit: peak RSS %d MB (bound %d MB)", n, rss>>20, bound>>20)
	if rss == 0 || rss > bound {
		t.Errorf("peak RSS %d MB, want at most %d MB", rss>>20, bound>>20)
	}
	if got := queryString(t, filepath.Join(dir, "pir.duckdb"), "SELECT count(*) FROM cases"); got != strconv.Itoa(n) {
		t.Errorf("cases: got %s, want %d", got, n)
	}
	t.Run("ErrBadLimit", func(t *testing.T) {
		code, _, stderr := runPir(t, "", "--memory-limit", "lots", "ingest", "--db", filepath.Join(dir, "x.duckdb"), cases)
		if code == 0 || !regexp.MustCompile(`memory_limit`).MatchString(stderr) {
			t.Errorf("exit %d, want a failure naming memory_limit:\n%s", code, stderr)
		}
	})
}

// TestResourceReportSize: the report of a quarter with 20,000 cases is a
// PDF of about the size and page count of one with 400: it shows top lists
// and distributions, not every case. The dashboard's size is logged: it
// lists every notable case and overdue item (see docs/reliability.md).
func TestResourceReportSize(t *testing.T) {
	if testing.Short() {
		t.Skip("large report")
	}
	type size struct {
		pdf, pages, html int
	}
	measure := func(n int) size {
		dir := t.TempDir()
		cases := filepath.Join(dir, "cases.jsonl")
		code, _, stderr := runPir(t, "", "sample", "--cases", strconv.Itoa(n), "--quarters", "1", "--start", "2025-10-01", "--seed", "5", "-o", cases)
		if code != 0 {
			t.Fatalf("sample: %s", stderr)
		}
		db := filepath.Join(dir, "pir.duckdb")
		if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, cases); code != 0 {
			t.Fatalf("ingest: %s", stderr)
		}
		out := filepath.Join(dir, "out")
		if code, _, stderr := runPir(t, "", "report", "--db", db, "--quarter", "2025-Q4", "--out", out); code != 0 {
			t.Fatalf("report: %s", stderr)
		}
		pdf, err := os.Stat(filepath.Join(out, "report-2025-Q4.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		html, err := os.Stat(filepath.Join(out, "dashboard-2025-Q4.html"))
		if err != nil {
			t.Fatal(err)
		}
		info, err := exec.Command("pdfinfo", filepath.Join(out, "report-2025-Q4.pdf")).Output()
		if err != nil {
			t.Fatalf("pdfinfo (apt-get install poppler-utils, or make test): %v", err)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
		if m == nil {
			t.Fatalf("pdfinfo: no page count:\n%s", info)
		}
		pages, _ := strconv.Atoi(string(m[1]))
		return size{pdf: int(pdf.Size()), pages: pages, html: int(html.Size())}
	}
	small, large := measure(400), measure(20000)
	t.Logf("400 cases: PDF %d KB, %d pages, dashboard %d KB; 20,000 cases: PDF %d KB, %d pages, dashboard %d KB",
		small.pdf>>10, small.pages, small.html>>10, large.pdf>>10, large.pages, large.html>>10)
	if large.pdf > 2<<20 || large.pdf > small.pdf*3/2 {
		t.Errorf("PDF of 20,000 cases: %d KB, want at most 2 MB and 1.5× the 400-case PDF (%d KB)", large.pdf>>10, small.pdf>>10)
	}
	if large.pages > small.pages+4 || large.pages > 24 {
		t.Errorf("PDF of 20,000 cases: %d pages, want at most %d", large.pages, min(small.pages+4, 24))
	}
	if large.html > 16<<20 {
		t.Errorf("dashboard of 20,000 cases: %d KB, want at most 16 MB", large.html>>10)
	}

}

// TestResourceLongLines: JSON Lines are decoded in parallel batches; a
// batch of long lines (each under the 16 MiB record limit) must not hold
// hundreds of them. 32 lines of 8 MiB (rejected with --skip-invalid, so
// DuckDB stores almost nothing) peak at ~150 MB; holding the whole batch
// took ~400 MB (and grows with the lines, up to 512 × 16 MiB).
func TestResourceLongLines(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "long.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fill := make([]byte, 8<<20)
	for i := range fill {
		fill[i] = 'A'
	}
	for i := range 32 {
		fmt.Fprintf(f, `{"id":"L-%d","timeline":{"detection":"2024-01-01T00:00:00Z"},"title":"`, i)
		f.Write(fill)
		f.WriteString("\"\n") // no closing brace: each line is rejected
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// GOMEMLIMIT makes the Go GC keep up even on a loaded machine, so the
	// peak measures what the parser holds, not garbage awaiting collection.
	p := startPir(t, []string{"GOMEMLIMIT=64MiB"}, "ingest", "--skip-invalid", "--db", filepath.Join(dir, "pir.duckdb"), path)
	peak := p.trackPeakRSS()
	if code := p.wait(); code != 0 || !strings.Contains(p.stdout.String(), "32 rejected") {
		t.Fatalf("ingest: exit %d: %s%s", code, p.stdout, p.stderr)
	}
	const bound = 260 << 20
	rss := peak()
	t.Logf("32 lines of 8 MiB: peak RSS %d MB (bound %d MB)", rss>>20, bound>>20)
	if rss == 0 || rss > bound {
		t.Errorf("peak RSS %d MB, want at most %d MB", rss>>20, bound>>20)
	}
}
