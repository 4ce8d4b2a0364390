package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/charts"
	"github.com/pirhq/pir/display"
)

// maxSummary caps the executive-summary sentences: page 1 must stay one page.
const maxSummary = 8

// quarter is the report quarter, safe to print.
func (rp *report) quarter() string { return clean(rp.r.Quarter, rp.fs.regular, 20) }

// previousQuarter is the quarter before the report quarter in the model, or "".
func (rp *report) previousQuarter() string {
	for i, q := range rp.r.Quarters {
		if q == rp.r.Quarter && i > 0 {
			return rp.r.Quarters[i-1]
		}
	}
	return ""
}

// cohortVerb says which date puts a case in a quarter.
func (rp *report) cohortVerb() string { return display.CohortVerb(rp.r.Cohort) }

func (rp *report) timeZone() string {
	if tz := clean(rp.r.TimeZone, rp.fs.regular, 60); tz != "" {
		return tz
	}
	return "UTC"
}

func (rp *report) actionsFor(q string) (analytics.ActionSummary, bool) {
	for _, a := range rp.r.Actions {
		if a.Quarter == q {
			return a, true
		}
	}
	return analytics.ActionSummary{Quarter: q}, false
}

func (rp *report) kpi(metric string) (analytics.KPI, bool) {
	for _, k := range rp.r.KPIs {
		if k.Metric == metric {
			return k, true
		}
	}
	return analytics.KPI{}, false
}

// rootCausesOf lists a quarter's root causes in model order (most cases first
// when analytics sorted them; ties keep their order).
func (rp *report) rootCausesOf(q string) []analytics.RootCause {
	var out []analytics.RootCause
	for _, rc := range rp.r.RootCauses {
		if rc.Quarter == q {
			out = append(out, rc)
		}
	}
	return out
}

// asOf is the last day overdue is measured on: AsOfDate (the day in the
// report's zone) when the model has it, else AsOf's date.
func (rp *report) asOf() string {
	if d, err := time.Parse("2006-01-02", rp.r.AsOfDate); err == nil {
		return d.Format("2 January 2006")
	}
	if rp.r.AsOf.IsZero() {
		return "the report date"
	}
	return rp.r.AsOf.Format("2 January 2006")
}

// hexColor turns "#1a7f37" (the shared direction colours) into a colour.
func hexColor(h string) props.Color {
	h = strings.TrimPrefix(h, "#")
	if len(h) != 6 {
		return colMuted
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return colMuted
	}
	return props.Color{Red: int(v >> 16 & 0xff), Green: int(v >> 8 & 0xff), Blue: int(v & 0xff)}
}

// changeCell shows a change of medians with its arrow, coloured by whether
// it is better (lower) or worse.
func changeCell(c analytics.Change) cell { return changeCellIn(c, display.Change(c).Unit()) }

// changeCellIn is changeCell with the change in unit u (the row's unit).
func changeCellIn(c analytics.Change, u display.Unit) cell {
	s := display.Change(c).StringIn(u)
	if a := display.Change(c).Arrow(); a != "" {
		s = a + " " + s
	}
	st := stTD
	st.color = hexColor(display.DirectionColor(c.Direction))
	return tdStyled(s, st)
}

// ---- page 1: executive summary ----

type tile struct {
	value string
	label string
	note  string
	color props.Color
	noteC props.Color
}

