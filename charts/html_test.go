package charts

import (
	"bytes"
	"encoding/json"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// update rewrites the golden files of package charts: go test ./charts -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// htmlOut writes the fixture dashboards to a directory, to look at them.
var htmlOut = flag.String("html-out", "", "write the test dashboards to this directory")

func renderDashboard(t *testing.T, r *analytics.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Dashboard(&buf, r, DashboardOptions{}); err != nil {
		t.Fatalf("Dashboard: %v", err)
	}
	if *htmlOut != "" {
		name := strings.ReplaceAll(t.Name(), "/", "_") + ".html"
		if err := os.WriteFile(filepath.Join(*htmlOut, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// withoutLibrary replaces the inlined ECharts library (1 MB, vendored and
// checked by its own test) by a marker, so the golden file shows the page.
func withoutLibrary(page []byte) []byte {
	return bytes.Replace(page, []byte(inlineScript(echartsJS)), []byte("/* assets/echarts.min.js */"), 1)
}

func TestDashboardGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		r    func() *analytics.Report
	}{
		{"full", dashReport},
		{"empty", emptyReport},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := withoutLibrary(renderDashboard(t, c.r()))
			path := filepath.Join("testdata", "dashboard-"+c.name+".golden.html")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./charts -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("dashboard differs from %s (run go test ./charts -update and review the diff):\n%s", path, firstDiff(got, want))
			}
		})
	}
}

// TestDashboardDeterministic renders the same report twice: chart IDs,
// map orders and the CSP hashes must not vary between runs.
func TestDashboardDeterministic(t *testing.T) {
	a := renderDashboard(t, dashReport())
	b := renderDashboard(t, dashReport())
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders differ:\n%s", firstDiff(a, b))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got:  " + clipLine(gl) + "\n want: " + clipLine(wl)
		}
	}
	return "(no line differs)"
}

func itoa(i int) string { return display.Count(i) }

func clipLine(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// emptyReport is a quarter without any case: every chart says so instead of
// drawing an empty frame, and the page still renders.
func emptyReport() *analytics.Report {
	r := dashReport()
	r.Cases, r.ExcludedCases = 0, 0
	for i := range r.Metrics {
		for j := range r.Metrics[i].Stats {
			r.Metrics[i].Stats[j] = analytics.Stat{Quarter: r.Quarters[j]}
		}
	}
	for i := range r.KPIs {
		r.KPIs[i].Current = analytics.Stat{Quarter: r.Quarter}
		r.KPIs[i].Previous, r.KPIs[i].YearAgo = nil, nil
		r.KPIs[i].QoQ = analytics.Change{Direction: "n/a"}
		r.KPIs[i].YoY = analytics.Change{Direction: "n/a"}
	}
	r.Volume = analytics.Volume{}
	r.OpenAgeing, r.RootCauses, r.Techniques, r.Tactics, r.Actions = nil, nil, nil, nil, nil
	r.Overdue, r.Notable = nil, nil
	r.OverdueTotal, r.NotableTotal = 0, 0
	r.ATTACK.Unknown = nil
	r.DataQuality = analytics.DataQuality{Headline: "No cases in 2024-Q1."}
	r.Organisation, r.Marking = "", ""
	return r
}

// chartIDs are the containers the page draws into, in page order.
func chartIDs(page []byte) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<div class="chart" id="([a-z0-9-]+)"`).FindAllSubmatch(page, -1) {
		ids = append(ids, string(m[1]))
	}
	return ids
}

func TestDashboardStructure(t *testing.T) {
	page := withoutLibrary(renderDashboard(t, dashReport()))
	s := string(page)
	wantIDs := []string{
		"chart-trend-dwell", "chart-trend-triage", "chart-trend-contain", "chart-trend-eradicate",
		"chart-trend-recover", "chart-trend-resolve", "chart-trend-close",
		"chart-cases-by-category", "chart-open-ageing", "chart-top-techniques", "chart-tactic-heatmap",
		"chart-root-causes", "chart-action-items",
	}
	if got := chartIDs(page); strings.Join(got, " ") != strings.Join(wantIDs, " ") {
		t.Errorf("chart ids: got %v, want %v", got, wantIDs)
	}
	// Every chart has its option block, parseable, with named axes and no
	// animation; every chart has a numbers table.
	blocks := regexp.MustCompile(`<script type="application/json" data-chart="([a-z0-9-]+)"[^>]*>(.*?)</script>`).FindAllStringSubmatch(s, -1)
	if len(blocks) != len(wantIDs) {
		t.Fatalf("option blocks: got %d, want %d", len(blocks), len(wantIDs))
	}
	for _, b := range blocks {
		var opt map[string]any
		if err := json.Unmarshal([]byte(b[2]), &opt); err != nil {
			t.Errorf("%s: option is not JSON: %v", b[1], err)
			continue
		}
		if opt["animation"] != false {
			t.Errorf("%s: animation: got %v, want false", b[1], opt["animation"])
		}
		for _, axis := range []string{"xAxis", "yAxis"} {
			axes, _ := opt[axis].([]any)
			if len(axes) == 0 {
				t.Errorf("%s: no %s", b[1], axis)
				continue
			}
			if name, _ := axes[0].(map[string]any)["name"].(string); name == "" {
				t.Errorf("%s: %s has no name", b[1], axis)
			}
		}
	}
	if n := strings.Count(s, "<summary>Numbers</summary>"); n != len(wantIDs) {
		t.Errorf("numbers tables: got %d, want %d", n, len(wantIDs))
	}
	for _, want := range []string{
		"Incident response review <span class=\"quarter\">2024-Q1</span>",
		"<dt>Time zone</dt><dd>Europe/Berlin</dd>",
		"<dt>Cohort</dt><dd>quarter of detection</dd>",
		"<dt>Generated</dt><dd>2024-04-02 08:30 CEST</dd>",
		"<dt>pir</dt><dd>v0.4.0</dd>",
		"<dt>Cases</dt><dd>41 (1 excluded from metrics)</dd>",
		"37 of 41 cases (90%) have every milestone",
		`<span class="marking tlp-amber"`,
		"Example Bank SOC",
		// KPI tile: contain got worse vs 2023-Q4 (6.3 h → 7.1 h), better vs a year ago (10.1 h).
		`<span class="chg-text">&#43;0.8 h (&#43;13%)</span> <span class="vs">vs 2023-Q4</span>`,
		`<span class="chg-text">-3.0 h (-30%)</span> <span class="vs">vs 2023-Q1</span>`,
		`small sample</span>`,
		"T1566.001 Spearphishing Attachment",
		"Patch Confluence Data Center to 8.5.4",
		"IR-2024-0044, IR-2024-0090",
		"MITRE ATT&amp;CK® Enterprise v18.1",
		// Units by magnitude: dwell in days, triage in hours.
		`Median (days)`, `Median (hours)`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// One self-contained file: no URL to fetch anything from.
	for _, bad := range []string{"src=\"http", "href=\"http", "src=\"//", "go-echarts-assets", "@import", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("page references an external resource: %q", bad)
		}
	}
}

