package charts

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// coverageRows caps the gap and covered tables of the dashboard section;
// the rest are counted under the table (`pir coverage` lists them all).
const coverageRows = 20

// coverageView is the dashboard's detection-coverage section, formatted.
type coverageView struct {
	Quarter  string
	RulesDir string
	Share    string
	Summary  string
	Trend    []coverageTrendRow
	// Platforms is the coverage of the quarter's techniques by platform.
	Platforms []coveragePlatformRow
	Gaps      []coverageTechRow
	GapsMore  int
	Covered   []coverageTechRow
	CovMore   int
	Inactive  int
	Invalid   []string
	Matching  string
	License   string
	// Promised is the follow-through of the rules the reviews promised.
	Promised     string
	PromisedRows []promisedRow
	PromisedMore int
}

type promisedRow struct {
	Quarter, Case, Title, RuleID, Status, Owner, Result string
}

type coverageTrendRow struct {
	Quarter, Techniques, Covered, Related, Share, Bar string
}

type coverageTechRow struct {
	ID, Name, Cases, Rules, Titles string
}

type coveragePlatformRow struct {
	Platform, Cases, Techniques, Covered, Share, Bar, Gaps string
	Low                                                    bool
}

// coverageSection renders the dashboard's detection-coverage section for
// Report.Coverage (the Sigma rules compared with the quarter's incident
// techniques): headline share, trend per quarter, the gaps ranked by cases
// and the covered techniques with their rules. It is "" when the report has
// no coverage (no rules configured). Every string is escaped by
// html/template; the fragment uses the dashboard's card and table classes.
func coverageSection(r *analytics.Report) (template.HTML, error) {
	if r == nil || r.Coverage == nil {
		return "", nil
	}
	c := r.Coverage
	v := coverageView{
		Quarter: c.Quarter, RulesDir: c.RulesDir, Share: display.Rate(c.Share),
		Summary: fmt.Sprintf("%s of the %s ATT&CK techniques seen in %s incidents have a Sigma rule; %s gaps (%s with only a related rule for the parent or a sub-technique). %s usable rules from %s files.",
			display.Rate(c.Share), display.Count(c.Techniques), c.Quarter, display.Count(c.Gaps), display.Count(c.Related), display.Count(c.Rules), display.Count(c.RuleFiles)),
		Inactive: len(c.Inactive), Matching: c.Matching, License: c.License,
	}
	for _, s := range c.Trend {
		bar := ""
		if s.Share != nil {
			bar = fmt.Sprintf("%.0f%%", *s.Share*100)
		}
		v.Trend = append(v.Trend, coverageTrendRow{Quarter: s.Quarter, Techniques: display.Count(s.Techniques), Covered: display.Count(s.Covered),
			Related: display.Count(s.Related), Share: display.Rate(s.Share), Bar: bar})
	}
	for _, p := range c.ByPlatform {
		bar := ""
		if p.Share != nil {
			bar = fmt.Sprintf("%.0f%%", *p.Share*100)
		}
		v.Platforms = append(v.Platforms, coveragePlatformRow{Platform: display.PlatformLabel(p.Platform), Cases: display.Count(p.Cases),
			Techniques: display.Count(p.Techniques), Covered: display.Count(p.Covered), Share: display.Rate(p.Share), Bar: bar,
			Gaps: display.OrNoValue(strings.Join(p.TopGaps, ", ")), Low: p.Share != nil && *p.Share < 0.5})
	}
	row := func(t analytics.CoverageTechnique, refs []analytics.CoverageRuleRef) coverageTechRow {
		titles := make([]string, len(refs))
		for i, x := range refs {
			titles[i] = display.RuleTitle(x.Title, x.Platform)
			if x.Technique != "" && x.Technique != t.ID {
				titles[i] = x.Technique + ": " + titles[i]
			}
		}
		name := t.Name
		if t.Status == "unknown" {
			name = display.TechniqueNote(t.Status, c.ATTACK.Version)
		}
		return coverageTechRow{ID: t.ID, Name: display.OrNoValue(name), Cases: display.Count(t.Cases), Rules: display.Count(len(refs)), Titles: display.OrNoValue(strings.Join(titles, "; "))}
	}
	for i, t := range c.GapList {
		if i == coverageRows {
			v.GapsMore = len(c.GapList) - i
			break
		}
		g := row(t, t.Related)
		g.Cases = display.UncoveredCases(t.Uncovered(), t.Cases)
		v.Gaps = append(v.Gaps, g)
	}
	for i, t := range c.CoveredList {
		if i == coverageRows {
			v.CovMore = len(c.CoveredList) - i
			break
		}
		v.Covered = append(v.Covered, row(t, t.Rules))
	}
	for _, p := range c.Invalid {
		v.Invalid = append(v.Invalid, p.Path+": "+p.Error)
	}
	ft := c.FollowThrough
	from := c.Quarter
	if len(c.Quarters) > 0 {
		from = c.Quarters[0]
	}
	v.Promised = fmt.Sprintf("%s detection rules were written for the cases of %s: %s deployed, %s proposed. Over %s to %s, %s of the promised rules are in the rules folder (by Sigma id, else by title), %s are missing and %s are marked deployed but not in the folder.",
		display.Count(ft.Written), c.Quarter, display.Count(ft.Deployed), display.Count(ft.Proposed), from, c.Quarter,
		display.Count(ft.Found), display.Count(ft.Missing), display.Count(ft.DeployedNotFound))
	for i, p := range c.Promised {
		if i == coverageRows {
			v.PromisedMore = len(c.Promised) - i
			break
		}
		v.PromisedRows = append(v.PromisedRows, promisedRow{Quarter: p.Quarter, Case: p.CaseID, Title: display.OrNoValue(p.Title), RuleID: p.RuleID,
			Status: display.OrNoValue(p.Status), Owner: display.OrNoValue(p.Owner), Result: display.PromisedResult(p.Result)})
	}
	tmpl, err := template.New("coverage").Parse(coverageTmpl)
	if err != nil {
		return "", fmt.Errorf("coverage section: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("coverage section: %w", err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template above
}

const coverageTmpl = `
<section id="coverage" aria-labelledby="coverage-h">
  <h2 id="coverage-h">Detection engineering, {{.Quarter}}</h2>
  <div class="card table-card">
    <p class="sub">{{.Summary}} Rules: {{.RulesDir}}.</p>
    <div class="table-wrap">
      <table>
        <caption>Share of each quarter's incident techniques covered by these rules</caption>
        <thead><tr><th scope="col">Quarter</th><th scope="col" class="num">Techniques</th><th scope="col" class="num">Covered</th><th scope="col" class="num">Related only</th><th scope="col" class="num">Share</th></tr></thead>
        <tbody>
          {{- range .Trend}}
          <tr><td>{{.Quarter}}</td><td class="num">{{.Techniques}}</td><td class="num">{{.Covered}}</td><td class="num">{{.Related}}</td><td class="num">{{.Share}}{{if .Bar}}<span class="bar" aria-hidden="true"><span style="width: {{.Bar}}"></span></span>{{end}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
  </div>
  {{- if .Platforms}}
  <div class="card table-card">
    <h3>Coverage by platform</h3>
    <p class="sub">Per platform of the {{.Quarter}} cases: the techniques seen there and how many have a rule that detects on that platform (or on any); a case on two platforms counts on both</p>
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Platform</th><th scope="col" class="num">Cases</th><th scope="col" class="num">Techniques</th><th scope="col" class="num">With a rule</th><th scope="col" class="num">Share</th><th scope="col">Top gaps (most cases)</th></tr></thead>
        <tbody>
          {{- range .Platforms}}
          <tr><td>{{.Platform}}</td><td class="num">{{.Cases}}</td><td class="num">{{.Techniques}}</td><td class="num">{{.Covered}}</td><td class="num">{{if .Low}}<strong>{{.Share}}</strong>{{else}}{{.Share}}{{end}}{{if .Bar}}<span class="bar" aria-hidden="true"><span style="width: {{.Bar}}"></span></span>{{end}}</td><td>{{.Gaps}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
  </div>
  {{- end}}
  <div class="grid grid-2">
    <div class="card table-card">
      <h3>Top uncovered techniques</h3>
      <p class="sub">Most cases first; "1 of 3": one of its 3 cases has no rule for its platform, a rule covers the others'; related rules detect another platform, the parent or a sub-technique only</p>
      {{- if .Gaps}}
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Technique</th><th scope="col">Name</th><th scope="col" class="num">Cases without a rule</th><th scope="col">Related rules</th></tr></thead>
          <tbody>
            {{- range .Gaps}}
            <tr><td>{{.ID}}</td><td>{{.Name}}</td><td class="num">{{.Cases}}</td><td>{{.Titles}}</td></tr>
            {{- end}}
          </tbody>
        </table>
      </div>
      {{- if .GapsMore}}<p class="note">and {{.GapsMore}} more (pir coverage lists them all)</p>{{end}}
      {{- else}}
      <p class="empty">No gaps: every technique seen has a rule.</p>
      {{- end}}
    </div>
    <div class="card table-card">
      <h3>Covered techniques</h3>
      <p class="sub">Most cases first, with the rules tagged with the technique</p>
      {{- if .Covered}}
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Technique</th><th scope="col">Name</th><th scope="col" class="num">Cases</th><th scope="col" class="num">Rules</th><th scope="col">Rule titles</th></tr></thead>
          <tbody>
            {{- range .Covered}}
            <tr><td>{{.ID}}</td><td>{{.Name}}</td><td class="num">{{.Cases}}</td><td class="num">{{.Rules}}</td><td>{{.Titles}}</td></tr>
            {{- end}}
          </tbody>
        </table>
      </div>
      {{- if .CovMore}}<p class="note">and {{.CovMore}} more (pir coverage lists them all)</p>{{end}}
      {{- else}}
      <p class="empty">No technique seen this quarter has a rule.</p>
      {{- end}}
    </div>
  </div>
  <div class="card table-card">
    <h3>Rules the reviews promised</h3>
    <p class="sub">{{.Promised}}</p>
    {{- if .PromisedRows}}
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Quarter</th><th scope="col">Case</th><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Owner</th><th scope="col">Result</th></tr></thead>
        <tbody>
          {{- range .PromisedRows}}
          <tr><td>{{.Quarter}}</td><td>{{.Case}}</td><td>{{.Title}}<br><span class="note">{{.RuleID}}</span></td><td>{{.Status}}</td><td>{{.Owner}}</td><td>{{.Result}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
    {{- if .PromisedMore}}<p class="note">and {{.PromisedMore}} more (pir coverage lists them all)</p>{{end}}
    {{- end}}
  </div>
  <div class="card">
    {{- if .Inactive}}<p class="note">{{.Inactive}} deprecated or unsupported rule(s) are not counted.</p>{{end}}
    {{- if .Invalid}}
    <details>
      <summary>{{len .Invalid}} rule file(s) are not valid Sigma rules and were skipped</summary>
      <ul>{{range .Invalid}}<li>{{.}}</li>{{end}}</ul>
    </details>
    {{- end}}
    <p class="note">{{.Matching}}</p>
    <p class="note">{{.License}}</p>
  </div>
</section>
`
