// Package confluence writes one case's blameless post-incident review
// (analytics.Review) as a Confluence page body in the storage format, the
// XHTML-based format that Confluence Cloud's and Data Center's REST API
// take as `body.storage.value` (representation "storage") and that the
// editor's "Insert markup" accepts. It follows the same 90-minute agenda,
// wording and numbers as the Markdown, HTML and PDF review packs.
//
// Only elements that Atlassian's "Confluence Storage Format" page lists are
// written: h1–h3, p, strong, em, ul/ol/li, table/tbody/tr/th/td, hr, and
// the structured macros "status" (a coloured lozenge: OVERDUE, DONE) and
// "info"/"note" (panels) with their ac:parameter and ac:rich-text-body.
// Every string from the case is escaped as XML text; characters that draw
// nothing show as their code points (display.Visible), and characters XML
// 1.0 cannot hold are replaced, so the page body is always well-formed.
package confluence

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// Status lozenge colours, as the status macro's "colour" parameter names
// them.
const (
	colourGrey   = "Grey"
	colourRed    = "Red"
	colourYellow = "Yellow"
	colourGreen  = "Green"
)

// Review writes the review as a Confluence storage-format page body (a
// fragment: no XML declaration, no root element, as the REST API expects).
func Review(w io.Writer, rv *analytics.Review) error {
	if rv == nil {
		return errors.New("review confluence: no review")
	}
	bw := bufio.NewWriter(w)
	p := &page{w: bw}
	p.write(rv)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("review confluence %s: %w", rv.Ref, err)
	}
	return nil
}

type page struct{ w *bufio.Writer }

// raw writes markup pir wrote itself (never text from a case).
func (p *page) raw(s string) { p.w.WriteString(s) }

// text writes untrusted text, escaped.
func (p *page) text(s string) { p.w.WriteString(Escape(s)) }

// el writes <tag>escaped text</tag>.
func (p *page) el(tag, s string) {
	p.raw("<" + tag + ">")
	p.text(s)
	p.raw("</" + tag + ">")
	if blocks[tag] {
		p.raw("\n")
	}
}

// blocks are the elements after which the page body breaks the line (for
// people and diffs; Confluence ignores whitespace between blocks).
var blocks = map[string]bool{"h1": true, "h2": true, "h3": true, "p": true, "li": true}

// cell writes a table cell, "–" when empty.
func (p *page) cell(s string) {
	if strings.TrimSpace(s) == "" {
		s = display.NoValue
	}
	p.el("td", s)
}

func (p *page) header(cols ...string) {
	p.raw("<table><tbody>\n<tr>")
	for _, c := range cols {
		p.el("th", c)
	}
	p.raw("</tr>\n")
}

// status writes a status macro (a lozenge) with an escaped title.
func (p *page) status(colour, title string) {
	p.raw(`<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">` + colour +
		`</ac:parameter><ac:parameter ac:name="title">`)
	p.text(title)
	p.raw(`</ac:parameter></ac:structured-macro>`)
}

// panel writes an info or note macro holding one escaped paragraph.
func (p *page) panel(name, s string) {
	p.raw(`<ac:structured-macro ac:name="` + name + `"><ac:rich-text-body>`)
	p.raw("<p>")
	p.text(s)
	p.raw("</p></ac:rich-text-body></ac:structured-macro>\n")
}

