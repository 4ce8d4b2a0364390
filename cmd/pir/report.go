package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write a quarter's offline HTML dashboard and PDF report to a directory",
		Description: `Builds the report model for a quarter and its trailing quarters from the
database (opened read-only) and writes, into --out:

   dashboard-<QUARTER>.html   one self-contained page: charts (Apache ECharts,
                              inlined), KPI tiles, tables; opens from a file or
                              an email attachment with no network, and every
                              chart's numbers are in a table under it
   report-<QUARTER>.pdf       the executive report

--html-only or --pdf-only writes just one of them. Each file is rendered in
memory and written under a temporary name in --out; both are renamed into
place only when both are written, so a reader never sees a half-written file
and a failed run leaves the previous files as they were. The paths written
are printed, one per line.

--quarter defaults to the last complete quarter in --tz. --config supplies
the metric definitions, time zone, cohort, number of quarters, database,
organisation, marking (e.g. TLP:AMBER) and out_dir; flags win over it.

Examples:
   pir report --out out/                          # the last complete quarter
   pir report --quarter 2024-Q1 --out out/
   pir report --quarter 2024-Q1 --quarters 4 --tz Europe/Berlin --out reports/
   pir report --config pir.toml --html-only       # out_dir from the config
   pir report --db /var/lib/pir/pir.duckdb --cohort closure --pdf-only --out /srv/ir`,
		Flags: []cli.Flag{
			quarterFlag(), quartersFlag(8), cohortFlag(), configFlag(), dbFlag(), tzFlag(), asOfFlag(), rulesFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR`, created if missing (default: out_dir from --config)", EnvVars: []string{"PIR_OUT"}},
			&cli.BoolFlag{Name: "html-only", Usage: "write only the HTML dashboard"},
			&cli.BoolFlag{Name: "pdf-only", Usage: "write only the PDF report"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("html-only") && c.Bool("pdf-only") {
				return usagef("pir report --html-only --out DIR", "--html-only and --pdf-only exclude each other")
			}
			// Settings first: a usage mistake fails before the database opens.
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			if s.outDir == "" {
				return usagef("pir report --quarter 2024-Q1 --out out/", "report needs --out DIR (or out_dir in --config)")
			}
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			pub := newPublication(s.outDir)
			defer pub.discard()
			if _, err := produceReport(c.Context, e, db, s, pub, !c.Bool("pdf-only"), !c.Bool("html-only"), runStep); err != nil {
				return err
			}
			paths, err := pub.commit()
			if err != nil {
				return err
			}
			for _, p := range paths {
				fmt.Fprintln(e.stdout, p)
			}
			return nil
		},
	}
}
