package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/coverage"
	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

func coverageCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "coverage",
		Usage: "detection coverage: the quarter's incident ATT&CK techniques against a folder of Sigma rules",
		Description: `Reads every Sigma rule (.yml, .yaml) under --rules, collects the ATT&CK
techniques each detects from its attack.tNNNN[.NNN] tags and compares them
with the techniques of the quarter's incidents (cases excluded from metrics
left out; revoked IDs counted as MITRE's replacement):
- the detection gaps: incident techniques with no rule, most cases first;
- the covered techniques and their rules;
- the share of the quarter's incident techniques covered, and its trend
  over the trailing quarters (against the same rules);
- the rules the reviews promised (detection_rules): written and deployed
  this quarter, and those the folder does not have (by Sigma id, else by
  title), with case and owner.

A rule detects on the platform of its logsource (product windows: windows,
aws: aws, ...). A technique counts as covered only when every case it was
seen in has a rule for one of the case's platforms (or for any platform);
a case without platforms matches by the technique alone (platform unknown).
A rule covers the technique or sub-technique it is tagged with. As ATT&CK
defines sub-techniques as specific ways of doing the parent, a rule tagged
only with the parent (T1078) does not cover its sub-techniques (T1078.004),
and a sub-technique rule does not cover the parent: those rules are listed
as "related" but not counted. Rules with status deprecated or unsupported
are listed separately and never count. Files that are not valid Sigma rules
are reported by path and skipped; that is not an error.

-o writes an ATT&CK Navigator layer (format 4.5, enterprise-attack): covered
techniques green, gaps with only related rules amber, gaps red.

SigmaHQ rules are under the Detection Rule License 1.1: keep their author
field and a link to the rule set when you share them (docs/review.md).

Examples:
   pir coverage --rules examples/rules
   pir coverage --rules ~/sigma/rules --quarter 2025-Q4 --quarters 4 -o coverage-layer.json
   pir coverage --rules ~/sigma/rules --format csv > coverage.csv
   pir coverage --config pir.toml --format json`,
		Flags: []cli.Flag{
			rulesFlag(),
			quarterFlag(), quartersFlag(8), cohortFlag(), configFlag(), dbFlag(), tzFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table, json or csv"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write an ATT&CK Navigator layer to `FILE`"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir coverage --rules DIR", "coverage takes no arguments, got %q (use --rules DIR)", c.Args().First())
			}
			format := c.String("format")
			switch format {
			case "table", "json", "csv":
			default:
				return usagef("pir coverage --rules DIR --format json", "--format %q: want table, json or csv", format)
			}
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			dir := s.rules
			if dir == "" {
				return usagef("pir coverage --rules examples/rules", "coverage needs --rules DIR (or rules in --config)")
			}
			set, err := coverage.Load(dir)
			if err != nil {
				if errors.Is(err, coverage.ErrNoRulesDir) {
					return usagef("pir coverage --rules examples/rules", "%v", err)
				}
				return err
			}
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			cov, err := buildCoverage(c, e, db, set, dir, s)
			if err != nil {
				return err
			}
			if p := c.String("output"); p != "" {
				if err := writeOutput(e, p, func(w io.Writer) error { return writeJSON(w, analytics.CoverageLayer(cov)) }); err != nil {
					return err
				}
			}
			if n := len(cov.Invalid); n > 0 {
				fmt.Fprintf(e.stderr, "warning: %d rule file(s) are not valid Sigma rules and were skipped (listed in the output)\n", n)
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, cov)
			case "csv":
				return writeCoverageCSV(e.stdout, cov)
			default:
				return writeCoverageTable(e.stdout, cov)
			}
		},
	}
}

