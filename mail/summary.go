package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/pirhq/pir/display"
)

// Summary is what the email body says about the quarter: per metric the
// median and p90 and the change against the previous quarter. The caller
// fills it from the report model with package display, as the PDF does, so
// the email prints exactly the PDF's numbers; mail itself depends on no pir
// package but display.
type Summary struct {
	Organisation string
	Quarter      string // e.g. "2024-Q1"
	Previous     string // the quarter the change is measured against
	Marking      string // classification marking, e.g. "TLP:AMBER"
	TimeZone     string
	Cohort       string
	Version      string // pir version
	Cases        int
	Rows         []KPIRow
	// Overdue counts open action items past their due date.
	Overdue int
	// Sentences are the executive summary, as on page 1 of the PDF.
	Sentences []string
	// Attachments are the attached file names, listed in the body.
	Attachments []string
	// Freshness says how fresh the data is (newest case and file).
	Freshness string
	// Decisions are the decisions the report asks leadership for; empty:
	// "No decisions needed".
	Decisions []string
}

// KPIRow is one metric of the quarter.
type KPIRow struct {
	Label       string
	Median      string
	P90         string
	N           int
	SmallSample bool
	// PrevMedian is the previous quarter's median; Change the change of the
	// median ("−55%"); Direction "better", "worse", "neutral" or "n/a".
	PrevMedian string
	Change     string
	Direction  string
}

// Title is "<organisation> incident response report <quarter>", the
// default subject and the heading of both bodies.
func (s Summary) Title() string {
	t := "Incident response report " + s.Quarter
	if s.Organisation != "" {
		t = s.Organisation + ": " + t
	}
	return t
}

// DefaultSubject is the subject template when none is configured.
const DefaultSubject = "{{if .Organisation}}{{.Organisation}}: {{end}}Incident response report {{.Quarter}}{{if .Marking}} [{{.Marking}}]{{end}}"

// Subject renders a subject template ({{.Quarter}}, {{.Organisation}},
// {{.Marking}}, {{.Cases}}) with s and makes it a safe single header line.
func Subject(tmpl string, s Summary) (string, error) {
	if tmpl == "" {
		tmpl = DefaultSubject
	}
	s = display.VisibleCopy(s)
	t, err := texttemplate.New("subject").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "", fmt.Errorf("subject template: %w", err)
	}
	render := func(s Summary) (string, error) {
		var b strings.Builder
		if err := t.Execute(&b, s); err != nil {
			return "", fmt.Errorf("subject template: %w", err)
		}
		return HeaderText(b.String(), 0), nil
	}
	out, err := render(s)
	if err != nil {
		return "", err
	}
	// Over the cap, the organisation is shortened (it may be a long legal
	// name) to the longest start that fits; the quarter and the marking are
	// never cut.
	if org := []rune(HeaderText(s.Organisation, 0)); utf8.RuneCountInString(out) > maxSubjectRunes && len(org) > 0 {
		short := func(keep int) Summary {
			c := s
			c.Organisation = ""
			if k := strings.TrimRight(string(org[:keep]), " "); k != "" {
				c.Organisation = k + "…"
			}
			return c
		}
		// Binary search for the longest prefix that fits (0 always
		// renders shortest).
		lo, hi := 0, len(org)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			o, err := render(short(mid))
			if err != nil {
				return "", err
			}
			if utf8.RuneCountInString(o) <= maxSubjectRunes {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		if out, err = render(short(lo)); err != nil {
			return "", err
		}
	}
	return HeaderText(out, maxSubjectRunes), nil
}

// Text is the plain-text body. Characters that would draw nothing or
// reorder the text around them show as their code points (display.Visible).
func (s Summary) Text() string {
	s = display.VisibleCopy(s)
	var b strings.Builder
	title := s.Title()
	fmt.Fprintf(&b, "%s\n%s\n", title, strings.Repeat("=", min(len([]rune(title)), 72)))
	if s.Marking != "" {
		fmt.Fprintf(&b, "Marking: %s\n", s.Marking)
	}
	fmt.Fprintf(&b, "\n%s in %s (%s cohort, time zone %s).\n", display.Plural(s.Cases, "case", "cases"),
		s.Quarter, display.OrNoValue(s.Cohort), display.OrNoValue(s.TimeZone))
	if s.Freshness != "" {
		fmt.Fprintf(&b, "Data: %s\n", s.Freshness)
	}
	b.WriteString("\nDecisions needed:\n")
	if len(s.Decisions) == 0 {
		b.WriteString("- No decisions needed.\n")
	}
	for _, d := range s.Decisions {
		fmt.Fprintf(&b, "- %s\n", d)
	}
	if len(s.Sentences) > 0 {
		b.WriteString("\n")
		for _, line := range s.Sentences {
			fmt.Fprintf(&b, "- %s\n", line)
		}
	}
	if len(s.Rows) > 0 {
		prev := "previous quarter"
		if s.Previous != "" {
			prev = s.Previous
		}
		header := []string{"Metric", "Median", "p90", "n", "Median " + prev, "Change", ""}
		rows := [][]string{header}
		for _, r := range s.Rows {
			n := display.Count(r.N)
			if r.SmallSample {
				n += "*"
			}
			rows = append(rows, []string{r.Label, r.Median, r.P90, n, r.PrevMedian, r.Change, r.Direction})
		}
		b.WriteString("\n")
		writeTable(&b, rows)
		if s.hasSmallSample() {
			b.WriteString("* fewer than 5 cases: too few to conclude.\n")
		}
	}
	fmt.Fprintf(&b, "\nOverdue action items: %s\n", display.Count(s.Overdue))
	if len(s.Attachments) > 0 {
		fmt.Fprintf(&b, "\nAttached: %s\n", strings.Join(s.Attachments, ", "))
	}
	b.WriteString("\nDurations are medians and 90th percentiles; lower is better. The full report is attached.\n")
	if s.Version != "" {
		fmt.Fprintf(&b, "Generated by pir %s.\n", s.Version)
	}
	return b.String()
}