func (rp *report) summary() {
	r := rp.r
	q := rp.quarter()
	if rp.org != "" {
		rp.paragraph(rp.org, style{size: 10, bold: true, color: colAccent})
		rp.gap(1)
	}
	rp.paragraph("Incident response report "+q, style{size: 21, bold: true, color: colInk})
	rp.gap(1.5)
	meta := []string{"Executive summary"}
	if !r.GeneratedAt.IsZero() {
		meta = append(meta, "generated "+r.GeneratedAt.Format("2 January 2006"))
	}
	cases := fmt.Sprintf("%s cases %s in %s", display.Count(r.Cases), rp.cohortVerb(), q)
	if r.ExcludedCases > 0 {
		cases += fmt.Sprintf(" (%s excluded from metrics)", display.Count(r.ExcludedCases))
	}
	meta = append(meta, cases, "time zone "+rp.timeZone())
	rp.paragraph(strings.Join(meta, " · "), stSmall.with(func(s *style) { s.size = 8.5 }))
	rp.leadershipTop()
	rp.gap(5)

	sentences := r.Summary
	if len(sentences) == 0 {
		sentences = []string{"No summary was generated for this quarter."}
	}
	if len(sentences) > maxSummary {
		sentences = sentences[:maxSummary]
	}
	rp.panel(sentences)
	rp.gap(5)

	rp.tiles(rp.summaryTiles())
	rp.gap(2)

	rp.subheading("Key metrics, "+q, 20)
	rp.kpiTable()
	rp.paragraph("Median and 90th percentile (p90) of each duration for the cases "+rp.cohortVerb()+" in "+q+
		"; n is the number of cases that count in the metric. ▼ shorter (better), ▲ longer (worse) than the median then. "+
		"* fewer than 5 cases: too few to conclude.", stSmall)
	rp.bySeverity()

	rcs := rp.rootCausesOf(r.Quarter)
	rp.subheading("Top root causes, "+q, 14)
	if len(rcs) == 0 {
		rp.paragraph("No root cause was recorded for the cases of "+q+".", stBody)
	} else {
		if len(rcs) > 3 {
			rcs = rcs[:3]
		}
		rows := make([]trow, 0, len(rcs))
		for i, rc := range rcs {
			rows = append(rows, tr(td(strconv.Itoa(i+1)), td(display.Words(rc.Category)), td(display.Count(rc.Cases)),
				td(display.Share(rc.Share)), td(display.Count(rc.Recurrences))))
		}
		rp.table([]column{
			{title: "#", w: 8, align: align.Right},
			{title: "Root cause"},
			{title: "Cases", w: 20, align: align.Right},
			{title: "Share", w: 20, align: align.Right},
			{title: "Recurrences", w: 26, align: align.Right},
		}, rows)
	}

	rp.subheading("Action items", 10)
	a, _ := rp.actionsFor(r.Quarter)
	s := fmt.Sprintf("%s action items overdue on %s. Of the %s items from %s cases, %s completed",
		display.Count(r.OverdueTotal), rp.asOf(), display.Count(a.Created), q, display.Rate(a.CompletionRate))
	if a.OnTimeRate != nil {
		s += "; " + display.Rate(a.OnTimeRate) + " of the items due by then were done on time"
	}
	rp.paragraph(s+".", stBody)
	rp.overdueRollup()
}

func (rp *report) summaryTiles() []tile {
	r := rp.r
	q := rp.quarter()
	ts := []tile{{value: display.Count(r.Cases), label: "cases " + rp.cohortVerb() + " in " + q, color: colAccent}}
	k, ok := rp.kpi("contain")
	if !ok && len(r.KPIs) > 0 {
		k, ok = r.KPIs[0], true
	}
	if ok {
		t := tile{value: display.DurationPtr(k.Current.Median), label: k.Label + ", median", color: colAccent}
		if k.Current.N == 0 {
			t.value = display.NoValue
		}
		if a := display.Change(k.QoQ).Arrow(); a != "" {
			t.note = a + " " + display.Change(k.QoQ).String() + " vs " + rp.previousQuarter()
			t.noteC = hexColor(display.DirectionColor(k.QoQ.Direction))
		}
		ts = append(ts, t)
	}
	a, _ := rp.actionsFor(r.Quarter)
	ts = append(ts, tile{value: display.Rate(a.CompletionRate), label: "of " + q + " action items completed", color: colAccent})
	od := tile{value: display.Count(r.OverdueTotal), label: "action items overdue on " + rp.asOf(), color: colAccent}
	if r.OverdueTotal > 0 {
		od.color = colBad
	}
	return append(ts, od)
}

// panel sets sentences as a bulleted list on a tinted panel with an accent
// bar, one row per sentence.
func (rp *report) panel(sentences []string) {
	const (
		barW   = 1.4
		padX   = 4.0
		indent = 4.0
		padY   = 3.0
	)
	bu := units(barW)
	pu := grid - bu
	st := style{size: 9.5, color: colInk}
	f := rp.fs.face(st)
	w := mm(pu) - 2*padX - indent - slack
	for i, s := range sentences {
		lines := wrap(clean(s, f, 400), f, st.size, w)
		top := 1.2
		if i == 0 {
			top = padY
		}
		h := top + float64(len(lines)-1)*st.leadH() + st.fontH()*1.25 + 1.2
		if i == len(sentences)-1 {
			h += padY - 1.2
		}
		c := col.New(pu)
		bp := st.textProp(top)
		bp.Left = padX
		bp.Color = &colAccent
		c.Add(text.New("•", bp))
		for j, l := range lines {
			tp := st.textProp(top + float64(j)*st.leadH())
			tp.Left, tp.Right = padX+indent, padX
			c.Add(text.New(l, tp))
		}
		c.WithStyle(&props.Cell{BackgroundColor: &colPanel})
		bar := col.New(bu)
		bar.WithStyle(&props.Cell{BackgroundColor: &colAccent})
		rp.add(h, bar, c)
	}
}

