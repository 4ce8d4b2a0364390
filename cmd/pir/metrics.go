package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/confluence"
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

Beside each completed-only median the table shows its 95% confidence
interval, the Kaplan–Meier median that counts the cases still open (each as
lasting at least until --as-of, by default the newest ingest time; "> X"
when more are open than the median allows) with the number of open cases
counted, and the Mann–Whitney p-value of each change (below 0.05: unlikely
to be chance). docs/metrics.md explains them.

--format table is for a terminal (medians first; * marks fewer than 5
cases), json is the complete report model (the schema is in docs/metrics.md),
csv is one row per metric and quarter, confluence the quarter's "What we
keep learning" section (lessons that keep coming back, root-cause quality,
reviews held) as a Confluence storage-format page body. --by DIMENSION (severity, category,
team, business_unit, tenant, detection_source) prints the durations of the
cases with each value of it instead (the view quarterly_metrics_by), values
with too few cases pooled as "other". The lists that grow with the case
count (overdue items, notable cases, case IDs per technique and finding)
stop at --list-limit entries, most important first; every total stays
complete (pir actions and pir query give the full lists).

Examples:
   pir metrics                                   # the last complete quarter
   pir metrics --quarter 2024-Q1 --quarters 4
   pir metrics --quarter 2024-Q1 --tz America/New_York --cohort closure
   pir metrics --quarter 2024-Q1 --as-of 2024-04-15   # open cases counted until then
   pir metrics --quarter 2024-Q1 --config pir.toml --format json > report.json
   pir metrics --quarter 2024-Q1 --format csv | column -s, -t
   pir metrics --quarter 2024-Q1 --by team       # MTTx per team, with changes
   pir metrics --by severity --format csv
   pir metrics --quarter 2024-Q1 --format confluence > lessons-2024-Q1.xhtml`,
		Flags: []cli.Flag{
			quarterFlag(), quartersFlag(8), cohortFlag(), configFlag(), dbFlag(), tzFlag(), asOfFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table, json, csv or confluence (the lessons section)", EnvVars: []string{"PIR_METRICS_FORMAT"}},
			&cli.StringFlag{Name: "by", Usage: "split the durations by `DIMENSION`: " + strings.Join(pirsql.SliceDimensions(), ", ")},
			&cli.IntFlag{Name: "list-limit", Value: analytics.DefaultListLimit, Usage: "at most `N` overdue items, notable cases and case IDs per technique or finding (-1: all)"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			switch format {
			case "table", "json", "csv", "confluence":
			default:
				return usagef("pir metrics --format json", "--format %q: want table, json, csv or confluence", format)
			}
			if c.String("by") != "" && format == "confluence" {
				return usagef("pir metrics --by team --format csv", "--by prints a table, JSON or CSV; --format confluence writes the lessons section of the whole quarter")
			}
			if err := checkByDimension(c.String("by")); err != nil {
				return err
			}
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			// The slices computed are those printed: --by's dimension, all
			// of them in the JSON model, none in the table, CSV and
			// Confluence page.
			var dims []string
			switch {
			case c.String("by") != "":
				dims = []string{c.String("by")}
			case format != "json":
				dims = []string{}
			}
			rep, err := buildModel(c.Context, e, db, s, false, dims)
			if err != nil {
				return err
			}
			if by := c.String("by"); by != "" {
				return writeMetricsBy(e.stdout, rep, by, format)
			}
			switch format {
			case "json":
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			case "csv":
				return writeMetricsCSV(e.stdout, rep)
			case "confluence":
				return confluence.Lessons(e.stdout, rep)
			default:
				return writeMetricsTable(e.stdout, rep)
			}
		},
	}
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
	if err := writeStatisticsTable(w, r); err != nil {
		return err
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
