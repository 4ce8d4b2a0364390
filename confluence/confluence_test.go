package confluence

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/internal/confcheck"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{`</p><ac:structured-macro ac:name="html">`, "&lt;/p&gt;&lt;ac:structured-macro ac:name=&#34;html&#34;&gt;"},
		{"a & b's", "a &amp; b&#39;s"},
		{"<![CDATA[x]]>", "&lt;![CDATA[x]]&gt;"},
		{"bidi \u202Eevil\u200b", "bidi ‹U+202E›evil‹U+200B›"},
		{"esc \x1b[2J", "esc ‹U+001B›[2J"},
		// Not XML 1.0 characters at all: replaced, never written.
		{"bad \xff byte \uFFFE", "bad \uFFFD byte \uFFFD"},
		{"line\nbreak\ttab", "line&#xA;break&#x9;tab"},
		{"", ""},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCheckRejects: the checker the review tests rely on fails on what
// Confluence would refuse or pir must never write, so a passing check
// means something.
func TestCheckRejects(t *testing.T) {
	for _, bad := range []string{
		"<p>unclosed",
		"<p>&nbsp;</p>",
		"<script>alert(1)</script>",
		`<p class="x">a</p>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>]]></ac:plain-text-body></ac:structured-macro>`,
		`<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Pink</ac:parameter></ac:structured-macro>`,
		`<ac:structured-macro ac:name="status"><ac:parameter ac:name="url">x</ac:parameter></ac:structured-macro>`,
		`<ac:structured-macro ac:name="status"><ac:rich-text-body><p>x</p></ac:rich-text-body></ac:structured-macro>`,
		`<ac:structured-macro ac:name="info"><p>outside the body</p></ac:structured-macro>`,
		`<?xml version="1.0"?><p>x</p>`,
	} {
		if err := confcheck.Check(bad); err == nil {
			t.Errorf("Check(%q): no error", bad)
		}
	}
	ok := `<h1>x</h1><p>a <strong>b</strong> <ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Red</ac:parameter>` +
		`<ac:parameter ac:name="title">Overdue</ac:parameter></ac:structured-macro></p>` +
		`<ac:structured-macro ac:name="info"><ac:rich-text-body><p>i</p></ac:rich-text-body></ac:structured-macro>` +
		`<table><tbody><tr><th>h</th></tr><tr><td>d</td></tr></tbody></table><hr />`
	if err := confcheck.Check(ok); err != nil {
		t.Errorf("Check(valid body): %v", err)
	}
}

func hostileReview() *analytics.Review {
	at := time.Date(2025, 11, 2, 10, 0, 0, 0, time.UTC)
	due := "2025-12-01"
	h := 2.5
	return &analytics.Review{
		CaseID: "EVIL-1", Source: "pir", Ref: "EVIL-1",
		Title:    `</strong><ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>alert(1)</script>]]></ac:plain-text-body></ac:structured-macro> & ‮evil`,
		Severity: "critical", Category: "phishing", Status: "closed", TimeZone: "UTC",
		Marking: `TLP:AMBER</ac:parameter><ac:parameter ac:name="colour">Pink`, Quarter: "2025-Q4", QuarterCases: 3,
		AsOfDate: "2026-01-15", GeneratedAt: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Agenda: analytics.ReviewAgenda(),
		Timeline:         []analytics.ReviewMilestone{{Milestone: "detection", Label: "Detection", At: at}},
		Metrics:          []analytics.ReviewMetric{{Metric: "contain", Label: "Time to contain <b>", Hours: &h, Median: &h, P90: &h, N: 3}},
		WentWell:         []string{"<img src=x onerror=alert(1)>"},
		NeedsImprovement: []string{"]]> \x00 \x0b nul and vertical tab"},
		RootCause:        analytics.ReviewRootCause{Category: "<i>cat</i>", Summary: "x", Whys: []string{"<ol><li>fake</li></ol>"}},
		Actions: []analytics.ReviewAction{
			{ID: "A-1", Summary: "<ac:task>", Owner: "@SUM(1+1)", Priority: "critical", Due: due, Status: "open", Overdue: true, DaysOverdue: 45},
			{ID: "A-2", Summary: "done one", Owner: "SOC", Priority: "low", Due: due, Status: "done", Done: true},
		},
		OverdueActions: 1,
		Prompts:        []analytics.ReviewPrompt{{Finding: "blame-language", Label: "Blame <language>", Detail: `"careless" in why 1`, Prompt: "Ask what made the action look reasonable & safe"}},
		Playbooks:      []analytics.ReviewPlaybook{{Playbook: "Phishing </td>", Change: "add <b>MFA</b> reset", Owner: "SOC", Due: due, Status: "open", Overdue: true}},
		DetectionRules: []analytics.ReviewRule{{ID: "<rule>", Title: "| x |", Techniques: []analytics.TechniqueRef{{ID: "T1566.001"}}}},
		Techniques:     []analytics.ReviewTechnique{{ID: "T1566.001", CountsAs: "T1566.001", Name: "Spearphishing <Attachment>", Status: "active"}},
	}
}

