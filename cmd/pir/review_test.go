package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/internal/confcheck"
	"github.com/pirhq/pir/internal/testenv"
)

// reviewClock is 15 January 2026 12:00 UTC: 2025-Q4 is complete and some
// of its action items are overdue.
var reviewClock = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// reviewCase is a critical 2025-Q4 case of the bundled sample with an
// overdue action item and a detection rule: the demo's review pack (an
// insider case still open, so four of its durations are measured).
const reviewCase = "IR-00396"

// reviewGolden compares got with testdata/review/name, or rewrites the file
// with -update.
func reviewGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "review", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/pir -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got %q\nwant %q\n(go test ./cmd/pir -run %s -update rewrites it)", name, i+1, g, w, t.Name())
			}
		}
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext -layout. In CI a
// missing pdftotext fails the test; locally it skips.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := testenv.Poppler(t, "pdftotext")
	cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	return out.String()
}

func TestReviewGolden(t *testing.T) {
	db := sampleDB(t)
	for _, f := range []struct{ format, file string }{
		{"md", "review-" + reviewCase + ".md"},
		{"html", "review-" + reviewCase + ".html"},
		{"confluence", "review-" + reviewCase + ".xhtml"},
	} {
		t.Run(f.format, func(t *testing.T) {
			// The case ID before the flags, as the issue writes it.
			code, out, errs := runMetricsCLI(t, reviewClock, "review", reviewCase, "--db", db, "--format", f.format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			reviewGolden(t, f.file, out)
			if f.format == "confluence" {
				if err := confcheck.Check(out); err != nil {
					t.Errorf("Confluence page body: %v", err)
				}
			}
		})
	}
	t.Run("pdf", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "review.pdf")
		code, stdout, errs := runMetricsCLI(t, reviewClock, "review", "--db", db, "--format", "pdf", "-o", out, reviewCase)
		if code != 0 || stdout != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, stdout, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) > 1<<20 {
			t.Fatalf("not a PDF of reasonable size: %d bytes", len(b))
		}
		text := pdfText(t, b)
		reviewGolden(t, "review-"+reviewCase+".pdf.txt", text)
		// The numbers the PDF shows are the Markdown's.
		_, md, _ := runMetricsCLI(t, reviewClock, "review", "--db", db, reviewCase)
		for _, want := range []string{"slower than", "OVERDUE", "Data from Cloud Storage", "Page 1 of"} {
			if !strings.Contains(text, want) || (want != "Page 1 of" && want != "OVERDUE" && !strings.Contains(md, want)) {
				t.Errorf("%q missing from the PDF or the Markdown", want)
			}
		}
	})
}

func TestReviewContent(t *testing.T) {
	db := sampleDB(t)
	code, md, errs := runMetricsCLI(t, reviewClock, "review", "--db", db, reviewCase)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The agenda's seven parts, in order.
	last := -1
	for _, h := range []string{"## 1. Incident summary", "## 2. Timeline walkthrough", "## 3. What worked well",
		"## 4. What needs improvement", "## 5. Root cause analysis", "## 6. Action items",
		"## 7. Playbook and detection updates", "### ATT&CK techniques seen"} {
		i := strings.Index(md, h)
		if i < 0 || i < last {
			t.Errorf("section %q missing or out of order", h)
		}
		last = i
	}
	// Owners appear only in the action-item table (blameless).
	_, owners, _ := runMetricsCLI(t, reviewClock, "query", "--db", db, "--format", "csv",
		"SELECT DISTINCT owner FROM action_items WHERE case_id = '"+reviewCase+"' ORDER BY 1")
	actions := md[strings.Index(md, "## 6. Action items"):strings.Index(md, "## 7.")]
	for _, o := range strings.Split(strings.TrimSpace(owners), "\n")[1:] {
		if strings.Count(md, o) != strings.Count(actions, o) {
			t.Errorf("owner %q named outside the action items", o)
		}
	}
	// Each milestone row has its time in the zone and the time since the
	// previous one.
	if !regexp.MustCompile(`\| Containment \| 2025-\d\d-\d\d \d\d:\d\d UTC \| [0-9.]+ [hd] after triage \|`).MatchString(md) {
		t.Errorf("containment row: not found in\n%s", md)
	}

	t.Run("TimeZone", func(t *testing.T) {
		_, md, _ := runMetricsCLI(t, reviewClock, "review", "--db", db, "--tz", "Asia/Kolkata", reviewCase)
		if !strings.Contains(md, "| Milestone | Time (Asia/Kolkata) |") || !strings.Contains(md, " IST |") {
			t.Errorf("times not in Asia/Kolkata:\n%s", md)
		}
	})
	t.Run("ErrCaseNotFound", func(t *testing.T) {
		code, _, errs := runMetricsCLI(t, reviewClock, "review", "--db", db, "IR-99999")
		if code != exitFailed || !strings.Contains(errs, "review IR-99999: no such case") {
			t.Errorf("got exit %d, %q", code, errs)
		}
	})
	t.Run("UsageErrors", func(t *testing.T) {
		for _, args := range [][]string{
			{"review", "--db", db},
			{"review", "--db", db, "a", "b"},
			{"review", "--db", db, "--format", "docx", reviewCase},
			{"review", reviewCase, "--db", db, "--nope"},
		} {
			if code, _, errs := runMetricsCLI(t, reviewClock, args...); code != exitUsage || !strings.Contains(errs, "Try:") {
				t.Errorf("%v: got exit %d, %q", args, code, errs)
			}
		}
	})
}

