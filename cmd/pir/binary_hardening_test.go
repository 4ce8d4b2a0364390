package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// The hardening tests (crash, concurrency, resource bounds, unreadable
// files) run the real pir binary as a subprocess: SIGKILL, file locks
// between processes and peak RSS cannot be tested in-process. The binary is
// built once per test binary, into a directory TestMain removes.

var (
	hardenBinOnce sync.Once
	hardenBinPath string
	hardenBinErr  error
	hardenBinDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if hardenBinDir != "" {
		os.RemoveAll(hardenBinDir)
	}
	os.Exit(code)
}

// pirBinary returns the path of a pir binary built from this package.
func pirBinary(t testing.TB) string {
	t.Helper()
	hardenBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pir-test-bin-")
		if err != nil {
			hardenBinErr = err
			return
		}
		hardenBinDir = dir
		// Others (the unreadable-file test runs pir as nobody) must reach it.
		if err := os.Chmod(dir, 0o755); err != nil {
			hardenBinErr = err
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		path := filepath.Join(dir, "pir")
		cmd := exec.Command(goTool, "build", "-o", path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			hardenBinErr = fmt.Errorf("go build ./cmd/pir: %v\n%s", err, out)
			return
		}
		hardenBinPath = path
	})
	if hardenBinErr != nil {
		t.Fatalf("building the pir binary for subprocess tests: %v", hardenBinErr)
	}
	return hardenBinPath
}

// pirProc is one pir subprocess.
type pirProc struct {
	cmd            *exec.Cmd
	stdout, stderr *bytes.Buffer
}

// startPir starts the pir binary with args; env entries are added to the
// test's environment.
func startPir(t testing.TB, env []string, args ...string) *pirProc {
	t.Helper()
	cmd := exec.Command(pirBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	p := &pirProc{cmd: cmd, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pir %v: %v", args, err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return p
}

// wait waits for the process and returns its exit code (-1 when killed by
// a signal).
func (p *pirProc) wait() int {
	p.cmd.Wait()
	return p.cmd.ProcessState.ExitCode()
}

// trackPeakRSS polls the process's VmHWM (its peak resident set since
// exec) until it exits; the returned function gives the peak in bytes after
// wait. rusage's maxrss would not do: Linux starts a child's maxrss at the
// RSS of the test binary that spawned it (the address space it shared until
// exec), which tests running DuckDB in-process make hundreds of MB.
func (p *pirProc) trackPeakRSS() func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	status := fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid)
	go func() {
		defer close(done)
		for {
			b, err := os.ReadFile(status)
			if err != nil {
				return
			}
			var kb int64
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
				}
			}
			if kb == 0 { // a zombie: the address space is gone
				return
			}
			if kb*1024 > peak.Load() {
				peak.Store(kb * 1024)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() int64 {
		<-done
		return peak.Load()
	}
}

// execPir runs the pir binary to completion: exit code, stdout, stderr.
func execPir(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	p := startPir(t, nil, args...)
	code := p.wait()
	return code, p.stdout.String(), p.stderr.String()
}

// templateDB returns a migrated, empty database file; copyDB clones it so
// a table test does not pay for the migrations per case.
func templateDB(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "template.duckdb")
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--allow-empty", "--db", db, empty); code != 0 {
		t.Fatalf("create template database: exit %d: %s", code, stderr)
	}
	return db
}

func copyDB(t testing.TB, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src + ".wal"); err == nil {
		t.Fatalf("%s has a WAL: not a clean template", src)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// dbState is what a database holds, for before/after comparisons.
type dbState struct {
	Cases, Techniques, Actions, Runs, Files, Rejects int64
	Digest                                           string
}

func (s dbState) String() string {
	return fmt.Sprintf("%d cases, %d techniques, %d action items, %d runs, %d files, %d rejects, digest %.12s",
		s.Cases, s.Techniques, s.Actions, s.Runs, s.Files, s.Rejects, s.Digest)
}

// stateDigestSQL summarises the case store: counts and an order-independent
// digest of every case's content, techniques and action items.
const stateDigestSQL = `SELECT
  (SELECT count(*) FROM store.cases),
  (SELECT count(*) FROM store.case_techniques),
  (SELECT count(*) FROM store.action_items),
  (SELECT count(*) FROM store.ingest_runs),
  (SELECT count(*) FROM store.ingest_files),
  (SELECT count(*) FROM store.rejects),
  md5(coalesce((SELECT string_agg(source || '/' || case_id || '/' || content_sha256 || '/' || coalesce(title, ''), '|' ORDER BY source, case_id) FROM store.cases), '')
   || '#' || coalesce((SELECT string_agg(source || '/' || case_id || '/' || technique_id, '|' ORDER BY source, case_id, technique_id) FROM store.case_techniques), '')
   || '#' || coalesce((SELECT string_agg(source || '/' || case_id || '/' || item_id || '/' || status, '|' ORDER BY source, case_id, position) FROM store.action_items), ''))`

// readState opens the database read-only (as a separate DuckDB instance, so
// a WAL left by a killed process is replayed) and summarises it.
func readState(t testing.TB, path string) dbState {
	t.Helper()
	db, err := pirsql.Open(context.Background(), path, pirsql.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s after the test: %v", path, err)
	}
	defer db.Close()
	var s dbState
	if err := db.QueryRow(stateDigestSQL).Scan(&s.Cases, &s.Techniques, &s.Actions, &s.Runs, &s.Files, &s.Rejects, &s.Digest); err != nil {
		t.Fatalf("state of %s: %v", path, err)
	}
	return s
}

// queryString runs one query returning one value on a read-only open.
func queryString(t testing.TB, path, query string, args ...any) string {
	t.Helper()
	db, err := pirsql.Open(context.Background(), path, pirsql.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	var v sql.NullString
	if err := db.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v.String
}

// writeCases writes n canonical cases (JSON Lines) to path, deterministic
// for a seed, with pir sample's generator.
func writeCases(t testing.TB, path string, n int, seed int64) {
	t.Helper()
	code, _, stderr := runPir(t, "", "sample", "--cases", fmt.Sprint(n), "--seed", fmt.Sprint(seed), "--output", path)
	if code != 0 {
		t.Fatalf("pir sample: exit %d: %s", code, stderr)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// streamFile writes head, then n copies of fill, then tail, without holding
// the whole file in memory.
func streamFile(t testing.TB, path, head string, fill byte, n int, tail string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.WriteString(f, head); err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := f.Write(chunk[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
	if _, err := io.WriteString(f, tail); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
