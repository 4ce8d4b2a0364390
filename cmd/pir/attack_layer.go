package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
)

func attackLayerCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "attack-layer",
		Usage:     "write an ATT&CK Navigator layer: incidents per technique over quarters, or their change between two quarters",
		ArgsUsage: "[--diff FROM TO]",
		Description: `Counts distinct incidents per MITRE ATT&CK technique over --quarters quarters
ending with --quarter (cases excluded from metrics left out; revoked IDs
counted as MITRE's replacement) and writes an ATT&CK Navigator layer (file
format 4.5, domain enterprise-attack, ATT&CK 18): score = number of
incidents, a white-to-red gradient, and the case IDs in each technique's
comment and metadata.

--diff FROM TO writes what changed in how you are attacked instead: score =
incidents in TO minus incidents in FROM (a technique new in TO scores its
incidents, one that went away minus its former ones) on a diverging
gradient, blue fewer, white unchanged, red more, symmetric around 0; each
technique's comment and metadata give both quarters' cases, and the
layer's metadata lists the new, gone, rising, falling and unchanged
techniques. Give the flags before the two quarters.

The Navigator does not draw deprecated or revoked techniques, nor IDs its
ATT&CK version lacks: their incidents would vanish without a trace. pir
never puts them in the layer's techniques (so they never set the
gradient); revoked IDs are counted as MITRE's replacement, and every ID
not drawn is listed in the layer's metadata ("not drawn: deprecated in
ATT&CK v18.1", "not drawn: revoked …", "not in ATT&CK v18.1 (not drawn)")
with its cases.

Open it at https://mitre-attack.github.io/attack-navigator/ (or an offline
Navigator): "Open Existing Layer" → "Upload from local".

Examples:
   pir attack-layer --quarter 2024-Q1 -o layer.json
   pir attack-layer --quarter 2024-Q4 --quarters 4 -o last-year.json
   pir attack-layer --tz Europe/Berlin --cohort closure > layer.json
   pir attack-layer -o change.json --diff 2024-Q3 2024-Q4`,
		Flags: []cli.Flag{
			quarterFlag(), quartersFlag(1), cohortFlag(), configFlag(), dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "layer `FILE` (- for stdout)", EnvVars: []string{"PIR_LAYER_OUTPUT"}},
			&cli.StringFlag{Name: "diff", Usage: "compare quarter `FROM` with the quarter TO given after it (--diff 2024-Q3 2024-Q4): score = change in incidents"},
		},
		Action: func(c *cli.Context) error {
			const try = "pir attack-layer -o change.json --diff 2024-Q3 2024-Q4"
			var from, to string
			if c.IsSet("diff") {
				from = c.String("diff")
				if f, t, ok := strings.Cut(from, ","); ok { // --diff 2024-Q3,2024-Q4
					from, to = f, t
				}
				switch {
				case to == "" && c.NArg() == 0:
					return usagef(try, "--diff %s needs a second quarter: --diff FROM TO", from)
				case to == "" && c.NArg() == 1:
					to = c.Args().First()
				case to == "" && c.NArg() > 1 || to != "" && c.NArg() > 0:
					return usagef(try, "--diff takes two quarters, then nothing (got %q): give the flags before them", c.Args().Slice())
				}
				if c.IsSet("quarter") || c.IsSet("quarters") {
					return usagef(try, "--diff FROM TO names both quarters: drop --quarter and --quarters")
				}
			} else if c.NArg() > 0 {
				return usagef("pir attack-layer --quarter 2024-Q1 -o layer.json", "attack-layer takes no arguments (got %q); the file is -o FILE", c.Args().First())
			}
			s, err := resolveSettings(c, false)
			if err != nil {
				return err
			}
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			var layer *analytics.Layer
			if from != "" {
				layer, err = analytics.BuildDiffLayer(c.Context, db, analytics.DiffOptions{
					From: from, To: to, Cohort: s.cohort, Now: e.now, Version: version,
				})
				switch {
				case errors.Is(err, analytics.ErrBadQuarter), errors.Is(err, analytics.ErrFutureQuarter), errors.Is(err, analytics.ErrSameQuarter):
					return usagef(try, "--diff %v", err)
				case err != nil:
					return reportError(s, err)
				}
			} else {
				layer, err = analytics.BuildLayer(c.Context, db, analytics.LayerOptions{
					Quarter: s.quarter, Quarters: s.quarters, Cohort: s.cohort, Now: e.now, Version: version,
				})
				if err != nil {
					return reportError(s, err)
				}
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(layer); err != nil {
				return err
			}
			b := buf.Bytes()
			out := c.String("output")
			if out == "-" {
				_, err = e.stdout.Write(b)
				return err
			}
			if err := writeFileAtomic(out, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
				return fmt.Errorf("attack-layer: %w", err)
			}
			fmt.Fprintf(e.stderr, "wrote %s: %d techniques", out, len(layer.Techniques))
			if n := len(layer.NotDrawn); n > 0 {
				fmt.Fprintf(e.stderr, "; %d deprecated, revoked or unknown IDs listed in its metadata (the Navigator does not draw them)", n)
			}
			fmt.Fprintln(e.stderr)
			return nil
		},
	}
}