func (p *page) write(rv *analytics.Review) {
	p.el("h1", "Post-incident review: "+rv.Ref)
	if rv.Title != "" {
		p.raw("<p><strong>")
		p.text(rv.Title)
		p.raw("</strong></p>\n")
	}
	if rv.Marking != "" {
		p.raw("<p>Marking: ")
		p.status(colourGrey, rv.Marking)
		p.raw("</p>\n")
	}
	p.panel("info", analytics.ReviewBlameless)

	p.el("h2", "Agenda (90 minutes)")
	p.raw("<ol>\n")
	for _, a := range rv.Agenda {
		p.el("li", fmt.Sprintf("%s (%d min)", a.Title, a.Minutes))
	}
	p.raw("</ol>\n")

	p.el("h2", "1. Incident summary")
	p.el("p", rv.Lead())
	p.header("Fact", "Value")
	for _, f := range rv.Facts() {
		p.raw("<tr>")
		p.cell(f[0])
		p.cell(f[1])
		p.raw("</tr>\n")
	}
	p.raw("</tbody></table>\n")

	p.timeline(rv)
	p.list("3. What worked well", rv.WentWell, "Nothing recorded.")
	p.list("4. What needs improvement", rv.NeedsImprovement, "Nothing recorded.")
	p.rootCause(rv)
	p.actions(rv)
	p.detection(rv)
	p.techniques(rv)

	p.raw("<hr />\n")
	p.raw("<p><em>")
	p.text(rv.Footer())
	p.raw("</em></p>\n")
	if rv.ATTACK.Notice != "" {
		p.raw("<p><em>")
		p.text("ATT&CK names from MITRE ATT&CK Enterprise " + rv.ATTACK.Version + ". " + rv.ATTACK.Notice)
		p.raw("</em></p>\n")
	}
}

func (p *page) timeline(rv *analytics.Review) {
	p.el("h2", "2. Timeline walkthrough")
	if len(rv.Timeline) == 0 {
		p.el("p", "No milestones are recorded.")
	} else {
		p.header("Milestone", "Time ("+rv.TimeZone+")", "Since previous", "Since detection")
		for _, t := range rv.Timeline {
			p.raw("<tr>")
			p.cell(t.Label)
			p.cell(t.At.Format(analytics.ReviewTimeLayout))
			p.cell(t.AfterPrevious())
			p.cell(t.AfterDetection())
			p.raw("</tr>\n")
		}
		p.raw("</tbody></table>\n")
	}
	p.el("h3", "Durations compared with "+rv.QuarterName())
	p.header("Metric", "This case", "Quarter median", "Quarter p90", "Quarter n", "Compared")
	for _, x := range rv.Metrics {
		p.raw("<tr>")
		p.cell(x.Label)
		p.cell(display.DurationPtr(x.Hours))
		p.cell(display.DurationPtr(x.Median))
		p.cell(display.DurationPtr(x.P90))
		p.cell(display.Count(x.N))
		p.cell(x.Rank())
		p.raw("</tr>\n")
	}
	p.raw("</tbody></table>\n")
	if len(rv.Metrics) > 0 {
		p.raw("<ul>\n")
		for _, x := range rv.Metrics {
			p.el("li", rv.Comparison(x))
		}
		p.raw("</ul>\n")
	}
}

func (p *page) list(title string, items []string, none string) {
	p.el("h2", title)
	if len(items) == 0 {
		p.el("p", none)
		return
	}
	p.raw("<ul>\n")
	for _, it := range items {
		p.el("li", it)
	}
	p.raw("</ul>\n")
}

func (p *page) rootCause(rv *analytics.Review) {
	rc := rv.RootCause
	p.el("h2", "5. Root cause analysis")
	p.raw("<p><strong>Root-cause category:</strong> ")
	p.text(rv.RootCauseCategory())
	p.raw("</p>\n")
	if rc.Summary != "" {
		p.el("p", rc.Summary)
	}
	if len(rc.Whys) == 0 {
		p.el("p", "No 5 Whys chain is recorded.")
		return
	}
	p.el("p", "The 5 Whys:")
	p.raw("<ol>\n")
	for _, why := range rc.Whys {
		p.el("li", why)
	}
	p.raw("</ol>\n")
	p.prompts(rv)
}

// prompts writes the facilitator prompts of the root-cause and blameless
// checks in a Note panel, each finding as a yellow status lozenge.
func (p *page) prompts(rv *analytics.Review) {
	if len(rv.Prompts) == 0 {
		return
	}
	p.el("h3", "Facilitator prompts")
	p.raw(`<ac:structured-macro ac:name="note"><ac:rich-text-body>` + "\n<ul>\n")
	for _, q := range rv.Prompts {
		p.raw("<li>")
		p.status(colourYellow, q.Label)
		p.raw(" ")
		p.text(q.Detail)
		p.raw(": ")
		p.text(q.Prompt)
		p.raw("</li>\n")
	}
	p.raw("</ul>\n</ac:rich-text-body></ac:structured-macro>\n")
}