// TestDashboardTablesAligned checks every table row has as many cells as
// its header, in both fixtures.
func TestDashboardTablesAligned(t *testing.T) {
	for _, r := range []*analytics.Report{dashReport(), xssReport(), emptyReport()} {
		page := string(withoutLibrary(renderDashboard(t, r)))
		tables := regexp.MustCompile(`(?s)<table>(.*?)</table>`).FindAllStringSubmatch(page, -1)
		if len(tables) == 0 {
			t.Fatal("no tables")
		}
		for i, tb := range tables {
			head := strings.Count(regexp.MustCompile(`(?s)<thead>.*?</thead>`).FindString(tb[1]), "<th ")
			for _, row := range regexp.MustCompile(`(?s)<tbody>.*?</tbody>`).FindAllString(tb[1], -1) {
				for j, tr := range strings.Split(row, "<tr>")[1:] {
					if n := strings.Count(tr, "<td"); n != head {
						t.Errorf("table %d row %d: %d cells under %d headers", i+1, j+1, n, head)
					}
				}
			}
		}
	}
}

func TestDashboardNoReport(t *testing.T) {
	if err := Dashboard(&bytes.Buffer{}, nil, DashboardOptions{}); err == nil {
		t.Fatal("got nil error for a nil report")
	}
}

