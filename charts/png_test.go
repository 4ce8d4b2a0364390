package charts

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// pngOut, when set, keeps the rendered charts in that directory to look at:
// go test ./charts/ -run Png -args -png-out=/tmp/png
var pngOut = flag.String("png-out", "", "write the test charts to this directory")

func ptr(v float64) *float64 { return &v }

// pngFixture is a small hand-made report: three quarters, one of them
// without any counted case for the metric, a zero duration, Unicode names.
func pngFixture() *analytics.Report {
	qs := []string{"2023-Q4", "2024-Q1", "2024-Q2"}
	return &analytics.Report{
		Quarter:  "2024-Q2",
		Quarters: qs,
		Metrics: []analytics.MetricSeries{{
			Metric: "contain", Label: "Time to contain (MTTC)",
			Stats: []analytics.Stat{
				{Quarter: "2023-Q4", N: 3, Median: ptr(9.2), P90: ptr(30)},
				{Quarter: "2024-Q1"},
				{Quarter: "2024-Q2", N: 14, Median: ptr(0), P90: ptr(4.1)},
			},
		}, {
			Metric: "dwell", Label: "Dwell time (MTTD)",
			Stats: []analytics.Stat{
				{Quarter: "2023-Q4", N: 2, Median: ptr(200), P90: ptr(400)},
				{Quarter: "2024-Q1", N: 5, Median: ptr(264), P90: ptr(900)},
				{Quarter: "2024-Q2", N: 6, Median: ptr(100), P90: ptr(300)},
			},
		}},
		Volume: analytics.Volume{Total: []analytics.QuarterCount{
			{Quarter: "2023-Q4", Key: "all", Cases: 12},
			{Quarter: "2024-Q1", Key: "all", Cases: 0},
			{Quarter: "2024-Q2", Key: "all", Cases: 21},
		}},
		RootCauses: []analytics.RootCause{
			{Quarter: "2023-Q4", Category: "phishing", Cases: 4},
			{Quarter: "2024-Q2", Category: "phishing", Cases: 6},
			{Quarter: "2024-Q2", Category: "Zugangsdaten – ł ß Ω Ж", Cases: 3},
			{Quarter: "2024-Q2", Category: "misconfiguration", Cases: 2},
			{Quarter: "2024-Q2", Category: "a", Cases: 1},
			{Quarter: "2024-Q2", Category: "b", Cases: 1},
			{Quarter: "2024-Q2", Category: "c", Cases: 1},
			{Quarter: "2024-Q2", Category: "d", Cases: 1},
			{Quarter: "2024-Q2", Category: "e", Cases: 1},
		},
		Techniques: []analytics.Technique{
			{ID: "T1566.001", Name: "Spearphishing Attachment", Cases: 7, Known: true},
			{ID: "T1078", Name: "Valid Accounts", Cases: 4, Known: true},
			{ID: "T9999", Cases: 1},
		},
		Tactics: []analytics.TacticCount{
			{Quarter: "2024-Q1", Tactic: "initial-access", Name: "Initial Access", Cases: 2},
			{Quarter: "2024-Q2", Tactic: "initial-access", Name: "Initial Access", Cases: 9},
			{Quarter: "2024-Q2", Tactic: "credential-access", Cases: 3},
		},
		Actions: []analytics.ActionSummary{
			{Quarter: "2023-Q4", Created: 10, Completed: 9, Overdue: 1},
			{Quarter: "2024-Q2", Created: 15, Completed: 4, Overdue: 6},
		},
	}
}

var pngSize = PNGOptions{Width: 700, Height: 420, Scale: 2}

