package charts

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// statisticsView is the dashboard's "open cases and confidence" section,
// formatted.
type statisticsView struct {
	Quarter  string
	Note     string
	Sentence string
	// Yardstick is the published-median sentence (Report.Yardstick).
	Yardstick string
	Rows      []statisticsRow
}

type statisticsRow struct {
	Label, Median, Interval, KM, KMP90, Open, PQoQ, PYoY string
}

// statisticsSection renders, per metric, the completed-only median with
// its 95 % interval beside the Kaplan–Meier median that counts the open
// cases, and the p-values of the changes; "" without metrics. Every
// string is escaped by html/template.
func statisticsSection(r *analytics.Report) (template.HTML, error) {
	if r == nil || len(r.KPIs) == 0 {
		return "", nil
	}
	snap := "the newest ingest time"
	if r.Statistics.Snapshot != nil {
		snap = r.Statistics.Snapshot.Format("2 January 2006 15:04 MST")
	}
	v := statisticsView{Quarter: r.Quarter, Sentence: r.Statistics.Sentence, Yardstick: yardstickSentence(r),
		Note: fmt.Sprintf("A median over completed cases leaves out the slow cases still open. The Kaplan–Meier median counts each open case as lasting at least until %s (\"> X\": longer than X). The interval holds the true median with at least 95%% confidence; p is the Mann–Whitney test against the other quarter: below %g the change is unlikely to be chance.",
			snap, r.Statistics.Significance)}
	for _, k := range r.KPIs {
		s := k.Current
		u := display.UnitForPtrs(s.RowHours()...) // one unit per row
		row := statisticsRow{Label: k.Label, Median: u.FormatPtr(s.Median), Interval: display.IntervalIn(u, s.MedianCILow, s.MedianCIHigh),
			KM: display.NoValue, KMP90: display.NoValue, Open: display.NoValue,
			PQoQ: display.PValue(k.QoQ.PValue), PYoY: display.PValue(k.YoY.PValue)}
		if sv := s.Survival; sv != nil {
			row.KM, row.KMP90, row.Open = display.QuantileIn(u, sv.Median, sv.MedianReached), display.QuantileIn(u, sv.P90, sv.P90Reached), display.OpenCounted(sv.Censored)
		}
		v.Rows = append(v.Rows, row)
	}
	tmpl, err := template.New("statistics").Parse(statisticsTmpl)
	if err != nil {
		return "", fmt.Errorf("statistics section: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("statistics section: %w", err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template above
}

const statisticsTmpl = `
<section id="statistics" aria-labelledby="statistics-h">
  <h2 id="statistics-h">Open cases and confidence, {{.Quarter}}</h2>
  <div class="card table-card">
    <p class="sub">{{.Note}}</p>
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Metric</th><th scope="col" class="num">Median, completed</th><th scope="col" class="num">95% interval</th><th scope="col" class="num">Median, open counted</th><th scope="col" class="num">p90, open counted</th><th scope="col" class="num">Open</th><th scope="col" class="num">p vs last quarter</th><th scope="col" class="num">p vs last year</th></tr></thead>
        <tbody>
          {{- range .Rows}}
          <tr><td>{{.Label}}</td><td class="num">{{.Median}}</td><td class="num">{{.Interval}}</td><td class="num">{{.KM}}</td><td class="num">{{.KMP90}}</td><td class="num">{{.Open}}</td><td class="num">{{.PQoQ}}</td><td class="num">{{.PYoY}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
    {{- if .Sentence}}
    <p class="note">{{.Sentence}}</p>
    {{- end}}
    {{- if .Yardstick}}
    <p class="note">{{.Yardstick}}</p>
    {{- end}}
  </div>
</section>
`

func yardstickSentence(r *analytics.Report) string {
	if r.Yardstick == nil {
		return ""
	}
	return r.Yardstick.Sentence
}