// hostileCases holds cases whose free text is written by an attacker (a
// phishing subject becomes the case title): Markdown, HTML, script, table
// breakers, spreadsheet formulas, bidi overrides and a long Unicode title.
var hostileCases = strings.Join([]string{
	`{"id":"EVIL-1","title":"</script><script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) | pipe *bold* _em_ ` + "`code`" + ` &amp; \u202Eevil\n# heading\n- item","severity":"critical","category":"phishing","tags":["<b>tag</b>","=1+1"],` +
		`"timeline":{"detection":"2025-11-02T10:00:00Z","containment":"2025-11-02T12:00:00Z","closure":"2025-11-05T10:00:00Z"},` +
		`"techniques":["T1566.001"],` +
		`"root_cause":{"category":"<i>cat</i>","summary":"1. not a list | x","whys":["# not a heading","<script>alert(2)</script>","=cmd|' /C calc'!A0"]},` +
		`"lessons":{"went_well":["- not a bullet","[x](javascript:alert(3))"],"needs_improvement":["<img src=y onerror=alert(4)>","> not a quote"]},` +
		`"action_items":[{"id":"A-1","summary":"=HYPERLINK(\"http://evil.example\",\"click\")","owner":"@SUM(1+1)","priority":"critical","due":"2025-12-01","status":"open"},` +
		`{"id":"A-2","summary":"+cmd|' /C calc'!A0","owner":"-2+3","priority":"high","due":"2025-12-20","status":"in-progress"},` +
		`{"id":"A-3","summary":"\tTab first","owner":"Zoë Ωmega Жук","priority":"low","due":"2026-03-01","status":"open"}],` +
		`"detection_rules":[{"id":"<rule>","title":"| broken | table |","techniques":["T1566.001"]}]}`,
	`{"id":"UNI-1","title":"Zugriff über VPN: é ü ł ß Ω Ж – ` + strings.Repeat("Überlange Beschreibung ", 13) + `Ende","severity":"high","category":"intrusion","timeline":{"detection":"2025-11-10T08:00:00Z"},"techniques":["T1133"]}`,
}, "\n") + "\n"

func hostileDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hostile.duckdb")
	in := writeTemp(t, "hostile.jsonl", hostileCases)
	if code, _, errs := runMetricsCLI(t, reviewClock, "ingest", "--db", db, in); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	return db
}

