package main

import (
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/confluence"
	"github.com/pirhq/pir/markdown"
	"github.com/pirhq/pir/pdf"
)

func reviewCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "review",
		Usage:     "the blameless post-incident review document for one case (Markdown, PDF, HTML or a Confluence page)",
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
Markdown pastes into a wiki; --format confluence writes the page body in
Confluence's storage format (XHTML with status and info macros), ready for
the REST API (body.storage.value) or the editor's "Insert markup"; the PDF
uses the quarterly report's styling; the HTML page is self-contained (no
scripts, nothing loaded). Text from the case is escaped in every format. The database is
opened read-only; docs/review.md explains every field.

Examples:
   pir review IR-00042 > IR-00042-review.md
   pir review IR-00042 --format pdf -o IR-00042-review.pdf
   pir review IR-00042 --format html -o review.html --tz Europe/Berlin
   pir review IR-00042 --format confluence -o IR-00042.xhtml
   pir review 4711 --source thehive --config pir.toml`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the case's `SOURCE` when the ID exists in several"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "md", Usage: "output: md, pdf, html or confluence"},
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
			case "md", "markdown", "pdf", "html", "confluence":
			default:
				return usagef("pir review IR-1 --format pdf -o review.pdf", "--format %q: want md, pdf, html or confluence", format)
			}
			if len(args) != 1 || args[0] == "" {
				return usagef("pir review IR-00042", "review needs exactly one CASE_ID")
			}
			caseID := args[0]
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			// The metric definitions come from the database, where the
			// session merged the config's [[metric]] tables in.
			rv, err := analytics.BuildReview(c.Context, db, caseID, analytics.ReviewOptions{
				Source: c.String("source"), Now: e.now, Version: version,
				Organisation: s.organisation, Marking: s.marking,
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
				case "confluence":
					return confluence.Review(w, rv)
				default:
					return markdown.Review(w, rv)
				}
			})
		},
	}
}
