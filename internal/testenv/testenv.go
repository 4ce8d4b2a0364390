// Package testenv finds the real parts some tests need (Chromium, poppler's
// pdftotext and pdfinfo, mailpit, the data sets in ../shared) and ends a
// test that lacks one: Fatal when CI=true, so the suite never passes in CI
// without them, Skip elsewhere. `make test` installs the tools
// (scripts/deps.sh).
package testenv

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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

// SigmaRules assembles, in a temp dir, the rules folder the coverage tests
// read and returns its path: sigmahq/ holds the SigmaHQ rules of
// examples/rules (one copy in the repository), fixtures/ pir's own rules
// from testdata/sigma/fixtures. The golden files name this folder
// ../../testdata/sigma: replace the returned path with that before
// comparing.
func SigmaRules(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sigma")
	for src, dst := range map[string]string{
		filepath.Join(root, "examples", "rules"):             filepath.Join(dir, "sigmahq"),
		filepath.Join(root, "testdata", "sigma", "fixtures"): filepath.Join(dir, "fixtures"),
	} {
		if err := copyTree(src, dst); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// CopyTree copies the regular files under src to dst (a test's fixture
// folder into its temp dir).
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