func TestPngCharts(t *testing.T) {
	r := pngFixture()
	cases := []struct {
		name string
		draw func() ([]byte, error)
	}{
		{"trend-contain", func() ([]byte, error) { return TrendPNG(r.Metrics[0], r.Quarters, pngSize) }},
		{"trend-dwell", func() ([]byte, error) { return TrendPNG(r.Metrics[1], r.Quarters, pngSize) }},
		{"volume", func() ([]byte, error) { return VolumePNG(r, pngSize) }},
		{"root-causes", func() ([]byte, error) { return RootCausesPNG(r, pngSize) }},
		{"techniques", func() ([]byte, error) { return TechniquesPNG(r, 10, pngSize) }},
		{"tactics", func() ([]byte, error) { return TacticsPNG(r, pngSize) }},
		{"actions", func() ([]byte, error) { return ActionItemsPNG(r, pngSize) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.draw()
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			img, format, err := image.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if format != "png" {
				t.Errorf("got format %q, want png", format)
			}
			if got := img.Bounds().Size(); got != (image.Point{700, 420}) {
				t.Errorf("got size %v, want 700x420", got)
			}
			if ink := inkShare(img); ink < 0.01 {
				t.Errorf("got %.3f of the pixels drawn, want a visible chart", ink)
			}
			if len(b) > 200<<10 {
				t.Errorf("got %d bytes, want at most 200 KiB for a PDF chart", len(b))
			}
			if *pngOut != "" {
				if err := os.MkdirAll(*pngOut, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(*pngOut, c.name+".png"), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// inkShare is the share of pixels that are not near-white.
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

func TestPngNoData(t *testing.T) {
	empty := &analytics.Report{Quarter: "2024-Q2", Quarters: []string{"2024-Q2"}}
	for name, draw := range map[string]func() ([]byte, error){
		"trend":       func() ([]byte, error) { return TrendPNG(analytics.MetricSeries{Metric: "x"}, empty.Quarters, pngSize) },
		"root-causes": func() ([]byte, error) { return RootCausesPNG(empty, pngSize) },
		"techniques":  func() ([]byte, error) { return TechniquesPNG(empty, 10, pngSize) },
		"tactics":     func() ([]byte, error) { return TacticsPNG(empty, pngSize) },
		"actions":     func() ([]byte, error) { return ActionItemsPNG(empty, pngSize) },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := draw(); !errors.Is(err, ErrNoData) {
				t.Errorf("got %v, want ErrNoData", err)
			}
		})
	}
	t.Run("ErrSize", func(t *testing.T) {
		if _, err := VolumePNG(pngFixture(), PNGOptions{}); err == nil {
			t.Error("got nil, want an error for a zero size")
		}
	})
}

// TestPngBarAxisStartsAtZero checks the pixel column left of the first bar:
// with counts 12, 0 and 21 a zero-based axis draws the 12 bar at 12/21 of
// the tallest bar's height, an auto range starting near 12 would not.
func TestPngBarAxisStartsAtZero(t *testing.T) {
	b, err := VolumePNG(pngFixture(), PNGOptions{Width: 600, Height: 400})
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	heights := barHeights(img, color.RGBA{R: 31, G: 58, B: 95, A: 255})
	if len(heights) != 2 {
		t.Fatalf("got %d bars %v, want 2 (the zero quarter draws none)", len(heights), heights)
	}
	got := float64(heights[0]) / float64(heights[1])
	if want := 12.0 / 21.0; math.Abs(got-want) > 0.03 {
		t.Errorf("got bar ratio %.3f, want %.3f (axis from zero)", got, want)
	}
}

// barHeights scans columns for runs of the bar colour and returns the tallest
// run of each bar, left to right.
func barHeights(img image.Image, c color.RGBA) []int {
	b := img.Bounds()
	var out []int
	in := false
	for x := b.Min.X; x < b.Max.X; x++ {
		run, best := 0, 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c.R) && near(g, c.G) && near(bl, c.B) {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		switch {
		case best > 3 && !in:
			out = append(out, best)
			in = true
		case best > 3:
			out[len(out)-1] = max(out[len(out)-1], best)
		default:
			in = false
		}
	}
	return out
}

func near(v uint32, c uint8) bool {
	d := int(v>>8) - int(c)
	return d > -6 && d < 6
}

func TestPngTacticLabel(t *testing.T) {
	if got, want := display.TacticLabel("", "command-and-control"), "Command and Control"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := display.TacticLabel("Initial Access", "initial-access"), "Initial Access"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTechniqueAxisLabels: a technique label on the PNG's axis is cut after
// a whole word with an ellipsis, never inside a word, and its ID is always
// whole (the old cut gave "T1133 External Remote Ser…").
func TestTechniqueAxisLabels(t *testing.T) {
	in := []string{
		"T1133 External Remote Services",
		"T1567.002 Exfiltration to Cloud Storage",
		"T1486 Data Encrypted for Impact",
		"T1530 Data from Cloud Storage",
		"T1566.001 Spearphishing Attachment",
		"T1059.001 PowerShell",
		"T1078 Valid Accounts",
		"T9999 (not in ATT&CK)",
		"T1548.002 Bypass User Account Control",
	}
	want := map[string]string{
		"T1133 External Remote Services":          "T1133 External Remote…",
		"T1567.002 Exfiltration to Cloud Storage": "T1567.002 Exfiltration to…",
		"T1566.001 Spearphishing Attachment":      "T1566.001 Spearphishing…",
		"T1059.001 PowerShell":                    "T1059.001 PowerShell",
	}
	got := techniqueAxisLabels(in)
	for i, l := range got {
		full := in[i]
		if w, ok := want[full]; ok && l != w {
			t.Errorf("%q: got %q, want %q", full, l, w)
		}
		if n := len([]rune(l)); n > techniqueLabelRunes {
			t.Errorf("%q: got %q, %d runes, want at most %d", full, l, n, techniqueLabelRunes)
		}
		id := strings.Fields(full)[0]
		if !strings.HasPrefix(l, id+" ") && l != id {
			t.Errorf("%q: got %q, want the ID %s whole", full, l, id)
		}
		if l == full {
			continue
		}
		prefix, ok := strings.CutSuffix(l, "…")
		if !ok || !strings.HasPrefix(full, prefix) || full[len(prefix)] != ' ' {
			t.Errorf("%q: got %q, want whole words and an ellipsis", full, l)
		}
	}
}

// TestTrendLogScale: a p90 ten or more times the median puts the trend on
// a log axis (so the median is not a flat line on zero), labelled by
// decade; a narrow spread or a zero keeps the linear axis.
func TestTrendLogScale(t *testing.T) {
	qs := []string{"2025-Q1", "2025-Q2", "2025-Q3"}
	wide := analytics.MetricSeries{Metric: "dwell", Stats: []analytics.Stat{
		{Quarter: "2025-Q1", N: 30, Median: ptr(40), P90: ptr(1300)},
		{Quarter: "2025-Q2", N: 30, Median: ptr(20), P90: ptr(400)},
		{Quarter: "2025-Q3", N: 30, Median: ptr(45), P90: ptr(1500)},
	}}
	narrow := analytics.MetricSeries{Metric: "close", Stats: []analytics.Stat{
		{Quarter: "2025-Q1", N: 30, Median: ptr(200), P90: ptr(1400)},
		{Quarter: "2025-Q3", N: 30, Median: ptr(250), P90: ptr(1000)},
	}}
	if !TrendLogScale(wide, qs) {
		t.Error("median 20–45 h, p90 up to 1500 h: got a linear axis, want a log axis")
	}
	if TrendLogScale(narrow, qs) {
		t.Error("p90 at most 7 times the median: got a log axis, want a linear one")
	}
	if TrendLogScale(pngFixture().Metrics[0], pngFixture().Quarters) {
		t.Error("a zero median: got a log axis, which cannot show zero")
	}
	// In days: 0.83 d … 62.5 d spans the decades 0.1 to 100.
	lo, hi := logDecades(20.0/24, 1500.0/24)
	if lo != -1 || hi != 2 {
		t.Errorf("decades: got 10^%g–10^%g, want 10^-1–10^2", lo, hi)
	}
	var labels []string
	for e := lo; e <= hi; e++ {
		labels = append(labels, decadeLabel(e))
	}
	if strings.Join(labels, " ") != "0.1 1 10 100" {
		t.Errorf("axis labels: got %q, want 0.1 1 10 100", labels)
	}
	if lo, hi := logDecades(3, 3); lo != 0 || hi != 1 {
		t.Errorf("one value: got 10^%g–10^%g, want one decade 10^0–10^1", lo, hi)
	}
	if _, err := TrendPNG(wide, qs, pngSize); err != nil {
		t.Errorf("log trend PNG: %v", err)
	}
}

// TestTrendUnitFollowsQuarter: a trend is drawn in the unit of the report
// quarter's median and p90 (the last quarter), the unit its caption and
// the key-metrics table use, even when an earlier quarter's p90 runs into
// days: the time to contain of the sample read "0.11 d" on the axis
// beside a caption of "2.7 h".
func TestTrendUnitFollowsQuarter(t *testing.T) {
	qs := []string{"2025-Q1", "2025-Q2", "2025-Q3"}
	contain := analytics.MetricSeries{Metric: "contain", Stats: []analytics.Stat{
		{Quarter: "2025-Q1", N: 30, Median: ptr(4), P90: ptr(190)},
		{Quarter: "2025-Q2", N: 30, Median: ptr(3), P90: ptr(70)},
		{Quarter: "2025-Q3", N: 30, Median: ptr(2.7), P90: ptr(32.9)},
	}}
	if u := trendOf(contain, qs).unit; u != display.Hours {
		t.Errorf("2025-Q3 median 2.7 h, p90 32.9 h: got the axis in %s, want hours", u.Name())
	}
	// no value in the last quarter: the whole series' unit
	gap := analytics.MetricSeries{Metric: "contain", Stats: contain.Stats[:2]}
	if u := trendOf(gap, qs).unit; u != display.Days {
		t.Errorf("no 2025-Q3 value, p90 up to 190 h: got %s, want days", u.Name())
	}
}