// tiles sets a few headline numbers side by side.
func (rp *report) tiles(ts []tile) {
	if len(ts) == 0 {
		return
	}
	const gapW = 3.0
	n := len(ts)
	tw := (contentW - gapW*float64(n-1)) / float64(n)
	tu := units(tw)
	gu := units(gapW)
	valSt := style{size: 17, bold: true}
	labSt := style{size: 7.5, color: colMuted}
	noteSt := style{size: 7.5, bold: true}
	blocks := make([]block, n)
	h := 0.0
	for i, t := range ts {
		v := valSt
		v.color = t.color
		parts := []part{{text: t.value, st: v, maxLines: 1}, {text: t.label, st: labSt, maxLines: 2}}
		if t.note != "" {
			ns := noteSt
			ns.color = t.noteC
			parts = append(parts, part{text: t.note, st: ns, maxLines: 2})
		}
		blocks[i] = rp.layout(parts, tw, 3, 3)
		h = max(h, blocks[i].h)
	}
	cols := make([]core.Col, 0, 2*n)
	used := 0
	for i, b := range blocks {
		u := tu
		if i == n-1 {
			u = grid - used
		}
		cols = append(cols, b.col(u, 3, 3, &props.Cell{BackgroundColor: &colPanel}))
		used += u
		if i < n-1 {
			cols = append(cols, emptyCol(gu))
			used += gu
		}
	}
	rp.add(h, cols...)
}

func (rp *report) kpiTable() {
	r := rp.r
	if len(r.KPIs) == 0 {
		rp.paragraph("No metrics were computed for this quarter.", stBody)
		return
	}
	rows := make([]trow, 0, len(r.KPIs))
	for _, k := range r.KPIs {
		u := display.UnitForPtrs(k.Current.Median, k.Current.P90) // one unit per row
		med, p90 := u.FormatPtr(k.Current.Median), u.FormatPtr(k.Current.P90)
		if k.Current.N == 0 {
			med, p90 = display.NoValue, display.NoValue
		}
		n := display.Count(k.Current.N)
		if k.Current.SmallSample {
			n += "*"
		}
		rows = append(rows, tr(
			tdStyled(k.Label, stTD.strong()),
			td(med), td(p90), td(n),
			changeCellIn(k.QoQ, u), changeCellIn(k.YoY, u),
		))
	}
	rp.table([]column{
		{title: "Metric"},
		{title: "Median", w: 19, align: align.Right},
		{title: "p90", w: 19, align: align.Right},
		{title: "n", w: 12, align: align.Right},
		{title: "vs last quarter", w: 33, align: align.Right},
		{title: "vs last year", w: 33, align: align.Right},
	}, rows)
}

// ---- trends ----

type tileChart struct {
	title string
	sub   string
	c     chart
	empty string
}

