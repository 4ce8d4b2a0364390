package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodeOneLine: whatever an error says (a file name with a newline
// or an escape sequence, a multi-line DuckDB message), stderr gets exactly
// one Error: line, with the control characters escaped as %q would.
func TestExitCodeOneLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		code int
		want string
	}{
		{"Newline", errors.New("ingest evil\nError: forged line.jsonl: no such file"), exitFailed,
			`Error: ingest evil\nError: forged line.jsonl: no such file`},
		{"Escape", fmt.Errorf("ingest %s: no such file", "\x1b[2K\x1b[1Gok.jsonl"), exitFailed,
			`Error: ingest \x1b[2K\x1b[1Gok.jsonl: no such file`},
		{"CarriageReturnAndBidi", errors.New("a\rb \u202egnp.exe"), exitFailed, `Error: a\rb \u202egnp.exe`},
		{"InvalidUTF8", errors.New("file \xff.jsonl"), exitFailed, `Error: file \xff.jsonl`},
		{"KeepsPrintable", errors.New(`--tz "Mars/Olympus": unknown time zone — é \ ok`), exitFailed,
			`Error: --tz "Mars/Olympus": unknown time zone — é \ ok`},
		{"Usage", usagef("pir ingest\nTry: rm -rf /", "--format %q", "x\ny"), exitUsage,
			"Error: --format \"x\\ny\"\nTry: pir ingest\\nTry: rm -rf /"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if code := exitCode(tc.err, &b); code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if got := strings.TrimSuffix(b.String(), "\n"); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestErrorLineFromFileName: a file name that would forge a second Error:
// line or clear the terminal line stays inside one escaped line, end to end.
func TestErrorLineFromFileName(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"evil\nError: all good.jsonl", "\x1b[2K\x1b[1Gevil.jsonl"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(`{"id":`), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runPir(t, "", "ingest", "--db", filepath.Join(dir, "pir.duckdb"), path)
		if code != exitFailed {
			t.Errorf("%q: exit %d, want 1: %q", name, code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "Error: ") || strings.ContainsRune(stderr, '\x1b') {
			t.Errorf("%q: want one Error: line without control characters, got %q", name, stderr)
		}
	}
}

// TestFlagsAfterFiles: a flag after the file names is a usage error (exit
// 2 with a Try: line), not a missing file named "--format" (exit 1).
func TestFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	cases := writeTemp(t, "cases.jsonl", `{"id":"A-1","timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n")
	for _, args := range [][]string{
		{"ingest", "--db", db, cases, "--format", "pir"},
		{"ingest", "--db", db, cases, "--quiet"},
		{"ingest", "--db", db, "-", "--format=pir"},
		{"mail", "--eml", filepath.Join(dir, "m.eml"), cases, "--to", "ciso@example.org"},
	} {
		code, _, stderr := runPir(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "after the file names") || !strings.Contains(stderr, "Try: pir "+args[0]+" ") {
			t.Errorf("%q: got exit %d %q, want 2 with a Try: line", args, code, stderr)
		}
	}
	// "--" lets a file whose name starts with a dash through.
	code, _, stderr := runPir(t, "", "ingest", "--db", db, "--", "-missing.jsonl", "--also-a-file")
	if code != exitFailed || !strings.Contains(stderr, "-missing.jsonl") {
		t.Errorf("after --: got exit %d %q, want 1 naming the missing file", code, stderr)
	}
	code, _, stderr = runPir(t, "", "ingest", "--db", db, cases, "--", "--also-a-file")
	if code != exitFailed || !strings.Contains(stderr, "--also-a-file") {
		t.Errorf("file, --, dashed file: got exit %d %q, want 1 naming the missing file", code, stderr)
	}
	if code, _, stderr := runPir(t, "", "ingest", "--db", db, "--format", "pir", "--quiet", cases); code != 0 {
		t.Errorf("flags first: exit %d %q", code, stderr)
	}
}
