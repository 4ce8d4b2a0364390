package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	pirsql "github.com/pirhq/pir/sql"
)

// errRunLocked is returned when another `pir run` holds the run lock.
var errRunLocked = errors.New("another pir run is in progress")

// commands lists every subcommand; each lives in its own file.
func commands(e *env) []*cli.Command {
	cmds := []*cli.Command{
		ingestCommand(e),
		queryCommand(e),
		sampleCommand(e),
		metricsCommand(e),
		attackLayerCommand(e),
		reportCommand(e),
		runCommand(e),
		mailCommand(e),
		exportCommand(e),
		reviewCommand(e),
		coverageCommand(e),
		actionsCommand(e),
	}
	for _, c := range cmds {
		c.OnUsageError = func(c *cli.Context, err error, _ bool) error {
			return usagef("pir "+c.Command.Name+" --help", "%v", err)
		}
	}
	return cmds
}

// dbFlag is the database path flag shared by every command that opens it.
func dbFlag() cli.Flag {
	return &cli.StringFlag{Name: "db", Value: "pir.duckdb", Usage: "DuckDB database `FILE`", EnvVars: []string{"PIR_DB"}}
}

// tzFlag is the session time zone flag: quarters and dates follow it.
func tzFlag() cli.Flag {
	return &cli.StringFlag{Name: "tz", Value: "UTC", Usage: "IANA time `ZONE` for quarters and naive timestamps", EnvVars: []string{"PIR_TZ"}}
}

// safeFlag turns off DuckDB's access to files and URLs from SQL.
func safeFlag() cli.Flag {
	return &cli.BoolFlag{Name: "safe", Usage: "disable DuckDB external access (read_csv, read_json, COPY, ATTACH of other files) for shared services", EnvVars: []string{"PIR_SAFE"}}
}

// openDB opens the database named by --db with the session zone from --tz.
func openDB(c *cli.Context, readOnly bool) (*pirsql.DB, error) {
	path := c.String("db")
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open %s: no such database (set --db or PIR_DB, or run `pir ingest` first)", path)
		}
	}
	opts := pirsql.Options{ReadOnly: readOnly, TimeZone: c.String("tz"), MemoryLimit: memoryLimit(c, readOnly), Safe: c.Bool("safe")}
	db, err := pirsql.Open(c.Context, path, opts)
	if err != nil {
		if strings.Contains(err.Error(), "time zone") {
			return nil, usagef("--tz Europe/Berlin", "%v", err)
		}
		if errors.Is(err, pirsql.ErrPathSyntax) {
			return nil, usagef("--db reviews/pir.duckdb", "--db: %v", err)
		}
		return nil, err
	}
	return db, nil
}

// defaultWriteMemory caps DuckDB for the commands that write (ingest, run,
// export): their staging and COPY buffers would otherwise grow with the
// data (export of a million cases peaked at 2.1 GB; with the cap, 1.3 GB,
// spilling to <db>.tmp). docs/reliability.md gives the peak RSS this leads to.
const defaultWriteMemory = "1GB"

// memoryLimit is DuckDB's memory_limit: --memory-limit (PIR_MEMORY_LIMIT)
// when given, else defaultWriteMemory for a read-write open and for pir
// export, else DuckDB's default (80% of RAM) for analysts' queries and
// reports.
func memoryLimit(c *cli.Context, readOnly bool) string {
	for _, ctx := range c.Lineage() {
		if ctx.IsSet("memory-limit") {
			return ctx.String("memory-limit")
		}
	}
	if readOnly && c.Command.Name != "export" {
		return ""
	}
	return defaultWriteMemory
}

// isFlagError recognises the flag package's parse errors.
func isFlagError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "flag provided but not defined") ||
		strings.HasPrefix(msg, "invalid value") ||
		strings.HasPrefix(msg, "flag needs an argument") ||
		strings.Contains(msg, "Required flag")
}

// isTerminal reports whether w is a character device (a TTY).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0
}
