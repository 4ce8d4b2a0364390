package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/pirhq/pir/ingest"
)

func ingestCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "ingest",
		Usage:     "load case exports into the database (one transaction, idempotent)",
		ArgsUsage: "FILE|DIR|- ...",
		Description: `Parses every input and loads its cases into the DuckDB file in ONE
transaction: on any invalid record the run stops with exit 1, names the file,
line (or record) and field, and the database is exactly as before. Re-ingesting
the same file changes nothing; a changed case replaces its previous version.
Directories are walked for *.json, *.jsonl, *.ndjson, *.csv (and .gz). A file
without any record is an error unless --allow-empty.

Formats: auto (default: detected from content), pir (canonical JSON, JSON Lines
or CSV), and the importers listed in the README.

Examples:
   pir ingest cases.jsonl
   pir ingest --tz Europe/Berlin exports/
   pir ingest --skip-invalid --format pir cases.csv
   cat cases.jsonl | pir ingest -
   pir ingest --allow-empty exports/today/
   pir ingest --format thehive --mapping thehive-map.toml thehive-cases.json
   pir ingest --tz America/New_York sn_si_incident.xlsx    # ServiceNow list export to Excel
   pir ingest --mapping splunk-map.toml notables.csv    # splunk-map.toml: "splunk.history" = "incident_review.csv"`,
		Flags: []cli.Flag{
			dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "format", Value: "auto", Usage: "input format: auto, " + strings.Join(ingest.DefaultFormats().Names(), ", ")},
			&cli.StringFlag{Name: "mapping", Usage: "importer field-mapping `FILE` (TOML key = source field)"},
			&cli.BoolFlag{Name: "skip-invalid", Usage: "load the valid records; report and keep rejects in store.rejects"},
			&cli.BoolFlag{Name: "allow-empty", Usage: "accept a file without records (or a directory without case files); by default that is an error"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on success"},
			&cli.IntFlag{Name: "max-files", Value: 100000, Usage: "refuse more input files than this"},
			&cli.IntFlag{Name: "max-record-bytes", Value: 16 << 20, Usage: "refuse a record (JSON line, CSV row) larger than this"},
			&cli.IntFlag{Name: "max-depth", Value: 64, Usage: "refuse JSON nested deeper than this"},
		},
		Action: func(c *cli.Context) error {
			args, err := fileArgs(c, "pir ingest --format pir cases.jsonl")
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return usagef("pir ingest cases.jsonl", "ingest needs at least one FILE, DIR or -")
			}
			loc, err := time.LoadLocation(c.String("tz"))
			if err != nil {
				return usagef("pir ingest --tz Europe/Berlin FILE", "--tz %q: %v", c.String("tz"), err)
			}
			formats := ingest.DefaultFormats()
			format := c.String("format")
			if _, ok := formats[format]; !ok && format != "auto" {
				return usagef("pir ingest --format auto FILE", "--format %q: want auto or one of %s", format, strings.Join(formats.Names(), ", "))
			}
			mapping, err := loadMapping(c.String("mapping"))
			if err != nil {
				return err
			}
			var inputs []ingest.Input
			for _, a := range args {
				inputs = append(inputs, ingest.Input{Path: a, Format: format, Mapping: mapping, AllowEmpty: c.Bool("allow-empty")})
			}
			db, err := openDB(c, false)
			if err != nil {
				return err
			}
			defer db.Close()
			opts := ingest.Options{
				Formats: formats, Location: loc, SkipInvalid: c.Bool("skip-invalid"), Now: e.now, Stdin: e.stdin,
				Limits: ingest.Limits{MaxFiles: c.Int("max-files"), MaxRecordBytes: c.Int("max-record-bytes"), MaxDepth: c.Int("max-depth")},
			}
			var bar *progressBar
			if e.isTTY && !c.Bool("quiet") {
				bar = newProgressBar(e)
				opts.Progress = bar.set
			}
			sum, err := ingest.Load(c.Context, db, inputs, opts)
			if bar != nil {
				bar.finish(err == nil)
			}
			if err != nil {
				if errors.Is(err, ingest.ErrInvalidRecord) {
					var re *ingest.RecordError
					if errors.As(err, &re) {
						return fmt.Errorf("%s (nothing was loaded; fix the record or use --skip-invalid)", re.Error())
					}
				}
				return err
			}
			for _, f := range sum.Files {
				if f.DetectedBy != "" {
					e.log.Info("format detected", "file", f.Path, "format", f.Format, "by", f.DetectedBy)
				}
			}
			logIngestWarnings(e.log, sum)
			e.log.Info("ingest", "files", len(sum.Files), "inserted", sum.Inserted, "updated", sum.Updated,
				"unchanged", sum.Unchanged, "rejected", sum.Rejected, "duration", sum.Elapsed.Round(time.Millisecond))
			for _, r := range sum.Rejects {
				fmt.Fprintf(e.stderr, "rejected: %s\n", r.Error())
			}
			if sum.Rejected > len(sum.Rejects) {
				fmt.Fprintf(e.stderr, "rejected: … %d more (see store.rejects, run %d)\n", sum.Rejected-len(sum.Rejects), sum.RunID)
			}
			if !c.Bool("quiet") {
				if format == "auto" {
					printDetected(e.stdout, sum)
				}
				fmt.Fprintln(e.stdout, formatSummary(sum))
			}
			return nil
		},
	}
}