// TestReviewHostile: every string of the case is text in the page body,
// which stays well-formed storage format with only documented elements.
func TestReviewHostile(t *testing.T) {
	var b bytes.Buffer
	if err := Review(&b, hostileReview()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if err := confcheck.Check(page); err != nil {
		t.Fatalf("page body: %v\n%s", err, page)
	}
	for _, bad := range []string{`ac:name="html"`, "<script", "<img", "<i>", "<ol><li>fake", "<ac:task>", "<rule>", "<![CDATA", "\u202E", "\x00", "\x0b"} {
		if strings.Contains(page, bad) {
			t.Errorf("%q appears unescaped", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;", "‹U+202E›evil", "&lt;img src=x onerror=alert(1)&gt;",
		`<ac:parameter ac:name="colour">Red</ac:parameter><ac:parameter ac:name="title">Overdue</ac:parameter>`,
		`<ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">Done</ac:parameter>`,
		"<strong>1 of 2 overdue</strong> on 2026-01-15.</p>\n",
		`<ac:structured-macro ac:name="note"><ac:rich-text-body>`,
		`<ac:parameter ac:name="colour">Yellow</ac:parameter><ac:parameter ac:name="title">Blame &lt;language&gt;</ac:parameter></ac:structured-macro> &#34;careless&#34; in why 1: Ask what made the action look reasonable &amp; safe</li>`,
		"<tr><td>Phishing &lt;/td&gt;</td><td>add &lt;b&gt;MFA&lt;/b&gt; reset</td>",
		"<li>&lt;ol&gt;&lt;li&gt;fake&lt;/li&gt;&lt;/ol&gt;</li>\n",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%q missing from\n%s", want, page)
		}
	}
}

// TestReviewEmpty: a case with nothing but an ID still renders every
// section, each saying what is missing, as a valid page body.
func TestReviewEmpty(t *testing.T) {
	rv := &analytics.Review{CaseID: "X-1", Source: "pir", Ref: "X-1", Status: "open", TimeZone: "UTC",
		AsOfDate: "2026-01-15", GeneratedAt: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Agenda: analytics.ReviewAgenda()}
	var b bytes.Buffer
	if err := Review(&b, rv); err != nil {
		t.Fatal(err)
	}
	if err := confcheck.Check(b.String()); err != nil {
		t.Fatalf("page body: %v\n%s", err, b.String())
	}
	for _, want := range []string{"<p>No milestones are recorded.</p>", "<h2>3. What worked well</h2>\n<p>Nothing recorded.</p>",
		"<p>No 5 Whys chain is recorded.</p>", "<p>No action items are recorded.</p>", "<ol>\n<li>Incident summary (10 min)</li>"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("%q missing from\n%s", want, b.String())
		}
	}
	if err := Review(&b, nil); err == nil {
		t.Error("nil review: no error")
	}
}

// TestLessonsHostile: the lessons page escapes every lesson text and case
// ID and stays a valid page body; an empty quarter says so.
func TestLessonsHostile(t *testing.T) {
	days := 2.5
	r := &analytics.Report{Quarter: "2025-Q4", Organisation: "ACME <Corp>", Marking: "TLP:AMBER", Learning: &analytics.Learning{
		NeedsImprovement: []analytics.Lesson{{Lesson: "Out-of-hours </td> coverage", Themed: true, Cases: 8, Previous: 3, Quarters: 8, Since: "2024-Q1",
			Texts: []string{"Triage waited for <b>business</b> hours", "‮evil"}, CaseIDs: []string{"IR-1", "<IR-2>"}}},
		MinWhys:          3,
		RootCauseQuality: []analytics.RCAQuarter{{Quarter: "2025-Q4", RootCauses: 51, Shallow: 19, EndsAtPerson: 10, BlameLanguage: 5}},
		ReviewWithinDays: 14,
		Reviews:          []analytics.ReviewQuarter{{Quarter: "2025-Q4", ClosedCases: 37, Reviewed: 29, WithinTarget: 26, MedianDays: &days}},
	}}
	var b bytes.Buffer
	if err := Lessons(&b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if err := confcheck.Check(page); err != nil {
		t.Fatalf("page body: %v\n%s", err, page)
	}
	for _, want := range []string{
		"<p>ACME &lt;Corp&gt;: the lessons of the post-incident reviews of the cases in 2025-Q4",
		"<tr><td><strong>Out-of-hours &lt;/td&gt; coverage</strong></td><td>Triage waited for &lt;b&gt;business&lt;/b&gt; hours · ‹U+202E›evil</td><td>8</td><td>3</td><td>8</td><td>2024-Q1</td><td>IR-1, &lt;IR-2&gt;</td></tr>",
		"<tr><td>2025-Q4</td><td>51</td><td>19</td><td>10</td><td>5</td></tr>",
		"<tr><td>2025-Q4</td><td>37</td><td>29</td><td>26</td><td>2.5</td></tr>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%q missing from\n%s", want, page)
		}
	}
	b.Reset()
	if err := Lessons(&b, &analytics.Report{Quarter: "2025-Q4"}); err != nil || !strings.Contains(b.String(), "No lessons are recorded") || confcheck.Check(b.String()) != nil {
		t.Errorf("empty quarter: %v %q", err, b.String())
	}
}