func (rp *report) trends() {
	r := rp.r
	rp.heading("Trends", fmt.Sprintf(
		"Median (dark) and 90th percentile (light) per quarter for the cases %s in it, last %d quarters, time zone %s. Lower is better; a gap is a quarter without a counted case. Where the p90 is many times the median, the axis is a log scale (each gridline ten times the one below) so the median's trend stays readable.",
		rp.cohortVerb(), len(r.Quarters), rp.timeZone()))
	defs := map[string]analytics.MetricDef{}
	for _, d := range r.Definitions {
		defs[d.Name] = d
	}
	var tiles []tileChart
	for i, s := range r.Metrics {
		sub := ""
		if d, ok := defs[s.Metric]; ok {
			sub = d.Start + " → " + d.End
		}
		if k, ok := rp.kpi(s.Metric); ok && k.Current.N > 0 {
			n := display.Count(k.Current.N)
			if k.Current.SmallSample {
				n += "*"
			}
			// One unit for the median and p90 of a metric, as in the tables.
			u := display.UnitForPtrs(k.Current.Median, k.Current.P90)
			sub += fmt.Sprintf(" · %s: median %s, p90 %s, n %s", rp.quarter(),
				u.FormatPtr(k.Current.Median), u.FormatPtr(k.Current.P90), n)
		}
		if charts.TrendLogScale(s, r.Quarters) {
			sub += " · log scale"
		}
		var c chart
		if i < len(rp.charts.trends) {
			c = rp.charts.trends[i]
		}
		tiles = append(tiles, tileChart{title: s.Label, sub: sub, c: c, empty: "No counted case in these quarters."})
	}
	tiles = append(tiles, tileChart{title: "Cases per quarter", sub: "all cases, by quarter " + rp.cohortVerb(), c: rp.charts.volume, empty: "No cases in these quarters."})
	for i := 0; i < len(tiles); i += 2 {
		pair := tiles[i:min(i+2, len(tiles))]
		rp.chartRow(pair, tileW, tileH)
		rp.gap(2.5)
	}
}

// chartRow sets one or two charts side by side with their captions above.
func (rp *report) chartRow(ts []tileChart, w, h float64) {
	cu := units(w)
	gu := units(tileGap)
	blocks := make([]block, len(ts))
	capH := 0.0
	for i, t := range ts {
		parts := []part{{text: t.title, st: stCaption, maxLines: 1}}
		if t.sub != "" {
			parts = append(parts, part{text: t.sub, st: stSmall, maxLines: 2})
		}
		blocks[i] = rp.layout(parts, w, 0, 0.5)
		capH = max(capH, blocks[i].h)
	}
	rp.ensure(capH + h)
	var caps, imgs []core.Col
	for i, t := range ts {
		if i > 0 {
			caps = append(caps, emptyCol(gu))
			imgs = append(imgs, emptyCol(gu))
		}
		caps = append(caps, blocks[i].col(cu, 0, 0.5, nil))
		if t.c.png != nil {
			imgs = append(imgs, imageCol(cu, t.c.png))
		} else {
			b := rp.layout([]part{{text: t.empty, st: stSmall}}, w, 0, h/2-2)
			imgs = append(imgs, b.col(cu, 0, h/2-2, nil))
		}
	}
	rp.add(capH, caps...)
	rp.add(h, imgs...)
}

// ---- root causes ----

func (rp *report) rootCauses() {
	r := rp.r
	q := rp.quarter()
	rp.headingWith("Root causes", fmt.Sprintf("Cases per root-cause category and quarter %s, last %d quarters.", rp.cohortVerb(), len(r.Quarters)), wideH+12)
	rp.chartRow([]tileChart{{title: "Root-cause categories per quarter", sub: strings.TrimSpace("cases; the two largest categories of every quarter and any that rose in " + q + " on their own, the rest summed as Other. " + charts.RootCauseNote(r)),
		c: rp.charts.rootCauses, empty: "No root cause recorded in these quarters."}}, contentW, wideH)

	rcs := rp.rootCausesOf(r.Quarter)
	rp.subheading("By category, "+q, 14)
	if len(rcs) == 0 {
		rp.paragraph("No root cause was recorded for the cases of "+q+".", stBody)
	} else {
		more := 0
		if len(rcs) > maxCategories {
			rcs, more = rcs[:maxCategories], len(rcs)-maxCategories
		}
		rows := make([]trow, 0, len(rcs))
		for _, rc := range rcs {
			rows = append(rows, tr(td(display.Words(rc.Category)), td(display.Count(rc.Cases)), td(display.Share(rc.Share)),
				td(display.Count(rc.Recurrences)), td(display.Number(rc.MeanWhys))))
		}
		rp.table([]column{
			{title: "Root cause"},
			{title: "Cases", w: 20, align: align.Right},
			{title: "Share", w: 20, align: align.Right},
			{title: "Recurrences", w: 26, align: align.Right},
			{title: "5-Whys depth (mean)", w: 30, align: align.Right},
		}, rows)
		if more > 0 {
			rp.paragraph("and "+display.Count(more)+" more categories with fewer cases.", stSmall)
		}
	}
	rp.gap(3)
	rp.paragraph("Share: of the quarter's cases with a root cause. Recurrence: a case with the same root cause and a shared technique "+
		"or asset as an earlier case whose action items were all done, within "+display.Window(r.RecurrenceWindow)+" before this case was detected. "+
		"5-Whys depth: how many levels of \"why\" the review recorded; one or two usually stop at the trigger rather than the cause.", stSmall)
}

