package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pirhq/pir/analytics"
)

// TestTerminalShowsInvisibleCharacters: the terminal tables (pir actions,
// pir coverage, pir metrics, pir query) show escape sequences, bidi
// overrides and zero-width characters as code points, so a title can
// neither drive the terminal nor make two IDs look the same.
func TestTerminalShowsInvisibleCharacters(t *testing.T) {
	if got, want := terminalText("IR-1\u200b \x1b[2J\u202Eevil\n\tnext", 0), "IR-1‹U+200B› ‹U+001B›[2J‹U+202E›evil next"; got != want {
		t.Errorf("terminalText: got %q, want %q", got, want)
	}
	if terminalText("IR-1", 0) == terminalText("IR-1\ufeff", 0) {
		t.Error("two IDs that differ by U+FEFF look the same")
	}

	var b bytes.Buffer
	res := &result{cols: []string{"case_id", "title"}, rows: [][]any{{"IR-1\u2060", "a\x1b]0;pwned\x07b"}}}
	if err := writeResult(&b, "table", res); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "IR-1‹U+2060›") || !strings.Contains(out, "a‹U+001B›]0;pwned‹U+0007›b") || strings.ContainsAny(out, "\x1b\x07\u2060") {
		t.Errorf("query table:\n%s", out)
	}

	b.Reset()
	r := &analytics.Report{Quarter: "2024-Q1", Quarters: []string{"2024-Q1"}, Cases: 1,
		Summary: []string{"1 action item was overdue (owner Ann\u202eeeL)."}, DataQuality: analytics.DataQuality{Headline: "x\u200by"}}
	if err := writeMetricsTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "Ann‹U+202E›eeL") || !strings.Contains(out, "x‹U+200B›y") || strings.ContainsAny(out, "\u202e\u200b") {
		t.Errorf("metrics table:\n%s", out)
	}
	if r.Summary[0] != "1 action item was overdue (owner Ann\u202eeeL)." {
		t.Error("the caller's report changed")
	}
}
