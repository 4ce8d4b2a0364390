package pdf

import (
	"fmt"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/consts/align"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// maxCoverageRows caps the gap and covered-technique tables.
const maxCoverageRows = 10

// coverage is the detection-coverage section, present when the report was
// built with a folder of Sigma rules (Report.Coverage).
func (rp *report) coverage() {
	c := rp.r.Coverage
	if c == nil {
		return
	}
	q := rp.quarter()
	rp.heading("Detection engineering", fmt.Sprintf(
		"ATT&CK techniques of the cases %s in %s against the Sigma rules in %s. Covered: every case of the technique has a rule tagged with it for one of the case's platforms; related: a rule for another platform, or for its parent or a sub-technique only.",
		rp.cohortVerb(), q, clean(c.RulesDir, rp.fs.regular, 120)))

	gaps := tile{value: display.Count(c.Gaps), label: "techniques seen without a rule", color: colAccent}
	if c.Gaps > 0 {
		gaps.color = colBad
	}
	rp.tiles([]tile{
		{value: display.Rate(c.Share), label: fmt.Sprintf("of the %s techniques seen have a rule", display.Count(c.Techniques)), color: colAccent},
		gaps,
		{value: display.Count(c.Related), label: "gaps with a related rule", color: colAccent},
		{value: display.Count(c.Rules), label: fmt.Sprintf("usable rules of %s files", display.Count(c.RuleFiles)), color: colAccent},
	})

	if len(c.Trend) > 0 {
		parts := make([]string, 0, len(c.Trend))
		for _, t := range c.Trend {
			parts = append(parts, t.Quarter+string(nbsp)+display.Rate(t.Share))
		}
		rp.gap(2)
		rp.paragraph("Share of the techniques seen that have a rule, by quarter: "+strings.Join(parts, " · ")+".", stBody.with(func(s *style) { s.size = 8.5 }))
	}

	rp.platformCoverage(c)

	rp.subheading(fmt.Sprintf("Top uncovered techniques, %s (%s)", q, display.Count(len(c.GapList))), 14)
	if len(c.GapList) == 0 {
		rp.paragraph("Every technique seen in "+q+" has a rule.", stBody)
	} else {
		rp.coverageTable(c.GapList, "Cases without a rule", func(t analytics.CoverageTechnique) string { return display.UncoveredCases(t.Uncovered(), t.Cases) },
			"Related rules", func(t analytics.CoverageTechnique) []analytics.CoverageRuleRef { return t.Related })
	}
	if len(c.CoveredList) > 0 {
		rp.subheading(fmt.Sprintf("Covered techniques, %s (%s)", q, display.Count(len(c.CoveredList))), 14)
		rp.coverageTable(c.CoveredList, "Cases", func(t analytics.CoverageTechnique) string { return display.Count(t.Cases) },
			"Rules", func(t analytics.CoverageTechnique) []analytics.CoverageRuleRef { return t.Rules })
	}

	rp.promisedRules(c)

	var notes []string
	if n := len(c.Inactive); n > 0 {
		notes = append(notes, display.Count(n)+" rules are deprecated or unsupported and not counted.")
	}
	if n := len(c.Invalid); n > 0 {
		notes = append(notes, display.Count(n)+" files are not Sigma rules and were skipped.")
	}
	notes = append(notes, "How rules are matched and whose rules they are: see the appendix.")
	rp.gap(1.5)
	rp.paragraph(strings.Join(notes, " "), stSmall)
}

// platformCoverage is the report quarter's coverage by platform: per
// platform of the cases, the techniques seen there, how many have a rule
// for it, and the uncovered ones with the most cases.
func (rp *report) platformCoverage(c *analytics.Coverage) {
	if len(c.ByPlatform) == 0 {
		return
	}
	rp.subheading("Coverage by platform, "+rp.quarter(), 24)
	rows := make([]trow, 0, len(c.ByPlatform))
	for _, p := range c.ByPlatform {
		share := tdStyled(display.Rate(p.Share), stTD.strong())
		if p.Share != nil && *p.Share < 0.5 {
			share = tdStyled(display.Rate(p.Share), stTD.with(func(s *style) { s.bold = true; s.color = colBad }))
		}
		rows = append(rows, tr(td(display.PlatformLabel(p.Platform)), td(display.Count(p.Cases)), td(display.Count(p.Techniques)),
			td(display.Count(p.Covered)), share,
			tdStyled(display.OrNoValue(strings.Join(p.TopGaps, ", ")), stTD.with(func(s *style) { s.mono = true; s.size = 8 }))))
	}
	rp.table([]column{
		{title: "Platform", w: 32},
		{title: "Cases", w: 16, align: align.Right},
		{title: "Techniques", w: 22, align: align.Right},
		{title: "With a rule", w: 22, align: align.Right},
		{title: "Share", w: 18, align: align.Right},
		{title: "Top gaps (most cases)"},
	}, rows)
	rp.paragraph("A technique counts as covered on a platform when a rule tagged with it detects on that platform (or on any). A case on two platforms counts on both.", stSmall)
}

// coverageNotes are the matching rule and the rules' licence and authors
// (the Detection Rule License asks for attribution where matches are
// reported), printed in the appendix.
func (rp *report) coverageNotes() []string {
	c := rp.r.Coverage
	if c == nil {
		return nil
	}
	var out []string
	for _, s := range []string{c.Matching, c.License} {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, clean(s, rp.fs.regular, 900))
		}
	}
	return out
}

