package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/internal/testenv"
	"github.com/pirhq/pir/mail/mailpittest"
)

// runNow is 00:30 on 1 January 2026 in Berlin, 23:30 on 31 December 2025
// in UTC: the last complete quarter is 2025-Q4 in Berlin but 2025-Q3 in UTC.
var runNow = time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)

// runConfig writes a pir.toml into a new temp dir; email is the body of
// the [email] table (empty: no [email] table).
func runConfig(t testing.TB, source, email string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	cfg := fmt.Sprintf(`db = "data/pir.duckdb"
time_zone = "Europe/Berlin"
organisation = "ACME Corp"
out_dir = "out"

[[source]]
paths = [%q]
format = "pir"
`, source)
	if email != "" {
		cfg += "\n[email]\n" + email
	}
	path = filepath.Join(dir, "pir.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func smtpEmail(port int, extra string) string {
	return fmt.Sprintf(`from = "pir reports <pir@example.org>"
to = ["ciso@example.org", "cto@example.org"]
cc = ["soc-lead@example.org"]
host = "127.0.0.1"
port = %d
tls = "none"
retries = 1
backoff = "10ms"
connect_timeout = "2s"
timeout = "10s"
%s`, port, extra)
}

func mailLogCount(t *testing.T, dir, quarter string) int {
	t.Helper()
	code, out, errs := runPir(t, "", "query", "--db", filepath.Join(dir, "data", "pir.duckdb"), "--format", "csv",
		fmt.Sprintf("SELECT count(*) FROM mail_log WHERE quarter = '%s'", quarter))
	if code != 0 {
		t.Fatalf("query mail_log: exit %d: %s", code, errs)
	}
	var n int
	fmt.Sscan(strings.Split(strings.TrimSpace(out), "\n")[1], &n)
	return n
}

func TestRunQuarter(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tt := range []struct {
		name    string
		quarter string // --quarter, parsed
		now     time.Time
		loc     *time.Location
		want    string
	}{
		{"April1Berlin", "", time.Date(2024, 4, 1, 0, 5, 0, 0, berlin), berlin, "2024-Q1"},
		{"Jan1Berlin", "", time.Date(2025, 1, 1, 0, 5, 0, 0, berlin), berlin, "2024-Q4"},
		{"Jan1SameInstantUTC", "", time.Date(2025, 1, 1, 0, 5, 0, 0, berlin), time.UTC, "2024-Q3"},
		{"Flag", "2023-Q2", runNow, berlin, "2023-Q2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &settings{quarter: tt.quarter, loc: tt.loc}
			if got := s.reportQuarter(tt.now); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRunEndToEnd(t *testing.T) {
	mp := mailpittest.Start(t)
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(mp.SMTPPort, "attach_html = true\n"))

	code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout got %q, want nothing without --summary", stdout)
	}
	// The default quarter follows the config's zone and the injected clock.
	pdfPath := filepath.Join(dir, "out", "report-2025-Q4.pdf")
	pdfBytes, err := os.ReadFile(pdfPath)
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "out", "dashboard-2025-Q4.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"lock", "open", "ingest", "metrics", "html", "pdf", "email", "publish"} {
		if !strings.Contains(stderr, "step="+step+" duration=") {
			t.Errorf("stderr lacks the %s step line:\n%s", step, stderr)
		}
	}
	if n := strings.Count(strings.TrimSpace(stderr), "\n") + 1; n != 8 {
		t.Errorf("got %d log lines, want 8 (one per step):\n%s", n, stderr)
	}

	list := mp.Messages(t)
	if len(list) != 1 {
		t.Fatalf("got %d messages, want 1", len(list))
	}
	m := mp.Message(t, list[0].ID)
	if want := "ACME Corp: Incident response report 2025-Q4 [TLP:AMBER]"; m.Subject != want {
		t.Errorf("subject got %q, want %q", m.Subject, want)
	}
	if got := addrList(m.To) + " / " + addrList(m.Cc); got != "ciso@example.org,cto@example.org / soc-lead@example.org" {
		t.Errorf("recipients got %s", got)
	}
	for _, want := range []string{"2025-Q4", "Median 2025-Q3", "Overdue action items", "report-2025-Q4.pdf"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text body lacks %q:\n%s", want, m.Text)
		}
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML body lacks %q", want)
		}
	}
	if len(m.Attachments) != 2 {
		t.Fatalf("got %d attachments, want 2", len(m.Attachments))
	}
	if a := m.Attachments[0]; a.ContentType != "application/pdf" || !bytes.Equal(mp.Part(t, m.ID, a.PartID), pdfBytes) {
		t.Errorf("PDF attachment %+v is not byte-identical to %s", a, pdfPath)
	}
	if a := m.Attachments[1]; !bytes.Equal(mp.Part(t, m.ID, a.PartID), html) {
		t.Errorf("HTML attachment %+v differs from the dashboard", a)
	}
	if n := mailLogCount(t, dir, "2025-Q4"); n != 1 {
		t.Errorf("mail_log got %d rows, want 1", n)
	}
	_, out, _ := runPir(t, "", "query", "--db", filepath.Join(dir, "data", "pir.duckdb"), "--format", "csv",
		"SELECT message_id FROM mail_log")
	if !strings.Contains(out, m.MessageID) {
		t.Errorf("mail_log got %q, want Message-ID %s", out, m.MessageID)
	}
	if got := outboxStates(t, filepath.Join(dir, "data", "pir.duckdb")); got != m.MessageID+"=sent" {
		t.Errorf("outbox got %q, want %s=sent", got, m.MessageID)
	}

	t.Run("NoResendSkips", func(t *testing.T) {
		code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--no-resend", "--summary")
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "skipped, already sent as "+m.MessageID) {
			t.Errorf("stdout got %q", stdout)
		}
		if n := len(mp.Messages(t)); n != 1 {
			t.Errorf("got %d messages, want still 1", n)
		}
	})
	t.Run("RerunSendsAgain", func(t *testing.T) {
		code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--summary")
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "report-2025-Q4.pdf") || !strings.Contains(stdout, "sent ") {
			t.Errorf("stdout got %q", stdout)
		}
		if n := len(mp.Messages(t)); n != 2 {
			t.Errorf("got %d messages, want 2", n)
		}
		// Nothing was ingested twice.
		_, out, _ := runPir(t, "", "query", "--db", filepath.Join(dir, "data", "pir.duckdb"), "--format", "csv",
			"SELECT count(*) AS n, count(DISTINCT source || '/' || case_id) AS d FROM cases")
		if !strings.Contains(out, "400,400") {
			t.Errorf("cases got %q, want 400 distinct", out)
		}
	})
	leftovers, _ := filepath.Glob(filepath.Join(dir, "out", ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestRunDryRun(t *testing.T) {
	port := mailpittest.FreePort(t) // nothing listens: a dry run must not connect
	t.Setenv("PIR_TEST_SMTP_PASSWORD", testSecret)
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(port, `username = "pir"
password_env = "PIR_TEST_SMTP_PASSWORD"
`)+"subject = \"IR {{.Quarter}} for {{.Organisation}}\"\n")
	code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--quarter", "2025-Q3", "--dry-run", "--summary")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	eml, err := os.ReadFile(filepath.Join(dir, "out", "report-2025-Q3.eml"))
	if err != nil {
		t.Fatalf("no .eml next to the PDF: %v", err)
	}
	for _, want := range []string{"Subject: IR 2025-Q3 for ACME Corp", "To: <ciso@example.org>, <cto@example.org>",
		"Content-Type: application/pdf", `filename="report-2025-Q3.pdf"`} {
		if !bytes.Contains(eml, []byte(want)) {
			t.Errorf(".eml lacks %q", want)
		}
	}
	if !strings.Contains(stdout, "report-2025-Q3.eml") {
		t.Errorf("stdout got %q", stdout)
	}
	assertNoSecret(t, "stderr", stderr)
	assertNoSecret(t, "stdout", stdout)
	assertNoSecret(t, ".eml", string(eml))
	if n := mailLogCount(t, dir, "2025-Q3"); n != 0 {
		t.Errorf("mail_log got %d rows after a dry run, want 0", n)
	}
}

func TestRunRefusedKeepsPreviousOutputs(t *testing.T) {
	r := mailpittest.Respond(t, "220 responder ready", "554 5.7.1 message refused by policy")
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(r.Port, ""))
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	previous := map[string]string{"report-2025-Q4.pdf": "previous pdf", "dashboard-2025-Q4.html": "previous html"}
	for name, body := range previous {
		if err := os.WriteFile(filepath.Join(out, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runPirAt(t, runNow, "run", "--config", cfg)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	errLines := grepLines(stderr, "Error:")
	if len(errLines) != 1 || !strings.Contains(errLines[0], "run 2025-Q4: email: not sent") || !strings.Contains(errLines[0], "554") {
		t.Errorf("want one Error line naming the step and the 554 reply, got:\n%s", stderr)
	}
	if stdout != "" {
		t.Errorf("stdout got %q", stdout)
	}
	for name, body := range previous {
		if b, _ := os.ReadFile(filepath.Join(out, name)); string(b) != body {
			t.Errorf("%s was replaced on failure", name)
		}
	}
	if n := r.Conns.Load(); n != 1 {
		t.Errorf("got %d SMTP connections, want 1 (a 5xx is not retried)", n)
	}
	if n := mailLogCount(t, dir, "2025-Q4"); n != 0 {
		t.Errorf("mail_log got %d rows, want 0", n)
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func grepLines(s, prefix string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestRunServerDown(t *testing.T) {
	port := mailpittest.FreePort(t)
	t.Setenv("PIR_SMTP_PASSWORD", testSecret)
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(port, "username = \"pir\"\n"))
	code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	want := fmt.Sprintf("smtp 127.0.0.1:%d: gave up after 2 attempts", port)
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "connection refused") {
		t.Errorf("stderr lacks %q … connection refused:\n%s", want, stderr)
	}
	if c := strings.Count(stderr, "retrying"); c != 1 {
		t.Errorf("got %d retry lines, want 1:\n%s", c, stderr)
	}
	assertNoSecret(t, "stderr", stderr)
	if _, err := os.Stat(filepath.Join(dir, "out", "report-2025-Q4.pdf")); !os.IsNotExist(err) {
		t.Errorf("the PDF was published although the email failed: %v", err)
	}
}

func TestRunAuthAndSecrets(t *testing.T) {
	mp := mailpittest.Start(t, "--smtp-auth-file", mailpittest.AuthFile(t, map[string]string{"pir": testSecret}), "--smtp-auth-allow-insecure")
	secretFile := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(secretFile, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, cfg := runConfig(t, examplesCases(t), smtpEmail(mp.SMTPPort, fmt.Sprintf("username = \"pir\"\npassword_file = %q\n", secretFile)))
	code, stdout, stderr := runPirAt(t, runNow, "--log-level", "debug", "run", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	assertNoSecret(t, "stderr", stderr)
	assertNoSecret(t, "stdout", stdout)
	if n := len(mp.Messages(t)); n != 1 {
		t.Errorf("got %d messages, want 1", n)
	}
	// Nothing in the database holds the password.
	_, out, _ := runPir(t, "", "query", "--db", filepath.Join(dir, "data", "pir.duckdb"), "--format", "csv", "SELECT * FROM mail_log")
	assertNoSecret(t, "mail_log", out)

	t.Run("ErrWrongPassword", func(t *testing.T) {
		t.Setenv("PIR_SMTP_PASSWORD", testSecret+"-wrong")
		code, _, stderr := runPirAt(t, runNow, "--log-level", "debug", "run", "--config", cfg)
		if code != 1 || !strings.Contains(stderr, "535") {
			t.Fatalf("exit %d, want 1 with the server's 535:\n%s", code, stderr)
		}
		assertNoSecret(t, "stderr", stderr)
		if strings.Contains(stderr, "-wrong") {
			t.Errorf("stderr contains the wrong password:\n%s", stderr)
		}
	})
	t.Run("ErrReadablePasswordFile", func(t *testing.T) {
		if err := os.Chmod(secretFile, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg)
		if code != 2 || !strings.Contains(stderr, "readable by group or others") {
			t.Fatalf("exit %d, want 2 refusing the password file:\n%s", code, stderr)
		}
	})
}

func TestRunSubjectInjection(t *testing.T) {
	mp := mailpittest.Start(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "pir.toml")
	body := fmt.Sprintf(`db = "pir.duckdb"
organisation = "ACME\r\nBcc: victim@example.org\r\nX-Injected: yes"
[[source]]
paths = [%q]
[email]
%s`, examplesCases(t), smtpEmail(mp.SMTPPort, ""))
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg, "--quarter", "2025-Q4")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	list := mp.Messages(t)
	if len(list) != 1 {
		t.Fatalf("got %d messages, want 1", len(list))
	}
	if len(list[0].Bcc) != 0 {
		t.Errorf("bcc got %+v", list[0].Bcc)
	}
	h := mp.Headers(t, list[0].ID)
	if _, ok := h["X-Injected"]; ok {
		t.Errorf("X-Injected header created")
	}
	if want := "ACME Bcc: victim@example.org X-Injected: yes: Incident response report 2025-Q4 [TLP:AMBER]"; list[0].Subject != want {
		t.Errorf("subject got %q, want %q", list[0].Subject, want)
	}
}

func TestRunIngestFailure(t *testing.T) {
	bad := writeTemp(t, "bad.jsonl", `{"id":"X-1","timeline":{"detection":"yesterday"}}`+"\n")
	r := mailpittest.Respond(t, "220 ready", "250 ok")
	dir, cfg := runConfig(t, bad, smtpEmail(r.Port, ""))
	code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	errLines := grepLines(stderr, "Error:")
	if len(errLines) != 1 || !strings.Contains(errLines[0], "ingest:") || !strings.Contains(errLines[0], "bad.jsonl:1") {
		t.Errorf("want one Error line naming the ingest step and the record, got:\n%s", stderr)
	}
	if n := r.Conns.Load(); n != 0 {
		t.Errorf("got %d SMTP connections, want none", n)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "out")); len(entries) != 0 {
		t.Errorf("outputs written on failure: %v", entries)
	}
}

func TestRunLocked(t *testing.T) {
	dir, cfg := runConfig(t, examplesCases(t), "")
	lock := filepath.Join(dir, "data", "pir.duckdb.lock")
	unlock, err := lockRun(lock, runNow)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg)
	unlock()
	if code != exitLocked {
		t.Fatalf("exit %d, want %d:\n%s", code, exitLocked, stderr)
	}
	if !strings.Contains(stderr, "another pir run is in progress") || !strings.Contains(stderr, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("stderr got:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "pir.duckdb")); !os.IsNotExist(err) {
		t.Errorf("the locked-out run touched the database: %v", err)
	}
}

func TestRunNoEmailConfigured(t *testing.T) {
	dir, cfg := runConfig(t, examplesCases(t), "")
	code, _, stderr := runPirAt(t, runNow, "run", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "no email configured") {
		t.Errorf("stderr got:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "report-2025-Q4.pdf")); err != nil {
		t.Error(err)
	}
}

func TestRunUsageErrors(t *testing.T) {
	_, cfg := runConfig(t, examplesCases(t), "")
	badTLS := writeTemp(t, "pir.toml", "[email]\ntls = \"sometimes\"\n")
	pw := writeTemp(t, "pir.toml", "[email]\npassword = \"x\"\n")
	remote := writeTemp(t, "pir.toml", "[email]\nto = [\"a@example.org\"]\nfrom = \"p@example.org\"\nhost = \"smtp.example.org\"\ntls = \"none\"\n")
	for _, tt := range []struct {
		name string
		code int
		args []string
		want string
	}{
		{"ErrNoConfig", 2, []string{"run"}, "run needs --config"},
		{"ErrBadQuarter", 2, []string{"run", "--config", cfg, "--quarter", "2024-Q7"}, "--quarter"},
		{"ErrArgs", 2, []string{"run", "--config", cfg, "extra"}, "no arguments"},
		{"ErrTLSMode", 2, []string{"run", "--config", badTLS}, "email.tls"},
		{"ErrPasswordInConfig", 2, []string{"run", "--config", pw}, "passwords are not read from the config"},
		{"ErrClearTextRemote", 2, []string{"run", "--config", remote}, "not a loopback"},
		{"ErrMissingConfig", 2, []string{"run", "--config", "/nonexistent/pir.toml"}, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runPirAt(t, runNow, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d %q, want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestRunExampleConfig runs examples/pir.toml as shipped (copied with the
// sample and the rules folder next to it, so its relative paths land in a
// temp dir), against mailpit on a free port instead of 1025.
func TestRunExampleConfig(t *testing.T) {
	mp := mailpittest.Start(t)
	root := t.TempDir()
	ex := filepath.Join(root, "examples")
	if err := os.MkdirAll(ex, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pir.toml", "cases.jsonl"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ex, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testenv.CopyTree(t, filepath.Join("..", "..", "examples", "rules"), filepath.Join(ex, "rules"))
	code, stdout, stderr := runPirAt(t, runNow, "run", "--config", filepath.Join(ex, "pir.toml"),
		"--smtp-port", fmt.Sprint(mp.SMTPPort), "--summary")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"out/dashboard-2025-Q4.html", "out/report-2025-Q4.pdf", "sent pir."} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	list := mp.Messages(t)
	if len(list) != 1 || list[0].Subject != "Example Corp: incident response report 2025-Q4 [TLP:AMBER]" || list[0].Attachments != 2 {
		t.Errorf("messages got %+v", list)
	}
	if _, err := os.Stat(filepath.Join(root, "out", "pir.duckdb")); err != nil {
		t.Errorf("database not where the example says: %v", err)
	}
	// rules_dir = "rules": the dashboard has the detection-engineering section
	if b, err := os.ReadFile(filepath.Join(root, "out", "dashboard-2025-Q4.html")); err != nil || !strings.Contains(string(b), "Detection engineering, 2025-Q4") {
		t.Errorf("the example's rules_dir gave no Detection engineering section (%v)", err)
	}
}
