package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashModes are where TestCrashIngest kills pir, one run each: while it
// reads the input, after it has read it (merge, commit), and as the commit's
// write-ahead log appears. Enough to land in every phase, few enough for CI.
var crashModes = []string{"read", "tail", "wal", "read", "wal"}

// TestCrashIngest kills `pir ingest` with SIGKILL at seeded random points
// while it loads a large file over an existing database: half the kills
// while it reads the file (at a random fraction of it, watched through
// /proc/PID/fdinfo so machine load does not skew the point), half after it
// has read it (merge, commit, checkpoint; at a random fraction of the time
// that phase took uninterrupted). Afterwards the database opens, holds
// exactly the state before or after that ingest (counts and a digest of
// every case, technique and action item), and a re-run completes with the
// state after.
func TestCrashIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test")
	}
	if _, err := os.Stat("/proc/self/fdinfo"); err != nil {
		t.Skip("needs /proc (Linux) to place the kills")
	}
	dir := t.TempDir()
	small := filepath.Join(dir, "before.jsonl")
	big := filepath.Join(dir, "big.jsonl")
	const bigCases = 6000
	writeCases(t, small, 600, 1)
	// Seed 2 reuses the IDs IR-000001…: the big ingest updates the 600
	// existing cases and inserts the rest.
	writeCases(t, big, bigCases, 2)
	st, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()

	base := filepath.Join(dir, "base.duckdb")
	if code, _, stderr := execPir(t, "ingest", "--quiet", "--db", base, small); code != 0 {
		t.Fatalf("base ingest: exit %d: %s", code, stderr)
	}
	before := readState(t, base)

	// The uninterrupted ingest: the state after, and how long the phase
	// after reading the file takes.
	ref := filepath.Join(dir, "ref.duckdb")
	copyDB(t, base, ref)
	p := startPir(t, nil, "ingest", "--db", ref, big)
	if !p.waitRead(t, big, size) {
		t.Fatalf("reference ingest exited before reading %s: %s", big, p.stderr)
	}
	closed := time.Now()
	if !p.waitFile(ref + ".wal") {
		t.Logf("reference ingest: no WAL appeared")
	}
	walAt := time.Now()
	if code := p.wait(); code != 0 {
		t.Fatalf("reference ingest: exit %d: %s", code, p.stderr)
	}
	tail, walPhase := time.Since(closed), time.Since(walAt)
	after := readState(t, ref)
	if before.Digest == after.Digest || after.Cases != bigCases {
		t.Fatalf("the big ingest must change the database: before %v, after %v", before, after)
	}
	t.Logf("before: %v; after: %v; after reading the file: %v, of which with a WAL: %v", before, after, tail.Round(time.Millisecond), walPhase.Round(time.Millisecond))

	rng := rand.New(rand.NewSource(20240101))
	for i, mode := range crashModes {
		db := filepath.Join(dir, "crash.duckdb")
		os.Remove(db)
		os.Remove(db + ".wal")
		copyDB(t, base, db)
		p := startPir(t, nil, "ingest", "--quiet", "--db", db, big)
		var where string
		switch mode {
		case "read":
			frac := 0.05 + 0.9*rng.Float64()
			where = fmt.Sprintf("at %.0f%% of the file", 100*frac)
			if !p.waitRead(t, big, int64(frac*float64(size))) {
				t.Fatalf("kill %d: pir exited before reading %s of %s: %s", i, where, big, p.stderr)
			}
		case "tail":
			delay := time.Duration(rng.Float64() * float64(tail))
			where = fmt.Sprintf("%v after reading the file", delay.Round(time.Millisecond))
			if !p.waitRead(t, big, size) {
				t.Fatalf("kill %d: pir exited before reading %s: %s", i, big, p.stderr)
			}
			time.Sleep(delay)
		case "wal":
			// The commit writes the write-ahead log; kill while it does, or
			// while the checkpoint copies it into the database file.
			delay := time.Duration(rng.Float64() * float64(walPhase))
			where = fmt.Sprintf("%v after the WAL appeared", delay.Round(time.Millisecond))
			if !p.waitFile(db + ".wal") {
				where = "never: no WAL appeared before pir exited"
			}
			time.Sleep(delay)
		}
		reading := mode == "read"
		p.cmd.Process.Signal(syscall.SIGKILL)
		code := p.wait()
		_, walErr := os.Stat(db + ".wal")
		got := readState(t, db)
		switch {
		case got == before:
		case got == after && !reading:
		default:
			t.Fatalf("kill %d %s (exit %d): the database holds %v; want the state before (%v) or, once the file is read, after (%v)",
				i, where, code, got, before, after)
		}
		t.Logf("kill %d %s: exit %d, WAL left: %v, state %s", i, where, code, walErr == nil,
			map[bool]string{true: "before", false: "after"}[got == before])

		// A re-run completes and leaves exactly the state after (one more
		// run recorded when the killed one had committed).
		code, stdout, stderr := execPir(t, "ingest", "--db", db, big)
		if code != 0 {
			t.Fatalf("re-run after kill %d: exit %d: %s", i, code, stderr)
		}
		rerun := readState(t, db)
		want := after
		if got == after {
			want.Runs++
			want.Files++
			if !strings.Contains(stdout, fmt.Sprintf("0 inserted, 0 updated, %d unchanged", bigCases)) {
				t.Errorf("re-run of a committed ingest: got %q, want every case unchanged", stdout)
			}
		}
		if rerun != want {
			t.Fatalf("re-run after kill %d: got %v, want %v", i, rerun, want)
		}
	}
}

// waitRead waits until the process has read at least n bytes of path (its
// file offset, from /proc/PID/fdinfo) or has closed the file after opening
// it. It reports false when the process exits first.
func (p *pirProc) waitRead(t testing.TB, path string, n int64) bool {
	t.Helper()
	pid := p.cmd.Process.Pid
	seen := false
	for {
		pos, open := fdPos(pid, path)
		if (open && pos >= n) || (!open && seen) {
			return true
		}
		seen = seen || open
		if !open && procExited(pid) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitFile waits until path exists; false when the process exits first.
func (p *pirProc) waitFile(path string) bool {
	for {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		if procExited(p.cmd.Process.Pid) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// procExited reports whether pid is gone or a zombie (exited, not reaped).
func procExited(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// "pid (comm) S …": the state follows the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] == 'Z' || s[i+2] == 'X'
}

// fdPos returns the offset of the process's open descriptor on path.
func fdPos(pid int, path string) (int64, bool) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, false
	}
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err != nil || target != path {
			continue
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, fd.Name()))
		if err != nil {
			return 0, false
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "pos:"); ok {
				pos, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				return pos, true
			}
		}
	}
	return 0, false
}