// coverageTable lists techniques with the rules that cover or relate to
// them, most cases first as the model orders them.
func (rp *report) coverageTable(ts []analytics.CoverageTechnique, casesTitle string, cases func(analytics.CoverageTechnique) string,
	rulesTitle string, rules func(analytics.CoverageTechnique) []analytics.CoverageRuleRef) {
	more := 0
	if len(ts) > maxCoverageRows {
		ts, more = ts[:maxCoverageRows], len(ts)-maxCoverageRows
	}
	rows := make([]trow, 0, len(ts))
	for _, t := range ts {
		rs := rules(t)
		titles := make([]string, 0, len(rs))
		for _, r := range rs {
			titles = append(titles, display.RuleTitle(r.Title, r.Platform))
		}
		ruleText := display.NoValue
		if len(titles) > 0 {
			ruleText = display.JoinCapped(titles, 3)
		}
		rows = append(rows, tr(
			tdStyled(t.ID, stTD.with(func(s *style) { s.mono = true; s.size = 8 })),
			techniqueName(t.Name, t.Status, rp.r.Coverage.ATTACK.Version),
			td(cases(t)),
			cell{{text: ruleText, st: stSmall.with(func(s *style) { s.color = colInk }), maxLines: 4}},
		))
	}
	rp.table([]column{
		{title: "ID", w: 24},
		{title: "Technique", w: 58},
		{title: casesTitle, w: 22, align: align.Right},
		{title: rulesTitle},
	}, rows)
	if more > 0 {
		rp.paragraph("and "+display.Count(more)+" more, not listed here.", stSmall)
	}
}

// techniqueName is a technique's name cell, flagged when the embedded
// ATT&CK list does not know it or marks it deprecated or newer.
func techniqueName(name, status, version string) cell {
	if status == "unknown" || name == "" {
		return cell{{text: display.TechniqueNote("unknown", version), st: stTD.with(func(s *style) { s.color = colWarn })}}
	}
	if note := display.TechniqueNote(status, version); note != "" {
		return cell{{text: name, st: stTD}, {text: note, st: stSmall.with(func(s *style) { s.color = colWarn })}}
	}
	return td(name)
}

// promisedRules is the follow-through of the rules the reviews promised:
// written and deployed this quarter, and those the rules folder does not
// have, newest first.
func (rp *report) promisedRules(c *analytics.Coverage) {
	ft := c.FollowThrough
	q := rp.quarter()
	rp.subheading("Rules the reviews promised", 30)
	rp.paragraph(fmt.Sprintf("%s detection rules were written for the cases of %s: %s deployed, %s proposed. Over %s to %s, %s of the promised rules are in the rules folder (by Sigma id, else by title), %s are missing and %s are marked deployed but not in the folder.",
		display.Count(ft.Written), q, display.Count(ft.Deployed), display.Count(ft.Proposed), clean(c.Quarters[0], rp.fs.regular, 20), q,
		display.Count(ft.Found), display.Count(ft.Missing), display.Count(ft.DeployedNotFound)), stBody.with(func(s *style) { s.size = 8.5 }))
	if len(c.Promised) == 0 {
		return
	}
	ps := c.Promised
	more := 0
	if len(ps) > maxCoverageRows {
		ps, more = ps[:maxCoverageRows], len(ps)-maxCoverageRows
	}
	rows := make([]trow, 0, len(ps))
	for _, p := range ps {
		res := tdStyled(display.PromisedResult(p.Result), stTD.with(func(s *style) { s.color = colWarn }))
		rows = append(rows, tr(td(p.Quarter), td(p.CaseID), cell{{text: display.OrNoValue(p.Title), st: stTD}, {text: p.RuleID, st: stSmall.with(func(s *style) { s.mono = true })}},
			td(display.OrNoValue(p.Owner)), res))
	}
	rp.gap(1.5)
	rp.table([]column{
		{title: "Quarter", w: 18},
		{title: "Case", w: 22},
		{title: "Rule"},
		{title: "Owner", w: 34},
		{title: "Result", w: 34},
	}, rows)
	if more > 0 {
		rp.paragraph("and "+display.Count(more)+" more (pir coverage lists them all).", stSmall)
	}
}
