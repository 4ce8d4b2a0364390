package markdown

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want, inline string }{
		{"plain text", "plain text", "plain text"},
		{"<img src=x onerror=alert(1)>", `\<img src=x onerror=alert(1)\>`, `\<img src=x onerror=alert(1)\>`},
		{"[x](javascript:alert(1))", `\[x\](javascript:alert(1))`, `\[x\](javascript:alert(1))`},
		{"a | b", `a \| b`, `a \| b`},
		{"*bold* _em_ `code` ~~s~~", "\\*bold\\* \\_em\\_ \\`code\\` \\~\\~s\\~\\~", "\\*bold\\* \\_em\\_ \\`code\\` \\~\\~s\\~\\~"},
		{"&amp; \\", `\&amp; \\`, `\&amp; \\`},
		{"# heading", `\# heading`, "# heading"},
		{"- item", `\- item`, "- item"},
		{"+ item", `\+ item`, "+ item"},
		{"12. item", `12\. item`, "12. item"},
		{"3) item", `3\) item`, "3) item"},
		{"line one\n\n# two\r\n\tthree", `line one # two three`, "line one # two three"},
		{"bidi \u202Eevil\u200b", "bidi ‹U+202E›evil‹U+200B›", "bidi ‹U+202E›evil‹U+200B›"},
		{"esc \x1b[2J", "esc ‹U+001B›\\[2J", "esc ‹U+001B›\\[2J"},
		{"IR-00042 at 12.5 h", "IR-00042 at 12.5 h", "IR-00042 at 12.5 h"},
		{"", "", ""},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q): got %q, want %q", c.in, got, c.want)
		}
		if got := EscapeInline(c.in); got != c.inline {
			t.Errorf("EscapeInline(%q): got %q, want %q", c.in, got, c.inline)
		}
	}
	if Cell("") != "–" || Cell(" \n") != "–" {
		t.Error("an empty cell is not a dash")
	}
}

// TestMarkdownEmpty: a case with nothing but a detection still renders
// every section, each saying what is missing.
func TestMarkdownEmpty(t *testing.T) {
	rv := &analytics.Review{CaseID: "X-1", Source: "pir", Ref: "X-1", Status: "open", TimeZone: "UTC",
		AsOfDate: "2026-01-15", GeneratedAt: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Agenda: analytics.ReviewAgenda()}
	var b bytes.Buffer
	if err := Review(&b, rv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No milestones are recorded.", "## 3. What worked well\n\nNothing recorded.",
		"**Root-cause category:** not recorded", "No 5 Whys chain is recorded.", "No action items are recorded.",
		"No detection rules are linked to this case.", "No ATT&CK techniques are recorded.", "1. Incident summary (10 min)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("%q missing from\n%s", want, b.String())
		}
	}
	if err := Review(&b, nil); err == nil {
		t.Error("nil review: no error")
	}
}
