// Command pir turns post-incident reviews into quarterly IR trends: ingest
// case exports into DuckDB, compute metrics in SQL, render an HTML dashboard
// and a PDF report, and email it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
