package confluence

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// Lessons writes the quarterly report's "What we keep learning" section as
// a Confluence storage-format page body: the needs-improvement lessons that
// keep coming back (with their counts, the previous quarter's, how many
// quarters they were seen in and since when), what went well, the quality
// of the root-cause chains and whether the reviews were held — the same
// figures as the PDF and the dashboard, for the team's lessons-learned
// space.
func Lessons(w io.Writer, r *analytics.Report) error {
	if r == nil {
		return errors.New("lessons confluence: no report")
	}
	bw := bufio.NewWriter(w)
	p := &page{w: bw}
	p.lessons(r)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("lessons confluence %s: %w", r.Quarter, err)
	}
	return nil
}

func (p *page) lessons(r *analytics.Report) {
	p.el("h1", "What we keep learning, "+r.Quarter)
	intro := "The lessons of the post-incident reviews of the cases in " + r.Quarter + ", grouped by theme (or by text when no theme is given)."
	if r.Organisation != "" {
		intro = r.Organisation + ": t" + intro[1:]
	}
	p.el("p", intro)
	if r.Marking != "" {
		p.raw("<p>Marking: ")
		p.status(colourGrey, r.Marking)
		p.raw("</p>\n")
	}
	l := r.Learning
	if l == nil {
		p.el("p", "No lessons are recorded for this quarter.")
		return
	}
	p.el("h2", "Needs improvement")
	p.lessonTable(l.NeedsImprovement, "No lesson to improve is recorded.")
	p.el("h2", "What went well")
	p.lessonTable(l.WentWell, "Nothing recorded.")

	p.el("h2", "Root-cause quality")
	if len(l.RootCauseQuality) == 0 {
		p.el("p", "No root cause is recorded.")
	} else {
		p.el("p", fmt.Sprintf("Shallow: fewer than %d whys. Ends at a person: the last why names a person or role (ask why the system let it happen). Blame language: words such as careless or should have.", l.MinWhys))
		p.header("Quarter", "Root causes", "Shallow", "Ends at a person", "Blame language")
		for _, q := range l.RootCauseQuality {
			p.raw("<tr>")
			p.cell(q.Quarter)
			p.cell(display.Count(q.RootCauses))
			p.cell(display.Count(q.Shallow))
			p.cell(display.Count(q.EndsAtPerson))
			p.cell(display.Count(q.BlameLanguage))
			p.raw("</tr>\n")
		}
		p.raw("</tbody></table>\n")
	}

	p.el("h2", "Were the reviews held?")
	if len(l.Reviews) == 0 {
		p.el("p", "No closed case to review.")
		return
	}
	p.el("p", fmt.Sprintf("Closed cases of the quarter (exercises excluded) and those whose review was held, within %s days of closure or later.", display.Number(l.ReviewWithinDays)))
	p.header("Quarter", "Closed cases", "Reviewed", "Within target", "Median days to review")
	for _, q := range l.Reviews {
		p.raw("<tr>")
		p.cell(q.Quarter)
		p.cell(display.Count(q.ClosedCases))
		p.cell(display.Count(q.Reviewed))
		p.cell(display.Count(q.WithinTarget))
		p.cell(daysPtr(q.MedianDays))
		p.raw("</tr>\n")
	}
	p.raw("</tbody></table>\n")
}

func daysPtr(d *float64) string {
	if d == nil {
		return display.NoValue
	}
	return display.Number(*d)
}

func (p *page) lessonTable(ls []analytics.Lesson, none string) {
	if len(ls) == 0 {
		p.el("p", none)
		return
	}
	p.header("Lesson", "As written", "Cases", "Previous quarter", "Quarters seen", "First seen", "Cases (IDs)")
	for _, l := range ls {
		p.raw("<tr><td>")
		if l.Themed {
			p.raw("<strong>")
			p.text(l.Lesson)
			p.raw("</strong>")
		} else {
			p.text(l.Lesson)
		}
		p.raw("</td>")
		p.cell(strings.Join(l.Texts, " · "))
		p.cell(display.Count(l.Cases))
		p.cell(display.Count(l.Previous))
		p.cell(display.Count(l.Quarters))
		p.cell(l.Since)
		p.cell(strings.Join(l.CaseIDs, ", "))
		p.raw("</tr>\n")
	}
	p.raw("</tbody></table>\n")
}
