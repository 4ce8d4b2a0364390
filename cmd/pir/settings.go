package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	pirsql "github.com/pirhq/pir/sql"
)

// settings are what a command takes from the outside world, resolved in
// this one place by one rule: a flag given on the command line (or by its
// environment variable) wins over the --config file, which wins over the
// default. Commands without a flag take the config's value (pir run has no
// --db: the config's db, or pir.duckdb next to the config).
type settings struct {
	command string  // the subcommand, for Try: hints
	cfg     *Config // the --config file; empty (not nil) without one

	db          string // database file
	tz          string // IANA zone of quarters and dates
	loc         *time.Location
	memoryLimit string // --memory-limit; "" = the command's default
	safe        bool   // --safe

	quarter      string // report quarter; "" = the last complete one (reportQuarter)
	quarters     int    // trailing quarters; 0 = analytics' default
	cohort       string // detection or closure
	organisation string
	marking      string
	outDir       string // "" when neither --out nor out_dir says
	rules        string // Sigma rules folder; "" = no coverage section
	listLimit    int    // 0 = analytics' default
	// refuseEmpty makes an empty report quarter (no case, while the
	// database has some) an error instead of a warning: pir run without
	// --allow-empty or allow_empty.
	refuseEmpty bool
	asOf        string // --as-of as RFC 3339; "" = the newest ingest time
	reference   string // --reference or reference_db: VERIS reference database; "" = no benchmark
	industry    string // benchmark: NAICS prefix
	orgSize     string // benchmark: small, large or a VERIS employee_count

	// given holds the settings with a flag default that a flag, its
	// variable or the config set (ifGiven).
	given map[string]bool
}

// sqlSettings are the settings that views and macros read with
// setting('key') (main.pir_settings, docs/schema.md). value is what the
// command line or the config gave, "" when neither did: then the
// database's default row applies, so SQL defaults live in one place. A
// config key SQL must see is one line here, e.g.
//
//	{"recurrence_window", func(s *settings) string { return s.cfg.RecurrenceWindow }},
//
// plus its default row in a migration; every command passes it on every
// connection (settings.session).
var sqlSettings = []struct {
	key   string
	value func(*settings) string
}{
	{"cohort", func(s *settings) string { return s.ifGiven("cohort", s.cohort) }},
	{"quarters", func(s *settings) string { return s.ifGiven("quarters", strconv.Itoa(s.quarters)) }},
	{"recurrence_window", func(s *settings) string { return s.cfg.RecurrenceWindow }},
	{"as_of", func(s *settings) string { return s.asOf }},
	{"slice_min_cases", func(s *settings) string { return optInt(s.cfg.SliceMinCases) }},
	{"slice_max_values", func(s *settings) string { return optInt(s.cfg.SliceMaxValues) }},
	{"rca_min_whys", func(s *settings) string { return s.cfg.Learning.minWhys() }},
	{"review_within_days", func(s *settings) string { d, _ := s.cfg.Learning.reviewWithinDays(); return d }},
	{"review_min_severity", func(s *settings) string { return s.cfg.Learning.ReviewMinSeverity }},
}

// resolveSettings reads --config (when the command has it and it is given)
// and the flags of c. configQuarters says whether the config's quarters
// (the report's trend length) applies to this command's --quarters.
func resolveSettings(c *cli.Context, configQuarters bool) (*settings, error) {
	s := &settings{command: c.Command.Name, cfg: &Config{}, given: map[string]bool{}}
	has := func(flag string) bool { return hasFlag(c, flag) }
	configured := false
	if p := c.String("config"); has("config") && p != "" {
		cfg, err := loadConfig(p)
		if err != nil {
			return nil, usagef(s.try("--config examples/pir.toml"), "%v", err)
		}
		s.cfg, configured = cfg, true
	}
	cfg := s.cfg

	switch {
	case has("db") && (c.IsSet("db") || cfg.DB == ""):
		s.db = c.String("db")
	case cfg.DB != "":
		s.db = cfg.resolve(cfg.DB)
	default:
		s.db = cfg.resolve("pir.duckdb")
	}
	s.tz = "UTC"
	switch {
	case has("tz") && (c.IsSet("tz") || cfg.TimeZone == ""):
		s.tz = c.String("tz")
	case cfg.TimeZone != "":
		s.tz = cfg.TimeZone
	}
	loc, err := time.LoadLocation(s.tz)
	if err != nil {
		try := s.try("--tz Europe/Berlin")
		if !has("tz") {
			try = `time_zone = "Europe/Berlin"`
		}
		return nil, usagef(try, "time zone %q: %v", s.tz, err)
	}
	s.loc = loc
	for _, ctx := range c.Lineage() {
		if ctx.IsSet("memory-limit") {
			s.memoryLimit = ctx.String("memory-limit")
			break
		}
	}
	s.safe = c.Bool("safe")

	if q := c.String("quarter"); has("quarter") && q != "" {
		pq, err := analytics.ParseQuarter(q)
		if err != nil {
			return nil, usagef(s.try("--quarter 2024-Q1"), "--quarter %v", err)
		}
		s.quarter = pq.String()
	}
	if v := c.String("as-of"); has("as-of") && v != "" {
		if s.asOf, err = parseAsOf(v, s.loc); err != nil {
			return nil, usagef(s.try("--as-of 2024-04-15"), "--as-of %q: want an RFC 3339 time or a date (YYYY-MM-DD)", v)
		}
	}
	s.cohort = "detection"
	switch {
	case has("cohort") && c.IsSet("cohort"):
		s.cohort, s.given["cohort"] = c.String("cohort"), true
	case cfg.Cohort != "":
		s.cohort, s.given["cohort"] = cfg.Cohort, true
	case has("cohort"):
		s.cohort = c.String("cohort")
	}
	if s.cohort != "detection" && s.cohort != "closure" {
		return nil, usagef(s.try("--cohort closure"), "--cohort %q: want detection or closure", s.cohort)
	}
	switch {
	case has("quarters") && c.IsSet("quarters"):
		s.quarters, s.given["quarters"] = c.Int("quarters"), true
	case configQuarters && cfg.Quarters > 0:
		s.quarters, s.given["quarters"] = cfg.Quarters, true
	case has("quarters"):
		s.quarters = c.Int("quarters")
	}
	if (has("quarters") || s.given["quarters"]) && (s.quarters < 1 || s.quarters > 400) {
		return nil, usagef(s.try("--quarters 8"), "--quarters %d: want 1 to 400", s.quarters)
	}

	s.organisation, s.marking = cfg.Organisation, cfg.Marking
	switch {
	case c.String("out") != "":
		s.outDir = c.String("out")
	case cfg.OutDir != "":
		s.outDir = cfg.resolve(cfg.OutDir)
	case configured && !has("out"):
		s.outDir = cfg.resolve("out")
	}
	s.reference, s.industry, s.orgSize = benchmarkSettings(c, cfg)
	switch {
	case c.String("rules") != "":
		s.rules = c.String("rules")
	case cfg.Rules != "":
		s.rules = cfg.resolve(cfg.Rules)
	}
	s.listLimit = c.Int("list-limit") // 0 (commands without the flag): the default
	return s, nil
}

