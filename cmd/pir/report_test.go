package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	db := sampleDB(t)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")

	t.Run("OK", func(t *testing.T) {
		// metricsClock is in January 2026: the default quarter is 2025-Q4.
		code, stdout, stderr := runMetricsCLI(t, metricsClock, "report", "--db", db, "--out", out)
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, stderr)
		}
		html, pdfPath := filepath.Join(out, "dashboard-2025-Q4.html"), filepath.Join(out, "report-2025-Q4.pdf")
		if got, want := stdout, html+"\n"+pdfPath+"\n"; got != want {
			t.Errorf("stdout: got %q, want %q", got, want)
		}
		page, err := os.ReadFile(html)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<title>Incident response review 2025-Q4", `id="chart-cases-by-category"`, `id="chart-trend-dwell"`, "Content-Security-Policy"} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		if b, err := os.ReadFile(pdfPath); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("report PDF: %v, starts %q", err, b[:min(8, len(b))])
		}
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("temporary file left behind: %s", e.Name())
			}
		}
	})

	t.Run("HTMLOnly", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "html")
		code, stdout, stderr := runMetricsCLI(t, metricsClock, "report", "--db", db, "--quarter", "2025-Q3", "--quarters", "4", "--out", dir, "--html-only")
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, stderr)
		}
		if stdout != filepath.Join(dir, "dashboard-2025-Q3.html")+"\n" {
			t.Errorf("stdout: got %q", stdout)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("files: got %d, want only the dashboard", len(entries))
		}
	})

	t.Run("PDFOnly", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "pdf")
		code, stdout, stderr := runMetricsCLI(t, metricsClock, "report", "--db", db, "--out", dir, "--pdf-only")
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, stderr)
		}
		if stdout != filepath.Join(dir, "report-2025-Q4.pdf")+"\n" {
			t.Errorf("stdout: got %q", stdout)
		}
	})

	// The database is opened read-only: the report changes nothing in it.
	after, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("pir report modified the database file")
	}
}

func TestReportUsageErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "none.duckdb")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrBothOnly", []string{"report", "--out", dir, "--html-only", "--pdf-only"}, "exclude each other"},
		{"ErrNoOut", []string{"report", "--db", db}, "needs --out"},
		{"ErrBadQuarter", []string{"report", "--out", dir, "--quarter", "2024-Q5"}, "--quarter"},
		{"ErrBadCohort", []string{"report", "--out", dir, "--cohort", "creation"}, "--cohort"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runMetricsCLI(t, metricsClock, c.args...)
			if code != exitUsage {
				t.Errorf("exit: got %d, want %d (stderr %s)", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "Try: ") {
				t.Errorf("stderr: got %q, want %q and a Try: line", stderr, c.want)
			}
		})
	}
	// A missing database is a failed run, not a usage error, and writes nothing.
	out := filepath.Join(dir, "out")
	code, _, stderr := runMetricsCLI(t, metricsClock, "report", "--db", db, "--out", out)
	if code != exitFailed || !strings.Contains(stderr, "no such database") {
		t.Errorf("missing database: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output directory created for a failed run: %v", err)
	}
}
