package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

func metricsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "metrics",
		Usage: "quarterly IR metrics: durations, volume, root causes, ATT&CK, action items, data quality",
		Description: `Builds the report model for a quarter and its trailing quarters from the
database (opened read-only) and prints it.

A metric is a named pair of milestones: duration = end − start, in hours. A
case counts in a metric when it is not excluded from metrics and both
milestones are present with end ≥ start; otherwise it is counted as
excluded by reason (missing_start, missing_end, out_of_order, excluded_case).
Cases belong to the quarter of their detection (--cohort closure: of their
closure) in the time zone --tz. The default metrics (dwell, triage, contain,
eradicate, recover, resolve, close) can be redefined or extended with
[[metric]] tables in --config, without touching SQL. Every output states the
definitions it used; docs/metrics.md explains every number.

--format table is for a terminal (medians first; * marks fewer than 5
cases), json is the complete report model (the schema is in docs/metrics.md),
csv is one row per metric and quarter. The lists that grow with the case
count (overdue items, notable cases, case IDs per technique and finding)
stop at --list-limit entries, most important first; every total stays
complete (pir actions and pir query give the full lists).

Examples:
   pir metrics                                   # the last complete quarter
   pir metrics --quarter 2024-Q1 --quarters 4
   pir metrics --quarter 2024-Q1 --tz America/New_York --cohort closure
   pir metrics --quarter 2024-Q1 --config pir.toml --format json > report.json
   pir metrics --quarter 2024-Q1 --format csv | column -s, -t`,
		Flags: []cli.Flag{
			quarterFlag(), quartersFlag(8), cohortFlag(), configFlag(), dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table, json or csv", EnvVars: []string{"PIR_METRICS_FORMAT"}},
			&cli.IntFlag{Name: "list-limit", Value: analytics.DefaultListLimit, Usage: "at most `N` overdue items, notable cases and case IDs per technique or finding (-1: all)"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			switch format {
			case "table", "json", "csv":
			default:
				return usagef("pir metrics --format json", "--format %q: want table, json or csv", format)
			}
			rep, err := buildReport(c, e)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			case "csv":
				return writeMetricsCSV(e.stdout, rep)
			default:
				return writeMetricsTable(e.stdout, rep)
			}
		},
	}
}

func quarterFlag() cli.Flag {
	return &cli.StringFlag{Name: "quarter", Aliases: []string{"q"}, Usage: "report `QUARTER`, e.g. 2024-Q1 (default: the last complete quarter in --tz)", EnvVars: []string{"PIR_QUARTER"}}
}

func quartersFlag(def int) cli.Flag {
	return &cli.IntFlag{Name: "quarters", Value: def, Usage: "how many quarters, ending with --quarter", EnvVars: []string{"PIR_QUARTERS"}}
}

func cohortFlag() cli.Flag {
	return &cli.StringFlag{Name: "cohort", Value: "detection", Usage: "assign cases to the quarter of their detection or closure", EnvVars: []string{"PIR_COHORT"}}
}

func configFlag() cli.Flag {
	return &cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "pir.toml `FILE`: metric definitions, time zone, cohort, quarters, database, organisation, marking", EnvVars: []string{"PIR_CONFIG"}}
}

// reportSettings are the flags merged with the config file: a flag given on
// the command line (or by its env var) wins over the config, which wins
// over the flag's default.
type reportSettings struct {
	cfg      *Config
	quarter  string
	quarters int
	cohort   string
}