// buildCoverage runs the comparison with the report settings.
func buildCoverage(c *cli.Context, e *env, db *pirsql.DB, set *coverage.RuleSet, dir string, s *settings) (*analytics.Coverage, error) {
	cov, err := analytics.BuildCoverage(c.Context, db, set, analytics.CoverageOptions{
		Quarter: s.quarter, Quarters: s.quarters, Cohort: s.cohort, Now: e.now, RulesDir: dir, Version: version,
	})
	if err != nil {
		return nil, reportError(s, err)
	}
	if err := warnEmptyQuarter(c.Context, e, db, cov.Cohort, cov.Quarter); err != nil {
		return nil, err
	}
	return cov, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeCoverageTable(w io.Writer, c *analytics.Coverage) error {
	fmt.Fprintf(w, "Detection coverage %s (%s cohort, %s)\n", c.Quarter, c.Cohort, c.TimeZone)
	n := display.Count
	fmt.Fprintf(w, "Rules: %s: %s files, %s usable rules (%s with ATT&CK techniques, %s techniques), %s inactive, %s invalid\n",
		terminalText(c.RulesDir, 200), n(c.RuleFiles), n(c.Rules), n(c.RulesWithTechniques), n(c.RuleTechniques), n(len(c.Inactive)), n(len(c.Invalid)))
	fmt.Fprintf(w, "Covered: %s of %s incident techniques (%s); gaps: %s (%s with related rules only)\n\n",
		n(c.Covered), n(c.Techniques), display.Rate(c.Share), n(c.Gaps), n(c.Related))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "QUARTER\tTECHNIQUES\tCOVERED\tRELATED\tSHARE")
	for _, s := range c.Trend {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Quarter, n(s.Techniques), n(s.Covered), n(s.Related), display.Rate(s.Share))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nGaps in %s (no rule), most cases first\n", c.Quarter)
	if len(c.GapList) == 0 {
		fmt.Fprintln(w, "None.")
	} else {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TECHNIQUE\tNAME\tCASES\tRELATED RULES")
		for _, t := range c.GapList {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, terminalText(techniqueName(t, c.ATTACK.Version), 50), n(t.Cases), terminalText(relatedText(t), 80))
		}
		tw.Flush()
	}

	fmt.Fprintf(w, "\nCovered in %s\n", c.Quarter)
	if len(c.CoveredList) == 0 {
		fmt.Fprintln(w, "None.")
	} else {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TECHNIQUE\tNAME\tCASES\tRULES\tRULE TITLES")
		for _, t := range c.CoveredList {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, terminalText(techniqueName(t, c.ATTACK.Version), 50), n(t.Cases), n(len(t.Rules)), terminalText(ruleTitles(t.Rules), 80))
		}
		tw.Flush()
	}

	ft := c.FollowThrough
	fmt.Fprintf(w, "\nRules the reviews promised: %s written in %s (%s deployed, %s proposed); in %s to %s %s found in the folder, %s missing, %s marked deployed but not found\n",
		n(ft.Written), c.Quarter, n(ft.Deployed), n(ft.Proposed), c.Quarters[0], c.Quarter, n(ft.Found), n(ft.Missing), n(ft.DeployedNotFound))
	if len(c.Promised) > 0 {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "QUARTER	CASE	RULE	TITLE	STATUS	OWNER	RESULT")
		for _, p := range c.Promised {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Quarter, terminalText(p.CaseID, 40), terminalText(p.RuleID, 40), terminalText(display.OrNoValue(p.Title), 60),
				display.OrNoValue(p.Status), terminalText(display.OrNoValue(p.Owner), 30), p.Result)
		}
		tw.Flush()
	}

	if len(c.Inactive) > 0 {
		fmt.Fprintln(w, "\nInactive rules (deprecated or unsupported; not counted)")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tPATH\tTITLE\tTECHNIQUES")
		for _, r := range c.Inactive {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Status, terminalText(r.Path, 80), terminalText(r.Title, 60), strings.Join(r.Techniques, ", "))
		}
		tw.Flush()
	}
	if len(c.Invalid) > 0 {
		fmt.Fprintln(w, "\nInvalid rule files (skipped)")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PATH\tPROBLEM")
		for _, p := range c.Invalid {
			fmt.Fprintf(tw, "%s\t%s\n", terminalText(p.Path, 80), terminalText(p.Error, 100))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nMatching: %s\n", c.Matching)
	fmt.Fprintf(w, "Rules: %s\n", c.License)
	return nil
}

func techniqueName(t analytics.CoverageTechnique, attackVersion string) string {
	if t.Status == "unknown" {
		return display.TechniqueNote(t.Status, attackVersion)
	}
	return display.OrNoValue(t.Name)
}

func ruleTitles(rs []analytics.CoverageRuleRef) string {
	ts := make([]string, len(rs))
	for i, r := range rs {
		ts[i] = r.Title
	}
	return strings.Join(ts, "; ")
}

// relatedText lists related rules with the tag that links them:
// "T1566: Phishing rule".
func relatedText(t analytics.CoverageTechnique) string {
	if len(t.Related) == 0 {
		return display.NoValue
	}
	parts := make([]string, len(t.Related))
	for i, r := range t.Related {
		parts[i] = r.Technique + ": " + display.RuleTitle(r.Title, r.Platform)
	}
	return strings.Join(parts, "; ")
}

// writeCoverageCSV writes one row per technique of the report quarter's
// incidents, gaps first.
func writeCoverageCSV(w io.Writer, c *analytics.Coverage) error {
	rows := [][]string{{"quarter", "technique_id", "name", "tactics", "coverage", "cases", "case_ids", "rules", "rule_titles", "rule_paths", "related_rules"}}
	add := func(t analytics.CoverageTechnique, state string) {
		paths := make([]string, len(t.Rules))
		for i, r := range t.Rules {
			paths[i] = r.Path
		}
		related := ""
		if len(t.Related) > 0 {
			related = relatedText(t)
		}
		rows = append(rows, []string{c.Quarter, t.ID, t.Name, strings.Join(t.Tactics, ";"), state, fmt.Sprint(t.Cases),
			strings.Join(t.CaseIDs, ";"), fmt.Sprint(len(t.Rules)), ruleTitles(t.Rules), strings.Join(paths, ";"), related})
	}
	for _, t := range c.GapList {
		state := "gap"
		if len(t.Related) > 0 {
			state = "related"
		}
		add(t, state)
	}
	for _, t := range c.CoveredList {
		add(t, "covered")
	}
	return writeSafeCSV(w, rows)
}
