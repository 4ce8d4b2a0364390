package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/russross/blackfriday/v2"

	"github.com/pirhq/pir/internal/confcheck"
	"github.com/pirhq/pir/internal/testenv"
)

// injectionCase is one case whose free text is an attack on every output:
// HTML and JavaScript (including a breakout from a <script> JSON block),
// Markdown links and images, LaTeX-ish macros, spreadsheet formulas at the
// start of cells, a terminal escape sequence and a CR/LF header attempt.
// Every payload carries a PIRMARK-… word so a test can tell that the text
// reached an output (and so can fail) before checking it is inert there.
const injectionCase = `{"id":"INJ-1\"><svg onload=alert(1)>","source":"pir",` +
	`"title":"=HYPERLINK(\"http://evil.example/PIRMARK-title\",\"click\") <script>document.body.setAttribute('data-pwned','title')</script>\r\nBcc: victim@example.org",` +
	`"severity":"critical","category":"Phishing <b>x</b>","status":"open",` +
	`"tags":["<svg onload=\"document.body.setAttribute('data-pwned','tag')\">","+tag"],` +
	`"timeline":{"compromise":"2025-09-01T00:00:00Z","detection":"2025-11-03T08:00:00Z","triage":"2025-11-05T08:00:00Z","containment":"2025-12-20T08:00:00Z"},` +
	`"techniques":["T1566.001"],` +
	`"root_cause":{"category":"human-error","summary":"<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> [PIRMARK-link](javascript:alert(1)) \\input{/etc/passwd} $\\frac{1}{0}$ \u001b[31mPIRMARK-red\u001b[0m",` +
	`"whys":["-2+3 PIRMARK-why","</script><script>document.body.setAttribute('data-pwned','json')</script>"]},` +
	`"action_items":[{"id":"A-1","summary":"+SUM(1+1)*cmd|' /C calc'!A0 PIRMARK-action </script><script>document.body.setAttribute('data-pwned','action')</script>","owner":"@evil <b>PIRMARK-owner</b>","priority":"high","due":"2025-10-01","status":"open"}],` +
	`"lessons":{"went_well":["# PIRMARK-heading\n* item ![x](http://evil.example/PIRMARK.png)"],"needs_improvement":["<iframe src=\"javascript:document.body.setAttribute('data-pwned','iframe')\"></iframe> PIRMARK-iframe"]},` +
	`"detection_rules":[{"id":"R-1","title":"<a href=\"javascript:alert(1)\">PIRMARK-rule</a>","techniques":["T1566.001"]}]}`

const hostileID = `INJ-1"><svg onload=alert(1)>`

// activeMarkup are the payloads as live markup: none may appear verbatim
// in an HTML output (escaped forms are fine).
var activeMarkup = []string{
	"<script>document.body.setAttribute",
	"<img src=x onerror",
	`<svg onload=`,
	`<iframe src="javascript`,
	`<a href="javascript:`,
	"<b>PIRMARK-owner</b>",
	"<b>x</b>",
}

var pirMark = regexp.MustCompile(`PIRMARK-[a-z]+`)

