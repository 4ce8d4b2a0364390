// Package charts draws: the report model (analytics.Report) as an offline
// HTML dashboard (Dashboard, built with go-echarts and an embedded Apache
// ECharts) and as PNG charts for the PDF, and the review (analytics.Review)
// as an HTML page. Both versions of a chart plot one prepared series
// (series.go). It computes no numbers and formats none itself: every
// number, duration and label is written by package display.
package charts

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// DashboardOptions tune the HTML dashboard. The zero value is the standard
// page. There is no clock: the page shows Report.GeneratedAt, so the same
// report always renders to the same bytes.
type DashboardOptions struct {
	// TopTechniques is how many ATT&CK techniques the bar chart shows; 0
	// means 15. The table under it lists every technique of the quarter.
	TopTechniques int
}

// Dashboard writes the report as one self-contained HTML page: ECharts is
// inlined, nothing is loaded from anywhere, and every chart's numbers are
// also in a table, so the page works from file:// on an isolated network and
// reads without JavaScript. Every string from the report is escaped, and
// characters that would draw nothing or reorder the text around them (bidi
// overrides, zero-width spaces) show as their code points (display.Visible).
func Dashboard(w io.Writer, r *analytics.Report, o DashboardOptions) error {
	if r == nil {
		return errors.New("dashboard: no report")
	}
	if o.TopTechniques <= 0 {
		o.TopTechniques = 15
	}
	v, err := buildPage(r, o)
	if err != nil {
		return fmt.Errorf("dashboard %s: %w", r.Quarter, err)
	}
	if err := renderPage(w, v); err != nil {
		return fmt.Errorf("dashboard %s: %w", r.Quarter, err)
	}
	return nil
}

// pageView is everything the page template shows, already formatted.
type pageView struct {
	Title        string
	Quarter      string
	Organisation string
	Marking      string
	MarkingClass string
	Facts        []fact
	Headline     string

	KPIs       []kpiTile
	Trends     []*chartView
	Slices     *slicesView // filters over the tiles and trends (dashboard_slices.go)
	Volume     *chartView
	Ageing     *chartView
	RootCauses *chartView
	Techniques *chartView
	Tactics    *chartView
	Actions    *chartView
	Overdue    tableView
	// OverdueMore holds the overdue items after the first overdueShown,
	// folded away under the table.
	OverdueMore tableView
	OverdueNote string
	Notable     tableView
	Coverage    tableView
	Findings    tableView
	Definitions tableView
	ATTACK      string // version and notice line
	AsOf        string
	Version     string
	Generated   string

	// Leadership is the top of the page: freshness, decisions, targets
	// (dashboard_leadership.go).
	Leadership leadershipView

	// DetectionCoverage is the Sigma coverage section (coverageSection),
	// empty unless the report has Coverage.
	DetectionCoverage template.HTML
	// Statistics is the open-cases-and-confidence section (statisticsSection).
	Statistics template.HTML
	// Benchmark is the VERIS benchmark section (benchmarkSection), empty
	// unless the report has a Benchmark.
	Benchmark template.HTML
	// Learning is "What we keep learning" (learningSection), empty unless
	// the report has Learning.
	Learning template.HTML
	// FollowThrough is action items beside playbook updates
	// (followThroughSection), empty when no playbook update was agreed.
	FollowThrough template.HTML

	CSP            string
	CSS            template.CSS
	EChartsJS      template.JS
	InitJS         template.JS
	EChartsVersion string
}

type fact struct{ Label, Value string }

// kpiTile is one metric of the report quarter.
type kpiTile struct {
	ID      string // DOM id, [a-z0-9-]
	Metric  string
	Label   string
	Def     string
	Median  string
	P90     string
	N       string
	Small   bool
	Empty   bool
	Changes []changeView
}

// changeView is one comparison on a tile; Class is one of better, worse,
// same, na (used as a CSS class, so it comes from a fixed set).
type changeView struct {
	Vs        string
	VsLabel   string // "vs 2024-Q3"
	Arrow     string
	Text      string
	Class     string
	Direction string
	Title     string
}

