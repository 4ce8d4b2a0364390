package main

import "github.com/urfave/cli/v2"

// The flags several commands share. Each has its PIR_* variable; the
// settings resolver (settings.go) merges them with --config.

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

// quarterFlag is the report quarter.
func quarterFlag() cli.Flag {
	return &cli.StringFlag{Name: "quarter", Aliases: []string{"q"}, Usage: "report `QUARTER`, e.g. 2024-Q1 (default: the last complete quarter in --tz)", EnvVars: []string{"PIR_QUARTER"}}
}

// quartersFlag is the number of trailing quarters; def is its default.
func quartersFlag(def int) cli.Flag {
	return &cli.IntFlag{Name: "quarters", Value: def, Usage: "how many quarters, ending with --quarter", EnvVars: []string{"PIR_QUARTERS"}}
}

// cohortFlag says how cases are assigned to quarters.
func cohortFlag() cli.Flag {
	return &cli.StringFlag{Name: "cohort", Value: "detection", Usage: "assign cases to the quarter of their detection or closure", EnvVars: []string{"PIR_COHORT"}}
}

// configFlag is pir.toml for the commands that read report settings.
func configFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "pir.toml `FILE`: metric definitions, time zone, cohort, quarters, database, organisation, marking", EnvVars: []string{"PIR_CONFIG"}}
}

// rulesFlag is --rules: the Sigma rules folder for `pir coverage` and for
// the coverage section of `pir report`.
func rulesFlag() cli.Flag {
	return &cli.StringFlag{Name: "rules", Usage: "folder of Sigma rules `DIR` (searched recursively)", EnvVars: []string{"PIR_RULES"}}
}

// rootIsSet reports whether a global flag was given (flag or env var).
func rootIsSet(c *cli.Context, name string) bool {
	for _, ctx := range c.Lineage() {
		if ctx.IsSet(name) {
			return true
		}
	}
	return false
}

// rootString is a global flag's value, "text" when unset.
func rootString(c *cli.Context, name string) string {
	for _, ctx := range c.Lineage() {
		if v := ctx.String(name); v != "" {
			return v
		}
	}
	return "text"
}
