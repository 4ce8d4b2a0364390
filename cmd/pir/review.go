package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/markdown"
	"github.com/pirhq/pir/pdf"
)

func reviewCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "review",
		Usage:     "the blameless post-incident review document for one case (Markdown, PDF or HTML)",
		ArgsUsage: "CASE_ID",
		Description: `Writes the review pack for one case, following the standard 90-minute
agenda: 1. incident summary; 2. timeline walkthrough (each milestone's time
in --tz and the time since the previous one, and each metric compared with
the median and p90 of the case's detection quarter, with its percentile rank,
e.g. "slower than 80% of the other 24 measured cases"); 3. what worked well;
4. what needs improvement; 5. root cause analysis (the 5 Whys, numbered, and
the root-cause category); 6. action items (owner, due date, status, overdue
marker); 7. playbook and detection updates (the case's detection rules and
their ATT&CK techniques), and the ATT&CK techniques seen with names and
tactics.

The review is blameless: people appear only as owners of action items.
Markdown pastes into Confluence or a wiki; the PDF uses the quarterly
report's styling; the HTML page is self-contained (no scripts, nothing
loaded). Text from the case is escaped in every format. The database is
opened read-only; docs/review.md explains every field.

Examples:
   pir review IR-00042 > IR-00042-review.md
   pir review IR-00042 --format pdf -o IR-00042-review.pdf
   pir review IR-00042 --format html -o review.html --tz Europe/Berlin
   pir review 4711 --source thehive --config pir.toml`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the case's `SOURCE` when the ID exists in several"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "md", Usage: "output: md, pdf or html"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write to `FILE` (atomically) instead of stdout"},
			configFlag(), dbFlag(), tzFlag(),
		},
		Action: func(c *cli.Context) error {
			args, err := interspersedArgs(c)
			if err != nil {
				return err
			}
			format := c.String("format")
			switch format {
			case "md", "markdown", "pdf", "html":
			default:
				return usagef("pir review IR-1 --format pdf -o review.pdf", "--format %q: want md, pdf or html", format)
			}
			if len(args) != 1 || args[0] == "" {
				return usagef("pir review IR-00042", "review needs exactly one CASE_ID")
			}
			caseID := args[0]
			cfg, err := reviewConfig(c)
			if err != nil {
				return err
			}
			db, err := openDB(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			defs, err := (&reportSettings{cfg: cfg}).definitions(c, db)
			if err != nil {
				return err
			}
			rv, err := analytics.BuildReview(c.Context, db, caseID, analytics.ReviewOptions{
				Source: c.String("source"), Definitions: defs, Now: e.now, Version: version,
				Organisation: cfg.Organisation, Marking: cfg.Marking,
			})
			switch {
			case errors.Is(err, analytics.ErrAmbiguousCase):
				return usagef("pir review "+caseID+" --source SOURCE", "%v", err)
			case err != nil:
				return err
			}
			return writeOutput(e, c.String("output"), func(w io.Writer) error {
				switch format {
				case "pdf":
					return pdf.Review(w, rv, pdf.Options{})
				case "html":
					return charts.Review(w, rv)
				default:
					return markdown.Review(w, rv)
				}
			})
		},
	}
}

// reviewConfig reads --config when given: it may set the database, the time
// zone, metric definitions, organisation and marking.
func reviewConfig(c *cli.Context) (*Config, error) {
	p := c.String("config")
	if p == "" {
		return &Config{}, nil
	}
	cfg, err := loadConfig(p)
	if err != nil {
		return nil, err
	}
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
	return cfg, nil
}

// writeOutput renders into memory, then writes to stdout ("-" or "") or
// atomically to path, so a failed render never leaves a half-written file.
func writeOutput(e *env, path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if path == "" || path == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	p, err := newPendingFile(path)
	if err != nil {
		return err
	}
	defer p.discard()
	if _, err := p.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return p.commit()
}

// interspersedArgs returns the positional arguments and applies flags given
// after them ("pir review IR-1 --format pdf"), which the flag package would
// otherwise take as arguments. "--" ends the flags.
func interspersedArgs(c *cli.Context) ([]string, error) {
	in := c.Args().Slice()
	var args []string
	for i := 0; i < len(in); i++ {
		a := in[i]
		if a == "--" {
			return append(args, in[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			args = append(args, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := lookupFlag(c, name)
		if f == nil {
			return nil, usagef("pir "+c.Command.Name+" --help", "flag provided but not defined: -%s", name)
		}
		if _, isBool := f.(*cli.BoolFlag); isBool && !hasValue {
			value, hasValue = "true", true
		}
		if !hasValue {
			if i+1 >= len(in) {
				return nil, usagef("pir "+c.Command.Name+" --help", "flag needs an argument: -%s", name)
			}
			i++
			value = in[i]
		}
		if err := c.Set(f.Names()[0], value); err != nil {
			return nil, usagef("pir "+c.Command.Name+" --help", "-%s %q: %v", name, value, err)
		}
	}
	return args, nil
}

func lookupFlag(c *cli.Context, name string) cli.Flag {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}
