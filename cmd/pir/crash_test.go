package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pirhq/pir/internal/testenv"
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

// TestCrashReport kills `pir report` and `pir run` with SIGKILL at seeded
// random points while they replace a quarter's outputs: every output is
// afterwards either the previous file, byte for byte, or a complete new one
// (a PDF that pdfinfo reads, an HTML page that ends), never a torn file;
// the run's database holds the state before or after its ingest.
func TestCrashReport(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, examplesCases(t)); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runPir(t, "", "report", "--db", db, "--quarter", "2025-Q4", "--out", out); code != 0 {
		t.Fatalf("first report: exit %d: %s", code, stderr)
	}
	previous := readDir(t, out)
	if len(previous) != 2 {
		t.Fatalf("the report wrote %d files, want 2", len(previous))
	}
	// New cases in the quarter, so the next outputs differ.
	more := filepath.Join(dir, "more.jsonl")
	if code, _, stderr := runPir(t, "", "sample", "--cases", "300", "--quarters", "1", "--start", "2025-10-01", "--seed", "7", "-o", more); code != 0 {
		t.Fatalf("sample: %s", stderr)
	}
	cfg := filepath.Join(dir, "pir.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("db = %q\nout_dir = %q\n[[source]]\npaths = [%q]\n", db, out, more)), 0o644)
	before := readState(t, db)
	base := filepath.Join(dir, "base.duckdb")
	copyDB(t, db, base)

	rng := rand.New(rand.NewSource(20251231))
	// run first: its last, uninterrupted run ingests more.jsonl, so the
	// report's new outputs differ from the previous ones too.
	for _, cmd := range []string{"run", "report"} {
		t.Run(cmd, func(t *testing.T) {
			for name, b := range previous {
				os.WriteFile(filepath.Join(out, name), b, 0o644)
			}
			args := []string{"report", "--db", db, "--quarter", "2025-Q4", "--out", out}
			if cmd == "run" {
				args = []string{"run", "--config", cfg, "--quarter", "2025-Q4"}
			}
			// An uninterrupted run into a scratch copy: how long it takes.
			scratch := t.TempDir()
			copyDB(t, db, filepath.Join(scratch, "pir.duckdb"))
			refArgs := []string{"report", "--db", filepath.Join(scratch, "pir.duckdb"), "--quarter", "2025-Q4", "--out", filepath.Join(scratch, "out")}
			if cmd == "run" {
				refCfg := filepath.Join(scratch, "pir.toml")
				os.WriteFile(refCfg, []byte(fmt.Sprintf("db = \"pir.duckdb\"\nout_dir = \"out\"\n[[source]]\npaths = [%q]\n", more)), 0o644)
				refArgs = []string{"run", "--config", refCfg, "--quarter", "2025-Q4"}
			}
			pirBinary(t) // built before timing
			start := time.Now()
			if code, _, stderr := execPir(t, refArgs...); code != 0 {
				t.Fatalf("uninterrupted %s: exit %d: %s", cmd, code, stderr)
			}
			full := time.Since(start)
			after := readState(t, filepath.Join(scratch, "pir.duckdb"))

			kept := 0
			for i := range 4 {
				p := startPir(t, nil, args...)
				var delay time.Duration
				var where string
				if i%2 == 0 {
					delay = time.Duration((0.1 + 0.9*rng.Float64()) * float64(full))
					where = fmt.Sprintf("after %v", delay.Round(time.Millisecond))
					time.Sleep(delay)
				} else {
					// While it writes the temporary files and renames them.
					delay = time.Duration(rng.Intn(3000)) * time.Microsecond
					where = fmt.Sprintf("%v after the first temporary file appeared", delay)
					if !p.waitTemp(out) {
						where = "never: no temporary file appeared before it exited"
					}
					time.Sleep(delay)
				}
				p.cmd.Process.Signal(syscall.SIGKILL)
				code := p.wait()
				got := readDir(t, out)
				same := 0
				for name, old := range previous {
					b, ok := got[name]
					switch {
					case !ok:
						t.Fatalf("kill %d %s: %s is gone", i, where, name)
					case bytes.Equal(b, old):
						same++
					default:
						checkComplete(t, filepath.Join(out, name), b)
					}
				}
				if same == len(previous) {
					kept++
				}
				for name := range got {
					if _, ok := previous[name]; !ok && !tempName.MatchString(name) {
						t.Errorf("kill %d: unexpected file %s in the output directory", i, name)
					}
				}
				if cmd == "run" {
					if st := readState(t, db); st != before && st != after {
						t.Fatalf("kill %d %s: the database holds %v, want %v or %v", i, where, st, before, after)
					}
				}
				t.Logf("%s killed %s: exit %d, %d of %d outputs the previous ones", cmd, where, code, same, len(previous))
				// Back to the previous state for the next kill.
				for name, b := range previous {
					os.WriteFile(filepath.Join(out, name), b, 0o644)
				}
				if cmd == "run" {
					os.Remove(db + ".wal")
					copyDB(t, base, db)
				}
			}
			if kept == 0 {
				t.Errorf("no kill landed before the outputs were replaced: the test did not interrupt a %s", cmd)
			}
			// A re-run after the kills completes and replaces both outputs.
			if code, _, stderr := execPir(t, args...); code != 0 {
				t.Fatalf("re-run: exit %d: %s", code, stderr)
			}
			for name, b := range readDir(t, out) {
				if _, ok := previous[name]; ok {
					if bytes.Equal(b, previous[name]) {
						t.Errorf("re-run: %s was not replaced", name)
					}
					checkComplete(t, filepath.Join(out, name), b)
				}
			}
		})
	}
}

// waitTemp waits until a temporary output file appears in dir; false when
// the process exits first.
func (p *pirProc) waitTemp(dir string) bool {
	for {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if tempName.MatchString(e.Name()) {
				return true
			}
		}
		if procExited(p.cmd.Process.Pid) {
			return false
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// tempName is how pir names a file it has not yet renamed into place.
var tempName = regexp.MustCompile(`^\..+\.tmp$`)

// checkComplete checks that a replaced output is whole.
func checkComplete(t *testing.T, path string, b []byte) {
	t.Helper()
	switch filepath.Ext(path) {
	case ".pdf":
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
			t.Errorf("%s: a torn PDF (%d bytes)", path, len(b))
			return
		}
		if out, err := exec.Command(testenv.Poppler(t, "pdfinfo"), path).CombinedOutput(); err != nil {
			t.Errorf("%s: pdfinfo: %v\n%s", path, err, out)
		}
	case ".html":
		if !bytes.HasSuffix(bytes.TrimSpace(b), []byte("</html>")) {
			t.Errorf("%s: a torn page (%d bytes)", path, len(b))
		}
	}
}