// TestInjection ingests the hostile case with the sample cases and checks
// every output pir writes: the dashboard and the PDF (through `pir run
// --dry-run`, which also writes the email), the review in Markdown, HTML and
// PDF, query CSV/Markdown/table, and the action-item CSV and Jira CSV.
func TestInjection(t *testing.T) {
	dir := t.TempDir()
	hostile := filepath.Join(dir, "hostile.jsonl")
	if err := os.WriteFile(hostile, []byte(injectionCase+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "pir.toml")
	if err := os.WriteFile(cfg, []byte(`db = "pir.duckdb"
out_dir = "out"
organisation = "ACME"
[[source]]
paths = [`+quoteTOML(examplesCases(t))+`, "hostile.jsonl"]
[email]
from = "pir <pir@example.org>"
to = ["ciso@example.org"]
subject = "{{.Organisation}}: IR report {{.Quarter}}"
host = "127.0.0.1"
port = 25
tls = "none"
attach_html = true
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runPir(t, "", "run", "--config", cfg, "--quarter", "2025-Q4", "--dry-run")
	if code != 0 {
		t.Fatalf("pir run --dry-run: exit %d:\n%s", code, stderr)
	}
	db := filepath.Join(dir, "pir.duckdb")
	out := filepath.Join(dir, "out")

	t.Run("Dashboard", func(t *testing.T) {
		page := readFile(t, filepath.Join(out, "dashboard-2025-Q4.html"))
		checkHTML(t, "dashboard", page, "PIRMARK-title", "PIRMARK-action", "PIRMARK-owner")
		checkInBrowser(t, filepath.Join(out, "dashboard-2025-Q4.html"))
	})
	t.Run("PDF", func(t *testing.T) {
		checkPDF(t, filepath.Join(out, "report-2025-Q4.pdf"), "PIRMARK-title")
	})
	t.Run("Email", func(t *testing.T) {
		checkEmail(t, filepath.Join(out, "report-2025-Q4.eml"), "ACME: IR report 2025-Q4")
	})
	t.Run("ReviewMarkdown", func(t *testing.T) {
		code, md, stderr := runPir(t, "", "review", "--db", db, hostileID)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkMarkdown(t, "review", md, "PIRMARK-title", "PIRMARK-link", "PIRMARK-why", "PIRMARK-action", "PIRMARK-heading", "PIRMARK-rule")
	})
	t.Run("ReviewHTML", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "review.html")
		if code, _, stderr := runPir(t, "", "review", "--db", db, "--format", "html", "-o", p, hostileID); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkHTML(t, "review", readFile(t, p), "PIRMARK-title", "PIRMARK-link", "PIRMARK-action", "PIRMARK-rule")
		checkInBrowser(t, p)
	})
	t.Run("ReviewConfluence", func(t *testing.T) {
		code, page, stderr := runPir(t, "", "review", "--db", db, "--format", "confluence", hostileID)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Every payload reached the page as text: the page body is still
		// well-formed storage format with only pir's own elements, and no
		// payload is markup in it.
		for _, m := range []string{"PIRMARK-title", "PIRMARK-link", "PIRMARK-why", "PIRMARK-action", "PIRMARK-rule", "PIRMARK-iframe"} {
			if !strings.Contains(page, m) {
				t.Errorf("%s missing from the Confluence page", m)
			}
		}
		if err := confcheck.Check(page); err != nil {
			t.Errorf("Confluence page body: %v", err)
		}
		for _, bad := range activeMarkup {
			if strings.Contains(page, bad) {
				t.Errorf("payload %q is markup in the Confluence page", bad)
			}
		}
	})
	t.Run("ReviewPDF", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "review.pdf")
		if code, _, stderr := runPir(t, "", "review", "--db", db, "--format", "pdf", "-o", p, hostileID); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkPDF(t, p, "PIRMARK-title", "PIRMARK-link", "PIRMARK-why", "+SUM(1+1)")
	})
	const textSQL = `SELECT case_id, title, root_cause_summary, root_cause_whys[1] AS why, tags[2] AS tag, -1 AS minus_one
FROM cases WHERE case_id LIKE 'INJ-%'`
	t.Run("QueryCSV", func(t *testing.T) {
		code, got, stderr := runPir(t, "", "query", "--db", db, "--format", "csv", textSQL)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		rows := checkCSV(t, "query csv", got, 4)
		// Text cells are prefixed; numbers are left as they are.
		if r := rows[1]; r[1] != `'=HYPERLINK("http://evil.example/PIRMARK-title","click") <script>document.body.setAttribute('data-pwned','title')</script>`+"\nBcc: victim@example.org" ||
			r[3] != "'-2+3 PIRMARK-why" || r[4] != "'+tag" || r[5] != "-1" {
			t.Errorf("query csv row: got %q", r)
		}
	})
	t.Run("QueryMarkdown", func(t *testing.T) {
		code, got, stderr := runPir(t, "", "query", "--db", db, "--format", "markdown", textSQL)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkMarkdown(t, "query markdown", got, "PIRMARK-title", "PIRMARK-link", "PIRMARK-why")
		if n := strings.Count(got, "\n"); n != 3 {
			t.Errorf("query markdown: got %d lines, want 3 (header, rule, one row): newlines in cells must not start rows:\n%s", n, got)
		}
	})
	t.Run("QueryTableNoEscapeSequences", func(t *testing.T) {
		code, got, stderr := runPir(t, "", "query", "--db", db, textSQL)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Control characters are removed from case text at ingest.
		if !strings.Contains(got, "PIRMARK-red") || strings.ContainsAny(got, "\x1b\x9b\r") {
			t.Errorf("query table: want the text without ESC/CSI/CR, got %q", got)
		}
	})
	t.Run("ActionsCSV", func(t *testing.T) {
		code, got, stderr := runPir(t, "", "actions", "--db", db, "--status", "all", "--format", "csv")
		if code != 0 {
			t.Fatalf("csv: exit %d: %s", code, stderr)
		}
		if !strings.Contains(got, "PIRMARK-action") {
			t.Fatalf("csv: the hostile action item is missing:\n%s", got)
		}
		checkCSV(t, "actions csv", got, 0)
	})
	// The importer files are not for spreadsheets: the text reaches Jira and
	// Azure Boards exactly as written (a ' would be stored in the ticket).
	t.Run("ActionsImportFiles", func(t *testing.T) {
		for _, format := range []string{"jira-csv", "ado-csv"} {
			code, got, stderr := runPir(t, "", "actions", "--db", db, "--status", "all", "--format", format)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", format, code, stderr)
			}
			recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			kept := false
			for _, r := range recs[1:] {
				for _, cell := range r {
					kept = kept || strings.HasPrefix(cell, "+SUM(1+1)") && strings.Contains(cell, "PIRMARK-action")
					if strings.HasPrefix(cell, "'+SUM") {
						t.Errorf("%s: guarded cell %q", format, cell)
					}
				}
			}
			if !kept {
				t.Errorf("%s: the hostile summary is not kept as written:\n%s", format, got)
			}
			// Azure Boards' Description is HTML: the markup is escaped.
			if format == "ado-csv" && (strings.Contains(got, "<p><script") || !strings.Contains(got, "&lt;script&gt;")) {
				t.Errorf("ado-csv: description markup not escaped:\n%s", got)
			}
		}
	})
}