// hasFlag reports whether the command defines the flag.
func hasFlag(c *cli.Context, name string) bool {
	return lookupFlag(c, name) != nil
}

// try is a Try: hint for this command, e.g. "pir metrics --quarter 2024-Q1".
func (s *settings) try(args string) string { return "pir " + s.command + " " + args }

// ifGiven is value when the setting was given, else "" (its default).
func (s *settings) ifGiven(name, value string) string {
	if !s.given[name] {
		return ""
	}
	return value
}

// reportQuarter is the report quarter: --quarter, else the last quarter
// that has ended at now in the zone (on 1 April 00:05 it is Q1 of that year,
// on 1 January Q4 of the year before).
func (s *settings) reportQuarter(now time.Time) string {
	if s.quarter != "" {
		return s.quarter
	}
	return analytics.LastCompleteQuarter(now, s.loc)
}

// session is the configuration every connection of the command's database
// carries for SQL to see (pirsql.Session): the settings a flag or the
// config gave, and the config's [[metric]] definitions, which shadow
// metric_definitions so the views and the report compute the same metrics.
func (s *settings) session() pirsql.Session {
	var sess pirsql.Session
	for _, m := range sqlSettings {
		if v := m.value(s); v != "" {
			if sess.Settings == nil {
				sess.Settings = map[string]string{}
			}
			sess.Settings[m.key] = v
		}
	}
	sess.Tables = append(sess.Tables, s.cfg.Learning.tables()...)
	for _, m := range s.cfg.Metrics {
		sess.Metrics = append(sess.Metrics, pirsql.MetricDefinition{Name: m.Name, Label: m.Label, Start: m.Start, End: m.End})
	}
	if t, ok := s.cfg.targetRows(); ok {
		sess.Tables = append(sess.Tables, t)
	}
	return sess
}

// memory is DuckDB's memory_limit: --memory-limit (PIR_MEMORY_LIMIT) when
// given, else defaultWriteMemory for a read-write open and for the
// commands that build reports or files from the whole database (export,
// report, metrics), else DuckDB's default (80% of RAM) for analysts'
// queries and the other read-only commands.
func (s *settings) memory(readOnly bool) string {
	if s.memoryLimit != "" {
		return s.memoryLimit
	}
	if readOnly && !capped(s.command) {
		return ""
	}
	return defaultWriteMemory
}

// capped reports whether a read-only command gets defaultWriteMemory: each
// of these runs every report query over the whole database (a report of a
// million cases peaked at 4.7 GB under DuckDB's default, 1.6 GB capped).
func capped(command string) bool {
	switch command {
	case "export", "report", "metrics":
		return true
	}
	return false
}

// defaultWriteMemory caps DuckDB for the commands that write (ingest, run,
// export) and those that build a report (report, metrics): their staging,
// COPY buffers and report queries would otherwise grow with the data
// (export of a million cases peaked at 2.1 GB; with the cap, 1.3 GB,
// spilling to <db>.tmp). docs/reliability.md gives the peak RSS this leads to.
const defaultWriteMemory = "1GB"

// openDB opens the database of s with its zone, memory limit, --safe and
// session. Read-only, the file must exist.
func (s *settings) openDB(ctx context.Context, readOnly bool) (*pirsql.DB, error) {
	if readOnly {
		if _, err := os.Stat(s.db); err != nil {
			return nil, fmt.Errorf("open %s: no such database (set --db or PIR_DB, or run `pir ingest` first)", s.db)
		}
	}
	db, err := pirsql.Open(ctx, s.db, pirsql.Options{
		ReadOnly: readOnly, TimeZone: s.tz, MemoryLimit: s.memory(readOnly), Safe: s.safe, Session: s.session(),
	})
	if errors.Is(err, pirsql.ErrPathSyntax) {
		return nil, usagef(s.try("--db reviews/pir.duckdb"), "--db: %v", err)
	}
	return db, err
}

// openDB resolves the settings of c and opens its database: for commands
// that need nothing else from the settings.
func openDB(c *cli.Context, readOnly bool) (*pirsql.DB, error) {
	s, err := resolveSettings(c, true)
	if err != nil {
		return nil, err
	}
	return s.openDB(c.Context, readOnly)
}
