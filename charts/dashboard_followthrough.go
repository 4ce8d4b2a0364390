package charts

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// followRows caps the overdue playbook-update table of the dashboard; the
// rest are counted under it.
const followRows = 20

// followView is the dashboard's "Follow-through" section, formatted:
// action items and playbook updates per quarter, side by side and counted
// apart, at the report's as-of date; then the overdue playbook updates.
type followView struct {
	Quarter, AsOf string
	Sentence      string
	Rows          []followRow
	Overdue       []followOverdue
	OverdueMore   int
	OverdueTotal  string
}

type followRow struct {
	Quarter                                  string
	Current                                  bool
	Created, Completed, Rate, ActionsOverdue string
	Updates, Due, Done, OnTime, Overdue      string
}

type followOverdue struct {
	Due, Days, Owner, Playbook, Change, Case string
}

// followThroughSection renders the follow-through section for
// Report.Actions and Report.PlaybookUpdates. It is "" when no playbook
// update was agreed (the action items have their own chart and list).
// Every string is escaped by html/template.
func followThroughSection(r *analytics.Report) (template.HTML, error) {
	if r == nil || !r.PlaybookUpdates.Any() {
		return "", nil
	}
	p := r.PlaybookUpdates
	asOf := display.Day(r.AsOfDate)
	cur := p.Current(r.Quarter)
	v := followView{Quarter: r.Quarter, AsOf: asOf, OverdueTotal: display.Count(p.OverdueTotal),
		Sentence: display.PlaybookFollowThroughSentence(r.Quarter, cur.Updates, cur.Due, cur.Done, cur.Overdue, cur.OnTimeRate, asOf, p.OverdueTotal)}
	actions := map[string]analytics.ActionSummary{}
	for _, a := range r.Actions {
		actions[a.Quarter] = a
	}
	for _, x := range p.Quarters {
		a := actions[x.Quarter]
		if a.Created == 0 && x.Updates == 0 {
			continue
		}
		v.Rows = append(v.Rows, followRow{Quarter: x.Quarter, Current: x.Quarter == r.Quarter,
			Created: display.Count(a.Created), Completed: display.Count(a.Completed), Rate: display.Rate(a.CompletionRate), ActionsOverdue: display.Count(a.Overdue),
			Updates: display.Count(x.Updates), Due: display.Count(x.Due), Done: display.Count(x.Done), OnTime: display.Rate(x.OnTimeRate), Overdue: display.Count(x.Overdue)})
	}
	for i, o := range p.Overdue {
		if i == followRows {
			break
		}
		v.Overdue = append(v.Overdue, followOverdue{Due: o.Due, Days: display.DayCount(o.DaysOverdue), Owner: display.OrNoValue(o.Owner),
			Playbook: o.Playbook, Change: o.Change, Case: display.CaseRef(o.Source, o.CaseID)})
	}
	v.OverdueMore = p.OverdueTotal - len(v.Overdue)
	tmpl, err := template.New("follow-through").Parse(followTmpl)
	if err != nil {
		return "", fmt.Errorf("follow-through section: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("follow-through section: %w", err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template above
}

const followTmpl = `
<section id="follow-through" aria-labelledby="follow-through-h">
  <h2 id="follow-through-h">Follow-through: action items and playbook updates</h2>
  <div class="card table-card">
    <p class="sub">{{.Sentence}} Both are counted by the quarter of their case, on {{.AsOf}}; playbook updates are not part of the action-item rates.</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr><th scope="col" rowspan="2">Quarter</th><th scope="colgroup" colspan="4">Action items</th><th scope="colgroup" colspan="5">Playbook updates</th></tr>
          <tr><th scope="col" class="num">Created</th><th scope="col" class="num">Completed</th><th scope="col" class="num">Completion</th><th scope="col" class="num">Overdue</th><th scope="col" class="num">Agreed</th><th scope="col" class="num">Due</th><th scope="col" class="num">Done</th><th scope="col" class="num">On time</th><th scope="col" class="num">Overdue</th></tr>
        </thead>
        <tbody>
          {{- range .Rows}}
          <tr{{if .Current}} class="current"{{end}}><td>{{if .Current}}<strong>{{.Quarter}}</strong>{{else}}{{.Quarter}}{{end}}</td><td class="num">{{.Created}}</td><td class="num">{{.Completed}}</td><td class="num">{{.Rate}}</td><td class="num">{{.ActionsOverdue}}</td><td class="num">{{.Updates}}</td><td class="num">{{.Due}}</td><td class="num">{{.Done}}</td><td class="num">{{.OnTime}}</td><td class="num">{{.Overdue}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
  </div>
  {{- if .Overdue}}
  <div class="card table-card">
    <h3>Overdue playbook updates ({{.OverdueTotal}})</h3>
    <p class="sub">Open past their due date on {{.AsOf}}, most overdue first</p>
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Due</th><th scope="col" class="num">Overdue</th><th scope="col">Owner</th><th scope="col">Playbook</th><th scope="col">Change</th><th scope="col">Case</th></tr></thead>
        <tbody>
          {{- range .Overdue}}
          <tr><td>{{.Due}}</td><td class="num">{{.Days}}</td><td>{{.Owner}}</td><td>{{.Playbook}}</td><td>{{.Change}}</td><td>{{.Case}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
    {{- if .OverdueMore}}<p class="note">and {{.OverdueMore}} more, not listed here (pir query over playbook_update_state lists them all)</p>{{end}}
  </div>
  {{- end}}
</section>
`
