package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// DuckDB lets one process write a database file, or any number read it,
// never both, and it does not wait for a lock. These tests hold the
// database in one pir process and start others: each either works or
// fails at once with exit 3 and "database is in use by another pir
// process", and nothing is corrupted.

// failFast bounds how long a refused command may take (process start and
// DuckDB's open included, on a loaded CI machine).
const failFast = 20 * time.Second

// lockedRun runs the pir binary with a deadline and returns its exit code,
// combined output and duration.
func lockedRun(t *testing.T, args ...string) (int, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*failFast)
	defer cancel()
	cmd := exec.CommandContext(ctx, pirBinary(t), args...)
	start := time.Now()
	out, _ := cmd.CombinedOutput()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("pir %s: still running after %v (waiting for the lock instead of failing fast?)\n%s", strings.Join(args, " "), 2*failFast, out)
	}
	return cmd.ProcessState.ExitCode(), string(out), took
}

// wantInUse checks a refused command: exit 3, the message, the reason, fast.
func wantInUse(t *testing.T, what string, code int, out string, took time.Duration, reason string) {
	t.Helper()
	if code != exitLocked {
		t.Errorf("%s: exit %d, want %d:\n%s", what, code, exitLocked, out)
		return
	}
	if !strings.Contains(out, "database is in use by another pir process") || !strings.Contains(out, reason) {
		t.Errorf("%s: got %q, want the in-use message with %q", what, out, reason)
	}
	if n := strings.Count(out, "Error: "); n != 1 {
		t.Errorf("%s: want one Error line, got %d:\n%s", what, n, out)
	}
	if took > failFast {
		t.Errorf("%s: took %v, want it to fail fast", what, took)
	}
}

// concurrencyConfig writes a pir.toml for `pir run` over db (no email).
func concurrencyConfig(t *testing.T, dir, db, source string) string {
	t.Helper()
	p := filepath.Join(dir, "pir.toml")
	cfg := fmt.Sprintf("db = %q\nout_dir = %q\n[[source]]\npaths = [%q]\n", db, filepath.Join(dir, "out"), source)
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConcurrentWhileIngesting: while `pir ingest` is inside its
// transaction (held there with SIGSTOP, so the timing is certain), query,
// a second ingest, report and run are refused at once; the ingest then
// completes and its result is exactly the file's content.
func TestConcurrentWhileIngesting(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, examplesCases(t)); code != 0 {
		t.Fatalf("base ingest: exit %d: %s", code, stderr)
	}
	before := readState(t, db)
	big := filepath.Join(dir, "big.jsonl")
	writeCases(t, big, 3000, 9)
	small := filepath.Join(dir, "small.jsonl")
	writeCases(t, small, 10, 3)
	cfg := concurrencyConfig(t, dir, db, small)

	ing := startPir(t, nil, "ingest", "--db", db, big)
	if !ing.waitRead(t, big, 1) {
		t.Fatalf("ingest exited before reading its file: %s", ing.stderr)
	}
	// The database is open read-write and the transaction has begun.
	if err := ing.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := true
	defer func() {
		if stopped {
			ing.cmd.Process.Signal(syscall.SIGCONT)
		}
	}()

	code, out, took := lockedRun(t, "query", "--db", db, "SELECT count(*) FROM cases")
	wantInUse(t, "query", code, out, took, "it is writing (pir ingest or run), and no process can read while another writes")
	if !strings.Contains(out, fmt.Sprintf("(pid %d, pir)", ing.cmd.Process.Pid)) {
		t.Errorf("query: the message does not name the ingest's pid %d: %q", ing.cmd.Process.Pid, out)
	}
	code, out, took = lockedRun(t, "ingest", "--db", db, small)
	wantInUse(t, "second ingest", code, out, took, "only one process can write at a time")
	code, out, took = lockedRun(t, "report", "--db", db, "--quarter", "2025-Q4", "--out", filepath.Join(dir, "report"))
	wantInUse(t, "report", code, out, took, "no process can read while another writes")
	code, out, took = lockedRun(t, "run", "--config", cfg, "--quarter", "2025-Q4")
	wantInUse(t, "run", code, out, took, "only one process can write at a time")
	for _, d := range []string{"report", "out"} {
		if entries, _ := os.ReadDir(filepath.Join(dir, d)); len(entries) != 0 {
			t.Errorf("a refused command wrote %s/: %v", d, entries)
		}
	}

	ing.cmd.Process.Signal(syscall.SIGCONT)
	stopped = false
	if code := ing.wait(); code != 0 {
		t.Fatalf("the ingest that held the lock: exit %d: %s", code, ing.stderr)
	}
	after := readState(t, db)
	if after.Runs != before.Runs+1 || after.Cases != 3000 {
		t.Errorf("after the ingest: %v, want one more run and 3000 cases (before: %v)", after, before)
	}
	// The loaded content is exactly the file's: re-ingesting changes nothing.
	code, stdout, stderr := execPir(t, "ingest", "--db", db, big)
	if code != 0 || !strings.Contains(stdout, "0 inserted, 0 updated, 3000 unchanged") {
		t.Errorf("re-ingest: exit %d, got %q %s, want every case unchanged", code, stdout, stderr)
	}
	// And the refused commands work now.
	if code, out, _ := lockedRun(t, "query", "--db", db, "SELECT count(*) FROM cases"); code != 0 || !strings.Contains(out, "3000") {
		t.Errorf("query after the ingest: exit %d: %s", code, out)
	}
}

