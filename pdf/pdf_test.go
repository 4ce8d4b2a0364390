package pdf

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/internal/testenv"
)

// The tests read the PDF back with poppler (pdftotext, pdftoppm, pdfinfo,
// pdffonts), as a reader would see it. `make test` installs poppler-utils;
// in CI a missing tool fails the test, locally it skips.

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	bin := testenv.Poppler(t, name)
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// jsonRoundTrip passes the report through JSON, the form in which `pir
// metrics --format json` hands it over, so the PDF is shown to need nothing
// that JSON does not carry.
func jsonRoundTrip(t testing.TB, r *analytics.Report) *analytics.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out analytics.Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// pdfOut and pdfKeep keep the rendered reports to look at:
// go test ./pdf/ -args -pdf-out=/tmp/report.pdf -pdf-keep=/tmp/pdfs
var (
	pdfOut  = flag.String("pdf-out", "", "also write the fixture report to this file")
	pdfKeep = flag.String("pdf-keep", "", "also write every test's report into this directory")
)

func renderFile(t testing.TB, r *analytics.Report, o Options) string {
	t.Helper()
	testenv.Poppler(t, "pdftotext")
	b, pages, err := render(r, o)
	if err != nil {
		t.Fatalf("render: got %v, want nil", err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if *pdfKeep != "" {
		name := strings.ReplaceAll(t.Name(), "/", "_") + ".pdf"
		if err := os.WriteFile(filepath.Join(*pdfKeep, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The layout mirrors maroto's page breaks; if the two ever disagree,
	// headings and repeated table headers land in the wrong place.
	if got := pageCount(t, path); got != pages {
		t.Errorf("got %d pages in the PDF, the layout planned %d", got, pages)
	}
	return path
}

// fixtureFile renders the plain fixture once for the tests that only read it.
var fixtureFile = sync.OnceValues(func() ([]byte, error) {
	b, _, err := render(fixture(), Options{})
	return b, err
})

func fixturePath(t testing.TB) string {
	t.Helper()
	testenv.Poppler(t, "pdftotext")
	b, err := fixtureFile()
	if err != nil {
		t.Fatalf("render: got %v, want nil", err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if *pdfOut != "" {
		if err := os.WriteFile(*pdfOut, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// words collapses all whitespace, as text wraps differently from the model.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// squash drops all whitespace: a word broken across lines still matches.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func pageCount(t testing.TB, path string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestPdfPageOneNumbers(t *testing.T) {
	r := jsonRoundTrip(t, fixture())
	checkPageOne(t, r, renderFile(t, r, Options{}))
}

// TestPdfPageOneMatchesMetricsJSON renders the golden output of `pir
// metrics --format json` on the bundled sample: page 1 must show the same
// numbers, formatted as the dashboard formats them.
func TestPdfPageOneMatchesMetricsJSON(t *testing.T) {
	r := sampleReport(t)
	checkPageOne(t, r, renderFile(t, r, Options{}))
}

// sampleReport is `pir metrics --quarter 2025-Q4 --format json` on the
// bundled sample (the demo data), as its golden file keeps it.
func sampleReport(t testing.TB) *analytics.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "metrics", "sample-2025-Q4.golden.json"))
	if err != nil {
		t.Fatalf("golden metrics JSON: %v", err)
	}
	var r analytics.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// checkPageOne reads page 1 back and finds every number of the executive
// summary there, formatted with the shared charts formatters.
func checkPageOne(t *testing.T, r *analytics.Report, path string) {
	t.Helper()
	layout := run(t, "pdftotext", "-f", "1", "-l", "2", "-layout", path, "-")
	// Page 1 and its continuation: the decisions box can push the action
	// items to page 2.
	raw := words(run(t, "pdftotext", "-f", "1", "-l", "2", "-raw", path, "-"))

	t.Run("KPITable", func(t *testing.T) {
		if len(r.KPIs) == 0 {
			t.Fatal("the report has no KPIs to check")
		}
		for _, k := range r.KPIs {
			n := display.Count(k.Current.N)
			if k.Current.SmallSample {
				n += "*"
			}
			u := display.UnitForPtrs(k.Current.Median, k.Current.P90) // one unit per row
			want := []string{k.Label, u.FormatPtr(k.Current.Median), u.FormatPtr(k.Current.P90), n,
				strings.TrimSpace(display.Change(k.QoQ).Arrow() + " " + display.Change(k.QoQ).StringIn(u)),
				strings.TrimSpace(display.Change(k.YoY).Arrow() + " " + display.Change(k.YoY).StringIn(u))}
			line := lineWith(after(layout, "Key metrics"), k.Label+" ")
			if line == "" {
				t.Errorf("%s: no KPI row on page 1", k.Metric)
				continue
			}
			if err := inOrder(line, want); err != nil {
				t.Errorf("%s: %v in row %q", k.Metric, err, line)
			}
		}
	})
	t.Run("Header", func(t *testing.T) {
		want := []string{"Incident response report " + r.Quarter, "generated " + r.GeneratedAt.Format("2 January 2006"),
			display.Count(r.Cases) + " cases detected in " + r.Quarter, "time zone " + r.TimeZone, DefaultMarking}
		if r.Organisation != "" {
			want = append(want, r.Organisation)
		}
		for _, w := range want {
			if !strings.Contains(raw, w) {
				t.Errorf("page 1: got no %q", w)
			}
		}
	})
	t.Run("Summary", func(t *testing.T) {
		if len(r.Summary) == 0 {
			t.Fatal("the report has no summary to check")
		}
		for _, s := range r.Summary {
			if !strings.Contains(raw, words(s)) {
				t.Errorf("page 1: got no summary sentence %q", s)
			}
		}
	})
	t.Run("RootCausesAndOverdue", func(t *testing.T) {
		var top []analytics.RootCause
		for _, rc := range r.RootCauses {
			if rc.Quarter == r.Quarter && len(top) < 3 {
				top = append(top, rc)
			}
		}
		if len(top) == 0 {
			t.Fatal("the report has no root causes to check")
		}
		for i, rc := range top {
			line := lineWith(after(layout, "Top root causes"), " "+display.Words(rc.Category)+" ")
			want := []string{strconv.Itoa(i + 1), display.Words(rc.Category), display.Count(rc.Cases), display.Share(rc.Share), display.Count(rc.Recurrences)}
			if err := inOrder(line, want); err != nil {
				t.Errorf("root cause %q: %v in row %q", rc.Category, err, line)
			}
		}
		var a analytics.ActionSummary
		for _, x := range r.Actions {
			if x.Quarter == r.Quarter {
				a = x
			}
		}
		asOf, err := time.Parse("2006-01-02", r.AsOfDate)
		if err != nil {
			t.Fatalf("as_of_date %q: %v", r.AsOfDate, err)
		}
		want := fmt.Sprintf("%s action items overdue on %s. Of the %s items from %s cases, %s completed",
			display.Count(len(r.Overdue)), asOf.Format("2 January 2006"), display.Count(a.Created), r.Quarter, display.Rate(a.CompletionRate))
		if a.OnTimeRate != nil {
			want += "; " + display.Rate(a.OnTimeRate) + " of the items due by then were done on time"
		}
		if !strings.Contains(raw, want+".") {
			t.Errorf("page 1: got no %q in\n%s", want, raw)
		}
		// The tiles: cases, completion rate and the overdue count side by side.
		tiles := []string{display.Count(r.Cases), display.Rate(a.CompletionRate), display.Count(len(r.Overdue))}
		found := false
		for _, l := range strings.Split(layout, "\n") {
			found = found || strings.HasPrefix(strings.TrimSpace(l), tiles[0]+" ") && inOrder(l, tiles) == nil
		}
		if !found {
			t.Errorf("tiles: got no line with %q in\n%s", tiles, layout)
		}
	})
}

// after is text from the first occurrence of marker on.
func after(text, marker string) string {
	if i := strings.Index(text, marker); i >= 0 {
		return text[i:]
	}
	return ""
}

// lineWith is the first line of text containing s, or "".
func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// inOrder checks that each of want occurs in line after the previous one.
func inOrder(line string, want []string) error {
	at := 0
	for _, w := range want {
		i := strings.Index(line[at:], w)
		if i < 0 {
			return fmt.Errorf("got no %q after column %d", w, at)
		}
		at += i + len(w)
	}
	return nil
}

func TestPdfEveryPageRenders(t *testing.T) {
	path := fixturePath(t)
	n := pageCount(t, path)
	dir := t.TempDir()
	run(t, "pdftoppm", "-r", "30", "-png", path, filepath.Join(dir, "p"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(pngs) != n {
		t.Fatalf("got %d rendered pages, want %d", len(pngs), n)
	}
	for _, p := range pngs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if ink := inkShare(img); ink < 0.02 {
			t.Errorf("%s: got %.3f of the page drawn, want a page with content", filepath.Base(p), ink)
		}
	}
}

func inkShare(img image.Image) float64 {
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xd000 || g < 0xd000 || bl < 0xd000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

func TestPdfSizeBounds(t *testing.T) {
	for name, path := range map[string]func() string{
		"Fixture": func() string { return fixturePath(t) },
		"Sample":  func() string { return renderFile(t, sampleReport(t), Options{}) },
	} {
		t.Run(name, func(t *testing.T) {
			p := path()
			// Page 1 and 2 carry the decisions and the summary; the sections
			// after them (trends, open cases and confidence, slices, root
			// causes, fixes that did not hold, lessons, ATT&CK, detection
			// engineering, action items, notable cases, appendix) take about
			// a page each.
			if n := pageCount(t, p); n > 18 || n < 7 {
				t.Errorf("got %d pages, want 7 to 18 (about one per section)", n)
			}
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() > 2<<20 {
				t.Errorf("got %d bytes, want at most 2 MiB", st.Size())
			}
			if info := run(t, "pdfinfo", p); !strings.Contains(info, "595.28 x 841.89 pts (A4)") {
				t.Errorf("pdfinfo: got %q, want A4 portrait", info)
			}
		})
	}
}

func TestPdfFontsEmbedded(t *testing.T) {
	path := fixturePath(t)
	out := run(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts: got %q, want fonts", out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type encoding emb sub uni object ID: emb is 5th from the end.
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %q", l)
		}
	}
}

func TestPdfUnicodeTitle(t *testing.T) {
	r := fixture()
	r.Organisation = "Société Générale — Łódź Ωmega Жук"
	path := renderFile(t, r, Options{})
	text := words(run(t, "pdftotext", "-raw", path, "-"))
	for _, want := range []string{unicodeTitle, "Société Générale — Łódź Ωmega Жук", "Łukasz Wróbel", "Dr. Ingrid Müller-"} {
		if !strings.Contains(text, want) {
			t.Errorf("got no %q in the extracted text", want)
		}
	}
}

// bboxWord is one word with its box from pdftotext -bbox, in points.
type bboxWord struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var (
	rePage = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	reWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

func bboxWords(t testing.TB, path string) (pageW, pageH float64, ws []bboxWord) {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", path, "-")
	page := 0
	for _, l := range strings.Split(out, "\n") {
		if m := rePage.FindStringSubmatch(l); m != nil {
			page++
			pageW, _ = strconv.ParseFloat(m[1], 64)
			pageH, _ = strconv.ParseFloat(m[2], 64)
			continue
		}
		if m := reWord.FindStringSubmatch(l); m != nil {
			w := bboxWord{page: page, text: m[5]}
			w.xMin, _ = strconv.ParseFloat(m[1], 64)
			w.yMin, _ = strconv.ParseFloat(m[2], 64)
			w.xMax, _ = strconv.ParseFloat(m[3], 64)
			w.yMax, _ = strconv.ParseFloat(m[4], 64)
			ws = append(ws, w)
		}
	}
	return pageW, pageH, ws
}

// checkInsideMargins fails for any word outside the printable area (the
// margins, with half a millimetre of tolerance).
func checkInsideMargins(t *testing.T, path string) {
	t.Helper()
	pw, ph, ws := bboxWords(t, path)
	if len(ws) == 0 {
		t.Fatal("pdftotext -bbox: no words")
	}
	pt := 72 / 25.4
	left, right := marginLeft*pt-1.5, pw-marginRight*pt+1.5
	for _, w := range ws {
		if w.xMin < left || w.xMax > right || w.yMin < 0 || w.yMax > ph {
			t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f is outside the margins (x %.1f–%.1f)",
				w.page, w.text, w.xMin, w.xMax, w.yMin, w.yMax, left, right)
		}
	}
}

func TestPdfLongTitleWraps(t *testing.T) {
	r := fixture()
	r.Organisation = longTitle
	r.Summary = append(r.Summary, longTitle)
	path := renderFile(t, r, Options{})
	checkInsideMargins(t, path)
	text := squash(run(t, "pdftotext", "-raw", path, "-"))
	if !strings.Contains(text, squash(longTitle)) {
		t.Error("got no complete 300-character title in the extracted text")
	}
}

func TestPdfHostileStrings(t *testing.T) {
	r := fixture()
	r.Organisation = `<img src=x onerror=alert(1)> \input{x} =HYPERLINK("http://evil")`
	r.Marking = `TLP:AMBER </b>`
	path := renderFile(t, r, Options{})
	checkInsideMargins(t, path)
	text := squash(run(t, "pdftotext", "-raw", path, "-"))
	for _, h := range append(hostile, r.Organisation, r.Marking) {
		if !strings.Contains(text, squash(h)) {
			t.Errorf("got no literal %q in the extracted text", h)
		}
	}
}

// TestPdfUntrustedLayout feeds strings that attack layout rather than
// markup: control characters, bidi overrides, characters outside the font,
// a 20,000-character title and an empty one.
func TestPdfUntrustedLayout(t *testing.T) {
	r := fixture()
	r.Notable[2].Title = "line one\nline two\r\n\ttabbed\x00\x1b[31m red"
	r.Notable[3].Title = "\u202Egnirts desrever\u202C and zero\u200Bwidth"
	r.Notable[4].Title = "emoji 🔥 and 漢字 and \U00010000"
	r.Notable[5].Title = strings.Repeat("A", 20000)
	r.Notable[6].Title = ""
	r.Overdue[3].Owner = strings.Repeat("verylongownername", 20)
	r.Inputs[0].Path = strings.Repeat("/deep", 200) + "/cases.jsonl"
	r.Summary = append(r.Summary, strings.Repeat("word ", 400))
	path := renderFile(t, r, Options{Marking: "TLP:AMBER+STRICT " + strings.Repeat("Ω", 100)})
	checkInsideMargins(t, path)
	if n := pageCount(t, path); n > 12 {
		t.Errorf("got %d pages, want at most 12 however long the strings", n)
	}
	if r.Notable[3].Title != "\u202Egnirts desrever\u202C and zero\u200Bwidth" {
		t.Error("rendering changed the caller's report")
	}
	text := words(run(t, "pdftotext", "-raw", path, "-"))
	// Controls and invisible characters show as their code points, so the
	// reader sees what the string holds.
	for _, want := range []string{"line one line two tabbed‹U+0000›‹U+001B›[31m red", "‹U+202E›gnirts desrever‹U+202C› and zero‹U+200B›width",
		"emoji \uFFFD and \uFFFD\uFFFD and \uFFFD"} {
		if !strings.Contains(text, want) {
			t.Errorf("got no %q in the extracted text", want)
		}
	}
}

func TestPdfMinimalReport(t *testing.T) {
	r := &analytics.Report{Quarter: "2024-Q1", Quarters: []string{"2024-Q1"}}
	path := renderFile(t, r, Options{Marking: "TLP:RED", Organisation: "Example"})
	text := words(run(t, "pdftotext", "-raw", path, "-"))
	for _, want := range []string{"TLP:RED", "Example", "No summary was generated", "No critical or high severity case", "Page 1 of"} {
		if !strings.Contains(text, want) {
			t.Errorf("got no %q in the extracted text", want)
		}
	}
	if n := pageCount(t, path); n > 12 {
		t.Errorf("got %d pages, want at most 12", n)
	}
}

func TestPdfHeaderFooterEveryPage(t *testing.T) {
	r := fixture()
	path := fixturePath(t)
	n := pageCount(t, path)
	for p := 1; p <= n; p++ {
		text := words(run(t, "pdftotext", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "-raw", path, "-"))
		for _, want := range []string{fmt.Sprintf("Page %d of %d", p, n), DefaultMarking, "Incident response report · " + r.Quarter} {
			if c := strings.Count(text, want); c == 0 || want == DefaultMarking && c < 2 {
				t.Errorf("page %d: got %d of %q, want it in the header and footer", p, c, want)
			}
		}
	}
}

func TestPdfNilReport(t *testing.T) {
	if err := Render(&bytes.Buffer{}, nil, Options{}); err == nil {
		t.Error("got nil, want an error for a nil report")
	}
}

func TestPdfCoverageSection(t *testing.T) {
	r := withCoverage(fixture())
	path := renderFile(t, r, Options{})
	checkInsideMargins(t, path)
	text := words(run(t, "pdftotext", "-raw", path, "-"))
	for _, want := range []string{"Detection engineering", display.Rate(r.Coverage.Share) + " of the 21 techniques seen have a rule",
		fmt.Sprintf("Top uncovered techniques, 2025-Q1 (%d)", len(r.Coverage.GapList)),
		"Coverage by platform, 2025-Q1", "esxi 3 3 0 0% T1486, T1490, T1059.004", "no platform recorded 2 2 1 50% T1566.002",
		fmt.Sprintf("%d of %d", r.Coverage.GapList[0].Cases-r.Coverage.GapList[0].CasesCovered, r.Coverage.GapList[0].Cases),
		fmt.Sprintf("Covered techniques, 2025-Q1 (%d)", len(r.Coverage.CoveredList)),
		"Detection Rule License", "Suspicious Spearphishing Attachment Activity"} {
		if !strings.Contains(text, want) {
			t.Errorf("got no %q in the extracted text", want)
		}
	}
	if n := pageCount(t, path); n > 12 {
		t.Errorf("got %d pages, want at most 12", n)
	}
	if strings.Contains(words(run(t, "pdftotext", "-raw", fixturePath(t), "-")), "Detection engineering") {
		t.Error("got a coverage section without Report.Coverage")
	}
}

// TestPdfPlaybookFollowThrough: the playbook updates are their own table
// after the action items' (the report quarter's row and the sentence with
// the as-of date), and the overdue ones are listed after the overdue
// action items; without updates neither appears.
func TestPdfPlaybookFollowThrough(t *testing.T) {
	r := withPlaybooks(fixture())
	path := renderFile(t, r, Options{})
	checkInsideMargins(t, path)
	text := words(run(t, "pdftotext", "-raw", path, "-"))
	for _, want := range []string{
		"Playbook updates by quarter",
		"6 playbook updates agreed for 2025-Q1 cases: 3 done and 1 overdue on 31 March 2025; of the 4 due by then, 75% were done on time. 3 updates of any quarter are overdue.",
		"2025-Q1 6 4 3 50% 75% 1",
		"Overdue playbook updates (3)",
		"Isolate the ESXi management network first", hostile[0], "thehive:42",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("got no %q in the extracted text", want)
		}
	}
	if i, j := strings.Index(text, "Overdue action items"), strings.Index(text, "Overdue playbook updates"); i < 0 || j < i {
		t.Errorf("the overdue playbook updates (at %d) do not follow the overdue action items (at %d)", j, i)
	}
	if strings.Contains(words(run(t, "pdftotext", "-raw", fixturePath(t), "-")), "Playbook updates by quarter") {
		t.Error("got a playbook-update table without Report.PlaybookUpdates")
	}
}

// BenchmarkRender renders the realistic fixture: charts (most of the time,
// PNG encoding) and layout. It reports the PDF's size and page count.
func BenchmarkRender(b *testing.B) {
	r := fixture()
	_, pages, err := render(r, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, r, Options{}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KiB/pdf")
	b.ReportMetric(float64(pages), "pages")
}

// BenchmarkRenderCharts is the chart part of BenchmarkRender alone.
func BenchmarkRenderCharts(b *testing.B) {
	r := fixture()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := renderCharts(r); err != nil {
			b.Fatal(err)
		}
	}
}