func quoteTOML(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a TOML basic string
	return string(b)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkHTML: the payloads reached the page (marks) and none is live markup.
func checkHTML(t *testing.T, what, page string, marks ...string) {
	t.Helper()
	for _, m := range marks {
		if !strings.Contains(page, m) {
			t.Errorf("%s: %s is missing: the case text did not reach this output", what, m)
		}
	}
	for _, a := range activeMarkup {
		if i := strings.Index(page, a); i >= 0 {
			t.Errorf("%s: live markup %q at byte %d: …%s…", what, a, i, page[max(0, i-80):min(len(page), i+120)])
		}
	}
}

// checkInBrowser loads a page in headless Chromium, lets its scripts run,
// and checks the DOM: no payload ran (data-pwned) or became an element.
func checkInBrowser(t *testing.T, path string) {
	t.Helper()
	chrome := testenv.Chromium(t)
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+filepath.Join(home, "profile"),
		"--virtual-time-budget=3000", "--dump-dom", "file://"+path)
	cmd.Env = append(os.Environ(), "HOME="+home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil || len(dom) == 0 {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", path, err, stderr.String())
	}
	if !bytes.Contains(dom, []byte("PIRMARK-")) {
		t.Fatalf("chromium: the rendered page has no PIRMARK text: the check would prove nothing")
	}
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`data-pwned="`),
		regexp.MustCompile(`<img[^>]*(src="x"|evil\.example)`),
		regexp.MustCompile(`<(iframe|svg)[^>]*(javascript|onload)`),
		regexp.MustCompile(`<a[^>]*href="javascript:`),
		regexp.MustCompile(`<b>PIRMARK`),
	} {
		if loc := re.FindIndex(dom); loc != nil {
			t.Errorf("chromium: a payload became live (%s): …%s…", re, dom[max(0, loc[0]-100):min(len(dom), loc[1]+100)])
		}
	}
}

