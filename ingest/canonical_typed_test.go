package ingest

import (
	"bytes"
	"os"
	"reflect"
	"testing"
	"time"
)

// agreeTyped is agree for the typed-struct decoder (the experiment of
// bench/decoder.md): it declines, or decodes what the generic path does.
func agreeTyped(t testing.TB, p *ParseContext, raw []byte) bool {
	t.Helper()
	lim := p.Limits.WithDefaults()
	slow := decodeRaw(p, raw, "1", lim, decodeCanonical)
	typed, ok := typedCanonical(p, raw, lim)
	if ok {
		if slow.Err != nil {
			t.Fatalf("typed path accepted a record the generic path rejects (%v):\n%s", slow.Err, raw)
		}
		if !reflect.DeepEqual(typed, slow.Case) {
			t.Fatalf("typed and generic paths disagree on\n%s\ntyped:   %+v\ngeneric: %+v", raw, typed, slow.Case)
		}
	}
	return ok
}

func TestTypedCanonicalAgrees(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	b, err := os.ReadFile("../examples/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range bytes.Split(b, []byte{'\n'}) {
		if l = bytes.TrimSpace(l); len(l) == 0 {
			continue
		}
		p := &ParseContext{File: "cases.jsonl", Location: berlin, Now: time.Now}
		if !agreeTyped(t, p, l) {
			t.Errorf("line %d: the typed path declined a record of the sample", i+1)
		}
	}
	for _, loc := range []*time.Location{time.UTC, berlin} {
		for _, depth := range []int{0, 2, 3, 4} {
			p := &ParseContext{File: "c.jsonl", Location: loc, Now: time.Now, Limits: Limits{MaxDepth: depth}}
			for _, r := range agreeRecords {
				agreeTyped(t, p, []byte(r))
			}
		}
	}
}

func FuzzTypedCanonical(f *testing.F) {
	for _, r := range agreeRecords {
		f.Add([]byte(r), uint8(0))
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, depth uint8) {
		p := &ParseContext{File: "fuzz.jsonl", Location: berlin, Now: time.Now, Limits: Limits{MaxDepth: int(depth % 8), MaxRecordBytes: 1 << 20}}
		agreeTyped(t, p, bytes.TrimSpace(data))
	})
}
