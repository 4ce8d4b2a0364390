package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/mail/mailpittest"
)

func TestMailCommand(t *testing.T) {
	mp := mailpittest.Start(t, "--smtp-auth-file", mailpittest.AuthFile(t, map[string]string{"pir": testSecret}), "--smtp-auth-allow-insecure")
	pdfBytes := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 1, 2, 255}, 4096)...)
	pdfPath := writeTemp(t, "report-2025-Q4.pdf", string(pdfBytes))
	htmlPath := writeTemp(t, "dashboard-2025-Q4.html", "<!DOCTYPE html><title>x</title>")
	smtp := []string{"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(mp.SMTPPort), "--smtp-tls", "none",
		"--smtp-username", "pir", "--from", "pir <pir@example.org>"}

	t.Run("OK", func(t *testing.T) {
		t.Setenv("PIR_SMTP_PASSWORD", testSecret)
		args := append([]string{"--log-level", "debug", "mail", "--to", "ciso@example.org,cto@example.org", "--cc", "soc@example.org",
			"--subject", "Quarterly report\r\nBcc: victim@example.org"}, smtp...)
		code, stdout, stderr := runPir(t, "", append(args, pdfPath, htmlPath)...)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		if stdout != "" {
			t.Errorf("stdout got %q", stdout)
		}
		assertNoSecret(t, "stderr", stderr)
		list := mp.Messages(t)
		if len(list) != 1 {
			t.Fatalf("got %d messages, want 1", len(list))
		}
		m := mp.Message(t, list[0].ID)
		if m.Subject != "Quarterly report Bcc: victim@example.org" || len(m.Bcc) != 0 {
			t.Errorf("subject %q bcc %+v", m.Subject, m.Bcc)
		}
		if got := addrList(m.To) + " / " + addrList(m.Cc); got != "ciso@example.org,cto@example.org / soc@example.org" {
			t.Errorf("recipients got %s", got)
		}
		if !strings.Contains(m.Text, "report-2025-Q4.pdf") || !strings.Contains(m.HTML, "dashboard-2025-Q4.html") {
			t.Errorf("bodies got %q / %q", m.Text, m.HTML)
		}
		if len(m.Attachments) != 2 || m.Attachments[0].ContentType != "application/pdf" ||
			!bytes.Equal(mp.Part(t, m.ID, m.Attachments[0].PartID), pdfBytes) {
			t.Errorf("attachments got %+v", m.Attachments)
		}
	})
	t.Run("OKQuarterSummary", func(t *testing.T) {
		t.Setenv("PIR_SMTP_PASSWORD", testSecret)
		db := filepath.Join(t.TempDir(), "pir.duckdb")
		if code, _, stderr := runPir(t, "", "ingest", "--quiet", "--db", db, examplesCases(t)); code != 0 {
			t.Fatalf("ingest: %s", stderr)
		}
		args := append([]string{"mail", "--db", db, "--quarter", "2025-Q4", "--to", "ciso@example.org"}, smtp...)
		code, _, stderr := runPir(t, "", append(args, pdfPath)...)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		list := mp.Messages(t)
		m := mp.Message(t, list[0].ID)
		if m.Subject != "Incident response report 2025-Q4" {
			t.Errorf("subject got %q", m.Subject)
		}
		// The summary sentences of page 1, among them the yardstick with
		// its population and the technique counts with their rule.
		for _, want := range []string{"Time to contain", "Median 2025-Q3", "p90", "Yardstick: the median dwell time",
			"intrusions investigated by Mandiant incident responders worldwide", "(T1078 with its sub-techniques,"} {
			if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
				t.Errorf("bodies lack %q:\n%s", want, m.Text)
			}
		}
	})
	t.Run("EML", func(t *testing.T) {
		eml := filepath.Join(t.TempDir(), "out.eml")
		code, _, stderr := runPir(t, "", "mail", "--to", "a@example.org", "--from", "p@example.org", "--eml", eml, pdfPath)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		b, err := os.ReadFile(eml)
		if err != nil || !bytes.Contains(b, []byte("Content-Type: application/pdf")) {
			t.Errorf("eml got %v:\n%.400s", err, b)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		t.Setenv("PIR_SMTP_PASSWORD", testSecret+"x")
		code, _, stderr := runPir(t, "", append(append([]string{"mail", "--to", "a@example.org"}, smtp...), pdfPath)...)
		if code != 1 || !strings.Contains(stderr, "mail not sent") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
		assertNoSecret(t, "stderr", stderr)
	})
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoFiles", []string{"mail", "--to", "a@example.org"}, "at least one FILE"},
		{"ErrNoTo", []string{"mail", "--from", "p@example.org", pdfPath}, "needs a recipient"},
		{"ErrNoFrom", []string{"mail", "--to", "a@example.org", pdfPath}, "needs a sender"},
		{"ErrClearTextRemote", []string{"mail", "--to", "a@example.org", "--from", "p@example.org", "--smtp-host", "smtp.example.org", "--smtp-tls", "none", pdfPath}, "not a loopback"},
		{"ErrTLSMode", []string{"mail", "--to", "a@example.org", "--from", "p@example.org", "--smtp-host", "h", "--smtp-tls", "maybe", pdfPath}, "TLS mode"},
		{"ErrNoPassword", []string{"mail", "--to", "a@example.org", "--from", "p@example.org", "--smtp-host", "h", "--smtp-username", "u", pdfPath}, "no password"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PIR_SMTP_PASSWORD", "")
			code, _, stderr := runPir(t, "", tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d %q, want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	t.Run("ErrMissingFile", func(t *testing.T) {
		code, _, stderr := runPir(t, "", "mail", "--to", "a@example.org", "--from", "p@example.org", "--eml", "-", "/nonexistent.pdf")
		if code != 1 || !strings.Contains(stderr, "nonexistent.pdf") {
			t.Errorf("got exit %d %q", code, stderr)
		}
	})
	if n := len(mp.Messages(t)); n != 2 {
		t.Errorf("got %d messages, want 2", n)
	}
}

// runPirAt runs the CLI in-process like run does, with a fixed clock.
func runPirAt(t testing.TB, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: func() time.Time { return now }}
	e.log = slog.New(slog.NewTextHandler(&errb, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err := newApp(e).RunContext(context.Background(), append([]string{"pir"}, args...))
	return exitCode(err, &errb), out.String(), errb.String()
}

const testSecret = "S3cr3t-smtp-pa55word"

func examplesCases(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs("../../examples/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("examples/cases.jsonl: %v", err)
	}
	return p
}

func assertNoSecret(t *testing.T, where, s string) {
	t.Helper()
	if strings.Contains(s, testSecret) {
		t.Errorf("%s contains the SMTP password:\n%s", where, s)
	}
}

func addrList(as []mailpittest.Address) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Address)
	}
	return strings.Join(s, ",")
}

