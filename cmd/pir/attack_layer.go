package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
)

func attackLayerCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "attack-layer",
		Usage: "write an ATT&CK Navigator layer: incidents per technique over quarters",
		Description: `Counts distinct incidents per MITRE ATT&CK technique over --quarters quarters
ending with --quarter (cases excluded from metrics left out; revoked IDs
counted as MITRE's replacement) and writes an ATT&CK Navigator layer (file
format 4.5, domain enterprise-attack, ATT&CK 18): score = number of
incidents, a white-to-red gradient, and the case IDs in each technique's
comment and metadata. IDs the Navigator cannot place (not in ATT&CK v18.1)
are listed in the layer's metadata rather than dropped.

Open it at https://mitre-attack.github.io/attack-navigator/ (or an offline
Navigator): "Open Existing Layer" → "Upload from local".

Examples:
   pir attack-layer --quarter 2024-Q1 -o layer.json
   pir attack-layer --quarter 2024-Q4 --quarters 4 -o last-year.json
   pir attack-layer --tz Europe/Berlin --cohort closure > layer.json`,
		Flags: []cli.Flag{
			quarterFlag(), quartersFlag(1), cohortFlag(), configFlag(), dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "layer `FILE` (- for stdout)", EnvVars: []string{"PIR_LAYER_OUTPUT"}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
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
			layer, err := analytics.BuildLayer(c.Context, db, analytics.LayerOptions{
				Quarter: s.quarter, Quarters: s.quarters, Cohort: s.cohort, Now: e.now, Version: version,
			})
			if err != nil {
				return reportError(s, err)
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
			fmt.Fprintf(e.stderr, "wrote %s: %d techniques\n", out, len(layer.Techniques))
			return nil
		},
	}
}