// maxCategories is how many root-cause categories the table lists.
const maxCategories = 15

// ---- ATT&CK ----

// maxTechniques is how many techniques the table lists.
const maxTechniques = 15

func (rp *report) attack() {
	r := rp.r
	q := rp.quarter()
	ver := clean(r.ATTACK.Version, rp.fs.regular, 30)
	src := "MITRE ATT&CK Enterprise"
	if ver != "" {
		src += " " + ver
	}
	rp.headingWith("MITRE ATT&CK", fmt.Sprintf("Techniques recorded in the cases %s in %s, each counted once per case. Names and tactics from %s.", rp.cohortVerb(), q, src), halfH+10)
	tsub := "cases, " + q
	if p := rp.previousQuarter(); p != "" {
		tsub += " and " + p
	}
	rp.chartRow([]tileChart{
		{title: "Top techniques", sub: "cases, " + q, c: rp.charts.techniques, empty: "No technique recorded in " + q + "."},
		{title: "Tactics", sub: tsub, c: rp.charts.tactics, empty: "No tactic recorded in " + q + "."},
	}, tileW, halfH)

	names := map[string]string{}
	for _, t := range r.Tactics {
		names[t.Tactic] = t.Name
	}
	ts := r.Techniques
	rp.subheading(fmt.Sprintf("Techniques, %s (%s)", q, display.Count(len(ts))), 14)
	if len(ts) == 0 {
		rp.paragraph("No ATT&CK technique was recorded for the cases of "+q+".", stBody)
	} else {
		more := 0
		if len(ts) > maxTechniques {
			ts, more = ts[:maxTechniques], len(ts)-maxTechniques
		}
		rows := make([]trow, 0, len(ts))
		for _, t := range ts {
			tactics := make([]string, len(t.Tactics))
			for i, s := range t.Tactics {
				tactics[i] = display.TacticLabel(names[s], s)
			}
			name := cell{{text: t.Name, st: stTD}}
			warn := stSmall.with(func(s *style) { s.color = colWarn })
			status := t.Status
			if !t.Known {
				status = "unknown"
			}
			note := display.TechniqueNote(status, ver)
			switch {
			case status == "unknown":
				name = cell{{text: note, st: stTD.with(func(s *style) { s.color = colWarn })}}
			case note != "":
				name = append(name, part{text: note, st: warn})
			}
			if rev := display.RecordedAsRevoked(t.RevokedFrom); rev != "" {
				name = append(name, part{text: rev, st: stSmall})
			}
			rows = append(rows, tr(tdStyled(t.ID, stTD.with(func(s *style) { s.mono = true; s.size = 8 })), name,
				td(strings.Join(tactics, ", ")), td(display.Count(t.Cases))))
		}
		rp.table([]column{
			{title: "ID", w: 24},
			{title: "Technique"},
			{title: "Tactics", w: 56},
			{title: "Cases", w: 16, align: align.Right},
		}, rows)
		if more > 0 {
			rp.paragraph("and "+display.Count(more)+" more techniques with fewer cases.", stSmall)
		}
	}
	if line := rp.parentRollupLine(); line != "" {
		rp.gap(2)
		rp.paragraph(line, stBody.with(func(s *style) { s.size = 8.5 }))
	}
	if len(r.ATTACK.Unknown) > 0 {
		rp.gap(2)
		rp.paragraph(fmt.Sprintf("IDs not in %s, counted and kept: %s.", src, display.JoinCapped(r.ATTACK.Unknown, 20)), stSmall.with(func(s *style) { s.color = colWarn }))
	}
	if n := clean(r.ATTACK.Notice, rp.fs.regular, 600); n != "" {
		rp.gap(2)
		rp.paragraph(n, stSmall)
	}
}

// maxRollupTechniques is how many parent techniques the ATT&CK page names
// with their sub-techniques counted in.
const maxRollupTechniques = 5