func (s Summary) hasSmallSample() bool {
	for _, r := range s.Rows {
		if r.SmallSample {
			return true
		}
	}
	return false
}

// writeTable aligns columns with spaces (monospace readers and most mail
// clients show text/plain in a fixed font).
func writeTable(b *strings.Builder, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			pad := width[i] - len([]rune(c))
			if i == 0 {
				line.WriteString(c + strings.Repeat(" ", pad))
			} else {
				line.WriteString("  " + strings.Repeat(" ", pad) + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

var htmlBody = template.Must(template.New("body").Funcs(template.FuncMap{
	"count": display.Count, "plural": display.Plural, "orNoValue": display.OrNoValue, "directionColor": display.DirectionColor,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;max-width:760px">
<h1 style="font-size:20px;margin:0 0 4px">{{.Title}}</h1>
{{if .Marking}}<p style="margin:0 0 12px;font-weight:bold;color:#b36b00">{{.Marking}}</p>{{end}}
<p>{{plural .Cases "case" "cases"}} in {{.Quarter}} ({{orNoValue .Cohort}} cohort, time zone {{orNoValue .TimeZone}}).</p>
{{if .Freshness}}<p style="font-size:12px;color:#555">Data: {{.Freshness}}</p>{{end}}
<div style="border-left:4px solid #b36b00;background:#fff8e6;padding:6px 12px;margin:12px 0"><p style="margin:4px 0;font-weight:bold">Decisions needed</p>
{{if .Decisions}}<ul style="margin:4px 0">{{range .Decisions}}<li>{{.}}</li>{{end}}</ul>{{else}}<p style="margin:4px 0">No decisions needed.</p>{{end}}</div>
{{if .Sentences}}<ul>{{range .Sentences}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Rows}}<table style="border-collapse:collapse;font-size:14px" cellpadding="6">
<thead><tr style="background:#eee;text-align:right"><th style="text-align:left">Metric</th><th>Median</th><th>p90</th><th>n</th><th>Median {{or .Previous "previous quarter"}}</th><th>Change</th></tr></thead>
<tbody>{{range .Rows}}<tr style="text-align:right;border-top:1px solid #ddd"><td style="text-align:left">{{.Label}}</td><td>{{.Median}}</td><td>{{.P90}}</td><td>{{count .N}}{{if .SmallSample}}*{{end}}</td><td>{{.PrevMedian}}</td><td style="color:{{directionColor .Direction}}">{{.Change}}{{if or (eq .Direction "better") (eq .Direction "worse")}} ({{.Direction}}){{end}}</td></tr>
{{end}}</tbody></table>
{{if .HasSmallSample}}<p style="font-size:12px">* fewer than 5 cases: too few to conclude.</p>{{end}}{{end}}
<p>Overdue action items: <b>{{count .Overdue}}</b></p>
{{if .Attachments}}<p>Attached: {{range $i, $a := .Attachments}}{{if $i}}, {{end}}{{$a}}{{end}}</p>{{end}}
<p style="font-size:12px;color:#555">Durations are medians and 90th percentiles; lower is better. The full report is attached.{{if .Version}} Generated by pir {{.Version}}.{{end}}</p>
</body></html>
`))

// HTML is the HTML body. Every string is escaped: organisation names and
// summary sentences may carry text from case records; their invisible
// characters show as code points (display.Visible).
func (s Summary) HTML() (string, error) {
	s = display.VisibleCopy(s)
	var b bytes.Buffer
	data := struct {
		Summary
		Title          string
		HasSmallSample bool
	}{s, s.Title(), s.hasSmallSample()}
	if err := htmlBody.Execute(&b, data); err != nil {
		return "", fmt.Errorf("html body: %w", err)
	}
	return b.String(), nil
}

// FilesBody is the body of `pir mail` without a report: it lists the files.
func FilesBody(names []string) (text, html string) {
	var tb strings.Builder
	tb.WriteString("Attached:\n")
	for _, n := range names {
		fmt.Fprintf(&tb, "- %s\n", n)
	}
	var hb strings.Builder
	hb.WriteString("<!DOCTYPE html>\n<html><body><p>Attached:</p><ul>")
	for _, n := range names {
		hb.WriteString("<li>" + template.HTMLEscapeString(n) + "</li>")
	}
	hb.WriteString("</ul></body></html>\n")
	return tb.String(), hb.String()
}
