// Command fuzzseeds writes the seed corpora of ingest's fuzz targets
// (ingest/testdata/fuzz/<Target>/hostile-*) from the hostile corpus in
// testdata/hostile, so every hostile input is a fuzz seed without a hand
// copy: `make fuzz` and `make golden` run it, and its test fails when the
// checked-in seeds differ from what it writes.
//
//	go run ./scripts/fuzzseeds            # from the module root
//
// Every file in testdata/hostile seeds FuzzCanonical; the ones whose
// hostility is in the framing or the encoding, which every importer reads
// through the same code, also seed the importer targets, and the ones in
// one importer's format that importer's target; the strings of
// testdata/hostile/values/timestamps.json seed FuzzParseTimestamp. Files
// not named hostile-* (inputs `go test -fuzz` found and wrote) are kept.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// importerTargets are the fuzz targets of the importers.
var importerTargets = []string{"FuzzParseElastic", "FuzzParseIRIS", "FuzzParseSentinel", "FuzzParseServiceNow", "FuzzParseSplunk", "FuzzParseTheHive", "FuzzParseVeris"}

// framing are the hostile files whose hostility is in the framing or the
// encoding of a file (what the shared JSON and CSV readers see), not in
// the canonical format's fields: they seed every importer target.
var framing = []string{
	"bom.jsonl", "cr-only.jsonl", "crlf.csv", "duplicate-keys.jsonl", "empty.jsonl", "invalid-utf8.csv", "invalid-utf8.jsonl",
	"nan.jsonl", "nul.jsonl", "pretty-after-blank-lines.json", "regress-bad-first-line.jsonl", "regress-deep-array.json",
	"text-after-array.json", "truncated-array.json", "truncated-lines.jsonl", "two-arrays.json", "unbalanced-quotes.csv",
	"utf16le-bom.json", "utf16le-nobom.jsonl", "whitespace.json",
}

// importerSeeds are the hostile files written in one importer's format,
// or that only some importers read (CSV): they seed those targets too.
var importerSeeds = map[string][]string{
	"ambiguous-keys.csv":       {"FuzzParseServiceNow"},
	"bidi-id.jsonl":            {"FuzzParseTheHive"},
	"case-differing-keys.json": {"FuzzParseSentinel"},
	"cr-only.csv":              {"FuzzParseSentinel", "FuzzParseServiceNow", "FuzzParseSplunk"},
	"thehive-number-1e0.json":  {"FuzzParseTheHive"},
}

func main() {
	hostile := flag.String("hostile", "testdata/hostile", "the hostile corpus")
	out := flag.String("out", "ingest/testdata/fuzz", "the fuzz corpora to write")
	flag.Parse()
	if err := write(*hostile, *out); err != nil {
		fmt.Fprintf(os.Stderr, "fuzzseeds: %v\n", err)
		os.Exit(1)
	}
}

// seeds returns the corpus files to write: target/name → content.
func seeds(hostile string) (map[string][]byte, error) {
	ents, err := os.ReadDir(hostile)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(hostile, e.Name()))
		if err != nil {
			return nil, err
		}
		name := "hostile-" + strings.ReplaceAll(e.Name(), ".", "-")
		data := corpusFile(fmt.Sprintf("[]byte(%q)", b))
		files[filepath.Join("FuzzCanonical", name)] = data
		targets := importerSeeds[e.Name()]
		if slices.Contains(framing, e.Name()) {
			targets = importerTargets
		}
		for _, t := range targets {
			files[filepath.Join(t, name)] = data
		}
	}
	listed := slices.Clone(framing)
	for f := range importerSeeds {
		listed = append(listed, f)
	}
	for _, f := range listed {
		if _, ok := files[filepath.Join("FuzzCanonical", "hostile-"+strings.ReplaceAll(f, ".", "-"))]; !ok {
			return nil, fmt.Errorf("%s: no such hostile file (framing or importerSeeds lists it)", f)
		}
	}
	b, err := os.ReadFile(filepath.Join(hostile, "values", "timestamps.json"))
	if err != nil {
		return nil, err
	}
	var ts []string
	if err := json.Unmarshal(b, &ts); err != nil {
		return nil, fmt.Errorf("timestamps.json: %w", err)
	}
	for i, s := range ts {
		files[filepath.Join("FuzzParseTimestamp", fmt.Sprintf("hostile-%02d", i))] = corpusFile(fmt.Sprintf("string(%q)", s))
	}
	return files, nil
}

// corpusFile is one value in the format `go test` reads seed files in.
func corpusFile(value string) []byte {
	return []byte("go test fuzz v1\n" + value + "\n")
}

// write replaces the hostile-* files under out with the seeds.
func write(hostile, out string) error {
	files, err := seeds(hostile)
	if err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(out, "*", "hostile-*"))
	if err != nil {
		return err
	}
	for _, p := range old {
		rel, _ := filepath.Rel(out, p)
		if _, keep := files[rel]; !keep {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	for rel, data := range files {
		p := filepath.Join(out, rel)
		if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
