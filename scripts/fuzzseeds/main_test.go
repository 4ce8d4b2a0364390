package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const (
	hostileDir = "../../testdata/hostile"
	fuzzDir    = "../../ingest/testdata/fuzz"
)

// TestCommittedUpToDate: the checked-in seeds are exactly what the command
// writes (run `go run ./scripts/fuzzseeds` or `make golden` after changing
// testdata/hostile).
func TestCommittedUpToDate(t *testing.T) {
	want, err := seeds(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	have, _ := filepath.Glob(filepath.Join(fuzzDir, "*", "hostile-*"))
	var stale []string
	for _, p := range have {
		rel, _ := filepath.Rel(fuzzDir, p)
		b, _ := os.ReadFile(p)
		if w, ok := want[rel]; !ok || !bytes.Equal(b, w) {
			stale = append(stale, rel)
		}
		delete(want, rel)
	}
	for rel := range want {
		stale = append(stale, rel+" (missing)")
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("fuzz seeds out of date (run go run ./scripts/fuzzseeds): %s", strings.Join(stale, ", "))
	}
}

// TestWrite: the seeds land in go test's format, and a file `go test -fuzz`
// wrote (not hostile-*) is kept.
func TestWrite(t *testing.T) {
	out := t.TempDir()
	found := filepath.Join(out, "FuzzCanonical", "4e4e4dc480dc461c")
	os.MkdirAll(filepath.Dir(found), 0o755)
	os.WriteFile(found, []byte("go test fuzz v1\n[]byte(\"x\")\n"), 0o644)
	stale := filepath.Join(out, "FuzzCanonical", "hostile-gone-json")
	os.WriteFile(stale, []byte("old"), 0o644)
	if err := write(hostileDir, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(found); err != nil {
		t.Errorf("a found input was removed: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a seed whose hostile file is gone was kept: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(out, "FuzzCanonical", "hostile-nul-jsonl"))
	if err != nil || !strings.HasPrefix(string(b), "go test fuzz v1\n[]byte(\"{\\\"id\\\":\\\"H-1\\x00\\\"") {
		t.Errorf("hostile-nul-jsonl: %q %v", b, err)
	}
	b, err = os.ReadFile(filepath.Join(out, "FuzzParseTimestamp", "hostile-09"))
	if err != nil || string(b) != "go test fuzz v1\nstring(\"2024-01-01T00:00:00Z\\x00\")\n" {
		t.Errorf("timestamp seed: %q %v", b, err)
	}
	for _, target := range append([]string{"FuzzCanonical"}, importerTargets...) {
		if _, err := os.Stat(filepath.Join(out, target, "hostile-truncated-array-json")); err != nil {
			t.Errorf("%s lacks the framing seeds: %v", target, err)
		}
	}
}