// tableView is a plain table; cells are text (escaped by the template).
type tableView struct {
	Caption string
	Head    []headCell
	Rows    [][]cell
	Empty   string
	// Keys, when set, name each row (data-key) for the filter script: one
	// per row.
	Keys []string
}

type headCell struct {
	Text  string
	Title string
	Num   bool
}

// cell is one table cell. Class is built from fixed names only; Bar, when
// set, draws a 0..1 share as a small bar after the text.
type cell struct {
	Text  string
	Title string
	Class string
	Bar   string
}

func tdNum(s string) cell  { return cell{Text: s, Class: "num"} }
func tdMono(s string) cell { return cell{Text: s, Class: "mono"} }
func tdText(s string) cell { return cell{Text: s} }

// tdFree is free text (titles, summaries): it may break anywhere, so one
// long token from an export cannot push the table off the page.
func tdFree(s string) cell { return cell{Text: s, Class: "free"} }

func tdCount(n int) cell      { return tdNum(display.Count(n)) }
func tdMuted(s string) cell   { return cell{Text: s, Class: "muted"} }
func th(s string) headCell    { return headCell{Text: s} }
func thNum(s string) headCell { return headCell{Text: s, Num: true} }

func buildPage(r *analytics.Report, o DashboardOptions) (*pageView, error) {
	r = display.VisibleCopy(r) // every string the page shows, once
	v := &pageView{
		Quarter:      r.Quarter,
		Organisation: r.Organisation,
		Marking:      strings.TrimSpace(r.Marking),
		MarkingClass: markingClass(r.Marking),
		Headline:     r.DataQuality.Headline,
		Version:      r.Version,
		Generated:    formatTime(r.GeneratedAt, r.TimeZone),
		AsOf:         asOfDate(r),
	}
	v.Title = "Incident response review " + r.Quarter
	if r.Organisation != "" {
		v.Title += " · " + r.Organisation
	}
	v.Facts = []fact{
		{"Quarter", r.Quarter},
		{"Cases", casesFact(r)},
		{"Cohort", display.CohortLabel(r.Cohort)},
		{"Time zone", display.OrNoValue(r.TimeZone)},
		{"Trailing quarters", quarterSpan(r.Quarters)},
		{"Data", dataFact(r)},
		{"Generated", v.Generated},
		{"pir", display.OrNoValue(r.Version)},
	}
	ids := newIDs()
	v.KPIs = kpiTiles(r, ids)
	for _, s := range r.Metrics {
		c, err := trendChart(r, s, ids.make("chart-trend-"+s.Metric))
		if err != nil {
			return nil, err
		}
		v.Trends = append(v.Trends, c)
	}
	var err error
	if v.Slices, err = sliceFilters(r, v.KPIs, v.Trends); err != nil {
		return nil, err
	}
	build := []struct {
		dst **chartView
		fn  func() (*chartView, error)
	}{
		{&v.Volume, func() (*chartView, error) { return volumeChart(r, ids.make("chart-cases-by-category")) }},
		{&v.Ageing, func() (*chartView, error) { return ageingChart(r, ids.make("chart-open-ageing")) }},
		{&v.RootCauses, func() (*chartView, error) { return rootCauseChart(r, ids.make("chart-root-causes")) }},
		{&v.Techniques, func() (*chartView, error) {
			return techniqueChart(r, ids.make("chart-top-techniques"), o.TopTechniques)
		}},
		{&v.Tactics, func() (*chartView, error) { return tacticChart(r, ids.make("chart-tactic-heatmap")) }},
		{&v.Actions, func() (*chartView, error) { return actionChart(r, ids.make("chart-action-items")) }},
	}
	for _, b := range build {
		if *b.dst, err = b.fn(); err != nil {
			return nil, err
		}
	}
	v.Overdue, v.OverdueMore = overdueTables(r)
	if n := r.OverdueTotal; n > 0 {
		v.OverdueNote = fmt.Sprintf("%s open action items past their due date on %s, most overdue first", display.Count(n), v.AsOf)
	} else {
		v.OverdueNote = "Open action items past their due date on " + v.AsOf
	}
	v.Leadership = leadershipSection(r)
	v.Notable = notableTable(r)
	v.Coverage = coverageTable(r)
	if v.Learning, err = learningSection(r); err != nil {
		return nil, err
	}
	if v.FollowThrough, err = followThroughSection(r); err != nil {
		return nil, err
	}
	if v.DetectionCoverage, err = coverageSection(r); err != nil {
		return nil, err
	}
	if v.Statistics, err = statisticsSection(r); err != nil {
		return nil, err
	}
	if v.Benchmark, err = benchmarkSection(r); err != nil {
		return nil, err
	}
	v.Findings = findingsTable(r)
	v.Definitions = definitionsTable(r)
	if r.ATTACK.Version != "" {
		v.ATTACK = "Technique and tactic names: MITRE ATT&CK® Enterprise " + r.ATTACK.Version + "."
	}
	if r.ATTACK.Notice != "" {
		v.ATTACK = strings.TrimSpace(v.ATTACK + " " + r.ATTACK.Notice)
	}
	return v, nil
}