func fptr(f float64) *float64 { return &f }

func TestReportSummary(t *testing.T) {
	r := &analytics.Report{
		Quarter: "2024-Q1", Quarters: []string{"2023-Q4", "2024-Q1"}, TimeZone: "Europe/Berlin", Cohort: "detection",
		Organisation: "ACME", Marking: "TLP:RED", Cases: 14,
		KPIs: []analytics.KPI{
			{Metric: "contain", Label: "Time to contain (MTTC)",
				Current:  analytics.Stat{Quarter: "2024-Q1", N: 14, Median: fptr(4.1), P90: fptr(30.5)},
				Previous: &analytics.Stat{Quarter: "2023-Q4", N: 12, Median: fptr(9.2)},
				QoQ:      analytics.Change{From: fptr(9.2), To: fptr(4.1), Abs: fptr(-5.1), Pct: fptr(-55.4), Direction: "better"}},
			{Metric: "dwell", Current: analytics.Stat{Quarter: "2024-Q1", N: 3, Median: fptr(264), P90: fptr(500), SmallSample: true},
				QoQ: analytics.Change{Direction: "n/a"}},
		},
		Overdue: []analytics.OverdueItem{{CaseID: "c1"}, {CaseID: "c2"}}, OverdueTotal: 2,
		Summary: []string{"one sentence"},
	}
	s := reportSummary(r)
	if s.Previous != "2023-Q4" || s.Overdue != 2 || s.Cases != 14 || s.Marking != "TLP:RED" || len(s.Rows) != 2 || len(s.Sentences) != 1 {
		t.Fatalf("got %+v", s)
	}
	// The cells are what the PDF prints (package display's formatters).
	c := s.Rows[0]
	if c.Median != display.DurationPtr(fptr(4.1)) || c.P90 != display.DurationPtr(fptr(30.5)) ||
		c.PrevMedian != display.DurationPtr(fptr(9.2)) || c.Change != display.Change(r.KPIs[0].QoQ).String() || c.Direction != "better" || c.N != 14 {
		t.Errorf("got %+v", c)
	}
	if c.Median != "4.1 h" || c.P90 != "30.5 h" {
		t.Errorf("got median %q p90 %q, want 4.1 h and 30.5 h", c.Median, c.P90)
	}
	d := s.Rows[1]
	if d.Label != "dwell" || d.Median != "11 d" && d.Median != "11.0 d" || d.PrevMedian != display.NoValue || d.Change != "n/a" || !d.SmallSample {
		t.Errorf("got %+v", d)
	}
}