// parentRollupLine names the quarter's most frequent techniques counted
// with their sub-techniques, the rule of the page-1 summary, so its
// numbers can be found here; the table above counts each ID on its own.
func (rp *report) parentRollupLine() string {
	r := rp.r
	var parts []string
	for _, t := range r.ATTACK.ParentRollup {
		if t.Known && len(parts) < maxRollupTechniques {
			parts = append(parts, display.TechniqueCount(t.Name, t.ID, t.Cases, r.WithSubTechniques(t.ID)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "The table counts each technique and sub-technique on its own. Counted with their sub-techniques, as in the summary, the most frequent are " +
		display.JoinAnd(parts) + "."
}

// ---- action items ----

func (rp *report) actionItems() {
	r := rp.r
	q := rp.quarter()
	rp.headingWith("Action items", "Corrective actions from post-incident reviews, grouped by the quarter of their case. Overdue: open and past the due date on "+rp.asOf()+".", 25+actionsH+10)
	a, _ := rp.actionsFor(r.Quarter)
	med := display.DaysPtr(a.MedianDays)
	od := tile{value: display.Count(r.OverdueTotal), label: "overdue on " + rp.asOf(), color: colAccent}
	if r.OverdueTotal > 0 {
		od.color = colBad
	}
	rp.tiles([]tile{
		{value: display.Count(a.Created), label: "created for " + q + " cases", color: colAccent},
		{value: display.Rate(a.CompletionRate), label: "completed (" + display.Count(a.Completed) + ")", color: colAccent},
		{value: display.Rate(a.OnTimeRate), label: "of the items due by " + rp.asOf() + " done on time", color: colAccent},
		{value: med, label: "median time to complete", color: colAccent},
		od,
	})
	rp.gap(3)
	rp.chartRow([]tileChart{{title: "Action items per quarter", sub: "by quarter of the case; overdue as of " + rp.asOf(),
		c: rp.charts.actions, empty: "No action items in these quarters."}}, contentW, actionsH)

	rp.subheading("By quarter, overdue on "+rp.asOf(), 14)
	rows := make([]trow, 0, len(r.Quarters))
	for _, qq := range r.Quarters {
		s, ok := rp.actionsFor(qq)
		if !ok {
			continue
		}
		md := display.DaysPtr(s.MedianDays)
		row := tr(td(qq), td(display.Count(s.Created)), td(display.Count(s.Completed)), td(display.Rate(s.CompletionRate)),
			td(display.Rate(s.OnTimeRate)), td(md), td(display.Count(s.Overdue)))
		if qq == r.Quarter {
			row.bg = &colPanel
			for i := range row.cells {
				row.cells[i][0].st.bold = true
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		rp.paragraph("No action items were recorded in these quarters.", stBody)
	} else {
		rp.table([]column{
			{title: "Quarter"},
			{title: "Created", w: 22, align: align.Right},
			{title: "Completed", w: 22, align: align.Right},
			{title: "Completion", w: 24, align: align.Right},
			{title: "On time", w: 22, align: align.Right},
			{title: "Median time to complete", w: 30, align: align.Right},
			{title: "Overdue", w: 20, align: align.Right},
		}, rows)
	}
	rp.gap(2)
	if r.OverdueTotal == 0 {
		rp.paragraph("No action item is overdue on "+rp.asOf()+".", stBody)
	} else {
		rp.paragraph(fmt.Sprintf("%s overdue on %s: by owner and priority in the summary, one by one in the appendix (Overdue action items).",
			display.Plural(r.OverdueTotal, "action item", "action items"), rp.asOf()), stBody)
	}
	rp.playbookFollowThrough()
}

// ---- notable incidents ----

// notableMetrics picks up to three durations for the notable-incident table:
// dwell, contain and resolve when defined, else the first definitions.
func (rp *report) notableMetrics() []analytics.MetricDef {
	var out []analytics.MetricDef
	for _, want := range []string{"dwell", "contain", "resolve"} {
		for _, d := range rp.r.Definitions {
			if d.Name == want {
				out = append(out, d)
			}
		}
	}
	for _, d := range rp.r.Definitions {
		if len(out) >= 3 {
			break
		}
		dup := false
		for _, o := range out {
			dup = dup || o.Name == d.Name
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}

func (rp *report) notable() {
	r := rp.r
	q := rp.quarter()
	rp.heading("Notable incidents", fmt.Sprintf("Critical and high severity cases %s in %s. A dash: the case does not count in that metric (a milestone is missing).", rp.cohortVerb(), q))
	if r.NotableTotal == 0 {
		rp.paragraph("No critical or high severity case was "+rp.cohortVerb()+" in "+q+".", stBody)
		return
	}
	ms := rp.notableMetrics()
	cases := r.Notable
	if len(cases) > rp.o.MaxRows {
		cases = cases[:rp.o.MaxRows]
	}
	more := r.NotableTotal - len(cases)
	rows := make([]trow, 0, len(cases))
	for _, c := range cases {
		id := c.CaseID
		if c.Source != "" {
			id += " · " + c.Source
		}
		if c.Status != "" {
			id += " · " + c.Status
		}
		sev := stTD.strong()
		switch strings.ToLower(c.Severity) {
		case "critical":
			sev.color = colBad
		case "high":
			sev.color = colWarn
		}
		cells := []cell{
			{{text: c.Title, st: stTD.strong(), maxLines: 12}, {text: id, st: stSmall, maxLines: 2}},
			tdStyled(c.Severity, sev),
			td(display.Words(c.Category)),
		}
		for _, m := range ms {
			v := display.NoValue
			if h, ok := c.Hours[m.Name]; ok {
				v = display.Duration(h)
			}
			cells = append(cells, td(v))
		}
		cells = append(cells, td(display.OrNoValue(display.Words(c.RootCause))))
		rows = append(rows, tr(cells...))
	}
	cols := []column{
		{title: "Case"},
		{title: "Severity", w: 15},
		{title: "Category", w: 26},
	}
	for _, m := range ms {
		cols = append(cols, column{title: m.Label, w: 16, align: align.Right})
	}
	cols = append(cols, column{title: "Root cause", w: 29})
	rp.table(cols, rows)
	if more > 0 {
		rp.paragraph("and "+display.Count(more)+" more critical or high cases, not listed here.", stSmall)
	}
}

// ---- appendix ----

func (rp *report) appendix() {
	r := rp.r
	q := rp.quarter()
	rp.heading("Appendix", "Definitions, method and data quality behind the numbers in this report.")

	rp.subheading("Metric definitions", 14)
	rows := make([]trow, 0, len(r.Definitions))
	for _, d := range r.Definitions {
		k, _ := rp.kpi(d.Name)
		ex := k.Current.Excluded
		rows = append(rows, tr(
			cell{{text: d.Label, st: stTD.strong()}, {text: d.Name, st: stSmall.with(func(s *style) { s.mono = true })}},
			td(d.Start+" → "+d.End),
			td(display.Count(k.Current.N)),
			td(display.Count(ex.MissingStart)), td(display.Count(ex.MissingEnd)),
			td(display.Count(ex.OutOfOrder)), td(display.Count(ex.ExcludedCase)),
		))
	}
	rp.table([]column{
		{title: "Metric"},
		{title: "Duration (end − start)", w: 40},
		{title: "n", w: 12, align: align.Right},
		{title: "Missing start", w: 17, align: align.Right},
		{title: "Missing end", w: 17, align: align.Right},
		{title: "Out of order", w: 17, align: align.Right},
		{title: "Excluded case", w: 17, align: align.Right},
	}, rows)
	rp.paragraph("n and the exclusions are for "+q+". A case counts in a metric when it is not excluded from metrics, both milestones are present and the end is not before the start; otherwise it is left out and counted under its reason.", stSmall)

	rp.subheading("Method", 10)
	method := []string{
		fmt.Sprintf("Cohort: a case belongs to the quarter in which it was %s, in time zone %s. Action items are overdue when open and past their due date on %s.", rp.cohortVerb(), rp.timeZone(), rp.asOf()),
		"Durations are in hours, shown in days from 48 hours. Median and 90th percentile use linear interpolation; means are not shown because a few long incidents distort them. Fewer than 5 cases in a metric is marked * and too few to conclude.",
		"Changes compare this quarter's median with the previous quarter's and with the same quarter a year earlier; for durations lower is better.",
	}
	for _, s := range method {
		rp.paragraph(s, stBody.with(func(s *style) { s.size = 8.5 }))
		rp.gap(1.2)
	}

	dq := r.DataQuality
	rp.subheading(fmt.Sprintf("Data quality, %s (%s cases)", q, display.Count(dq.Cases)), 14)
	if h := strings.TrimSpace(dq.Headline); h != "" {
		rp.paragraph(h, stBody.with(func(s *style) { s.size = 8.5 }))
		rp.gap(1.5)
	}
	if len(dq.Coverage) > 0 {
		crow := make([]trow, 0, len(dq.Coverage))
		for _, c := range dq.Coverage {
			share := stTD
			if c.Share < 0.8 {
				share.color = colWarn
			}
			crow = append(crow, tr(td(display.MilestoneLabel(c.Milestone)), td(display.Count(c.Present)), tdStyled(display.Share(c.Share), share)))
		}
		rp.table([]column{
			{title: "Milestone"},
			{title: "Cases with it", w: 30, align: align.Right},
			{title: "Share", w: 24, align: align.Right},
		}, crow)
	}
	if len(dq.Findings) > 0 {
		rp.gap(3)
		frow := make([]trow, 0, len(dq.Findings))
		for _, f := range dq.Findings {
			frow = append(frow, tr(
				td(display.FindingLabel(f.Kind)), td(f.Detail), td(display.Count(f.Count)),
				tdStyled(display.JoinCases(f.CaseIDs, f.Count, 12), stSmall.with(func(s *style) { s.color = colInk })),
			))
		}
		rp.table([]column{
			{title: "Finding", w: 44},
			{title: "Detail"},
			{title: "Cases", w: 16, align: align.Right},
			{title: "Case IDs", w: 62},
		}, frow)
	} else {
		rp.paragraph("No data-quality findings.", stBody)
	}

	rp.subheading("Input files", 14)
	if len(r.Inputs) == 0 {
		rp.paragraph("No input files recorded.", stBody)
	} else {
		inputs, more := r.Inputs, 0
		if len(inputs) > rp.o.MaxRows {
			inputs, more = inputs[:rp.o.MaxRows], len(inputs)-rp.o.MaxRows
		}
		irow := make([]trow, 0, len(inputs))
		for _, in := range inputs {
			ing := ""
			if !in.IngestedAt.IsZero() {
				ing = in.IngestedAt.Format("2006-01-02 15:04 MST")
			}
			irow = append(irow, tr(
				cell{{text: in.Path, st: stTD, maxLines: 3}, {text: in.SHA256, st: stSmall.with(func(s *style) { s.mono = true; s.size = 6.5 })}},
				td(in.Format), td(display.Count(in.Records)), td(ing),
			))
		}
		rp.table([]column{
			{title: "File, SHA-256"},
			{title: "Format", w: 22},
			{title: "Records", w: 18, align: align.Right},
			{title: "Ingested", w: 40},
		}, irow)
		if more > 0 {
			rp.paragraph("and "+display.Count(more)+" more files, not listed here.", stSmall)
		}
	}

	rp.subheading("About this report", 10)
	about := []string{}
	gen := "Generated"
	if !r.GeneratedAt.IsZero() {
		gen += " " + r.GeneratedAt.Format("2 January 2006 15:04 MST")
	}
	if v := strings.TrimSpace(r.Version); v != "" {
		gen += " by pir " + v
	}
	about = append(about, gen+". Every number in it can be reproduced with pir metrics --quarter "+q+" --format json on the same database.")
	if m := markingMeaning(rp.marking); m != "" {
		about = append(about, rp.marking+": "+m)
	}
	about = append(about, rp.coverageNotes()...)
	for _, s := range about {
		rp.paragraph(s, stBody.with(func(s *style) { s.size = 8.5 }))
		rp.gap(1.2)
	}
}

// markingMeaning explains a TLP 2.0 label (FIRST) for readers who forward
// the report.
func markingMeaning(m string) string {
	switch strings.ToUpper(strings.TrimSpace(m)) {
	case "TLP:RED":
		return "for the eyes and ears of individual recipients only, no further disclosure (FIRST TLP 2.0)."
	case "TLP:AMBER+STRICT":
		return "limited disclosure, recipients may share it only within their organisation, on a need-to-know basis (FIRST TLP 2.0)."
	case "TLP:AMBER":
		return "limited disclosure, recipients may share it within their organisation and its clients, on a need-to-know basis (FIRST TLP 2.0)."
	case "TLP:GREEN":
		return "limited disclosure, recipients may share it within their community, not publicly (FIRST TLP 2.0)."
	case "TLP:CLEAR", "TLP:WHITE":
		return "disclosure is not limited (FIRST TLP 2.0)."
	}
	return ""
}