// checkPDF: the text is there as text (pdftotext), and the file has no
// actions a payload could have produced (JavaScript, launch, links).
func checkPDF(t *testing.T, path string, marks ...string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command(testenv.Poppler(t, "pdftotext"), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, m := range marks {
		if !strings.Contains(flat, m) {
			t.Errorf("%s: %s is missing from the text", filepath.Base(path), m)
		}
	}
	if !strings.Contains(flat, "<script>document.body.") {
		t.Errorf("%s: want the script payload shown as text", filepath.Base(path))
	}
	if loc := pdfActionRE.FindIndex(raw); loc != nil {
		t.Errorf("%s has an action: %q", filepath.Base(path), raw[loc[0]:min(len(raw), loc[1]+60)])
	}
}

// pdfActionRE matches PDF actions a payload could have produced: script,
// launch, form submission, or a link to the payload's URLs.
var pdfActionRE = regexp.MustCompile(`/(JavaScript|JS|Launch|SubmitForm|ImportData)\b|/URI\s*\((javascript|[^)]*evil\.example)`)

// checkMarkdown renders Markdown to HTML and checks no payload became an
// element or a link; the marks must survive as text.
func checkMarkdown(t *testing.T, what, md string, marks ...string) {
	t.Helper()
	html := string(blackfriday.Run([]byte(md)))
	for _, m := range marks {
		if !strings.Contains(html, m) {
			t.Errorf("%s: %s is missing", what, m)
		}
	}
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`<(script|iframe|svg|b)[ >]`),
		regexp.MustCompile(`<img[^>]*(evil\.example|src="x")`),
		// A bare URL in the text is autolinked by GFM renderers (it is
		// text, shown as such); a Markdown link or a javascript: URL is not.
		regexp.MustCompile(`<a [^>]*href="javascript|>PIRMARK-link</a>`),
		regexp.MustCompile(`<h1[^>]*>[^<]*PIRMARK`),
	} {
		if loc := re.FindStringIndex(html); loc != nil {
			t.Errorf("%s: Markdown payload became markup (%s): …%s…\nMarkdown:\n%s", what, re, html[max(0, loc[0]-80):min(len(html), loc[1]+80)], md)
		}
	}
}

// checkCSV parses a CSV and checks that no cell starts like a formula; it
// returns the rows, at least minRows of them.
func checkCSV(t *testing.T, what, text string, minCols int) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: does not parse: %v", what, err)
	}
	if len(rows) < 2 || len(rows[1]) < minCols {
		t.Fatalf("%s: got %q", what, rows)
	}
	for i, row := range rows {
		for j, cell := range row {
			if cell == "" || isNumber(cell) {
				continue
			}
			switch []rune(cell)[0] {
			case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
				t.Errorf("%s: row %d cell %d starts like a formula: %q", what, i+1, j+1, cell)
			}
		}
	}
	return rows
}

var numberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func isNumber(s string) bool { return numberRE.MatchString(s) }

// checkEmail parses the .eml of a dry run: the headers are exactly the
// expected ones (no header made from case text), and the HTML body is inert.
func checkEmail(t *testing.T, path, subject string) {
	t.Helper()
	raw := readFile(t, path)
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	dec := new(mime.WordDecoder)
	if got, _ := dec.DecodeHeader(msg.Header.Get("Subject")); got != subject {
		t.Errorf("subject: got %q, want %q", got, subject)
	}
	for _, h := range []string{"Bcc", "Cc", "X-Injected"} {
		if v := msg.Header.Get(h); v != "" {
			t.Errorf("header %s: %q", h, v)
		}
	}
	if to := msg.Header.Get("To"); to != "<ciso@example.org>" && to != "ciso@example.org" {
		t.Errorf("To: got %q", to)
	}
	var htmlParts []string
	walkMIME(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, func(ctype string, body []byte) {
		if strings.HasPrefix(ctype, "text/html") {
			htmlParts = append(htmlParts, string(body))
		}
	})
	if len(htmlParts) == 0 {
		t.Fatalf("no HTML part in %s", path)
	}
	reached := false
	for i, p := range htmlParts {
		reached = reached || strings.Contains(p, "PIRMARK-")
		for _, a := range activeMarkup {
			if strings.Contains(p, a) {
				t.Errorf("HTML part %d has live markup %q", i, a)
			}
		}
	}
	if !reached {
		t.Errorf("no HTML part (body or attached dashboard) holds the case text: the check proves nothing")
	}
}

// walkMIME calls fn with every leaf part's content type and decoded body.
func walkMIME(t *testing.T, ctype, cte string, body io.Reader, fn func(string, []byte)) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walkMIME(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, fn)
		}
	}
	switch strings.ToLower(cte) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &newlineStripper{r: body})
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("%s part: %v", mt, err)
	}
	fn(mt, b)
}

// newlineStripper drops CR and LF (base64 bodies are wrapped).
type newlineStripper struct{ r io.Reader }

