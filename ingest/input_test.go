package ingest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadStdinCancelled: an ingest of standard input that blocks on a
// pipe nobody writes to returns context.Canceled when ctx is cancelled,
// instead of waiting for the writer (the CLI cancels ctx on SIGINT and
// SIGTERM); nothing is loaded.
func TestLoadStdinCancelled(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	db := openTestDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Load(ctx, db, []Input{{Path: "-", Format: "auto"}}, Options{Stdin: r, Now: fixedNow})
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // let it block in the read; cancelling earlier proves the same
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Load still blocked on standard input 20 s after ctx was cancelled")
	}
	if n := count(t, db, "SELECT count(*) FROM store.ingest_runs"); n != 0 {
		t.Errorf("%d runs recorded by a cancelled ingest", n)
	}
}

// TestContextReaderPassesEverything: reading through contextReader gives
// the bytes as they are, in order, and the reader's own error at the end.
func TestContextReaderPassesEverything(t *testing.T) {
	want := strings.Repeat("0123456789abcdef", 20000) // 320 KB: several chunks
	c := newContextReader(context.Background(), strings.NewReader(want))
	defer c.Close()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != want {
		t.Fatalf("got %d bytes (%v), want %d", len(got), err, len(want))
	}
}

// TestOpenRegular: regular files open; a named pipe, a directory and a
// device are refused at once, saying what they are.
func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "ok.jsonl", "{}\n")
	fifo := filepath.Join(dir, "pipe.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	f, err := OpenRegular(file)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(f); err != nil || string(b) != "{}\n" {
		t.Errorf("read %q, %v", b, err)
	}
	f.Close()
	for _, tc := range []struct{ path, want string }{
		{fifo, "pipe.jsonl: not a regular file (a named pipe): pir reads regular files only"},
		{dir, "not a regular file (a directory)"},
		{"/dev/null", "/dev/null: not a regular file (a device)"},
	} {
		done := make(chan error, 1)
		go func() {
			f, err := OpenRegular(tc.path)
			if err == nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: got %v, want %q", tc.path, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: OpenRegular blocked", tc.path)
		}
	}
}
