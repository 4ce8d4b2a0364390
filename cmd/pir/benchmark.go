package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

func benchmarkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "benchmark",
		Usage: "place the team's yearly dwell and containment medians in a public VERIS reference (e.g. the VCDB)",
		Description: `Compares the team's database (--db) with a reference: a pir database loaded
with VERIS data (pir ingest --format veris, e.g. the VERIS Community Database).
For each year in which the team has a dwell (compromise → detection) or
containment (detection → containment) duration it prints both medians, both
n and the percentile rank of the team's median in the reference's incidents
of that year: the share of them that took less time (ties count half), so
20 means the team's median was faster than 80% of the reference.

--industry narrows the reference to a NAICS code prefix (52: finance and
insurance) and --org-size to small (up to 1,000 employees), large, or a VERIS
employee_count ("1001 to 10000"). With reference_db in --config, pir run and
pir report add this comparison as a section.

Read it with care: public breach reports are biased toward long dwell, VERIS
durations are often given only to the month or year (a duration without a
value is left out of the reference), and the reference year is the incident
year. The reference's numbers can be reproduced with
  pir query --db REF.duckdb "SELECT * FROM veris_durations"

Examples:
   pir ingest --db vcdb.duckdb --format veris vcdb/*.json
   pir benchmark --reference vcdb.duckdb
   pir benchmark --reference vcdb.duckdb --industry 52 --org-size large
   pir benchmark --config pir.toml --format json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "reference", Aliases: []string{"r"}, Usage: "the reference pir database `FILE` loaded with VERIS data (config reference_db)", EnvVars: []string{"PIR_REFERENCE_DB"}},
			&cli.StringFlag{Name: "industry", Usage: "only reference victims whose NAICS code starts with `PREFIX` (config industry)"},
			&cli.StringFlag{Name: "org-size", Usage: "only reference victims of this `SIZE`: small, large or a VERIS employee_count (config org_size)"},
			cohortFlag(), configFlag(), dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table or json"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir benchmark --reference vcdb.duckdb", "benchmark takes no arguments, got %q", c.Args().First())
			}
			format := c.String("format")
			if format != "table" && format != "json" {
				return usagef("pir benchmark --reference vcdb.duckdb --format json", "--format %q: want table or json", format)
			}
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			if s.reference == "" {
				return usagef("pir benchmark --reference vcdb.duckdb", "benchmark needs --reference FILE (or reference_db in --config)")
			}
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			b, err := buildBenchmark(c.Context, db, s)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(e.stdout, b)
			}
			return writeBenchmarkTable(e.stdout, b)
		},
	}
}

// benchmarkSettings are the reference database and its filters: flags
// over the config (reference_db relative to the config's directory).
func benchmarkSettings(c *cli.Context, cfg *Config) (ref, industry, orgSize string) {
	ref, industry, orgSize = c.String("reference"), c.String("industry"), c.String("org-size")
	if ref == "" && cfg.ReferenceDB != "" {
		ref = cfg.resolve(cfg.ReferenceDB)
	}
	if industry == "" {
		industry = cfg.Industry
	}
	if orgSize == "" {
		orgSize = cfg.OrgSize
	}
	return ref, industry, orgSize
}

// buildBenchmark opens the reference read-only and compares the team's
// database with it.
func buildBenchmark(ctx context.Context, db *pirsql.DB, s *settings) (*analytics.Benchmark, error) {
	if _, err := os.Stat(s.reference); err != nil {
		return nil, usagef(s.try("--reference vcdb.duckdb"), "reference database %s: %v", s.reference, err)
	}
	ref, err := pirsql.Open(ctx, s.reference, pirsql.Options{ReadOnly: true, TimeZone: s.tz, Safe: s.safe})
	if err != nil {
		return nil, fmt.Errorf("reference database %s: %w", s.reference, err)
	}
	defer ref.Close()
	return analytics.BuildBenchmark(ctx, db, ref, analytics.BenchmarkOptions{
		Reference: s.reference, Industry: s.industry, OrgSize: s.orgSize, Cohort: s.cohort,
	})
}

// writeBenchmarkTable prints one row per year and metric, then the
// caveats.
func writeBenchmarkTable(w io.Writer, b *analytics.Benchmark) error {
	scope := "every industry and size"
	if b.Industry != "" || b.OrgSize != "" {
		scope = "industry " + display.Or(b.Industry, "any") + ", organisation size " + display.Or(b.OrgSize, "any")
	}
	fmt.Fprintf(w, "Benchmark against %s (%s)\n", display.Visible(b.Reference), display.Visible(scope))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "YEAR\tMETRIC\tTEAM N\tTEAM MEDIAN\tREFERENCE N\tREFERENCE MEDIAN\tPERCENTILE RANK")
	for _, r := range b.Rows {
		rank := display.NoValue
		if r.PercentileRank != nil {
			rank = display.Number(*r.PercentileRank)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", display.BenchmarkYear(r.Year), r.Metric, display.Count(r.TeamN), display.DurationPtr(r.TeamMedian),
			display.Count(r.ReferenceN), display.DurationPtr(r.ReferenceMedian), rank)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s := b.Sentence(); s != "" {
		fmt.Fprintln(w, s)
	}
	for _, c := range b.Caveats {
		fmt.Fprintln(w, "Note: "+c)
	}
	return nil
}