// kpiTiles makes one tile per KPI, in the model's (definition) order.
func kpiTiles(r *analytics.Report, ids ids) []kpiTile {
	defs := map[string]analytics.MetricDef{}
	for _, d := range r.Definitions {
		defs[d.Name] = d
	}
	var out []kpiTile
	for _, k := range r.KPIs {
		t := kpiTile{
			ID:     ids.make("kpi-" + k.Metric),
			Metric: k.Metric,
			Label:  display.Or(k.Label, k.Metric),
			Median: display.UnitForPtrs(k.Current.Median, k.Current.P90).FormatPtr(k.Current.Median),
			P90:    display.UnitForPtrs(k.Current.Median, k.Current.P90).FormatPtr(k.Current.P90),
			N:      display.Count(k.Current.N),
			Small:  k.Current.SmallSample && k.Current.N > 0,
			Empty:  k.Current.N == 0,
		}
		if d, ok := defs[k.Metric]; ok {
			t.Def = d.Start + " → " + d.End
		}
		t.Changes = []changeView{
			changeTile(k.QoQ, k.Previous, "previous quarter", r.Quarter),
			changeTile(k.YoY, k.YearAgo, "a year earlier", r.Quarter),
		}
		out = append(out, t)
	}
	return out
}

func changeTile(c analytics.Change, other *analytics.Stat, fallback, quarter string) changeView {
	vs := fallback
	if other != nil && other.Quarter != "" {
		vs = other.Quarter
	}
	cv := changeView{Vs: vs, VsLabel: display.Versus(vs), Arrow: display.Change(c).Arrow(), Text: display.Change(c).String(), Direction: c.Direction}
	switch c.Direction {
	case "better", "worse":
		cv.Class = c.Direction
	case "neutral":
		cv.Class, cv.Direction = "same", display.NoClearChange
	default:
		cv.Class, cv.Direction = "na", "no comparison"
		cv.Text = "no data"
	}
	cv.Title = fmt.Sprintf("Median %s in %s, %s in %s: %s", display.DurationPtr(c.To), quarter, display.DurationPtr(c.From), vs, cv.Direction)
	return cv
}

// overdueShown is how many overdue items the page lists before folding the
// rest away: the most overdue matter most, and a long list buries the rest
// of the page.
const overdueShown = 15

// idsShown is how many case IDs a technique or finding row lists before
// "and N more": the IDs are a pointer into pir query, not the data.
const idsShown = 20

// listedMax caps the overdue and notable tables: the page must stay a
// small, mailable file however many cases a quarter has; the full lists are
// one command away (pir actions, pir query).
const listedMax = 200