// TestConcurrentWhileQuerying: an analyst's `pir query` holds the database
// open (its output piped into a pager that is not reading). Other readers
// (query, report) work alongside; writers (ingest, run) are refused at
// once and leave the previous report files as they were.
func TestConcurrentWhileQuerying(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, examplesCases(t)); code != 0 {
		t.Fatalf("base ingest: exit %d: %s", code, stderr)
	}
	before := readState(t, db)
	small := filepath.Join(dir, "small.jsonl")
	writeCases(t, small, 10, 3)
	cfg := concurrencyConfig(t, dir, db, small)
	outDir := filepath.Join(dir, "out")
	if code, _, stderr := runPir(t, "", "report", "--db", db, "--quarter", "2025-Q4", "--out", outDir); code != 0 {
		t.Fatalf("first report: exit %d: %s", code, stderr)
	}
	previous := readDir(t, outDir)

	// The analyst: 300,000 rows of CSV into a pipe nobody drains (a pager
	// waiting for a key press) blocks pir in write with the database open.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	analyst := exec.Command(pirBinary(t), "query", "--db", db, "--format", "csv", "SELECT range AS n FROM range(300000)")
	analyst.Stdout = pw
	var analystErr bytes.Buffer
	analyst.Stderr = &analystErr
	if err := analyst.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	first := make([]byte, 1)
	if _, err := io.ReadFull(pr, first); err != nil {
		t.Fatalf("the analyst's query wrote nothing: %v %s", err, analystErr.String())
	}
	drained := make(chan int64)
	defer func() {
		if analyst.ProcessState == nil {
			analyst.Process.Kill()
			analyst.Wait()
		}
	}()

	if code, out, _ := lockedRun(t, "query", "--db", db, "SELECT count(*) FROM cases"); code != 0 || !strings.Contains(out, "400") {
		t.Errorf("a second reader: exit %d, want 0 with 400 cases:\n%s", code, out)
	}
	reportDir := filepath.Join(dir, "report2")
	if code, out, _ := lockedRun(t, "report", "--db", db, "--quarter", "2025-Q4", "--out", reportDir); code != 0 {
		t.Errorf("report while the analyst reads: exit %d, want 0:\n%s", code, out)
	} else if got := readDir(t, reportDir); len(got) != len(previous) {
		t.Errorf("report while the analyst reads wrote %d files, want %d", len(got), len(previous))
	}
	code, out, took := lockedRun(t, "ingest", "--db", db, small)
	wantInUse(t, "ingest", code, out, took, "it is reading (pir query or report), and writing needs the database to itself")
	code, out, took = lockedRun(t, "run", "--config", cfg, "--quarter", "2025-Q4")
	wantInUse(t, "run", code, out, took, "writing needs the database to itself")
	if got := readDir(t, outDir); !equalFiles(got, previous) {
		t.Errorf("the refused run changed %s", outDir)
	}

	// The analyst finishes reading: every row arrived, exit 0.
	go func() {
		n, _ := io.Copy(io.Discard, pr)
		drained <- n + 1
	}()
	if err := analyst.Wait(); err != nil {
		t.Fatalf("the analyst's query: %v %s", err, analystErr.String())
	}
	if n := <-drained; n != int64(len("n\n"))+csvDigits(300000) {
		t.Errorf("the analyst's query wrote %d bytes, want all 300,000 rows", n)
	}
	if after := readState(t, db); after != before {
		t.Errorf("database changed: %v, want %v", after, before)
	}
}

// csvDigits is the size of the numbers 0…n-1, one per line.
func csvDigits(n int) int64 {
	var total int64
	for i := range n {
		total += int64(len(fmt.Sprint(i))) + 1
	}
	return total
}

// readDir returns the files of dir by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func equalFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
