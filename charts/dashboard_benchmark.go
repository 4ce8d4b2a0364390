package charts

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

type benchmarkView struct {
	Note     string
	Sentence string
	Caveats  []string
	Rows     []benchmarkRow
}

type benchmarkRow struct {
	Year, Metric, TeamMedian, TeamN, RefMedian, RefN, Rank string
}

// benchmarkSection renders Report.Benchmark (the team's yearly medians in
// a VERIS reference); "" without one. Every string is escaped by
// html/template.
func benchmarkSection(r *analytics.Report) (template.HTML, error) {
	if r == nil || r.Benchmark == nil {
		return "", nil
	}
	b := r.Benchmark
	scope := "every industry and organisation size"
	if b.Industry != "" || b.OrgSize != "" {
		scope = "industry (NAICS) " + display.Or(b.Industry, "any") + ", organisation size " + display.Or(b.OrgSize, "any")
	}
	v := benchmarkView{Sentence: b.Sentence(), Caveats: b.Caveats,
		Note: fmt.Sprintf("The team's median per year against the VERIS incidents of %s (%s). Percentile rank: the share of those incidents that took less time than the team's median; lower is faster.", b.Reference, scope)}
	labels := map[string]string{}
	for _, d := range r.Definitions {
		labels[d.Name] = d.Label
	}
	for _, x := range b.Rows {
		rank := display.NoValue
		if x.PercentileRank != nil {
			rank = display.Ordinal(*x.PercentileRank)
		}
		v.Rows = append(v.Rows, benchmarkRow{Year: display.BenchmarkYear(x.Year), Metric: display.Or(labels[x.Metric], x.Metric),
			TeamMedian: display.DurationPtr(x.TeamMedian), TeamN: display.Count(x.TeamN),
			RefMedian: display.DurationPtr(x.ReferenceMedian), RefN: display.Count(x.ReferenceN), Rank: rank})
	}
	tmpl, err := template.New("benchmark").Parse(benchmarkTmpl)
	if err != nil {
		return "", fmt.Errorf("benchmark section: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("benchmark section: %w", err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template above
}

const benchmarkTmpl = `
<section id="benchmark" aria-labelledby="benchmark-h">
  <h2 id="benchmark-h">Benchmark against public breaches</h2>
  <div class="card table-card">
    <p class="sub">{{.Note}}</p>
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Year</th><th scope="col">Metric</th><th scope="col" class="num">Team median</th><th scope="col" class="num">Team n</th><th scope="col" class="num">Reference median</th><th scope="col" class="num">Reference n</th><th scope="col" class="num">Percentile</th></tr></thead>
        <tbody>
          {{- range .Rows}}
          <tr><td>{{.Year}}</td><td>{{.Metric}}</td><td class="num">{{.TeamMedian}}</td><td class="num">{{.TeamN}}</td><td class="num">{{.RefMedian}}</td><td class="num">{{.RefN}}</td><td class="num">{{.Rank}}</td></tr>
          {{- end}}
        </tbody>
      </table>
    </div>
    {{- if .Sentence}}
    <p class="note">{{.Sentence}}</p>
    {{- end}}
    {{- range .Caveats}}
    <p class="note">{{.}}</p>
    {{- end}}
  </div>
</section>
`
