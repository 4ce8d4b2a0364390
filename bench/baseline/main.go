// Command baseline is the reference loader for `make bench`: it loads a
// canonical JSONL file into a fresh pir database with DuckDB's own
// read_json and plain SQL (bench/readjson.sql), so scripts/bench.sh can time
// it as a whole process next to `pir ingest`.
//
//	baseline [--bare] --db FILE cases.jsonl
//
// With --bare it runs bench/bareload.sql instead: read_json into a temp
// table, then CREATE TABLE … AS SELECT with unnest, the load a user would
// write with DuckDB alone.
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
	bare := fs.Bool("bare", false, "the bare load (bareload.sql: read_json, then CREATE TABLE … AS SELECT), not pir's store tables")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if *dbPath == "" || fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: baseline [--bare] --db FILE cases.jsonl")
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
	load := bench.LoadReadJSON
	if *bare {
		load = bench.LoadBare
	}
	n, err := load(ctx, db, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		return 1
	}
	fmt.Printf("baseline: loaded %d cases in %s\n", n, time.Since(start).Round(time.Millisecond))
	return 0
}
