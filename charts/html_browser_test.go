package charts

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/internal/testenv"
)

// The dashboard in a real browser: Debian's chromium, headless, from
// file://, with the flags of LIBRARIES.md so it makes no background
// connections of its own. One browser serves every subtest.

// pageEvents collects what a tab reports while it loads and runs a page.
type pageEvents struct {
	mu       sync.Mutex
	console  []string // console errors and warnings, exceptions, browser log errors
	requests []string // URLs of every request the page made
	dialogs  []string
}

func (p *pageEvents) listen(tab *context.Context) func(ev any) {
	return func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				p.console = append(p.console, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			p.console = append(p.console, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, text))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				p.console = append(p.console, fmt.Sprintf("log %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, ev.Request.URL)
		case *page.EventJavascriptDialogOpening:
			p.dialogs = append(p.dialogs, string(ev.Type)+": "+ev.Message)
			// A dialog blocks the page: dismiss it from outside the listener.
			go chromedp.Call(*tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}
}

func (p *pageEvents) snapshot() (console, requests, dialogs []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...), append([]string(nil), p.requests...), append([]string(nil), p.dialogs...)
}

// chartPaint is what a chart container holds after drawing.
type chartPaint struct {
	ID      string `json:"id"`
	Canvas  bool   `json:"canvas"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Painted int    `json:"painted"` // pixels that are not the (transparent) background
	Colours int    `json:"colours"` // distinct colours among them, coarsely
}

const paintJS = `Array.from(document.querySelectorAll("div.chart")).map(function (el) {
  var c = el.querySelector("canvas");
  if (!c || !c.width || !c.height) { return {id: el.id, canvas: !!c, width: 0, height: 0, painted: 0, colours: 0}; }
  var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  var painted = 0, colours = {};
  for (var i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) { continue; }
    painted++;
    colours[(d[i] >> 5) + "," + (d[i + 1] >> 5) + "," + (d[i + 2] >> 5)] = true;
  }
  return {id: el.id, canvas: true, width: c.width, height: c.height, painted: painted, colours: Object.keys(colours).length};
})`

// showTipsJS opens the tooltip of every drawn chart at its first and last
// category and returns the tooltip texts: ECharts builds tooltips as HTML
// from series and category names, which come from case data.
const showTipsJS = `(function () {
  var texts = [];
  document.querySelectorAll("div.chart").forEach(function (el) {
    var chart = echarts.getInstanceByDom(el);
    if (!chart) { return; }
    var opt = chart.getOption();
    var n = 0;
    (opt.series || []).forEach(function (s) { n = Math.max(n, (s.data || []).length); });
    for (var i = 0; i < n; i += Math.max(1, n - 1)) {
      chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: i});
      el.querySelectorAll("div").forEach(function (d) {
        if (d.style && d.style.zIndex === "9999999" && d.innerText) { texts.push(d.innerText); }
      });
    }
    chart.dispatchAction({type: "hideTip"});
  });
  return texts;
})()`

type browser struct {
	ctx context.Context
	dir string
}

func TestDashboardInBrowser(t *testing.T) {
	exe := testenv.Chromium(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Env("HOME="+home),
		chromedp.WindowSize(1400, 1000),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	start := time.Now()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	t.Logf("chromium started in %v", time.Since(start).Round(time.Millisecond))
	b := &browser{ctx: browserCtx, dir: dir}

	t.Run("Dashboard", func(t *testing.T) {
		page, ev := b.open(t, "dashboard.html", dashReport(), tabOptions{})
		b.checkClean(t, ev, true)
		b.checkCharts(t, page, 13)
		shot, err := chromedp.Run(page, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join(t.TempDir(), "dashboard-2024-Q1.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d KB)", path, len(shot)/1024)
		if d := os.Getenv("PIR_TEST_ARTIFACTS"); d != "" {
			if err := os.WriteFile(filepath.Join(d, "dashboard-2024-Q1.png"), shot, 0o644); err == nil {
				t.Logf("screenshot kept as artefact: %s", filepath.Join(d, "dashboard-2024-Q1.png"))
			}
		}
	})

	t.Run("Filters", func(t *testing.T) { testFilters(t, b) })

	// The attack strings show as text and nothing runs: first as shipped
	// (with the Content-Security-Policy), then with the policy bypassed, so
	// the escaping alone is tested too.
	for _, bypass := range []bool{false, true} {
		name := "XSS"
		if bypass {
			name = "XSSWithoutCSP"
		}
		t.Run(name, func(t *testing.T) {
			page, ev := b.open(t, strings.ToLower(name)+".html", xssReport(), tabOptions{bypassCSP: bypass})
			b.checkCharts(t, page, 13)
			start := time.Now()
			tips, err := chromedp.Run(page, chromedp.Evaluate[[]string](showTipsJS))
			if err != nil {
				t.Fatalf("tooltips: %v", err)
			}
			t.Logf("opened %d tooltips in %v", len(tips), time.Since(start).Round(time.Millisecond))
			joined := strings.Join(tips, "\n")
			for _, want := range []string{xssScript, xssImg, xssMarker} {
				if !strings.Contains(joined, want) {
					t.Errorf("tooltips lack the text %q", want)
				}
			}
			text, err := chromedp.Run(page, chromedp.Evaluate[string](`document.body.innerText + document.title`))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{xssScript, xssImg, xssMarker, `IR-"><svg onload=alert(1)>`} {
				if !strings.Contains(text, want) {
					t.Errorf("page text lacks %q", want)
				}
			}
			counts, err := chromedp.Run(page, chromedp.Evaluate[map[string]int](`({
				scripts: document.scripts.length,
				json: document.querySelectorAll('script[type="application/json"]').length,
				injected: document.querySelectorAll("img, svg, iframe, object, embed, b, script[src]").length,
				charts: document.querySelectorAll("div.chart").length
			})`))
			if err != nil {
				t.Fatal(err)
			}
			if counts["injected"] != 0 {
				t.Errorf("page has %d injected elements (img, svg, iframe, object, embed, b)", counts["injected"])
			}
			if counts["scripts"] != 2+counts["charts"] || counts["json"] != counts["charts"] {
				t.Errorf("scripts: %v, want 2 plus one JSON block per chart", counts)
			}
			time.Sleep(200 * time.Millisecond) // a dialog from a late handler would show by now
			b.checkClean(t, ev, true)
		})
	}

	// Without JavaScript the page still reads: the charts give way to a
	// note, and every chart's numbers are in its table.
	t.Run("NoJavaScript", func(t *testing.T) {
		page, ev := b.open(t, "nojs.html", dashReport(), tabOptions{noScript: true})
		b.checkClean(t, ev, false)
		got, err := chromedp.Run(page, chromedp.Evaluate[map[string]any](`({
			note: Array.from(document.querySelectorAll("p.noscript")).some(function (p) { return p.offsetParent !== null; }),
			visibleCharts: Array.from(document.querySelectorAll("div.chart")).filter(function (c) { return c.offsetParent !== null; }).length,
			tables: document.querySelectorAll("figure details table").length,
			charts: document.querySelectorAll("div.chart").length,
			drawn: document.documentElement.getAttribute("data-charts-drawn"),
			text: document.querySelector("#fig-chart-top-techniques details").textContent.indexOf("T1566.001") >= 0
		})`))
		if err != nil {
			t.Fatal(err)
		}
		if got["note"] != true || got["visibleCharts"] != 0.0 || got["drawn"] != nil || got["text"] != true {
			t.Errorf("without JavaScript: %v; want the note shown, no chart box shown, nothing drawn, the tables' text present", got)
		}
		if got["tables"] != got["charts"] {
			t.Errorf("numbers tables: %v for %v charts", got["tables"], got["charts"])
		}
	})

	t.Run("Empty", func(t *testing.T) {
		page, ev := b.open(t, "empty.html", emptyReport(), tabOptions{})
		b.checkClean(t, ev, false)
		b.checkCharts(t, page, 0)
	})
}

