// Command pir turns post-incident reviews into quarterly IR trends: ingest
// case exports into DuckDB, compute metrics in SQL, render an HTML dashboard
// and a PDF report, and email it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

func main() {
	ctx, caught := onSignals(context.Background())
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	if sig := caught(); sig != 0 {
		code = 128 + int(sig) // the shell's convention: 130 for SIGINT, 143 for SIGTERM
	}
	os.Exit(code)
}

// onSignals returns a context cancelled by the first SIGINT or SIGTERM:
// the command stops at the next step, and a read blocked on a pipe
// (`sleep 60 | pir ingest -`) returns; an ingest rolls back. A second
// signal exits at once (the database is as after a kill: DuckDB discards
// the unfinished transaction). caught reports the first signal, or 0.
func onSignals(parent context.Context) (ctx context.Context, caught func() syscall.Signal) {
	ctx, cancel := context.WithCancel(parent)
	var first atomic.Int32
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	// Past a file size limit (ulimit -f, systemd's LimitFSIZE=) a write
	// then fails with "file too large", an error pir reports, instead of
	// SIGXFSZ killing the process when the write runs on a DuckDB thread.
	signal.Ignore(syscall.SIGXFSZ)
	go func() {
		sig := (<-ch).(syscall.Signal)
		first.Store(int32(sig))
		cancel()
		<-ch
		fmt.Fprintln(os.Stderr, "Error: interrupted twice: exiting now")
		os.Exit(128 + int(sig))
	}()
	return ctx, func() syscall.Signal { return syscall.Signal(first.Load()) }
}
