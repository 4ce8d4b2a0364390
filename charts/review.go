package charts

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// The post-incident review of one case (analytics.Review) as a
// self-contained HTML page. The Markdown (package markdown) and the PDF
// (package pdf) follow the same agenda with the same wording, from
// analytics.Review's text methods and package display.

// reviewView is what the review template shows, formatted.
type reviewView struct {
	R          *analytics.Review
	Lead       string
	Facts      [][2]string
	Timeline   []reviewMilestoneView
	Metrics    []reviewMetricView
	Actions    []reviewActionView
	Rules      []reviewRuleView
	Techniques []reviewTechniqueView
	Quarter    string
	RootCause  string // category in words, "" when not recorded
	Blameless  string
	Footer     string
	CSP        string
}

type reviewMilestoneView struct {
	Label, At, SincePrevious, SinceDetection string
	OutOfOrder                               bool
}

type reviewMetricView struct {
	Label, Hours, Median, P90, N, Rank, Sentence string
	Slower                                       bool
}

type reviewActionView struct {
	ID, Summary, Owner, Priority, Due, State string
	Overdue                                  bool
}

type reviewRuleView struct{ ID, Title, Techniques string }

type reviewTechniqueView struct{ ID, Name, Tactics, Note string }

// Review writes the review as one self-contained HTML page: inline CSS, no
// script, nothing loaded from anywhere (a Content-Security-Policy forbids
// it), every string from the case escaped by html/template and its
// invisible characters shown as code points (display.Visible). It prints on
// A4 as it shows on screen.
func Review(w io.Writer, rv *analytics.Review) error {
	if rv == nil {
		return errors.New("review html: no review")
	}
	rv = display.VisibleCopy(rv) // every string the page shows, once
	v := reviewView{
		R: rv, Lead: rv.Lead(), Facts: rv.Facts(), Quarter: rv.QuarterName(), Blameless: analytics.ReviewBlameless, Footer: rv.Footer(),
		RootCause: display.Words(rv.RootCause.Category),
		CSP:       "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
	}
	for _, t := range rv.Timeline {
		v.Timeline = append(v.Timeline, reviewMilestoneView{Label: t.Label, At: t.At.Format(analytics.ReviewTimeLayout),
			SincePrevious: t.AfterPrevious(), SinceDetection: t.AfterDetection(), OutOfOrder: t.OutOfOrder})
	}
	for _, m := range rv.Metrics {
		v.Metrics = append(v.Metrics, reviewMetricView{Label: m.Label, Hours: display.DurationPtr(m.Hours), Median: display.DurationPtr(m.Median),
			P90: display.DurationPtr(m.P90), N: display.Count(m.N), Rank: display.OrNoValue(m.Rank()), Sentence: rv.Comparison(m),
			Slower: m.Shorter > m.Longer && m.Hours != nil})
	}
	for _, a := range rv.Actions {
		v.Actions = append(v.Actions, reviewActionView{ID: a.ID, Summary: a.Summary, Owner: display.OrNoValue(a.Owner),
			Priority: display.OrNoValue(a.Priority), Due: display.OrNoValue(a.Due), State: a.State(), Overdue: a.Overdue})
	}
	for _, r := range rv.DetectionRules {
		v.Rules = append(v.Rules, reviewRuleView{ID: r.ID, Title: display.OrNoValue(r.Title), Techniques: display.OrNoValue(r.TechniqueList())})
	}
	for _, t := range rv.Techniques {
		v.Techniques = append(v.Techniques, reviewTechniqueView{ID: t.ID, Name: display.OrNoValue(t.Name),
			Tactics: display.OrNoValue(strings.Join(t.Tactics, ", ")), Note: t.Note(rv.ATTACK.Version)})
	}
	tmpl, err := template.New("review").Parse(reviewTmpl)
	if err != nil {
		return fmt.Errorf("review html: template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("review html %s: %w", rv.Ref, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

const reviewTmpl = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pir {{.R.Version}}">
<title>Post-incident review {{.R.Ref}}</title>
<style>
:root { --ink: #212529; --muted: #68707a; --accent: #1f3a5f; --rule: #ced4da; --hair: #e9ecef; --panel: #f4f6f9; --bad: #c62828; --good: #1a7f37; --warn: #b06000; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 18px; }
h1 { color: var(--accent); font-size: 26px; margin: 0 0 4px; }
h1 .ref { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; }
.title { font-size: 18px; font-weight: 600; margin: 0; overflow-wrap: anywhere; }
.marking { float: right; background: #000; color: #ffc000; font-weight: 700; padding: 2px 10px; border-radius: 3px; font-size: 13px; }
.blameless { background: var(--panel); border-left: 4px solid var(--accent); padding: 10px 14px; margin: 14px 0 22px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; margin: 30px 0 12px; color: var(--accent); }
h3 { font-size: 16px; margin: 20px 0 8px; }
.agenda { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 6px 16px; padding-left: 20px; margin: 0; }
.agenda .min { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
th { text-align: left; background: #ecf0f5; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
th.num { text-align: right; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--hair); vertical-align: top; overflow-wrap: anywhere; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.facts th { width: 180px; text-transform: none; font-size: 14px; background: none; }
.ooo { color: var(--warn); font-weight: 600; }
.slower { color: var(--bad); }
.overdue { color: var(--bad); font-weight: 700; }
.badge { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 700; background: var(--bad); color: #fff; margin-right: 4px; }
ol.whys li { margin: 4px 0; }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 36px; border-top: 1px solid var(--rule); padding-top: 8px; color: var(--muted); font-size: 12px; }
@media print { main { padding: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<header>
{{if .R.Marking}}<span class="marking">{{.R.Marking}}</span>{{end}}
<h1>Post-incident review <span class="ref">{{.R.Ref}}</span></h1>
{{if .R.Title}}<p class="title">{{.R.Title}}</p>{{end}}
{{if .R.Organisation}}<p>{{.R.Organisation}}</p>{{end}}
</header>
<p class="blameless">{{.Blameless}}</p>

<section id="agenda">
<h2>Agenda (90 minutes)</h2>
<ol class="agenda">{{range .R.Agenda}}
<li>{{.Title}} <span class="min">({{.Minutes}} min)</span></li>{{end}}
</ol>
</section>

<section id="summary">
<h2>1. Incident summary</h2>
<p>{{.Lead}}</p>
<table class="facts"><tbody>{{range .Facts}}
<tr><th scope="row">{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}
</tbody></table>
</section>

<section id="timeline">
<h2>2. Timeline walkthrough</h2>
{{if .Timeline}}<table>
<thead><tr><th>Milestone</th><th>Time ({{.R.TimeZone}})</th><th>Since previous</th><th class="num">Since detection</th></tr></thead>
<tbody>{{range .Timeline}}
<tr><td>{{.Label}}</td><td>{{.At}}</td><td{{if .OutOfOrder}} class="ooo"{{end}}>{{.SincePrevious}}</td><td class="num">{{.SinceDetection}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="none">No milestones are recorded.</p>{{end}}
<h3>Durations compared with {{.Quarter}}</h3>
<table>
<thead><tr><th>Metric</th><th class="num">This case</th><th class="num">Quarter median</th><th class="num">Quarter p90</th><th class="num">Quarter n</th><th>Compared</th></tr></thead>
<tbody>{{range .Metrics}}
<tr><td>{{.Label}}</td><td class="num">{{.Hours}}</td><td class="num">{{.Median}}</td><td class="num">{{.P90}}</td><td class="num">{{.N}}</td><td{{if .Slower}} class="slower"{{end}}>{{.Rank}}</td></tr>{{end}}
</tbody></table>
<ul>{{range .Metrics}}
<li>{{.Sentence}}</li>{{end}}
</ul>
</section>

<section id="went-well">
<h2>3. What worked well</h2>
{{if .R.WentWell}}<ul>{{range .R.WentWell}}
<li>{{.}}</li>{{end}}
</ul>{{else}}<p class="none">Nothing recorded.</p>{{end}}
</section>

<section id="needs-improvement">
<h2>4. What needs improvement</h2>
{{if .R.NeedsImprovement}}<ul>{{range .R.NeedsImprovement}}
<li>{{.}}</li>{{end}}
</ul>{{else}}<p class="none">Nothing recorded.</p>{{end}}
</section>

<section id="root-cause">
<h2>5. Root cause analysis</h2>
<p><strong>Root-cause category:</strong> {{if .RootCause}}{{.RootCause}}{{else}}<span class="none">not recorded</span>{{end}}</p>
{{if .R.RootCause.Summary}}<p>{{.R.RootCause.Summary}}</p>{{end}}
{{if .R.RootCause.Whys}}<p>The 5 Whys:</p>
<ol class="whys">{{range .R.RootCause.Whys}}
<li>{{.}}</li>{{end}}
</ol>{{else}}<p class="none">No 5 Whys chain is recorded.</p>{{end}}
{{if .R.Prompts}}<h3>Facilitator prompts</h3>
<ul class="prompts">{{range .R.Prompts}}
<li><strong>{{.Label}}</strong>: {{.Detail}}<br><em>{{.Prompt}}</em></li>{{end}}
</ul>{{end}}
</section>

<section id="action-items">
<h2>6. Action items</h2>
{{if .Actions}}{{if .R.OverdueActions}}<p class="overdue">{{.R.OverdueActions}} of {{len .Actions}} overdue on {{.R.AsOfDate}}.</p>{{end}}
<table>
<thead><tr><th>ID</th><th>Action</th><th>Owner</th><th>Priority</th><th>Due</th><th>Status</th></tr></thead>
<tbody>{{range .Actions}}
<tr><td>{{.ID}}</td><td>{{.Summary}}</td><td>{{.Owner}}</td><td>{{.Priority}}</td><td class="num">{{.Due}}</td><td{{if .Overdue}} class="overdue"{{end}}>{{if .Overdue}}<span class="badge">OVERDUE</span>{{end}}{{.State}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="none">No action items are recorded.</p>{{end}}
</section>

<section id="detection">
<h2>7. Playbook and detection updates</h2>
{{if .R.Playbooks}}<table>
<thead><tr><th>Playbook</th><th>Change</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead>
<tbody>{{range .R.Playbooks}}
<tr><td>{{.Playbook}}</td><td>{{.Change}}</td><td>{{.Owner}}</td><td class="num">{{.Due}}</td><td{{if .Overdue}} class="overdue"{{end}}>{{if .Overdue}}<span class="badge">OVERDUE</span>{{end}}{{.Status}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="none">No playbook updates are recorded.</p>{{end}}
{{if .Rules}}<table>
<thead><tr><th>Rule</th><th>Title</th><th>ATT&amp;CK techniques</th></tr></thead>
<tbody>{{range .Rules}}
<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.Techniques}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="none">No detection rules are linked to this case.</p>{{end}}
<h3>ATT&amp;CK techniques seen</h3>
{{if .Techniques}}<table>
<thead><tr><th>ID</th><th>Name</th><th>Tactics</th><th>Note</th></tr></thead>
<tbody>{{range .Techniques}}
<tr><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.Tactics}}</td><td>{{.Note}}</td></tr>{{end}}
</tbody></table>{{else}}<p class="none">No ATT&amp;CK techniques are recorded.</p>{{end}}
</section>

<footer>
<p>{{.Footer}}</p>
{{if .R.ATTACK.Notice}}<p>ATT&amp;CK names from MITRE ATT&amp;CK Enterprise {{.R.ATTACK.Version}}. {{.R.ATTACK.Notice}}</p>{{end}}
</footer>
</main>
</body>
</html>
`