func overdueTables(r *analytics.Report) (shown, more tableView) {
	t := tableView{
		Head: []headCell{th("Case"), th("Source"), th("Item"), th("Summary"), th("Owner"), th("Priority"),
			th("Due"), thNum("Days overdue"), th("Status")},
		Empty: "No action item was overdue on " + asOfDate(r) + ".",
	}
	items := r.Overdue
	if len(items) > listedMax {
		items = items[:listedMax]
	}
	for _, it := range items {
		t.Rows = append(t.Rows, []cell{
			tdMono(it.CaseID), tdMuted(it.Source), tdMono(it.ItemID), tdFree(it.Summary), tdText(display.OrNoValue(it.Owner)),
			{Text: display.OrNoValue(it.Priority), Class: priorityClass(it.Priority)}, tdMono(it.Due),
			{Text: display.Count(it.DaysOverdue), Class: "num strong"}, tdText(it.Status),
		})
	}
	if len(t.Rows) > overdueShown {
		more = tableView{Head: t.Head, Rows: t.Rows[overdueShown:],
			Caption: fmt.Sprintf("The other %s overdue items", display.Count(len(t.Rows)-overdueShown))}
		if n := r.OverdueTotal - len(items); n > 0 {
			more.Caption += fmt.Sprintf(" (%s more not listed here: pir actions --status overdue lists all)", display.Count(n))
		}
		t.Rows = t.Rows[:overdueShown]
	} else if n := r.OverdueTotal - len(items); n > 0 {
		t.Caption = fmt.Sprintf("%s more not listed here: pir actions --status overdue lists all", display.Count(n))
	}
	return t, more
}

