package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/pdf"
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

--html-only or --pdf-only writes just one of them. Both are rendered before
either is written; each file is written under a temporary name in --out and
renamed into place, so a reader never sees a half-written file and a failed
run leaves the previous files as they were. The paths written are printed,
one per line.

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
			quarterFlag(), quartersFlag(8), cohortFlag(), configFlag(), dbFlag(), tzFlag(), rulesFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR`, created if missing (default: out_dir from --config)", EnvVars: []string{"PIR_OUT"}},
			&cli.BoolFlag{Name: "html-only", Usage: "write only the HTML dashboard"},
			&cli.BoolFlag{Name: "pdf-only", Usage: "write only the PDF report"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("html-only") && c.Bool("pdf-only") {
				return usagef("pir report --html-only --out DIR", "--html-only and --pdf-only exclude each other")
			}
			// Settings first: a usage mistake fails before the database opens.
			s, err := loadReportSettings(c, true)
			if err != nil {
				return err
			}
			out := c.String("out")
			if out == "" {
				out = s.cfg.resolve(s.cfg.OutDir)
			}
			if out == "" {
				return usagef("pir report --quarter 2024-Q1 --out out/", "report needs --out DIR (or out_dir in --config)")
			}
			rep, err := buildReport(c, e)
			if err != nil {
				return err
			}
			if err := reportCoverage(c, e, rep, rulesDir(c, s.cfg)); err != nil { // detection coverage, when rules are configured
				return err
			}
			outputs := reportOutputs(rep, s.cfg, !c.Bool("pdf-only"), !c.Bool("html-only"))
			paths, err := writeReportFiles(e.log, out, outputs)
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

// reportOutput is one file of `pir report`: its name in the output
// directory and how to render it.
type reportOutput struct {
	name   string
	render func(io.Writer) error
}

// reportOutputs lists the files for the report. Each renderer is its
// package's one entry point; the dashboard takes everything from the
// report model (no clock), the PDF also the config's organisation and
// marking.
func reportOutputs(r *analytics.Report, cfg *Config, html, pdfToo bool) []reportOutput {
	var outs []reportOutput
	if html {
		outs = append(outs, reportOutput{
			name:   "dashboard-" + r.Quarter + ".html",
			render: func(w io.Writer) error { return charts.Dashboard(w, r, charts.DashboardOptions{}) },
		})
	}
	if pdfToo {
		outs = append(outs, reportOutput{
			name: "report-" + r.Quarter + ".pdf",
			render: func(w io.Writer) error {
				return pdf.Render(w, r, pdf.Options{Organisation: cfg.Organisation, Marking: cfg.Marking})
			},
		})
	}
	return outs
}

// writeReportFiles renders every output in memory, then writes each to a
// temporary file in dir and renames them into place only when all are
// written: a failure leaves the previous files untouched.
func writeReportFiles(log *slog.Logger, dir string, outs []reportOutput) ([]string, error) {
	bufs := make([]bytes.Buffer, len(outs))
	for i, o := range outs {
		start := time.Now()
		if err := o.render(&bufs[i]); err != nil {
			return nil, fmt.Errorf("render %s: %w", o.name, err)
		}
		log.Debug("rendered", "file", o.name, "bytes", bufs[i].Len(), "elapsed", time.Since(start).Round(time.Millisecond))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	pending := make([]*pendingFile, 0, len(outs))
	defer func() {
		for _, p := range pending {
			p.discard()
		}
	}()
	for i, o := range outs {
		p, err := newPendingFile(filepath.Join(dir, o.name))
		if err != nil {
			return nil, err
		}
		pending = append(pending, p)
		if _, err := p.f.Write(bufs[i].Bytes()); err != nil {
			return nil, fmt.Errorf("write %s: %w", p.path, err)
		}
		if err := p.f.Sync(); err != nil {
			return nil, fmt.Errorf("write %s: %w", p.path, err)
		}
	}
	paths := make([]string, 0, len(pending))
	for _, p := range pending {
		if err := p.commit(); err != nil {
			return paths, err
		}
		paths = append(paths, p.path)
	}
	return paths, nil
}