func (p *page) actions(rv *analytics.Review) {
	p.el("h2", "6. Action items")
	if len(rv.Actions) == 0 {
		p.el("p", "No action items are recorded.")
		return
	}
	if rv.OverdueActions > 0 {
		p.raw("<p><strong>")
		p.text(fmt.Sprintf("%s of %s overdue", display.Count(rv.OverdueActions), display.Count(len(rv.Actions))))
		p.raw("</strong> on ")
		p.text(rv.AsOfDate)
		p.raw(".</p>\n")
	}
	p.header("ID", "Action", "Owner", "Priority", "Due", "Status")
	for _, a := range rv.Actions {
		p.raw("<tr>")
		p.cell(a.ID)
		p.cell(a.Summary)
		p.cell(a.Owner)
		p.cell(a.Priority)
		p.cell(a.Due)
		p.raw("<td>")
		switch {
		case a.Overdue:
			p.status(colourRed, "Overdue")
			p.raw(" ")
		case a.Done:
			p.status(colourGreen, "Done")
			p.raw(" ")
		}
		p.text(a.State())
		p.raw("</td></tr>\n")
	}
	p.raw("</tbody></table>\n")
}

func (p *page) detection(rv *analytics.Review) {
	p.el("h2", "7. Playbook and detection updates")
	if len(rv.Playbooks) == 0 {
		p.el("p", "No playbook updates are recorded.")
	} else {
		p.header("Playbook", "Change", "Owner", "Due", "Status")
		for _, u := range rv.Playbooks {
			p.raw("<tr>")
			p.cell(u.Playbook)
			p.cell(u.Change)
			p.cell(u.Owner)
			p.cell(u.Due)
			p.raw("<td>")
			if u.Overdue {
				p.status(colourRed, "Overdue")
				p.raw(" ")
			}
			p.text(u.Status)
			p.raw("</td></tr>\n")
		}
		p.raw("</tbody></table>\n")
	}
	if len(rv.DetectionRules) == 0 {
		p.el("p", "No detection rules are linked to this case.")
		return
	}
	p.header("Rule", "Title", "ATT&CK techniques")
	for _, r := range rv.DetectionRules {
		p.raw("<tr>")
		p.cell(r.ID)
		p.cell(r.Title)
		p.cell(r.TechniqueList())
		p.raw("</tr>\n")
	}
	p.raw("</tbody></table>\n")
}

func (p *page) techniques(rv *analytics.Review) {
	p.el("h3", "ATT&CK techniques seen")
	if len(rv.Techniques) == 0 {
		p.el("p", "No ATT&CK techniques are recorded.")
		return
	}
	p.header("ID", "Name", "Tactics", "Note")
	for _, t := range rv.Techniques {
		p.raw("<tr>")
		p.cell(t.ID)
		p.cell(t.Name)
		p.cell(strings.Join(t.Tactics, ", "))
		p.cell(t.Note(rv.ATTACK.Version))
		p.raw("</tr>\n")
	}
	p.raw("</tbody></table>\n")
}

// Escape makes untrusted text literal XML character data (also safe in an
// attribute value): & < > " ' become entities; characters that draw
// nothing show as their code points (display.Visible); a character that
// XML 1.0 cannot hold at all (C0 controls other than tab, line feed and
// carriage return — also as entities —, U+FFFE, U+FFFF, lone surrogates,
// invalid UTF-8) becomes U+FFFD, so no case text can end the element, open
// a macro or make the page body ill-formed.
func Escape(s string) string {
	var b strings.Builder
	// xml.EscapeText writes to a Writer; a strings.Builder never fails.
	_ = xml.EscapeText(&b, []byte(display.Visible(s)))
	return b.String()
}