// loadReportSettings reads --config (if any) and the report flags.
// configQuarters says whether the config's quarters (the report's trend
// length) applies to this command's --quarters.
func loadReportSettings(c *cli.Context, configQuarters bool) (*reportSettings, error) {
	s := &reportSettings{cfg: &Config{}, quarters: c.Int("quarters"), cohort: c.String("cohort")}
	if p := c.String("config"); p != "" {
		cfg, err := loadConfig(p)
		if err != nil {
			return nil, usagef("pir "+c.Command.Name+" --config examples/pir.toml", "%v", err)
		}
		s.cfg = cfg
		if !c.IsSet("db") && cfg.DB != "" {
			if err := c.Set("db", cfg.resolve(cfg.DB)); err != nil {
				return nil, err
			}
		}
		if !c.IsSet("tz") && cfg.TimeZone != "" {
			if err := c.Set("tz", cfg.TimeZone); err != nil {
				return nil, err
			}
		}
		if !c.IsSet("cohort") && cfg.Cohort != "" {
			s.cohort = cfg.Cohort
		}
		if !c.IsSet("quarters") && cfg.Quarters > 0 && configQuarters {
			s.quarters = cfg.Quarters
		}
	}
	if s.cohort != "detection" && s.cohort != "closure" {
		return nil, usagef("--cohort closure", "--cohort %q: want detection or closure", s.cohort)
	}
	if s.quarters < 1 || s.quarters > 400 {
		return nil, usagef("--quarters 8", "--quarters %d: want 1 to 400", s.quarters)
	}
	if q := c.String("quarter"); q != "" {
		pq, err := analytics.ParseQuarter(q)
		if err != nil {
			return nil, usagef("--quarter 2024-Q1", "--quarter %v", err)
		}
		s.quarter = pq.String()
	}
	return s, nil
}

// definitions are the default metrics with the config's [[metric]] tables
// applied (nil: the defaults, read by analytics.Build).
func (s *reportSettings) definitions(c *cli.Context, db *pirsql.DB) ([]analytics.MetricDef, error) {
	if len(s.cfg.Metrics) == 0 {
		return nil, nil
	}
	base, err := analytics.DefaultDefinitions(c.Context, db)
	if err != nil {
		return nil, err
	}
	over := make([]analytics.MetricDef, len(s.cfg.Metrics))
	for i, m := range s.cfg.Metrics {
		over[i] = analytics.MetricDef{Name: m.Name, Label: m.Label, Start: m.Start, End: m.End}
	}
	return analytics.MergeDefinitions(base, over), nil
}