// formatSummary is the one-line result of an ingest.
func formatSummary(s *ingest.Summary) string {
	dup := ""
	if s.Duplicates > 0 {
		dup = fmt.Sprintf(" (%d repeated ids: last kept)", s.Duplicates)
	}
	if s.WarningCount > 0 {
		dup += fmt.Sprintf(", %d warning(s) (logged)", s.WarningCount)
	}
	return fmt.Sprintf("ingested %d file(s): %d inserted, %d updated, %d unchanged, %d rejected%s in %s",
		len(s.Files), s.Inserted, s.Updated, s.Unchanged, s.Rejected, dup, s.Elapsed.Round(time.Millisecond))
}

// logIngestWarnings logs each value an ingest accepted but resolved (a
// naive time in a DST gap): file, record (line), field, and how.
func logIngestWarnings(log *slog.Logger, s *ingest.Summary) {
	for _, w := range s.Warnings {
		log.Warn("ingest: "+w.Message, "file", w.File, "line", w.Ref, "field", w.Field)
	}
	if more := s.WarningCount - len(s.Warnings); more > 0 {
		log.Warn(fmt.Sprintf("ingest: %d more warnings not shown", more))
	}
}

// printDetected says which importer --format auto chose: per file for a
// few files, per format for many.
func printDetected(w io.Writer, s *ingest.Summary) {
	if len(s.Files) <= 20 {
		for _, f := range s.Files {
			fmt.Fprintf(w, "%s: format %s, %d records\n", f.Path, f.Format, f.Records)
		}
		return
	}
	files, records := map[string]int{}, map[string]int{}
	var names []string
	for _, f := range s.Files {
		if files[f.Format] == 0 {
			names = append(names, f.Format)
		}
		files[f.Format]++
		records[f.Format] += f.Records
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "format %s: %d files, %d records\n", n, files[n], records[n])
	}
}

// loadMapping reads an importer mapping file: TOML, flat string keys.
func loadMapping(path string) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	f, err := ingest.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	defer f.Close()
	m := map[string]string{}
	if _, err := toml.NewDecoder(f).Decode(&m); err != nil {
		return nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	return m, nil
}

// progressBar shows bytes read on a TTY; silent otherwise (cron-safe).
type progressBar struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

func newProgressBar(e *env) *progressBar {
	p := mpb.New(mpb.WithOutput(e.stderr), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond))
	bar := p.AddBar(0,
		mpb.PrependDecorators(decor.Name("ingest "), decor.CountersKibiByte("% .1f / % .1f")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.AverageSpeed(decor.SizeB1024(0), "% .1f")),
	)
	return &progressBar{p: p, bar: bar}
}

func (b *progressBar) set(done, total int64) {
	b.bar.SetTotal(total, false)
	b.bar.SetCurrent(done)
}

func (b *progressBar) finish(ok bool) {
	if ok {
		b.bar.SetTotal(-1, true)
	} else {
		b.bar.Abort(false)
	}
	b.p.Wait()
}
