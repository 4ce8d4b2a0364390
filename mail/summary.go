package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strings"
	texttemplate "text/template"

	"github.com/pirhq/pir/analytics"
)

// Summary is what the email body says about the quarter: per metric the
// median and p90 and the change against the previous quarter. Cells are
// preformatted strings so the email prints exactly what the PDF prints
// (the caller passes the PDF's formatters to SummaryFromReport).
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
}

// KPIRow is one metric of the quarter.
type KPIRow struct {
	Label       string
	Median      string
	P90         string
	N           int
	SmallSample bool
	// PrevMedian is the previous quarter's median; Change the change of the
	// median ("−55%"); Direction "better", "worse", "same" or "n/a".
	PrevMedian string
	Change     string
	Direction  string
}

// Formatter renders report values. Pass the functions the PDF uses
// (charts.FormatHours, charts.FormatChange) so the numbers match; nil
// fields fall back to plain formats.
type Formatter struct {
	Hours  func(*float64) string
	Change func(analytics.Change) string
}

// SummaryFromReport takes the email's numbers from the report model.
func SummaryFromReport(r *analytics.Report, f Formatter) Summary {
	if f.Hours == nil {
		f.Hours = plainHours
	}
	if f.Change == nil {
		f.Change = plainChange
	}
	s := Summary{
		Organisation: r.Organisation, Quarter: r.Quarter, Marking: r.Marking,
		TimeZone: r.TimeZone, Cohort: r.Cohort, Version: r.Version, Cases: r.Cases,
		Sentences: append([]string(nil), r.Summary...),
	}
	if n := len(r.Quarters); n >= 2 {
		s.Previous = r.Quarters[n-2]
	}
	for _, k := range r.KPIs {
		row := KPIRow{
			Label: k.Label, Median: f.Hours(k.Current.Median), P90: f.Hours(k.Current.P90),
			N: k.Current.N, SmallSample: k.Current.SmallSample,
			PrevMedian: f.Hours(nil), Change: f.Change(k.QoQ), Direction: k.QoQ.Direction,
		}
		if row.Label == "" {
			row.Label = k.Metric
		}
		if k.Previous != nil {
			row.PrevMedian = f.Hours(k.Previous.Median)
			if s.Previous == "" {
				s.Previous = k.Previous.Quarter
			}
		}
		if row.Direction == "" {
			row.Direction = "n/a"
		}
		s.Rows = append(s.Rows, row)
	}
	s.Overdue = len(r.Overdue)
	return s
}

func plainHours(h *float64) string {
	if h == nil || math.IsNaN(*h) || math.IsInf(*h, 0) {
		return "–"
	}
	return fmt.Sprintf("%.1f h", *h)
}

func plainChange(c analytics.Change) string {
	if c.Pct == nil {
		return "n/a"
	}
	return fmt.Sprintf("%+.0f%%", *c.Pct)
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
	t, err := texttemplate.New("subject").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "", fmt.Errorf("subject template: %w", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, s); err != nil {
		return "", fmt.Errorf("subject template: %w", err)
	}
	return HeaderText(b.String(), maxSubjectRunes), nil
}

// Text is the plain-text body.
func (s Summary) Text() string {
	var b strings.Builder
	title := s.Title()
	fmt.Fprintf(&b, "%s\n%s\n", title, strings.Repeat("=", min(len([]rune(title)), 72)))
	if s.Marking != "" {
		fmt.Fprintf(&b, "Marking: %s\n", s.Marking)
	}
	fmt.Fprintf(&b, "\n%d %s in %s (%s cohort, time zone %s).\n", s.Cases, plural(s.Cases, "case", "cases"),
		s.Quarter, orDash(s.Cohort), orDash(s.TimeZone))
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
			n := fmt.Sprint(r.N)
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
	fmt.Fprintf(&b, "\nOverdue action items: %d\n", s.Overdue)
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

var htmlBody = template.Must(template.New("body").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;max-width:760px">
<h1 style="font-size:20px;margin:0 0 4px">{{.Title}}</h1>
{{if .Marking}}<p style="margin:0 0 12px;font-weight:bold;color:#b36b00">{{.Marking}}</p>{{end}}
<p>{{.Cases}} {{if eq .Cases 1}}case{{else}}cases{{end}} in {{.Quarter}} ({{or .Cohort "–"}} cohort, time zone {{or .TimeZone "–"}}).</p>
{{if .Sentences}}<ul>{{range .Sentences}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Rows}}<table style="border-collapse:collapse;font-size:14px" cellpadding="6">
<thead><tr style="background:#eee;text-align:right"><th style="text-align:left">Metric</th><th>Median</th><th>p90</th><th>n</th><th>Median {{or .Previous "previous quarter"}}</th><th>Change</th></tr></thead>
<tbody>{{range .Rows}}<tr style="text-align:right;border-top:1px solid #ddd"><td style="text-align:left">{{.Label}}</td><td>{{.Median}}</td><td>{{.P90}}</td><td>{{.N}}{{if .SmallSample}}*{{end}}</td><td>{{.PrevMedian}}</td><td style="color:{{if eq .Direction "better"}}#1a7f37{{else if eq .Direction "worse"}}#cf222e{{else}}#555{{end}}">{{.Change}}{{if or (eq .Direction "better") (eq .Direction "worse")}} ({{.Direction}}){{end}}</td></tr>
{{end}}</tbody></table>
{{if .HasSmallSample}}<p style="font-size:12px">* fewer than 5 cases: too few to conclude.</p>{{end}}{{end}}
<p>Overdue action items: <b>{{.Overdue}}</b></p>
{{if .Attachments}}<p>Attached: {{range $i, $a := .Attachments}}{{if $i}}, {{end}}{{$a}}{{end}}</p>{{end}}
<p style="font-size:12px;color:#555">Durations are medians and 90th percentiles; lower is better. The full report is attached.{{if .Version}} Generated by pir {{.Version}}.{{end}}</p>
</body></html>
`))

// HTML is the HTML body. Every string is escaped: organisation names and
// summary sentences may carry text from case records.
func (s Summary) HTML() (string, error) {
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