func (n *newlineStripper) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, c := range p[:k] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// TestQueryCannotWrite: `pir query` opens the database read-only. Every
// kind of write fails with exit 1 and the file is byte-for-byte unchanged.
func TestQueryCannotWrite(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, examplesCases(t)); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	before := fileSum(t, db)
	for _, q := range []string{
		"INSERT INTO store.cases SELECT * FROM store.cases LIMIT 1",
		"UPDATE store.cases SET title = 'x'",
		"DELETE FROM store.cases",
		"DELETE FROM store.ingest_runs",
		"CREATE TABLE main.t AS SELECT 1",
		"CREATE OR REPLACE VIEW cases AS SELECT 1",
		"DROP VIEW cases",
		"ALTER TABLE store.cases ADD COLUMN x INTEGER",
		"TRUNCATE store.cases",
		"COPY store.cases FROM '" + examplesCases(t) + "'",
		"ATTACH '" + db + "' AS w (READ_WRITE)",
		"SELECT 1; DELETE FROM store.cases",
	} {
		code, _, stderr := runPir(t, "", "query", "--db", db, q)
		if code != 1 || !strings.Contains(stderr, "Error: query:") {
			t.Errorf("%s: exit %d, want 1 with the error:\n%s", q, code, stderr)
		}
	}
	// Statements that would write nothing to the database are refused too:
	// pir query runs one SELECT, EXPLAIN or COPY … TO statement.
	for _, q := range []string{"CHECKPOINT", "CREATE TEMP TABLE t AS SELECT 1"} {
		if code, _, stderr := runPir(t, "", "query", "--db", db, q); code != 1 || !strings.Contains(stderr, "Error: query: refused:") {
			t.Errorf("%s: exit %d, want 1 and refused: %s", q, code, stderr)
		}
	}
	// COPY TO writes a file outside the database (unless --safe); the
	// database itself is untouched.
	copied := filepath.Join(dir, "copy.csv")
	if code, _, stderr := runPir(t, "", "query", "--db", db, "COPY (SELECT case_id FROM cases) TO '"+copied+"'"); code != 0 {
		t.Errorf("COPY TO: exit %d: %s", code, stderr)
	}
	if after := fileSum(t, db); after != before {
		t.Errorf("the database file changed")
	}
	if _, err := os.Stat(db + ".wal"); err == nil {
		t.Errorf("a read-only query left a WAL")
	}
	if got := queryString(t, db, "SELECT count(*) FROM cases"); got != "400" {
		t.Errorf("cases: got %s, want 400", got)
	}
}

// TestQuerySafe: DuckDB table functions read any file the user can read;
// --safe (enable_external_access=false) turns that off, and COPY TO, ATTACH
// and INSTALL with it.
func TestQuerySafe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pir.duckdb")
	if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, examplesCases(t)); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	secret := filepath.Join(dir, "secret.csv")
	os.WriteFile(secret, []byte("name,value\nroot,PIRSECRET\n"), 0o600)
	readIt := "SELECT value FROM read_csv('" + secret + "')"

	code, out, stderr := runPir(t, "", "query", "--db", db, readIt)
	if code != 0 || !strings.Contains(out, "PIRSECRET") {
		t.Fatalf("without --safe: exit %d, want the file's content:\n%s%s", code, out, stderr)
	}
	if code, out, _ := runPir(t, "", "query", "--db", db, "SELECT count(*) > 0 FROM read_csv('/etc/passwd', header = false, sep = ':')"); code != 0 || !strings.Contains(out, "true") {
		t.Errorf("without --safe: /etc/passwd: exit %d:\n%s", code, out)
	}
	for _, q := range []string{
		readIt,
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM read_text('/etc/hostname')",
		"SELECT * FROM glob('/etc/*')",
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'",
		"ATTACH '" + filepath.Join(dir, "other.duckdb") + "' AS o",
		"INSTALL httpfs",
		"SET enable_external_access = true",
	} {
		code, out, stderr := runPir(t, "", "query", "--safe", "--db", db, q)
		if code != 1 || strings.Contains(out, "PIRSECRET") {
			t.Errorf("--safe %s: exit %d, want 1:\n%s%s", q, code, out, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Errorf("--safe: COPY TO wrote a file")
	}
	t.Run("Env", func(t *testing.T) {
		t.Setenv("PIR_SAFE", "true")
		if code, out, _ := runPir(t, "", "query", "--db", db, readIt); code != 1 || strings.Contains(out, "PIRSECRET") {
			t.Errorf("PIR_SAFE=true: exit %d, want 1:\n%s", code, out)
		}
	})
	// The views work as usual with --safe.
	if code, out, stderr := runPir(t, "", "query", "--safe", "--db", db, "SELECT count(*) FROM cases"); code != 0 || !strings.Contains(out, "400") {
		t.Errorf("--safe SELECT: exit %d:\n%s%s", code, out, stderr)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
