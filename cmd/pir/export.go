package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/internal/atomicdir"
	pirsql "github.com/pirhq/pir/sql"
)

// exportManifest is written as _pir_export.json at the export root (Spark,
// Hive, Trino and Athena skip files starting with "_").
type exportManifest struct {
	Format     string               `json:"format"`
	PirVersion string               `json:"pir_version"`
	ExportedAt time.Time            `json:"exported_at"`
	TimeZone   string               `json:"time_zone"`
	Database   string               `json:"database"`
	Tables     []pirsql.ExportTable `json:"tables"`
}

// exportFormat names the layout documented in docs/export.md.
const exportFormat = "pir parquet export v1"

func exportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write every table and view as Parquet, partitioned by quarter, for Spark, Trino or Athena",
		ArgsUsage: " ",
		Description: `export writes the database (opened read-only, one consistent snapshot) as
Parquet files under --parquet DIR, one directory per table or view, so the
same SQL that runs in pir query runs in Spark, Trino, Athena or DuckDB when
one machine is no longer enough:

   DIR/cases/quarter=2024-Q1/data_0.parquet        Hive-style partitions
   DIR/action_items/quarter=2024-Q1/data_0.parquet  (child rows: their case's quarter)
   DIR/attack_techniques/data.parquet               reference tables: one file
   DIR/_pir_export.json                             manifest: tables, columns, row counts

Every analyst view and table of schema main is exported, and the base tables
of schema store as store_<name>. Each table directory reads on its own in
Spark, Trino or Athena: an empty partitioned table (mail_log before the
first email) holds one zero-row file with its schema in quarter=unknown/. quarter is the case's quarter in --tz (as
in pir query); rows whose case has no quarter go to quarter=unknown.
Timestamps are UTC-adjusted Parquet timestamps; lists are Parquet lists.
Views that depend on the current time (overdue_action_items,
action_item_summary, open_case_ageing, data_quality_issues) are as of
exported_at in the manifest. docs/export.md documents every table.

DIR must be empty or missing, or --overwrite replaces it. The export is
written beside DIR (.DIR.tmp-PID-…) and swapped into place in one step
(renameat2 RENAME_EXCHANGE on Linux), so a reader never sees half of it and
a run killed at any moment leaves the old export or the new one in DIR.
Where the swap takes two renames, the next pir export finishes a swap that
was interrupted between them; it also removes what killed runs left beside
DIR.

Examples:
   pir export --parquet export/
   pir export --db /var/lib/pir/pir.duckdb --parquet /data/pir --overwrite
   pir export --parquet export/ --tz Europe/Berlin
   duckdb -c "SELECT quarter, count(*) FROM read_parquet('export/cases/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY 1"`,
		Flags: []cli.Flag{
			dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "parquet", Usage: "write Parquet files under `DIR`", EnvVars: []string{"PIR_EXPORT_PARQUET"}},
			&cli.BoolFlag{Name: "overwrite", Usage: "replace DIR if it exists and is not empty"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on success"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir export --parquet DIR", "export takes no arguments, got %q (did you mean --parquet %s?)", c.Args().First(), c.Args().First())
			}
			dir := c.String("parquet")
			if dir == "" {
				return usagef("pir export --parquet export/", "--parquet DIR is required")
			}
			dir = filepath.Clean(dir)
			if r, err := atomicdir.Recover(dir); err != nil {
				return fmt.Errorf("export %s: recovering from an interrupted export: %w", dir, err)
			} else if r.Finished != "" || r.Restored != "" || len(r.Removed) > 0 {
				e.log.Warn("recovered from an interrupted export", "dir", dir, "moved_in", r.Finished, "put_back", r.Restored, "removed", len(r.Removed))
			}
			if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 && !c.Bool("overwrite") {
				return usagef("pir export --parquet "+dir+" --overwrite", "%s exists and is not empty", dir)
			} else if err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("export %s: %w", dir, err)
			}
			db, err := openDB(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			start := time.Now()
			if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
				return fmt.Errorf("export %s: %w", dir, err)
			}
			tmp, err := atomicdir.TempDir(dir)
			if err != nil {
				return fmt.Errorf("export %s: %w", dir, err)
			}
			defer os.RemoveAll(tmp) // after a successful rename there is nothing left
			tables, err := db.ExportParquet(c.Context, tmp)
			if err != nil {
				return err
			}
			m := exportManifest{Format: exportFormat, PirVersion: version, ExportedAt: e.now().UTC().Truncate(time.Second),
				TimeZone: db.TimeZone, Database: db.Path, Tables: tables}
			b, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return fmt.Errorf("export: manifest: %w", err)
			}
			if err := os.WriteFile(filepath.Join(tmp, "_pir_export.json"), append(b, '\n'), 0o644); err != nil {
				return fmt.Errorf("export: manifest: %w", err)
			}
			if err := os.Chmod(tmp, 0o755); err != nil {
				return fmt.Errorf("export %s: %w", dir, err)
			}
			if err := (atomicdir.Swapper{}).Replace(tmp, dir); err != nil {
				return fmt.Errorf("export %s: %w", dir, err)
			}
			if !c.Bool("quiet") {
				var rows int64
				for _, t := range tables {
					rows += t.Rows
				}
				fmt.Fprintf(e.stdout, "exported %d tables and views (%d rows) to %s in %s\n", len(tables), rows, dir, time.Since(start).Round(time.Millisecond))
			}
			return nil
		},
	}
}
