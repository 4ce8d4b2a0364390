package charts

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// learningView is the dashboard's "What we keep learning" section,
// formatted.
type learningView struct {
	Quarter          string
	Intro            string
	NeedsImprovement []lessonRow
	WentWell         []lessonRow
	RCA              []rcaRow
	ShallowHead      string
	Findings         []display.RCAFinding
	Reviews          []reviewRow
	WithinHead       string
}

type reviewRow struct {
	Quarter, Closed, Reviewed, Within, Median string
	Current                                   bool
}

type lessonRow struct {
	Lesson, Texts, Cases, Previous, Quarters, Since, CaseIDs string
	Recurring                                                bool
}

type rcaRow struct {
	Quarter, RootCauses, Shallow, EndsAtPerson, BlameLanguage string
	Current                                                   bool
}

// learningSection renders the "What we keep learning" section for
// Report.Learning: the quarter's lessons to improve with how many
// quarters they have come back in, what went well, and root-cause quality
// per quarter. It is "" when the report has no Learning. Every string is
// escaped by html/template.
func learningSection(r *analytics.Report) (template.HTML, error) {
	if r == nil || r.Learning == nil {
		return "", nil
	}
	l := r.Learning
	n := len(r.Quarters)
	v := learningView{Quarter: r.Quarter,
		Intro: fmt.Sprintf("Lessons the reviews of the cases %s in %s recorded, grouped by theme, or by text when a lesson has none (case, spacing and final punctuation ignored). Quarters: in how many of the last %d quarters the lesson was recorded.",
			display.CohortVerb(r.Cohort), r.Quarter, n),
		ShallowHead: fmt.Sprintf("Shallow (< %d whys)", l.MinWhys),
		Findings:    display.RCAFindings(),
	}
	rows := func(ls []analytics.Lesson, max int) []lessonRow {
		var out []lessonRow
		for i, x := range ls {
			if max > 0 && i == max {
				break
			}
			row := lessonRow{Lesson: x.Lesson, Cases: display.Count(x.Cases), Previous: display.Count(x.Previous),
				Quarters: display.QuartersOf(x.Quarters, n), Since: x.Since, Recurring: x.Quarters > 1,
				CaseIDs: display.JoinCases(x.CaseIDs, x.Cases, 10)}
			if x.Themed {
				for j, t := range x.Texts {
					if j > 0 {
						row.Texts += "; "
					}
					row.Texts += t
				}
			}
			out = append(out, row)
		}
		return out
	}
	v.NeedsImprovement = rows(l.NeedsImprovement, 0)
	v.WentWell = rows(l.WentWell, 5)
	for _, x := range l.RootCauseQuality {
		v.RCA = append(v.RCA, rcaRow{Quarter: x.Quarter, RootCauses: display.Count(x.RootCauses), Shallow: display.Count(x.Shallow),
			EndsAtPerson: display.Count(x.EndsAtPerson), BlameLanguage: display.Count(x.BlameLanguage), Current: x.Quarter == r.Quarter})
	}
	v.WithinHead = display.WithinDays(l.ReviewWithinDays)
	for _, x := range l.Reviews {
		v.Reviews = append(v.Reviews, reviewRow{Quarter: x.Quarter, Closed: display.Count(x.ClosedCases),
			Reviewed: display.Count(x.Reviewed) + " (" + display.Rate(x.ReviewedShare) + ")",
			Within:   display.Count(x.WithinTarget) + " (" + display.Rate(x.OnTimeShare) + ")",
			Median:   display.DaysPtr(x.MedianDays), Current: x.Quarter == r.Quarter})
	}
	tmpl, err := template.New("learning").Parse(learningTmpl)
	if err != nil {
		return "", fmt.Errorf("learning section: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("learning section: %w", err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template above
}

const learningTmpl = `
<section id="learning" aria-labelledby="learning-h">
  <h2 id="learning-h">What we keep learning, {{.Quarter}}</h2>
  <div class="card table-card">
    <h3>Needs improvement</h3>
    <p class="sub">{{.Intro}}</p>
    {{- if .NeedsImprovement}}
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Lesson</th><th scope="col" class="num">Cases</th><th scope="col" class="num">Previous quarter</th><th scope="col" class="num">Quarters</th><th scope="col">First seen</th><th scope="col">Cases</th></tr></thead>
        <tbody>
          {{- range .NeedsImprovement}}
          <tr><td><strong>{{.Lesson}}</strong>{{if .Texts}}<br><span class="note">{{.Texts}}</span>{{end}}</td><td class="num">{{.Cases}}</td><td class="num">{{.Previous}}</td><td class="num">{{.Quarters}}</td><td>{{.Since}}</td><td class="note">{{.CaseIDs}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
    {{- else}}
    <p class="empty">No review of {{.Quarter}} recorded a lesson to improve.</p>
    {{- end}}
  </div>
  <div class="grid grid-2">
    <div class="card table-card">
      <h3>Went well</h3>
      <p class="sub">What the reviews want to keep, most cases first</p>
      {{- if .WentWell}}
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Lesson</th><th scope="col" class="num">Cases</th><th scope="col" class="num">Quarters</th></tr></thead>
          <tbody>
            {{- range .WentWell}}
            <tr><td>{{.Lesson}}{{if .Texts}}<br><span class="note">{{.Texts}}</span>{{end}}</td><td class="num">{{.Cases}}</td><td class="num">{{.Quarters}}</td></tr>
            {{- end}}
          </tbody>
        </table>
      </div>
      {{- else}}
      <p class="empty">No review of {{.Quarter}} recorded what went well.</p>
      {{- end}}
    </div>
    <div class="card table-card">
      <h3>Root-cause quality</h3>
      <p class="sub">Cases counted in metrics; the data-quality findings list the cases of {{.Quarter}}</p>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Quarter</th><th scope="col" class="num">With a root cause</th><th scope="col" class="num">{{.ShallowHead}}</th><th scope="col" class="num">Ends at a person</th><th scope="col" class="num">Blame language</th></tr></thead>
          <tbody>
            {{- range .RCA}}
            <tr{{if .Current}} class="current"{{end}}><td>{{.Quarter}}</td><td class="num">{{.RootCauses}}</td><td class="num">{{.Shallow}}</td><td class="num">{{.EndsAtPerson}}</td><td class="num">{{.BlameLanguage}}</td></tr>
            {{- end}}
          </tbody>
        </table>
      </div>
      <ul class="note">
        {{- range .Findings}}
        <li><strong>{{.Label}}:</strong> {{.Prompt}}</li>
        {{- end}}
      </ul>
    </div>
  </div>
  {{- if .Reviews}}
  <div class="card table-card">
    <h3>Were the reviews held?</h3>
    <p class="sub">Closed cases of medium severity or worse by quarter of closure, exercises and false positives left out; reviewed: held or published with a meeting date</p>
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Quarter closed</th><th scope="col" class="num">Closed cases</th><th scope="col" class="num">Reviewed</th><th scope="col" class="num">{{.WithinHead}}</th><th scope="col" class="num">Median to review</th></tr></thead>
        <tbody>
          {{- range .Reviews}}
          <tr{{if .Current}} class="current"{{end}}><td>{{.Quarter}}</td><td class="num">{{.Closed}}</td><td class="num">{{.Reviewed}}</td><td class="num">{{.Within}}</td><td class="num">{{.Median}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
  </div>
  {{- end}}
</section>
`
