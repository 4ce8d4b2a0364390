package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/core"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// Review writes one case's blameless post-incident review (A4 portrait) in
// the quarterly report's styling: the same fonts, colours, tables, header
// and footer with the marking and "Page N of M". It follows the review's
// 90-minute agenda and lays out what analytics computed.
func Review(w io.Writer, rv *analytics.Review, o Options) error {
	if rv == nil {
		return errors.New("pdf review: no review")
	}
	b, err := renderReview(rv, o)
	if err != nil {
		return fmt.Errorf("pdf review %s: %w", rv.Ref, err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("pdf review %s: write: %w", rv.Ref, err)
	}
	return nil
}

// reviewDoc is one review rendering. It reuses the report's layout helpers
// (panel, tiles, badge) through a report value with no report model.
type reviewDoc struct {
	rv *analytics.Review
	*report
}

func renderReview(rv *analytics.Review, o Options) ([]byte, error) {
	rv = display.VisibleCopy(rv) // every string, once (see render)
	o.Organisation, o.Marking = display.Visible(o.Organisation), display.Visible(o.Marking)
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	cf, err := customFonts()
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	rp := &report{r: &analytics.Report{}, o: o}
	rp.org = clean(firstNonEmpty(o.Organisation, rv.Organisation), fs.bold, 200)
	rp.marking = clean(firstNonEmpty(o.Marking, rv.Marking, DefaultMarking), fs.bold, 60)
	ref := clean(rv.Ref, fs.regular, 80)

	b := newBuilder(cf, docMeta{
		title:   "Post-incident review " + ref,
		subject: "Blameless post-incident review",
		creator: "pir " + clean(rv.Version, fs.regular, 60),
		marking: rp.marking, author: rp.org, created: rv.GeneratedAt,
	})
	m := maroto.New(b.Build())
	rp.doc = &doc{m: m, fs: fs, cellH: pageH - marginTop - marginBottom, pages: 1}
	d := &reviewDoc{rv: rv, report: rp}

	footer := d.reviewFooter()
	header := d.reviewHeader(ref)
	if err := m.RegisterFooter(footer...); err != nil {
		return nil, fmt.Errorf("footer: %w", err)
	}
	if err := m.RegisterHeader(header...); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	rp.headerH = rowsHeight(header)
	rp.footerH = rowsHeight(footer)
	rp.cur = rp.headerH

	d.title(ref)
	d.summary()
	d.timeline()
	d.bullets("3. What worked well", rv.WentWell, "Nothing recorded.")
	d.bullets("4. What needs improvement", rv.NeedsImprovement, "Nothing recorded.")
	d.rootCause()
	d.actions()
	d.detection()
	d.provenance()

	out, err := m.Generate()
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	return out.GetBytes(), nil
}

// reviewHeader is the band on every page: the document and case on the
// left, the marking on the right.
func (d *reviewDoc) reviewHeader(ref string) []core.Row {
	const h = 6.5
	st := stSmall.with(func(s *style) { s.color = colMuted })
	bu := units(d.fs.bold.measure(d.marking, 7.5) + 5)
	left := "Post-incident review · " + ref
	if d.org != "" {
		left = d.org + " · " + left
	}
	left = fit(left, d.fs.regular, st.size, mm(grid-bu)-4)
	top := (h - st.fontH()*1.2) / 2
	return []core.Row{
		newRow(h, col.New(grid-bu).Add(text.New(left, st.textProp(top))), d.badge(bu, h)),
		newRow(4, d.ruleCol(colRule, 0.3, 40)),
	}
}

// reviewFooter repeats the marking with the generation date and version.
func (d *reviewDoc) reviewFooter() []core.Row {
	const h = 6.5
	st := stSmall
	bu := units(d.fs.bold.measure(d.marking, 7.5) + 5)
	parts := []string{"Blameless review"}
	if !d.rv.GeneratedAt.IsZero() {
		parts = append(parts, "generated "+d.rv.GeneratedAt.Format("2 January 2006 15:04 MST"))
	}
	if v := clean(d.rv.Version, d.fs.regular, 40); v != "" {
		parts = append(parts, "pir "+v)
	}
	left := fit(strings.Join(parts, " · "), d.fs.regular, st.size, mm(grid-bu)-4)
	top := (h - st.fontH()*1.2) / 2
	return []core.Row{
		newRow(2.5, d.ruleCol(colRule, 0.3, 0)),
		newRow(h, col.New(grid-bu).Add(text.New(left, st.textProp(top))), d.badge(bu, h)),
	}
}

// section starts an agenda section: a heading kept with keep millimetres
// of what follows, and a thin accent rule.
func (d *reviewDoc) section(title string, keep float64) {
	d.subheading(title, keep+3)
	d.rule(colAccent, 0.4, 2.2)
}

func (d *reviewDoc) title(ref string) {
	rv := d.rv
	if d.org != "" {
		d.paragraph(d.org, style{size: 10, bold: true, color: colAccent})
		d.gap(1)
	}
	d.paragraph("Post-incident review "+ref, style{size: 21, bold: true, color: colInk})
	if rv.Title != "" {
		d.gap(1)
		d.paragraph(clean(rv.Title, d.fs.bold, 600), style{size: 12, bold: true, color: colAccent})
	}
	d.gap(1.5)
	meta := []string{}
	if !rv.GeneratedAt.IsZero() {
		meta = append(meta, "generated "+rv.GeneratedAt.Format("2 January 2006"))
	}
	meta = append(meta, "times in "+rv.TimeZone, d.marking)
	d.paragraph(strings.Join(meta, " · "), stSmall.with(func(s *style) { s.size = 8.5 }))
	d.gap(4)
	d.panel([]string{analytics.ReviewBlameless})
	d.gap(4)

	d.subheading("Agenda (90 minutes)", 20)
	rows := make([]trow, 0, len(rv.Agenda))
	for _, a := range rv.Agenda {
		rows = append(rows, tr(td(fmt.Sprintf("%d.", a.Number)), td(a.Title), td(fmt.Sprintf("%d min", a.Minutes))))
	}
	d.table([]column{{title: "#", w: 10}, {title: "Part"}, {title: "Time box", w: 24, align: align.Right}}, rows)
}

func (d *reviewDoc) summary() {
	rv := d.rv
	d.section("1. Incident summary", 30)
	d.paragraph(rv.Lead(), stBody)
	d.gap(2)
	od := tile{value: display.Count(rv.OverdueActions), label: "action items overdue on " + rv.AsOfDate, color: colAccent}
	if rv.OverdueActions > 0 {
		od.color = colBad
	}
	d.tiles([]tile{
		{value: display.OrNoValue(rv.Severity), label: "severity", color: colAccent},
		{value: display.OrNoValue(rv.Status), label: "status", color: colAccent},
		{value: display.Count(len(rv.Techniques)), label: "ATT&CK techniques", color: colAccent},
		od,
	})
	d.gap(2)
	rows := []trow{}
	for _, f := range rv.Facts() {
		rows = append(rows, tr(tdStyled(f[0], stTD.strong()), td(f[1])))
	}
	d.table([]column{{title: "Fact", w: 42}, {title: "Value"}}, rows)
}

func (d *reviewDoc) timeline() {
	rv := d.rv
	d.section("2. Timeline walkthrough", 30)
	if len(rv.Timeline) == 0 {
		d.paragraph("No milestones are recorded.", stBody)
	} else {
		rows := make([]trow, 0, len(rv.Timeline))
		for _, t := range rv.Timeline {
			since := td(t.AfterPrevious())
			if t.OutOfOrder {
				since = tdStyled(t.AfterPrevious(), stTD.with(func(s *style) { s.color = colWarn; s.bold = true }))
			}
			rows = append(rows, tr(tdStyled(t.Label, stTD.strong()), td(t.At.Format(analytics.ReviewTimeLayout)), since, td(t.AfterDetection())))
		}
		d.table([]column{
			{title: "Milestone", w: 28},
			{title: "Time (" + rv.TimeZone + ")", w: 44},
			{title: "Since previous"},
			{title: "Since detection", w: 28, align: align.Right},
		}, rows)
	}

	d.subheading("Durations compared with "+rv.QuarterName(), 20)
	rows := make([]trow, 0, len(rv.Metrics))
	for _, x := range rv.Metrics {
		rank := td(display.OrNoValue(x.Rank()))
		if x.Hours != nil && x.Shorter > x.Longer {
			rank = tdStyled(x.Rank(), stTD.with(func(s *style) { s.color = colBad }))
		}
		rows = append(rows, tr(tdStyled(x.Label, stTD.strong()), td(display.DurationPtr(x.Hours)), td(display.DurationPtr(x.Median)),
			td(display.DurationPtr(x.P90)), td(display.Count(x.N)), rank))
	}
	d.table([]column{
		{title: "Metric"},
		{title: "This case", w: 22, align: align.Right},
		{title: "Quarter median", w: 24, align: align.Right},
		{title: "Quarter p90", w: 22, align: align.Right},
		{title: "n", w: 12, align: align.Right},
		{title: "Compared", w: 32},
	}, rows)
	d.gap(2)
	sentences := make([]string, 0, len(rv.Metrics))
	for _, x := range rv.Metrics {
		sentences = append(sentences, rv.Comparison(x))
	}
	if len(sentences) > 0 {
		d.panel(sentences)
	}
}

// bullets is a titled list of free-text items, each wrapped under its
// bullet.
func (d *reviewDoc) bullets(title string, items []string, none string) {
	d.section(title, 12)
	if len(items) == 0 {
		d.paragraph(none, stBody.with(func(s *style) { s.color = colMuted }))
		return
	}
	for i, it := range items {
		d.item("•", it, i == len(items)-1)
	}
}

// item sets one list item: a marker and its text wrapped beside it.
func (d *reviewDoc) item(marker, s string, last bool) {
	const markW = 7.0
	mu := units(markW)
	b := d.layout([]part{{text: s, st: stBody, maxLines: 12}}, mm(grid-mu), 0, 0.6)
	h := b.h
	if last {
		h += 1
	}
	mp := stBody.textProp(0.6)
	mp.Color = &colAccent
	mp.Align = align.Right
	mp.Right = 2
	d.add(h, col.New(mu).Add(text.New(marker, mp)), b.col(grid-mu, 0, 0.6, nil))
}

func (d *reviewDoc) rootCause() {
	rc := d.rv.RootCause
	d.section("5. Root cause analysis", 20)
	d.paragraph("Root-cause category: "+d.rv.RootCauseCategory(), stBody.strong())
	if rc.Summary != "" {
		d.gap(1)
		d.paragraph(rc.Summary, stBody)
	}
	d.gap(2)
	if len(rc.Whys) == 0 {
		d.paragraph("No 5 Whys chain is recorded.", stBody.with(func(s *style) { s.color = colMuted }))
		d.prompts()
		return
	}
	d.paragraph("The 5 Whys", stCaption)
	d.gap(1)
	for i, why := range rc.Whys {
		d.item(fmt.Sprintf("%d.", i+1), why, i == len(rc.Whys)-1)
	}
	d.prompts()
}

// prompts are the facilitator's questions from the root-cause and
// blameless-language checks, set apart in the warning colour.
func (d *reviewDoc) prompts() {
	ps := d.rv.Prompts
	if len(ps) == 0 {
		return
	}
	d.subheading("Facilitator prompts", 14)
	for i, p := range ps {
		d.item("?", p.Label+": "+p.Detail+" — "+p.Prompt, i == len(ps)-1)
	}
}

func (d *reviewDoc) actions() {
	rv := d.rv
	d.section("6. Action items", 20)
	if len(rv.Actions) == 0 {
		d.paragraph("No action items are recorded.", stBody.with(func(s *style) { s.color = colMuted }))
		return
	}
	if rv.OverdueActions > 0 {
		d.paragraph(fmt.Sprintf("%s of %s overdue on %s.", display.Count(rv.OverdueActions), display.Count(len(rv.Actions)), rv.AsOfDate), stBody.alarm())
		d.gap(1)
	}
	rows := make([]trow, 0, len(rv.Actions))
	for _, a := range rv.Actions {
		state := td(a.State())
		if a.Overdue {
			state = tdStyled("OVERDUE · "+a.State(), stTD.alarm())
		}
		rows = append(rows, tr(td(a.ID), td(a.Summary), td(display.OrNoValue(a.Owner)), td(display.OrNoValue(a.Priority)), td(display.OrNoValue(a.Due)), state))
	}
	d.table([]column{
		{title: "ID", w: 14},
		{title: "Action"},
		{title: "Owner", w: 30},
		{title: "Priority", w: 15},
		{title: "Due", w: 23},
		{title: "Status", w: 34},
	}, rows)
}

func (d *reviewDoc) detection() {
	rv := d.rv
	d.section("7. Playbook and detection updates", 20)
	if len(rv.Playbooks) == 0 {
		d.paragraph("No playbook updates are recorded.", stBody.with(func(s *style) { s.color = colMuted }))
	} else {
		rows := make([]trow, 0, len(rv.Playbooks))
		for _, p := range rv.Playbooks {
			state := td(p.Status)
			if p.Overdue {
				state = tdStyled("OVERDUE · "+p.Status, stTD.alarm())
			}
			rows = append(rows, tr(td(p.Playbook), td(display.OrNoValue(p.Change)), td(display.OrNoValue(p.Owner)), td(display.OrNoValue(p.Due)), state))
		}
		d.table([]column{{title: "Playbook", w: 34}, {title: "Change"}, {title: "Owner", w: 30}, {title: "Due", w: 23}, {title: "Status", w: 30}}, rows)
		d.gap(3)
	}
	if len(rv.DetectionRules) == 0 {
		d.paragraph("No detection rules are linked to this case.", stBody.with(func(s *style) { s.color = colMuted }))
	} else {
		rows := make([]trow, 0, len(rv.DetectionRules))
		for _, r := range rv.DetectionRules {
			rows = append(rows, tr(tdStyled(r.ID, stTD.with(func(s *style) { s.mono = true; s.size = 7.5 })), td(display.OrNoValue(r.Title)), td(display.OrNoValue(r.TechniqueList()))))
		}
		d.table([]column{{title: "Rule", w: 52}, {title: "Title"}, {title: "ATT&CK techniques", w: 58}}, rows)
	}
	d.subheading("ATT&CK techniques seen", 14)
	if len(rv.Techniques) == 0 {
		d.paragraph("No ATT&CK techniques are recorded.", stBody.with(func(s *style) { s.color = colMuted }))
		return
	}
	rows := make([]trow, 0, len(rv.Techniques))
	for _, t := range rv.Techniques {
		rows = append(rows, tr(tdStyled(t.ID, stTD.strong()), td(display.OrNoValue(t.Name)), td(display.OrNoValue(strings.Join(t.Tactics, ", "))), td(t.Note(rv.ATTACK.Version))))
	}
	d.table([]column{{title: "ID", w: 20}, {title: "Name"}, {title: "Tactics", w: 44}, {title: "Note", w: 40}}, rows)
}

func (d *reviewDoc) provenance() {
	rv := d.rv
	d.gap(6)
	d.rule(colRule, 0.3, 2)
	d.paragraph(rv.Footer(), stSmall)
	if rv.ATTACK.Notice != "" {
		d.paragraph("ATT&CK names from MITRE ATT&CK Enterprise "+rv.ATTACK.Version+". "+rv.ATTACK.Notice, stSmall)
	}
}