// open writes the report's dashboard to a file and loads it in a new tab.
// tabOptions change how a tab loads a page.
type tabOptions struct {
	bypassCSP bool // ignore the page's Content-Security-Policy
	noScript  bool // run no page script, as a mail client's viewer might
}

func (b *browser) open(t *testing.T, name string, r *analytics.Report, o tabOptions) (context.Context, *pageEvents) {
	t.Helper()
	var buf bytes.Buffer
	if err := Dashboard(&buf, r, DashboardOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(b.dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ev := &pageEvents{}
	var tab context.Context
	tab, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(ev.listen(&tab)))
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, 30*time.Second)
	t.Cleanup(cancelTimeout)
	if o.bypassCSP {
		if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
			t.Fatalf("bypass CSP: %v", err)
		}
	}
	if o.noScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable scripts: %v", err)
		}
	}
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	t.Logf("loaded %s (%d KB) in %v", name, buf.Len()/1024, time.Since(start).Round(time.Millisecond))
	return ctx, ev
}

// checkClean fails on console errors, exceptions, dialogs and any request
// that is not the file itself.
func (b *browser) checkClean(t *testing.T, ev *pageEvents, wantDrawn bool) {
	t.Helper()
	console, requests, dialogs := ev.snapshot()
	for _, c := range console {
		t.Errorf("console: %s", c)
	}
	for _, d := range dialogs {
		t.Errorf("a JavaScript dialog opened: %s", d)
	}
	if len(requests) == 0 {
		t.Error("saw no request at all: the network listener is not working")
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("request to %s: the page must load nothing but itself", clipLine(u))
		}
	}
}

// checkCharts waits until every chart container holds a canvas with drawn
// pixels, and checks there are want charts.
func (b *browser) checkCharts(t *testing.T, ctx context.Context, want int) {
	t.Helper()
	var paints []chartPaint
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		paints, err = chromedp.Run(ctx, chromedp.Evaluate[[]chartPaint](paintJS))
		if err != nil {
			t.Fatalf("read canvases: %v", err)
		}
		done := true
		for _, p := range paints {
			if p.Painted == 0 {
				done = false
			}
		}
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(paints) != want {
		t.Errorf("chart containers: got %d, want %d", len(paints), want)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.getAttribute("data-charts-drawn") || ""`))
	if err != nil {
		t.Fatal(err)
	}
	if drawn != fmt.Sprint(want) {
		t.Errorf("charts drawn by dashboard.js: got %q, want %d", drawn, want)
	}
	for _, p := range paints {
		share := 0.0
		if p.Width*p.Height > 0 {
			share = float64(p.Painted) / float64(p.Width*p.Height)
		}
		switch {
		case !p.Canvas:
			t.Errorf("%s: no canvas", p.ID)
		case p.Width < 200 || p.Height < 150:
			t.Errorf("%s: canvas %d×%d, too small", p.ID, p.Width, p.Height)
		case share < 0.01 || p.Colours < 3:
			t.Errorf("%s: %d×%d canvas with %.1f%% drawn in %d colours: looks empty", p.ID, p.Width, p.Height, share*100, p.Colours)
		default:
			t.Logf("%s: %d×%d, %.1f%% drawn, %d colours", p.ID, p.Width, p.Height, share*100, p.Colours)
		}
	}
}
