// Command baseline is the reference loader for `make bench`: it loads a
// canonical JSONL file into a fresh pir database with DuckDB's own
// read_json and plain SQL (bench/readjson.sql), so scripts/bench.sh can time
// it as a whole process next to `pir ingest`.
//
//	baseline --db FILE cases.jsonl
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pirhq/pir/bench"
	pirsql "github.com/pirhq/pir/sql"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	dbPath := fs.String("db", "", "DuckDB database `FILE` to create (must not exist)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if *dbPath == "" || fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: baseline --db FILE cases.jsonl")
		return 2
	}
	if _, err := os.Stat(*dbPath); err == nil {
		fmt.Fprintf(os.Stderr, "Error: %s exists; the baseline loads into a fresh database\n", *dbPath)
		return 2
	}
	ctx := context.Background()
	start := time.Now()
	db, err := pirsql.Open(ctx, *dbPath, pirsql.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		return 1
	}
	defer db.Close()
	n, err := bench.LoadReadJSON(ctx, db, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		return 1
	}
	fmt.Printf("baseline: loaded %d cases in %s\n", n, time.Since(start).Round(time.Millisecond))
	return 0
}
