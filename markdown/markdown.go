// Package markdown writes pir's Markdown: one case's blameless post-incident
// review (analytics.Review), for pasting into Confluence or a wiki, and the
// escaping that makes untrusted text literal in Markdown (also used by
// `pir query --format markdown`). The HTML page is charts.Review and the
// PDF pdf.Review; all three follow the same 90-minute agenda with the same
// wording and numbers (analytics.Review's text methods, package display).
package markdown

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// Review writes the review as CommonMark with GitHub tables. Every string
// from the case (titles, lessons, whys, summaries, owners) is escaped, so a
// title such as `<img src=x onerror=alert(1)>` or `[x](javascript:…)` shows
// as text, and invisible characters in it show as their code points.
func Review(w io.Writer, rv *analytics.Review) error {
	if rv == nil {
		return errors.New("review markdown: no review")
	}
	bw := bufio.NewWriter(w)
	m := &md{w: bw}
	m.write(rv)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("review markdown %s: %w", rv.Ref, err)
	}
	return nil
}

type md struct{ w *bufio.Writer }

func (m *md) p(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

func (m *md) write(rv *analytics.Review) {
	m.p("# Post-incident review: %s\n\n", Escape(rv.Ref))
	if rv.Title != "" {
		m.p("**%s**\n\n", Escape(rv.Title))
	}
	if rv.Marking != "" {
		m.p("Marking: **%s**\n\n", Escape(rv.Marking))
	}
	m.p("> %s\n\n", analytics.ReviewBlameless)

	m.p("## Agenda (90 minutes)\n\n")
	for _, a := range rv.Agenda {
		m.p("%d. %s (%d min)\n", a.Number, a.Title, a.Minutes)
	}
	m.p("\n")

	m.p("## 1. Incident summary\n\n%s\n\n", Escape(rv.Lead()))
	m.p("| Fact | Value |\n|---|---|\n")
	for _, f := range rv.Facts() {
		m.p("| %s | %s |\n", f[0], Cell(f[1]))
	}
	m.p("\n")

	m.timeline(rv)
	m.list("3. What worked well", rv.WentWell, "Nothing recorded.")
	m.list("4. What needs improvement", rv.NeedsImprovement, "Nothing recorded.")
	m.rootCause(rv)
	m.actions(rv)
	m.detection(rv)
	m.techniques(rv)

	m.p("---\n\n")
	m.p("_%s_\n", Escape(rv.Footer()))
	if rv.ATTACK.Notice != "" {
		m.p("\n_ATT&CK names from MITRE ATT&CK Enterprise %s. %s_\n", Escape(rv.ATTACK.Version), Escape(rv.ATTACK.Notice))
	}
}

func (m *md) timeline(rv *analytics.Review) {
	m.p("## 2. Timeline walkthrough\n\n")
	if len(rv.Timeline) == 0 {
		m.p("No milestones are recorded.\n\n")
	} else {
		m.p("| Milestone | Time (%s) | Since previous | Since detection |\n|---|---|---|---|\n", Escape(rv.TimeZone))
		for _, t := range rv.Timeline {
			m.p("| %s | %s | %s | %s |\n", t.Label, t.At.Format(analytics.ReviewTimeLayout), Cell(t.AfterPrevious()), Cell(t.AfterDetection()))
		}
		m.p("\n")
	}
	m.p("### Durations compared with %s\n\n", Escape(rv.QuarterName()))
	m.p("| Metric | This case | Quarter median | Quarter p90 | Quarter n | Compared |\n|---|---|---|---|---|---|\n")
	for _, x := range rv.Metrics {
		m.p("| %s | %s | %s | %s | %s | %s |\n", Cell(x.Label), display.DurationPtr(x.Hours), display.DurationPtr(x.Median),
			display.DurationPtr(x.P90), display.Count(x.N), Cell(x.Rank()))
	}
	m.p("\n")
	for _, x := range rv.Metrics {
		m.p("- %s\n", Escape(rv.Comparison(x)))
	}
	m.p("\n")
}

func (m *md) list(title string, items []string, none string) {
	m.p("## %s\n\n", title)
	if len(items) == 0 {
		m.p("%s\n\n", none)
		return
	}
	for _, it := range items {
		m.p("- %s\n", Escape(it))
	}
	m.p("\n")
}

func (m *md) rootCause(rv *analytics.Review) {
	rc := rv.RootCause
	m.p("## 5. Root cause analysis\n\n")
	m.p("**Root-cause category:** %s\n\n", Escape(rv.RootCauseCategory()))
	if rc.Summary != "" {
		m.p("%s\n\n", Escape(rc.Summary))
	}
	if len(rc.Whys) == 0 {
		m.p("No 5 Whys chain is recorded.\n\n")
	} else {
		m.p("The 5 Whys:\n\n")
		for i, why := range rc.Whys {
			m.p("%d. %s\n", i+1, Escape(why))
		}
		m.p("\n")
	}
	m.prompts(rv)
}

// prompts are the facilitator's questions from the root-cause and
// blameless-language checks.
func (m *md) prompts(rv *analytics.Review) {
	if len(rv.Prompts) == 0 {
		return
	}
	m.p("### Facilitator prompts\n\n")
	for _, p := range rv.Prompts {
		m.p("- **%s**: %s  \n  %s\n", Escape(p.Label), Escape(p.Detail), Escape(p.Prompt))
	}
	m.p("\n")
}

func (m *md) actions(rv *analytics.Review) {
	m.p("## 6. Action items\n\n")
	if len(rv.Actions) == 0 {
		m.p("No action items are recorded.\n\n")
		return
	}
	if rv.OverdueActions > 0 {
		m.p("**%s of %s overdue** on %s.\n\n", display.Count(rv.OverdueActions), display.Count(len(rv.Actions)), rv.AsOfDate)
	}
	m.p("| ID | Action | Owner | Priority | Due | Status |\n|---|---|---|---|---|---|\n")
	for _, a := range rv.Actions {
		state := Cell(a.State())
		if a.Overdue {
			state = "**OVERDUE** " + state
		}
		m.p("| %s | %s | %s | %s | %s | %s |\n", Cell(a.ID), Cell(a.Summary), Cell(a.Owner), Cell(a.Priority), Cell(a.Due), state)
	}
	m.p("\n")
}

func (m *md) detection(rv *analytics.Review) {
	m.p("## 7. Playbook and detection updates\n\n")
	if len(rv.Playbooks) > 0 {
		m.p("| Playbook | Change | Owner | Due | Status |\n|---|---|---|---|---|\n")
		for _, p := range rv.Playbooks {
			state := Cell(p.Status)
			if p.Overdue {
				state = "**OVERDUE** " + state
			}
			m.p("| %s | %s | %s | %s | %s |\n", Cell(p.Playbook), Cell(p.Change), Cell(p.Owner), Cell(p.Due), state)
		}
		m.p("\n")
	} else {
		m.p("No playbook updates are recorded.\n\n")
	}
	if len(rv.DetectionRules) == 0 {
		m.p("No detection rules are linked to this case.\n\n")
		return
	}
	m.p("| Rule | Title | ATT&CK techniques |\n|---|---|---|\n")
	for _, r := range rv.DetectionRules {
		m.p("| %s | %s | %s |\n", Cell(r.ID), Cell(r.Title), Cell(r.TechniqueList()))
	}
	m.p("\n")
}

func (m *md) techniques(rv *analytics.Review) {
	m.p("### ATT&CK techniques seen\n\n")
	if len(rv.Techniques) == 0 {
		m.p("No ATT&CK techniques are recorded.\n\n")
		return
	}
	m.p("| ID | Name | Tactics | Note |\n|---|---|---|---|\n")
	for _, t := range rv.Techniques {
		m.p("| %s | %s | %s | %s |\n", Cell(t.ID), Cell(t.Name), Cell(strings.Join(t.Tactics, ", ")), Cell(t.Note(rv.ATTACK.Version)))
	}
	m.p("\n")
}

// Escape makes untrusted text literal in Markdown, wherever it stands (a
// paragraph, a list item, a heading): EscapeInline, and a leading character
// that would start a block (# + - = or "1." / "1)") is backslash-escaped.
func Escape(s string) string {
	out := EscapeInline(s)
	if out == "" {
		return out
	}
	if strings.ContainsRune("#+-=", rune(out[0])) {
		return "\\" + out
	}
	// An ordered-list marker: up to 9 digits followed by "." or ")".
	i := 0
	for i < len(out) && i < 9 && out[i] >= '0' && out[i] <= '9' {
		i++
	}
	if i > 0 && i < len(out) && (out[i] == '.' || out[i] == ')') {
		return out[:i] + "\\" + out[i:]
	}
	return out
}

// EscapeInline makes untrusted text literal inside a line (a table cell):
// whitespace, newlines included, collapses to single spaces so it cannot
// start a block or end a table row; control and format characters (bidi
// overrides, zero-width joiners) show as their code points
// (display.Visible); characters that start inline markup, links or raw HTML
// (\ ` * _ [ ] < > | ~ &) are backslash-escaped.
func EscapeInline(s string) string {
	var b strings.Builder
	space := false
	for _, r := range display.Visible(s) {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if strings.ContainsRune("\\`*_[]<>|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Cell is EscapeInline for a table cell ("–" when empty).
func Cell(s string) string {
	if e := EscapeInline(s); e != "" {
		return e
	}
	return display.NoValue
}