func TestReviewHostile(t *testing.T) {
	db := hostileDB(t)
	t.Run("Markdown", func(t *testing.T) {
		code, md, errs := runMetricsCLI(t, reviewClock, "review", "--db", db, "EVIL-1")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		// No raw HTML, link, emphasis, code span or entity from the case
		// text: each such token only ever appears backslash-escaped.
		for _, tok := range []string{"<script", "<img", "<b", "<i", "](javascript", "*bold", "_em", "`code", "&amp;", "<rule"} {
			if n, esc := strings.Count(md, tok), strings.Count(md, `\`+tok); n == 0 || n != esc {
				t.Errorf("%q: %d occurrences, %d escaped", tok, n, esc)
			}
		}
		if strings.Contains(md, "\u202E") || !strings.Contains(md, "‹U+202E›evil") {
			t.Error("bidi override not shown as ‹U+202E›")
		}
		// Free text never starts a block: no line is a heading, quote or
		// list item other than the document's own.
		for _, line := range strings.Split(md, "\n") {
			switch {
			case strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "# Post-incident review"),
				strings.HasPrefix(line, "- ") && strings.Contains(line, "not a bullet") && !strings.HasPrefix(line, `- \-`),
				strings.HasPrefix(line, "> ") && !strings.HasPrefix(line, "> Blameless"),
				regexp.MustCompile(`^\d+\. \d+\.`).MatchString(line):
				t.Errorf("case text started a block: %q", line)
			}
		}
		// Every table row has exactly as many unescaped pipes as its header.
		cols := 0
		for _, line := range strings.Split(md, "\n") {
			if !strings.HasPrefix(line, "|") {
				cols = 0
				continue
			}
			n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1))
			if cols == 0 {
				cols = n
			} else if n != cols {
				t.Errorf("table row with %d cells, header %d: %q", n-1, cols-1, line)
			}
		}
	})
	t.Run("HTML", func(t *testing.T) {
		code, page, errs := runMetricsCLI(t, reviewClock, "review", "--db", db, "--format", "html", "EVIL-1")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, bad := range []string{"<script", "<img", "<b>tag", "<i>cat", `href=`, "onerror=alert(1)>"} {
			if strings.Contains(page, bad) {
				t.Errorf("unescaped %q in the page", bad)
			}
		}
		for _, want := range []string{"&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
			"Content-Security-Policy", "default-src &#39;none&#39;", "‹U&#43;202E›evil"} {
			if !strings.Contains(page, want) {
				t.Errorf("%q missing from the page", want)
			}
		}
	})
	t.Run("PDF", func(t *testing.T) {
		for _, id := range []string{"EVIL-1", "UNI-1"} {
			out := filepath.Join(t.TempDir(), id+".pdf")
			if code, _, errs := runMetricsCLI(t, reviewClock, "review", "--db", db, "--format", "pdf", "-o", out, id); code != 0 {
				t.Fatalf("%s: exit %d: %s", id, code, errs)
			}
			b, _ := os.ReadFile(out)
			text := strings.Join(strings.Fields(pdfText(t, b)), " ")
			want := map[string][]string{
				"EVIL-1": {"</script><script>alert(1)</script>", "=HYPERLINK(", "@SUM(1+1)", "Zoë Ωmega Жук", "‹U+202E›evil"},
				"UNI-1":  {"Zugriff über VPN: é ü ł ß Ω Ж", "Ende"},
			}[id]
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s: %q missing from the PDF text", id, w)
				}
			}
			if strings.Contains(text, "\u202E") {
				t.Errorf("%s: bidi override kept raw", id)
			}
		}
	})
}

// TestReviewFormatsAgree checks that the sentences, which analytics
// formats, use the same numbers as the tables: both format with package display.
func TestReviewFormatsAgree(t *testing.T) {
	db := sampleDB(t)
	_, md, _ := runMetricsCLI(t, reviewClock, "review", "--db", db, reviewCase)
	row := regexp.MustCompile(`(?m)^\| ([^|]+) \| ([0-9.]+ [hd]) \| ([0-9.]+ [hd]) \| ([0-9.]+ [hd]) \| \d+ \| [^|]+ \|$`)
	rows := row.FindAllStringSubmatch(md, -1)
	if len(rows) < 4 {
		t.Fatalf("found %d metric rows, want the 4 the open case has", len(rows))
	}
	for _, r := range rows {
		want := fmt.Sprintf("- %s was %s", strings.TrimSpace(r[1]), r[2])
		if !strings.Contains(md, want) || !strings.Contains(md, "(median "+r[3]+", p90 "+r[4]+")") {
			t.Errorf("sentence for %s does not repeat %s / median %s / p90 %s", r[1], r[2], r[3], r[4])
		}
	}
}