// TestDashboardEscapesEverything renders attacker-controlled strings from
// every free-text field: none may become markup or script.
func TestDashboardEscapesEverything(t *testing.T) {
	page := string(withoutLibrary(renderDashboard(t, xssReport())))
	// The page has exactly its own elements: two executable scripts (ECharts
	// and the start-up script), one JSON block per chart, no <img>, <svg>.
	if n := strings.Count(page, "<script>"); n != 2 {
		t.Errorf("executable <script> elements: got %d, want 2", n)
	}
	if n, want := strings.Count(page, "<script"), 2+len(chartIDs([]byte(page))); n != want {
		t.Errorf("<script elements: got %d, want %d", n, want)
	}
	if n, want := strings.Count(page, "</script>"), 2+len(chartIDs([]byte(page))); n != want {
		t.Errorf("</script> tags: got %d, want %d (a data string closed a script)", n, want)
	}
	for _, bad := range []string{"<img", "<svg", "<b>"} {
		if i := strings.Index(page, bad); i >= 0 {
			t.Errorf("page contains %q: …%s…", bad, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	// The strings are there, escaped, as text.
	for _, want := range []string{
		"&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
		"&lt;img src=x onerror=alert(1)&gt;",
		"__f__alert(1)__f__",
		"ACME &lt;b&gt;SOC&lt;/b&gt; &amp; &#34;Partners&#34;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks the escaped text %q", want)
		}
	}
	// Inside the JSON blocks, '<' and '>' are \u escapes, and the markers
	// go-echarts would turn into code stay quoted strings.
	blocks := regexp.MustCompile(`(?s)<script type="application/json"[^>]*>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	sawMarker := false
	for _, b := range blocks {
		if strings.ContainsAny(b[1], "<>") {
			t.Errorf("option JSON contains a raw angle bracket: %s", clipLine(b[1]))
		}
		if strings.Contains(b[1], `"__f__alert(1)__f__"`) {
			sawMarker = true
		}
		var v any
		if err := json.Unmarshal([]byte(b[1]), &v); err != nil {
			t.Errorf("option is not JSON: %v", err)
		}
	}
	if !sawMarker {
		t.Error("the __f__ marker category is missing from the chart options (it must stay a quoted string)")
	}
	// DOM ids stay [a-z0-9-] whatever the metric is called.
	for _, m := range regexp.MustCompile(`id="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(m[1]) {
			t.Errorf("unsafe DOM id %q", m[1])
		}
	}
}

// TestDashboardShowsInvisibleCharacters: bidi overrides and zero-width
// characters in titles, owners, case IDs and categories show as their code
// points in the tables and the chart data, so two IDs that differ only by
// one never look the same; the caller's report is not changed.
func TestDashboardShowsInvisibleCharacters(t *testing.T) {
	r := dashReport()
	r.Notable[0].Title = "Invoice\u202Efdp.exe"
	r.Overdue[0].Owner = "network\u200b-team"
	r.Overdue[0].CaseID, r.Overdue[1].CaseID = "IR-1", "IR-1\ufeff"
	r.RootCauses[0].Category = "weak\u2066-credentials"
	page := string(withoutLibrary(renderDashboard(t, r)))
	for _, want := range []string{"Invoice‹U+202E›fdp.exe", "network‹U+200B›-team", ">IR-1<", ">IR-1‹U+FEFF›<", "weak‹U+2066› credentials"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	blocks := regexp.MustCompile(`(?s)<script type="application/json" data-chart="chart-root-causes">(.*?)</script>`).FindStringSubmatch(page)
	if blocks == nil || !strings.Contains(blocks[1], "weak‹U+2066› credentials") {
		t.Error("the root-cause chart data lacks the category with its code point shown")
	}
	if strings.ContainsAny(page, "\u202E\u200b\ufeff\u2066") {
		t.Error("a raw invisible character is on the page")
	}
	if r.Notable[0].Title != "Invoice\u202Efdp.exe" {
		t.Error("the caller's report changed")
	}
}

// TestDashboardCSP checks the policy allows exactly the page's own two
// scripts and no network source.
func TestDashboardCSP(t *testing.T) {
	page := string(renderDashboard(t, dashReport()))
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no Content-Security-Policy meta element")
	}
	csp := html.UnescapeString(m[1])
	for _, want := range []string{"default-src 'none'", scriptHash(inlineScript(echartsJS)), scriptHash(inlineScript(initJS())), "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-eval", "http", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q allows %q", csp, bad)
		}
	}
	// The hashes only match when the template puts the scripts verbatim
	// between the tags.
	for _, js := range []string{inlineScript(echartsJS), inlineScript(initJS())} {
		if strings.Contains(js, "\r") {
			t.Error("inlined script keeps a CR: the browser's hash would differ")
		}
		if !strings.Contains(page, "<script>"+js+"</script>") {
			t.Errorf("script of %d bytes is not inlined verbatim", len(js))
		}
	}
}

// TestEChartsAsset pins the vendored library: the expected release, and
// nothing in it that would end the inline <script> early.
func TestEChartsAsset(t *testing.T) {
	if len(echartsJS) < 900_000 {
		t.Fatalf("echarts.min.js: %d bytes, want the full ~1 MB build", len(echartsJS))
	}
	if !strings.Contains(echartsJS, `version="`+EChartsVersion+`"`) && !strings.Contains(echartsJS, `"`+EChartsVersion+`"`) {
		t.Errorf("echarts.min.js does not look like ECharts %s", EChartsVersion)
	}
	for _, bad := range []string{"</script", "<!--", "<script"} {
		if strings.Contains(strings.ToLower(echartsJS), bad) {
			t.Errorf("echarts.min.js contains %q: it cannot be inlined safely", bad)
		}
	}
	for _, f := range []string{"assets/LICENSE", "assets/NOTICE"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("ECharts licence file: %v", err)
		}
	}
}
