package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalWhileReadingStdin: `sleep 60 | pir ingest -` used to ignore
// SIGTERM and SIGINT until the writer closed the pipe (the read blocked and
// nothing cancelled it). Now the first signal cancels the read: pir exits
// promptly with 130 (SIGINT) or 143 (SIGTERM), and the database holds what
// it held before.
func TestSignalWhileReadingStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pir binary")
	}
	tmpl := templateDB(t)
	before := readState(t, tmpl)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "pir.duckdb")
			copyDB(t, tmpl, db)
			// A pipe whose writer stays open and silent, like `sleep 60 |`.
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			cmd := exec.Command(pirBinary(t), "ingest", "--db", db, "-")
			cmd.Stdin = r
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r.Close()
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			defer func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
					<-done
				}
			}()
			waitReadingStdin(t, cmd.Process.Pid, done)
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-done:
			case <-time.After(30 * time.Second): // generous: exiting takes milliseconds
				t.Fatalf("pir ingest - still running 30 s after %v (stderr: %s)", tc.sig, stderr.String())
			}
			if got := cmd.ProcessState.ExitCode(); got != tc.code {
				t.Errorf("exit code %d after %v, want %d (stderr: %s)", got, tc.sig, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "Error: interrupted") {
				t.Errorf("stderr: %q, want Error: interrupted", stderr.String())
			}
			t.Logf("exited %v after %v", time.Since(sent).Round(time.Millisecond), tc.sig)
			if got := readState(t, db); got != before {
				t.Errorf("database after the interrupted ingest: %v, want it unchanged (%v)", got, before)
			}
		})
	}
}

// waitReadingStdin waits until one of the process's threads is blocked in
// read(0, …) (Linux /proc/PID/task/*/syscall), so the signal arrives
// while the read blocks, not before it; elsewhere it waits 2 s.
func waitReadingStdin(t *testing.T, pid int, exited <-chan struct{}) {
	t.Helper()
	read := map[string]string{"amd64": "0 0x0 ", "arm64": "63 0x0 ", "386": "3 0x0 "}[runtime.GOARCH]
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatal("pir exited before reading standard input")
		default:
		}
		tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/syscall", pid))
		if err != nil || len(tasks) == 0 || read == "" {
			time.Sleep(2 * time.Second)
			return
		}
		for _, task := range tasks {
			if b, err := os.ReadFile(task); err == nil && strings.HasPrefix(string(b), read) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("pir never blocked reading standard input")
}

// TestNonRegularFilesRefused: a named pipe (FIFO) anywhere pir reads a
// path — an input file, a case file in a directory, the mapping file, the
// ServiceNow history file, the config — is refused at once with a clear
// error. Opening a FIFO blocks until a writer comes and reading it can
// block for ever: a FIFO named as the ServiceNow history file hung pir.
// Standard input ("-") stays allowed.
func TestNonRegularFilesRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pir binary")
	}
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		return p
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inputFIFO := fifo("cases.jsonl")
	walked := filepath.Join(dir, "exports")
	os.Mkdir(walked, 0o755)
	os.WriteFile(filepath.Join(walked, "a.jsonl"), []byte(`{"id":"F-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(walked, "b.jsonl"), 0o644); err != nil {
		t.Fatal(err)
	}
	mappingFIFO := fifo("map.toml")
	historyFIFO := fifo("sys_audit.csv")
	incidents := write("incidents.csv", "number,sys_id,opened_at,short_description,state\nSIR1,abc,2024-01-01 10:00:00,x,Analysis\n")
	historyMap := write("history-map.toml", fmt.Sprintf("\"servicenow.history\" = %q\n", historyFIFO))
	configFIFO := fifo("pir.toml")
	db := filepath.Join(dir, "pir.duckdb")

	for _, tc := range []struct {
		name string
		args []string
		code int // 2 for a config error, as for a missing config
		want string
	}{
		{"InputFile", []string{"ingest", "--db", db, inputFIFO}, 1, "cases.jsonl: not a regular file (a named pipe)"},
		{"DirectoryEntry", []string{"ingest", "--db", db, walked}, 1, "b.jsonl: not a regular file (a named pipe)"},
		{"MappingFile", []string{"ingest", "--db", db, "--mapping", mappingFIFO, incidents}, 1, "map.toml: not a regular file (a named pipe)"},
		{"HistoryFile", []string{"ingest", "--db", db, "--mapping", historyMap, incidents}, 1, "sys_audit.csv: not a regular file (a named pipe)"},
		{"ConfigFile", []string{"run", "--config", configFIFO, "--dry-run"}, 2, "pir.toml: not a regular file (a named pipe)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, pirBinary(t), tc.args...)
			out, _ := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("pir %v hung on a named pipe (killed after 60 s): %s", tc.args, out)
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.Contains(string(out), tc.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s", code, tc.code, tc.want, out)
			}
		})
	}
	t.Run("StdinStillAllowed", func(t *testing.T) {
		code, stdout, stderr := runPir(t, `{"id":"S-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n", "ingest", "--db", filepath.Join(t.TempDir(), "s.duckdb"), "-")
		if code != 0 || !strings.Contains(stdout, "1 inserted") {
			t.Fatalf("exit %d: %s%s", code, stdout, stderr)
		}
	})
}
