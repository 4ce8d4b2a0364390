package pdf

import (
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// pageFill is how far down its body each page of the PDF is drawn, 0 (only
// the running header) to 1 (down to the footer): the lowest row with ink,
// text or chart, between the header band and the footer band.
func pageFill(t *testing.T, path string) []float64 {
	t.Helper()
	dir := t.TempDir()
	run(t, "pdftoppm", "-r", "20", "-png", path, filepath.Join(dir, "p"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	fills := make([]float64, len(pngs))
	for i := range pngs {
		// pdftoppm pads the page number to the width of the page count.
		f, err := os.Open(pngs[i])
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		perMM := float64(b.Dy()) / pageH
		top, bottom := b.Min.Y+int(22*perMM), b.Max.Y-int(32*perMM)
		lowest := top
		for y := top; y < bottom; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r < 0xd000 || g < 0xd000 || bl < 0xd000 {
					lowest = y
					break
				}
			}
		}
		fills[i] = float64(lowest-top) / float64(bottom-top)
	}
	return fills
}

// TestPdfNoSparsePage: a section follows the previous one on the same page
// when its heading and first content fit, and a table never leaves its
// last rows alone on a page, so no page but the last is mostly empty. On
// the sample the old layout had a page with the case-volume chart alone
// (drawn to 21 % of the page) and pages with the last rows of a table
// (15 %, 31 %); now every page is drawn to at least 70 %.
func TestPdfNoSparsePage(t *testing.T) {
	for name, r := range map[string]*analytics.Report{"Fixture": fixture(), "Sample": sampleReport(t)} {
		t.Run(name, func(t *testing.T) {
			fills := pageFill(t, renderFile(t, r, Options{}))
			if len(fills) < 2 {
				t.Fatalf("got %d pages, want several", len(fills))
			}
			for i, f := range fills[:len(fills)-1] {
				if f < 0.5 {
					t.Errorf("page %d of %d: drawn to %.0f%% of its height, want at least 50%% (only the last page may be short)", i+1, len(fills), 100*f)
				}
			}
		})
	}
}

// section is the raw text from the heading start up to the first of ends
// after it ("" when start is missing).
func section(text, start string, ends ...string) string {
	i := strings.Index(text, start)
	if i < 0 {
		return ""
	}
	s := text[i+len(start):]
	for _, e := range ends {
		if j := strings.Index(s, e); j >= 0 {
			s = s[:j]
		}
	}
	return s
}

// TestPdfOverdueListInAppendix: the individual overdue items are listed in
// the last appendix, with the as-of date; the action-item section keeps
// the counts and points there, page 1/2 keeps the roll-up by owner.
func TestPdfOverdueListInAppendix(t *testing.T) {
	r := sampleReport(t)
	if r.OverdueTotal == 0 || len(r.Overdue) == 0 {
		t.Fatal("the sample has no overdue items to check")
	}
	raw := words(run(t, "pdftotext", "-raw", renderFile(t, r, Options{}), "-"))
	asOf := (&report{r: r}).asOf()
	head := "Appendix: overdue action items (" + display.Count(r.OverdueTotal) + ")"
	app := section(raw, head)
	if app == "" {
		t.Fatalf("no %q in the PDF", head)
	}
	if strings.Index(raw, head) < strings.Index(raw, "About this report") {
		t.Error("the overdue list comes before the end of the appendix")
	}
	if !strings.Contains(app, "past their due date on "+asOf) {
		t.Errorf("overdue appendix: no as-of date %q", asOf)
	}
	actions := section(raw, "Corrective actions from post-incident reviews", "Notable incidents")
	if actions == "" {
		t.Fatal("no action-item section")
	}
	want := display.Plural(r.OverdueTotal, "action item", "action items") + " overdue on " + asOf
	if !strings.Contains(actions, want) {
		t.Errorf("action-item section: no %q", want)
	}
	for _, it := range r.Overdue[:min(5, len(r.Overdue))] {
		if !strings.Contains(app, it.CaseID) || !strings.Contains(app, display.DayCount(it.DaysOverdue)) {
			t.Errorf("overdue appendix: no row for %s (%s overdue)", it.CaseID, display.DayCount(it.DaysOverdue))
		}
		if strings.Contains(actions, it.Due+" "+display.DayCount(it.DaysOverdue)) {
			t.Errorf("action-item section still lists the item of %s due %s", it.CaseID, it.Due)
		}
	}
	if strings.Contains(actions, "Overdue action items (") {
		t.Error("action-item section still has the individual overdue list")
	}
	if !strings.Contains(section(raw, "Key metrics", "Trends"), "Overdue on "+asOf+", by owner and priority") {
		t.Error("page 1/2: no roll-up by owner and priority")
	}
}

// duration is a formatted duration in a table cell: "41.0 h", "0.45–6.3 d",
// "> 85.0 d".
var duration = regexp.MustCompile(`(\d[\d.,]*)(?:–[\d.,]+)? (h|d)\b`)

// TestPdfStatisticsOneUnitPerRow: in the "Open cases and confidence" table
// the completed-only median, its interval and the median that counts open
// cases of one metric share one unit (before: "41.0 h" beside
// "0.45–6.3 d").
func TestPdfStatisticsOneUnitPerRow(t *testing.T) {
	r := sampleReport(t)
	layout := run(t, "pdftotext", "-layout", renderFile(t, r, Options{}), "-")
	table := section(layout, "Open cases and confidence", "Counting the", "No case of")
	mixed := false
	for _, k := range r.KPIs {
		line := lineWith(table, k.Label+" ")
		if line == "" {
			t.Errorf("%s: no row in the statistics table", k.Metric)
			continue
		}
		s := k.Current
		u := display.UnitForPtrs(s.RowHours()...)
		if err := inOrder(line, []string{k.Label, u.FormatPtr(s.Median), display.IntervalIn(u, s.MedianCILow, s.MedianCIHigh)}); err != nil {
			t.Errorf("%s: %v in %q", k.Metric, err, line)
		}
		units := map[string]bool{}
		for _, m := range duration.FindAllStringSubmatch(line, -1) {
			units[m[2]] = true
		}
		if len(units) != 1 {
			t.Errorf("%s: got units %v in %q, want one", k.Metric, units, line)
		}
		mixed = mixed || display.UnitForPtrs(s.Median) != u
	}
	if !mixed {
		t.Error("the sample has no row whose median alone would take another unit: the test cannot fail")
	}
}

// TestPdfTechniqueCountsMatch: the summary's technique counts say when they
// take in sub-techniques, and the ATT&CK page gives the same counts by the
// same rule in the same words.
func TestPdfTechniqueCountsMatch(t *testing.T) {
	r := sampleReport(t)
	path := renderFile(t, r, Options{})
	// Without whitespace: "sub-techniques" may break after its hyphen.
	page1 := squash(run(t, "pdftotext", "-f", "1", "-l", "1", "-raw", path, "-"))
	attack := section(squash(run(t, "pdftotext", "-raw", path, "-")), "MITREATT&CKTechniquesrecorded")
	subs := false
	n := 0
	for _, p := range r.ATTACK.ParentRollup {
		if !p.Known || n == 2 {
			continue
		}
		n++
		with := r.WithSubTechniques(p.ID)
		subs = subs || with
		want := display.TechniqueCount(p.Name, p.ID, p.Cases, with)
		if !strings.Contains(page1, squash(want)) {
			t.Errorf("page 1: no %q", want)
		}
		if !strings.Contains(attack, squash(want)) {
			t.Errorf("ATT&CK page: no %q", want)
		}
	}
	if !subs {
		t.Error("no top technique of the sample takes in sub-techniques: the test cannot fail")
	}
}

// TestPdfSummaryOnPageOne: every summary sentence, the yardstick with its
// population among them, is on page 1 itself, not on its continuation.
func TestPdfSummaryOnPageOne(t *testing.T) {
	r := sampleReport(t)
	if r.Yardstick == nil {
		t.Fatal("the sample has no yardstick")
	}
	page1 := words(run(t, "pdftotext", "-f", "1", "-l", "1", "-raw", renderFile(t, r, Options{}), "-"))
	yard := false
	for _, s := range r.Summary {
		if !strings.Contains(page1, words(s)) {
			t.Errorf("page 1: no summary sentence %q", s)
		}
		yard = yard || strings.HasPrefix(s, "Yardstick:") && strings.Contains(s, r.Yardstick.Reference.Population)
	}
	if !yard {
		t.Error("summary: no sentence naming the yardstick and its population")
	}
	if got := strconv.Itoa(len(r.Summary)); len(r.Summary) > maxSummary {
		t.Errorf("got %s summary sentences, more than page 1 shows (%d)", got, maxSummary)
	}
}

// TestPdfSliceRows: each row of the "By team and business unit" tables
// gives its median, p90 and change in one unit, and no change carries an
// arrow: a slice's change is not tested for chance (before, "Other" read
// "3.4 h, 2.0 d" and SOC's −22 % came with a green arrow).
func TestPdfSliceRows(t *testing.T) {
	r := sampleReport(t)
	layout := run(t, "pdftotext", "-layout", renderFile(t, r, Options{}), "-")
	table := section(layout, "By team and business unit", "Impact", "Who detected")
	if table == "" {
		t.Fatal("no By team and business unit section in the sample")
	}
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		if strings.ContainsAny(line, "▲▼") {
			t.Errorf("an arrow on an untested slice change: %q", line)
		}
		units := map[string]bool{}
		for _, m := range duration.FindAllStringSubmatch(line, -1) {
			units[m[2]] = true
		}
		if len(units) > 1 {
			t.Errorf("units %v in one row: %q", units, line)
		}
		if len(units) == 1 {
			rows++
		}
	}
	if rows < 4 {
		t.Errorf("only %d rows with durations: the test checks nothing", rows)
	}
}