func notableTable(r *analytics.Report) tableView {
	t := tableView{
		Head:  []headCell{th("Case"), th("Source"), th("Detected"), th("Title"), th("Severity"), th("Category"), th("Status"), th("Root cause")},
		Empty: "No critical or high case in " + r.Quarter + ".",
	}
	for _, d := range r.Definitions {
		t.Head = append(t.Head, headCell{Text: d.Name, Title: d.Label + ": " + d.Start + " → " + d.End, Num: true})
	}
	notable := r.Notable
	if len(notable) > listedMax {
		notable = notable[:listedMax]
	}
	if len(notable) < r.NotableTotal {
		t.Caption = fmt.Sprintf("The first %s of %s critical and high cases (all of them: pir query \"SELECT * FROM cases WHERE quarter = '%s' AND severity IN ('critical', 'high')\")",
			display.Count(len(notable)), display.Count(r.NotableTotal), r.Quarter)
	}
	for _, c := range notable {
		row := []cell{
			tdMono(c.CaseID), tdMuted(c.Source), tdMono(formatDate(c.Detected, r.TimeZone)), tdFree(c.Title),
			{Text: c.Severity, Class: severityClass(c.Severity)},
			tdText(display.Words(c.Category)), tdText(c.Status), tdText(display.OrNoValue(display.Words(c.RootCause))),
		}
		for _, d := range r.Definitions {
			h, ok := c.Hours[d.Name]
			if !ok {
				row = append(row, cell{Text: display.NoValue, Class: "num muted"})
				continue
			}
			row = append(row, tdNum(display.Duration(h)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func coverageTable(r *analytics.Report) tableView {
	t := tableView{
		Caption: fmt.Sprintf("Share of the %s cases of %s that record each milestone", display.Count(r.DataQuality.Cases), r.Quarter),
		Head:    []headCell{th("Milestone"), thNum("Cases"), thNum("Share")},
		Empty:   "No cases in " + r.Quarter + ".",
	}
	for _, m := range r.DataQuality.Coverage {
		t.Rows = append(t.Rows, []cell{
			tdText(display.MilestoneLabel(m.Milestone)), tdCount(m.Present),
			{Text: display.Share(m.Share), Class: "num", Bar: barWidth(m.Share)},
		})
	}
	return t
}

func findingsTable(r *analytics.Report) tableView {
	t := tableView{
		Head:  []headCell{th("Finding"), th("Detail"), thNum("Cases"), th("Case IDs")},
		Empty: "No data-quality findings in " + r.Quarter + ".",
	}
	for _, f := range r.DataQuality.Findings {
		t.Rows = append(t.Rows, []cell{
			tdText(display.FindingLabel(f.Kind)), tdFree(f.Detail), tdCount(f.Count),
			{Text: display.JoinCases(f.CaseIDs, f.Count, idsShown), Class: "mono ids"},
		})
	}
	return t
}

func definitionsTable(r *analytics.Report) tableView {
	t := tableView{
		Caption: "Duration = end milestone − start milestone. A case counts when both are present, end ≥ start and it is not excluded. Counts are for " + r.Quarter + ".",
		Head: []headCell{th("Metric"), th("Label"), th("Start → end"), thNum("Counted"),
			thNum("Missing start"), thNum("Missing end"), thNum("Out of order"), thNum("Excluded case")},
		Empty: "No metric definitions in the report.",
	}
	kpis := map[string]analytics.KPI{}
	for _, k := range r.KPIs {
		kpis[k.Metric] = k
	}
	for _, d := range r.Definitions {
		row := []cell{tdMono(d.Name), tdText(d.Label), tdText(d.Start + " → " + d.End)}
		if k, ok := kpis[d.Name]; ok {
			e := k.Current.Excluded
			row = append(row, tdCount(k.Current.N), tdCount(e.MissingStart), tdCount(e.MissingEnd), tdCount(e.OutOfOrder), tdCount(e.ExcludedCase))
		} else {
			for i := 0; i < 5; i++ {
				row = append(row, cell{Text: display.NoValue, Class: "num muted"})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// markingClass maps a marking to a CSS class (TLP colours per FIRST TLP 2.0);
// anything else is shown in a neutral badge.
func markingClass(m string) string {
	u := strings.ToUpper(strings.TrimSpace(m))
	switch {
	case strings.HasPrefix(u, "TLP:RED"):
		return "tlp-red"
	case strings.HasPrefix(u, "TLP:AMBER"):
		return "tlp-amber"
	case strings.HasPrefix(u, "TLP:GREEN"):
		return "tlp-green"
	case strings.HasPrefix(u, "TLP:CLEAR"), strings.HasPrefix(u, "TLP:WHITE"):
		return "tlp-clear"
	}
	return "marking-other"
}

func severityClass(s string) string {
	switch strings.ToLower(s) {
	case "critical":
		return "sev sev-critical"
	case "high":
		return "sev sev-high"
	case "medium":
		return "sev sev-medium"
	case "low":
		return "sev sev-low"
	}
	return ""
}

func priorityClass(p string) string {
	switch strings.ToLower(p) {
	case "critical", "p1", "urgent":
		return "strong"
	}
	return ""
}

// asOfDate is the last day overdue items are measured on.
func asOfDate(r *analytics.Report) string {
	if r.AsOfDate != "" {
		return r.AsOfDate
	}
	return formatDate(r.AsOf, r.TimeZone)
}

// casesFact is the case count of the header, with the excluded ones.
func casesFact(r *analytics.Report) string {
	s := display.Count(r.Cases)
	if r.ExcludedCases > 0 {
		s += fmt.Sprintf(" (%s excluded from metrics)", display.Count(r.ExcludedCases))
	}
	return s
}

func quarterSpan(qs []string) string {
	switch len(qs) {
	case 0:
		return display.NoValue
	case 1:
		return qs[0]
	}
	return fmt.Sprintf("%s – %s (%d)", qs[0], qs[len(qs)-1], len(qs))
}

// formatTime shows a time in the report's zone, falling back to the time's
// own zone when the zone is unknown on this machine.
func formatTime(t time.Time, zone string) string {
	if t.IsZero() {
		return display.NoValue
	}
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		t = t.In(loc)
	}
	return t.Format("2006-01-02 15:04 MST")
}

func formatDate(t time.Time, zone string) string {
	if t.IsZero() {
		return display.NoValue
	}
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		t = t.In(loc)
	}
	return t.Format("2006-01-02")
}

// barWidth is the CSS width of a 0..1 share bar, clamped.
func barWidth(share float64) string {
	if share < 0 || share != share {
		share = 0
	}
	if share > 1 {
		share = 1
	}
	return fmt.Sprintf("%.0f%%", share*100)
}

// ids hands out stable, unique DOM ids made of [a-z0-9-] only: metric names
// come from the config and may contain anything.
type ids map[string]bool

func newIDs() ids { return ids{} }

func (m ids) make(base string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(base) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	id := b.String()
	if m[id] {
		for i := 2; ; i++ {
			if c := fmt.Sprintf("%s-%d", id, i); !m[c] {
				id = c
				break
			}
		}
	}
	m[id] = true
	return id
}

// orderedKeys returns keys by total descending, then name, for a stable
// legend and table order.
func orderedKeys(totals map[string]int) []string {
	keys := make([]string, 0, len(totals))
	for k := range totals {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if totals[keys[i]] != totals[keys[j]] {
			return totals[keys[i]] > totals[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
