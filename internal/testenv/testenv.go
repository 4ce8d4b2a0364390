// Package testenv finds the real parts some tests need (Chromium, poppler's
// pdftotext and pdfinfo, mailpit, the data sets in ../shared) and ends a
// test that lacks one: Fatal when CI=true, so the suite never passes in CI
// without them, Skip elsewhere. `make test` installs the tools
// (scripts/deps.sh).
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// inCI reports whether the tests run in CI (CI=true), where nothing may be
// skipped for a missing part.
func inCI() bool { return os.Getenv("CI") == "true" }

// Missing ends the test for a missing part: Fatal in CI, Skip elsewhere.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Tool returns the path of the named program on PATH, or ends the test;
// install says how to get it.
func Tool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s not found: %s", name, install)
	}
	return p
}

// Poppler returns the path of one of poppler's tools (pdftotext, pdfinfo,
// pdftoppm, pdffonts), or ends the test.
func Poppler(t testing.TB, name string) string {
	t.Helper()
	return Tool(t, name, "install poppler-utils (make test-deps)")
}

// Chromium returns a headless-capable Chromium: $PIR_CHROMIUM, else the
// first of chromium, chromium-browser, google-chrome and
// google-chrome-stable on PATH; or ends the test.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PIR_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, "chromium not found (install it: apt-get install chromium, or run make test, which does; PIR_CHROMIUM names another binary)")
	return ""
}
