package charts

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// EChartsVersion is the Apache ECharts release embedded in every dashboard
// (charts/assets/echarts.min.js); go-echarts v2.6.7 targets it.
const EChartsVersion = "5.4.3"

// The page is assembled from these embedded files so it works from file://
// with no network: the ECharts library, pir's start-up script and style
// sheet, and the page template.
var (
	//go:embed assets/echarts.min.js
	echartsJS string
	//go:embed assets/dashboard.js
	dashboardJS string
	//go:embed assets/dashboard_filters.js
	filtersJS string
	//go:embed assets/dashboard.css
	dashboardCSS string
	//go:embed assets/dashboard.html.tmpl
	dashboardTmpl string
)

// Why the page is not rendered with go-echarts' own page template: that
// template inserts each chart's option JSON into a <script> as trusted JS,
// encoded without HTML escaping, and afterwards deletes every "__f__" marker
// from the whole page. A case category such as `</script><script>…` ends the
// script element, and one such as `__f__alert(1)__f__` turns into bare
// JavaScript. So go-echarts only builds the option objects here; the page is
// an html/template, each option is encoded with encoding/json (which escapes
// <, >, & and U+2028/9) into a non-executable <script type="application/json">
// block, and one fixed script (assets/dashboard.js) draws every chart from
// those blocks. The options carry data only, never code.
//
// A Content-Security-Policy allows exactly the two inline scripts (by hash)
// and no network access at all, so even a missed escape could neither run
// a script nor load anything.

// encodeOption encodes a chart option for a JSON <script> block. The encoder
// escapes '<', '>' and '&', so the result cannot contain "</script" or
// "<!--"; the check keeps it that way should the encoding ever change.
func encodeOption(option map[string]any) (template.JS, error) {
	b, err := json.Marshal(option)
	if err != nil {
		return "", err
	}
	if bytes.ContainsAny(b, "<>") {
		return "", fmt.Errorf("option JSON contains an unescaped angle bracket")
	}
	return template.JS(b), nil
}

// inlineScript is a script's text as the browser will see it inline: the
// HTML parser turns CR LF and lone CR into LF (echarts.min.js has CR LF in
// its licence header), and the CSP hash is over the parsed text.
func inlineScript(js string) string {
	return strings.ReplaceAll(strings.ReplaceAll(js, "\r\n", "\n"), "\r", "\n")
}

// scriptHash is the CSP source expression for an inline script's text.
func scriptHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// contentSecurityPolicy allows the two inline scripts of the page and
// nothing from anywhere else: no network, no plugins, no forms.
func contentSecurityPolicy() string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + scriptHash(inlineScript(echartsJS)) + " " + scriptHash(inlineScript(initJS())),
		"style-src 'unsafe-inline'",
		"img-src data:",
		"base-uri 'none'",
		"form-action 'none'",
	}, "; ")
}

// initJS is pir's start-up script: the charts, then the filters.
func initJS() string { return dashboardJS + "\n" + filtersJS }

// renderPage executes the page template with the view.
func renderPage(w io.Writer, v *pageView) error {
	tmpl, err := template.New("dashboard").Parse(dashboardTmpl)
	if err != nil {
		return fmt.Errorf("dashboard template: %w", err)
	}
	v.CSP = contentSecurityPolicy()
	v.CSS = template.CSS(dashboardCSS)
	v.EChartsJS = template.JS(inlineScript(echartsJS))
	v.InitJS = template.JS(inlineScript(initJS()))
	v.EChartsVersion = EChartsVersion
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("dashboard template: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
