package charts

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/pirhq/pir/analytics"
)

// The post-incident review of one case (analytics.Review) as a
// self-contained HTML page, and the display helpers its three renderers
// share (Markdown in package review, PDF in package pdf, HTML here), so the
// same review reads the same in every format.

// ReviewBlameless is the ground rule printed at the top of every review.
const ReviewBlameless = "Blameless review: this document describes what happened and how systems and processes behaved, " +
	"not who is to blame. People are named only as owners of action items."

// ReviewTimeLayout is how milestone times are shown (in the review's zone).
const ReviewTimeLayout = "2006-01-02 15:04 MST"

// ReviewFacts are the incident summary's label/value pairs, in order; the
// values are raw text (escape them for the output format).
func ReviewFacts(rv *analytics.Review) [][2]string {
	q := rv.Quarter
	if q != "" {
		q = fmt.Sprintf("%s (%d cases)", rv.Quarter, rv.QuarterCases)
	}
	metrics := "counted"
	if rv.Excluded {
		metrics = "excluded (exercise, test or false positive)"
	}
	return [][2]string{
		{"Case", rv.CaseID},
		{"Source", rv.Source},
		{"Title", orNoValue(rv.Title)},
		{"Severity", orNoValue(rv.Severity)},
		{"Category", orNoValue(rv.Category)},
		{"Status", orNoValue(rv.Status)},
		{"Tags", orNoValue(strings.Join(rv.Tags, ", "))},
		{"Quarter", orNoValue(q)},
		{"Metrics", metrics},
		{"ATT&CK techniques", fmt.Sprint(len(rv.Techniques))},
		{"Action items", fmt.Sprintf("%d (%d overdue)", len(rv.Actions), rv.OverdueActions)},
	}
}

// SincePrevious describes a milestone's distance from the one recorded
// before it: "2.0 h after detection", "2.0 d before detection (out of
// order)", or "–" for the first.
func SincePrevious(t analytics.ReviewMilestone) string {
	if t.SincePrevious == nil {
		return NoValue
	}
	h := *t.SincePrevious
	if t.OutOfOrder {
		return FormatHours(-h) + " before " + t.Previous + " (out of order)"
	}
	return FormatHours(h) + " after " + t.Previous
}

// SinceDetection is "T+2.0 h", "T−5.0 d", "T+0" or "–" without a
// detection time.
func SinceDetection(t analytics.ReviewMilestone) string {
	if t.SinceDetection == nil {
		return NoValue
	}
	h := *t.SinceDetection
	switch {
	case h == 0:
		return "T+0"
	case h < 0:
		return "T−" + FormatHours(-h)
	default:
		return "T+" + FormatHours(h)
	}
}

// RuleTechniques lists a rule's techniques: "T1190 Exploit Public-Facing
// Application, T9999".
func RuleTechniques(r analytics.ReviewRule) string {
	parts := make([]string, len(r.Techniques))
	for i, t := range r.Techniques {
		parts[i] = strings.TrimSpace(t.ID + " " + t.Name)
	}
	return strings.Join(parts, ", ")
}

// ReviewLead is the review's one-sentence incident summary, durations
// formatted as everywhere else.
func ReviewLead(rv *analytics.Review) string { return rv.Lead(FormatHours) }

// ReviewComparison is a metric's comparison with the quarter in one
// sentence, with the same numbers as the comparison table.
func ReviewComparison(rv *analytics.Review, m analytics.ReviewMetric) string {
	return rv.Comparison(m, FormatHours)
}

// ReviewQuarter names the quarter the case is compared with.
func ReviewQuarter(rv *analytics.Review) string {
	if rv.Quarter == "" {
		return "the case's quarter"
	}
	return rv.Quarter
}

// ReviewFooter is the provenance line: who generated it when, as of which
// date, in which zone, compared with which cohort.
func ReviewFooter(rv *analytics.Review) string {
	s := "Generated"
	if rv.Version != "" {
		s += " by pir " + rv.Version
	}
	if !rv.GeneratedAt.IsZero() {
		s += " on " + rv.GeneratedAt.Format(ReviewTimeLayout)
	}
	s += "; action items as of " + rv.AsOfDate + "; times in " + rv.TimeZone + "; durations compared with the " +
		ReviewQuarter(rv) + " detection cohort."
	if rv.Organisation != "" {
		s = rv.Organisation + ". " + s
	}
	return s
}

func orNoValue(s string) string {
	if strings.TrimSpace(s) == "" {
		return NoValue
	}
	return s
}

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
// it), every string from the case escaped by html/template. It prints on
// A4 as it shows on screen.
func Review(w io.Writer, rv *analytics.Review) error {
	if rv == nil {
		return errors.New("review html: no review")
	}
	v := reviewView{
		R: rv, Lead: ReviewLead(rv), Facts: ReviewFacts(rv), Quarter: ReviewQuarter(rv), Blameless: ReviewBlameless, Footer: ReviewFooter(rv),
		CSP: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
	}
	for _, t := range rv.Timeline {
		v.Timeline = append(v.Timeline, reviewMilestoneView{Label: t.Label, At: t.At.Format(ReviewTimeLayout),
			SincePrevious: SincePrevious(t), SinceDetection: SinceDetection(t), OutOfOrder: t.OutOfOrder})
	}
	for _, m := range rv.Metrics {
		v.Metrics = append(v.Metrics, reviewMetricView{Label: m.Label, Hours: FormatHoursPtr(m.Hours), Median: FormatHoursPtr(m.Median),
			P90: FormatHoursPtr(m.P90), N: fmt.Sprint(m.N), Rank: orNoValue(m.Rank()), Sentence: ReviewComparison(rv, m),
			Slower: m.Shorter > m.Longer && m.Hours != nil})
	}
	for _, a := range rv.Actions {
		v.Actions = append(v.Actions, reviewActionView{ID: a.ID, Summary: a.Summary, Owner: orNoValue(a.Owner),
			Priority: orNoValue(a.Priority), Due: orNoValue(a.Due), State: a.State(), Overdue: a.Overdue})
	}
	for _, r := range rv.DetectionRules {
		v.Rules = append(v.Rules, reviewRuleView{ID: r.ID, Title: orNoValue(r.Title), Techniques: orNoValue(RuleTechniques(r))})
	}
	for _, t := range rv.Techniques {
		v.Techniques = append(v.Techniques, reviewTechniqueView{ID: t.ID, Name: orNoValue(t.Name),
			Tactics: orNoValue(strings.Join(t.Tactics, ", ")), Note: t.Note(rv.ATTACK.Version)})
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
<p><strong>Root-cause category:</strong> {{if .R.RootCause.Category}}{{.R.RootCause.Category}}{{else}}<span class="none">not recorded</span>{{end}}</p>
{{if .R.RootCause.Summary}}<p>{{.R.RootCause.Summary}}</p>{{end}}
{{if .R.RootCause.Whys}}<p>The 5 Whys:</p>
<ol class="whys">{{range .R.RootCause.Whys}}
<li>{{.}}</li>{{end}}
</ol>{{else}}<p class="none">No 5 Whys chain is recorded.</p>{{end}}
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