// buildReport opens the database read-only and builds the report model.
func buildReport(c *cli.Context, e *env) (*analytics.Report, error) {
	s, err := loadReportSettings(c, true)
	if err != nil {
		return nil, err
	}
	db, err := openDB(c, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	defs, err := s.definitions(c, db)
	if err != nil {
		return nil, err
	}
	rep, err := analytics.Build(c.Context, db, analytics.Options{
		Quarter: s.quarter, Quarters: s.quarters, Cohort: s.cohort, Definitions: defs, Now: e.now,
		Version: version, Organisation: s.cfg.Organisation, Marking: s.cfg.Marking, Logger: e.log,
		ListLimit: c.Int("list-limit"), // 0 (commands without the flag): the default
	})
	if err != nil {
		return nil, reportError(err)
	}
	return rep, nil
}

// reportError turns the analytics errors a user can fix on the command line
// into usage errors.
func reportError(err error) error {
	switch {
	case errors.Is(err, analytics.ErrFutureQuarter):
		return usagef("pir metrics (the last complete quarter)", "--quarter %v", err)
	case errors.Is(err, analytics.ErrBadQuarter):
		return usagef("--quarter 2024-Q1", "--quarter %v", err)
	case errors.Is(err, analytics.ErrBadCohort):
		return usagef("--cohort closure", "--cohort %v", err)
	}
	return err
}

// writeMetricsCSV writes one row per metric and quarter, each carrying its
// definition, so the file stands on its own.
func writeMetricsCSV(w io.Writer, r *analytics.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"quarter", "metric", "label", "start", "end", "cohort", "time_zone", "n",
		"median_hours", "p90_hours", "mean_hours", "min_hours", "max_hours",
		"missing_start", "missing_end", "out_of_order", "excluded_case", "small_sample"})
	defs := map[string]analytics.MetricDef{}
	for _, d := range r.Definitions {
		defs[d.Name] = d
	}
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	for _, m := range r.Metrics {
		d := defs[m.Metric]
		for _, s := range m.Stats {
			cw.Write([]string{s.Quarter, m.Metric, m.Label, d.Start, d.End, r.Cohort, r.TimeZone, strconv.Itoa(s.N),
				num(s.Median), num(s.P90), num(s.Mean), num(s.Min), num(s.Max),
				strconv.Itoa(s.Excluded.MissingStart), strconv.Itoa(s.Excluded.MissingEnd),
				strconv.Itoa(s.Excluded.OutOfOrder), strconv.Itoa(s.Excluded.ExcludedCase), strconv.FormatBool(s.SmallSample)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeMetricsTable prints the report for a terminal: the quarter's
// statistics (median first) with changes, the trend of medians, the summary,
// data quality and the definitions used.
func writeMetricsTable(w io.Writer, r *analytics.Report) error {
	r = display.VisibleCopy(r) // owners and labels in sentences: escape sequences and invisible characters as code points
	fmt.Fprintf(w, "pir metrics %s: %s cohort, time zone %s, as of %s\n", r.Quarter, r.Cohort, r.TimeZone, r.AsOfDate)
	fmt.Fprintf(w, "%s in %s", display.Plural(r.Cases, "incident", "incidents"), r.Quarter)
	if r.ExcludedCases > 0 {
		fmt.Fprintf(w, " (%s excluded from metrics)", display.Count(r.ExcludedCases))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)

	prevQ, yearQ := "previous", "year ago"
	if q, err := analytics.ParseQuarter(r.Quarter); err == nil {
		prevQ, yearQ = q.Prev().String(), q.YearAgo().String()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "METRIC\tN\tMEDIAN\tP90\tMEAN\tMIN\tMAX\tVS %s\tVS %s\tEXCLUDED (start/end/order/case)\n", prevQ, yearQ)
	small := false
	for _, k := range r.KPIs {
		s := k.Current
		n := display.Count(s.N)
		if s.SmallSample {
			n += "*"
			small = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s/%s/%s/%s\n", k.Label, n,
			display.DurationPtr(s.Median), display.DurationPtr(s.P90), display.DurationPtr(s.Mean),
			display.DurationPtr(s.Min), display.DurationPtr(s.Max),
			changeText(k.QoQ), changeText(k.YoY),
			display.Count(s.Excluded.MissingStart), display.Count(s.Excluded.MissingEnd),
			display.Count(s.Excluded.OutOfOrder), display.Count(s.Excluded.ExcludedCase))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if small {
		fmt.Fprintf(w, "* fewer than %d cases: too few to compare quarters\n", analytics.SmallSample)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Median by quarter (n)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "METRIC\t%s\n", strings.Join(r.Quarters, "\t"))
	for _, m := range r.Metrics {
		var ptrs []*float64
		for _, s := range m.Stats {
			ptrs = append(ptrs, s.Median)
		}
		u := display.UnitForPtrs(ptrs...)
		cells := make([]string, len(m.Stats))
		for i, s := range m.Stats {
			cells[i] = fmt.Sprintf("%s (%s)", u.FormatPtr(s.Median), display.Count(s.N))
		}
		fmt.Fprintf(tw, "%s\t%s\n", m.Label, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Summary")
	for _, s := range r.Summary {
		fmt.Fprintf(w, "  - %s\n", s)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Data quality: %s\n", r.DataQuality.Headline)

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Metric definitions (duration = end − start; a case counts when both milestones are present, end ≥ start and it is not excluded)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, d := range r.Definitions {
		fmt.Fprintf(tw, "  %s\t%s\t%s → %s\n", d.Name, d.Label, d.Start, d.End)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "ATT&CK names: Enterprise %s. %s\n", r.ATTACK.Version, r.ATTACK.Notice)
	return nil
}

// changeText is a change of medians with its verdict, e.g. "-5.1 h (-55%)
// better"; "n/a" when a side is missing.
func changeText(c analytics.Change) string {
	s := display.Change(c).String()
	if c.Direction == "n/a" || c.Direction == "" {
		return s
	}
	return s + " " + c.Direction
}
