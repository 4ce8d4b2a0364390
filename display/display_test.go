package display

import (
	"math"
	"strings"
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Number(0), "0"}, {Number(0.004), "0"}, {Number(0.25), "0.25"}, {Number(0.8), "0.8"}, {Number(1), "1.0"},
		{Number(12.46), "12.5"}, {Number(-1.25), "-1.3"}, {Duration(9.24), "9.2 h"}, {Duration(264), "11.0 d"}, {Number(99.96), "100"}, {Number(152.4), "152"}, {Number(-3.24), "-3.2"}, {Number(-3.25), "-3.3"},
		{Number(math.NaN()), NoValue}, {Number(math.Inf(1)), NoValue},
		{Count(0), "0"}, {Count(999), "999"}, {Count(1000), "1,000"}, {Count(292452), "292,452"},
		{Count(1234567), "1,234,567"}, {Count(-4500), "-4,500"},
		{Share(0.834), "83%"}, {Share(1), "100%"}, {Share(math.NaN()), NoValue},
		{Rate(nil), NoValue}, {Rate(f(0.5)), "50%"},
		{Pct(nil), NoValue}, {Pct(f(12.5)), "+13%"}, {Pct(f(-40.2)), "-40%"}, {Pct(f(0.4)), "0%"},
		{DaysPtr(nil), NoValue}, {DaysPtr(f(3.5)), "3.5 d"}, {DayCount(1204), "1,204 d"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestDurations: one unit per magnitude, days from DaysFrom hours; shared
// units for values shown together.
func TestDurations(t *testing.T) {
	for h, want := range map[float64]string{0.25: "0.25 h", 5: "5.0 h", 47.9: "47.9 h", 48: "2.0 d", 158.4: "6.6 d", 3650: "152 d"} {
		if got := Duration(h); got != want {
			t.Errorf("Duration(%v) = %q, want %q", h, got, want)
		}
	}
	if DurationPtr(nil) != NoValue {
		t.Error("DurationPtr(nil) is not NoValue")
	}
	if u := UnitFor(1, 47); u != Hours || u.Title() != "Hours" {
		t.Errorf("UnitFor(1, 47) = %v", u)
	}
	if u := UnitFor(5, 60); u != Days || u.Format(5) != "0.21 d" || u.Name() != "days" || u.Title() != "Days" {
		t.Errorf("UnitFor(5, 60) = %v, Format(5) %q", u, u.Format(5))
	}
	if u := UnitForPtrs(nil, f(30)); u != Hours || u.FormatPtr(nil) != NoValue || u.Symbol() != "h" {
		t.Errorf("UnitForPtrs(nil, 30) = %v", u)
	}
	for _, c := range []struct {
		x, other float64
		want     string
	}{{0.5, 0.75, "30 min"}, {0.5, 5, "0.5 h"}, {41, 2, "41.0 h"}, {30, 158.4, "1.2 days"}, {158.4, 30, "6.6 days"}} {
		if got := SentenceDuration(c.x, c.other); got != c.want {
			t.Errorf("SentenceDuration(%v, %v) = %q, want %q", c.x, c.other, got, c.want)
		}
	}
	for p, want := range map[float64]string{-55.4: "−55%", 12.5: "+13%", 0.2: "0%"} {
		if got := SentencePct(p); got != want {
			t.Errorf("SentencePct(%v) = %q, want %q", p, got, want)
		}
	}
}

func TestChange(t *testing.T) {
	for _, c := range []struct {
		c           Change
		text, arrow string
		unit        Unit
	}{
		{Change{From: f(200), To: f(158.4), Abs: f(-41.6), Pct: f(-20.8), Direction: "better"}, "-1.7 d (-21%)", "▼", Days},
		{Change{From: f(240), To: f(158), Abs: f(-82), Pct: f(-34.17), Direction: "better"}, "-3.4 d (-34%)", "▼", Days},
		{Change{From: f(10), To: f(12), Abs: f(2), Pct: f(20), Direction: "worse"}, "+2.0 h (+20%)", "▲", Hours},
		{Change{From: f(0), To: f(1), Abs: f(1), Direction: "worse"}, "+1.0 h", "▲", Hours},
		{Change{From: f(3), To: f(3), Abs: f(0), Pct: f(0), Direction: "same"}, "0 h (0%)", "=", Hours},
		{Change{To: f(3), Direction: "n/a"}, "n/a", "", Hours},
	} {
		if got := c.c.String(); got != c.text {
			t.Errorf("%+v: String() = %q, want %q", c.c, got, c.text)
		}
		if got := c.c.Arrow(); got != c.arrow {
			t.Errorf("%+v: Arrow() = %q, want %q", c.c, got, c.arrow)
		}
		if got := c.c.Unit(); got != c.unit {
			t.Errorf("%+v: Unit() = %v, want %v", c.c, got, c.unit)
		}
	}
	if DirectionColor("better") == DirectionColor("worse") || DirectionColor("same") != DirectionColor("n/a") {
		t.Error("direction colours do not tell better from worse")
	}
}

func TestWords(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Plural(1, "case", "cases"), "1 case"}, {Plural(0, "case", "cases"), "0 cases"}, {Plural(292452, "item", "items"), "292,452 items"},
		{WasWere(1) + " " + WasWere(2) + " " + IsAre(1) + " " + IsAre(0), "was were is are"},
		{JoinAnd(nil), ""}, {JoinAnd([]string{"a"}), "a"}, {JoinAnd([]string{"a", "b"}), "a and b"}, {JoinAnd([]string{"a", "b", "c"}), "a, b and c"},
		{JoinCases([]string{"A", "B", "C"}, 3, 0), "A, B, C"}, {JoinCases([]string{"A", "B", "C"}, 3, 2), "A, B and 1 more"},
		{JoinCases([]string{"A", "B", "C"}, 1503, 0), "A, B, C and 1,500 more"}, {JoinCases([]string{"A", "B", "C"}, 1503, 1), "A and 1,502 more"},
		{JoinCapped([]string{"a", "b", "c"}, 2), "a, b and 1 more"},
		{Words("insufficient-monitoring"), "insufficient monitoring"}, {Words("ddos"), "ddos"},
		{Or(" ", "not recorded"), "not recorded"}, {OrNoValue(""), NoValue}, {OrNoValue("x"), "x"},
		{LowerLabel("Time to contain (MTTC)"), "time to contain"}, {LowerLabel("MTTR custom"), "MTTR custom"}, {LowerLabel(""), ""},
		{MilestoneLabel("containment"), "Containment"}, {MilestoneLabel("custom"), "custom"},
		{CohortLabel(""), "quarter of detection"}, {CohortLabel("closure"), "quarter of closure"},
		{CohortVerb("closure"), "closed"}, {CohortVerb("detection"), "detected"},
		{AgeBucketLabel("7-30d"), "7–30 days"}, {AgeBucketLabel("odd"), "odd"},
		{FindingLabel("out_of_order"), "Milestones out of order"}, {FindingLabel("new_kind"), "new_kind"},
		{TechniqueLabel("T1566", "Phishing", true), "T1566 Phishing"}, {TechniqueLabel("T9999", "", false), "T9999 (not in ATT&CK)"},
		{TechniqueNote("unknown", "v18.1"), "not in ATT&CK v18.1"}, {TechniqueNote("newer", "v18.1"), "from a later ATT&CK release than v18.1"},
		{TechniqueNote("deprecated", ""), "deprecated in ATT&CK"}, {TechniqueNote("active", "v18.1"), ""},
		{RevokedNote("T1059.001"), "revoked in ATT&CK; counts as T1059.001"},
		{RecordedAsRevoked([]string{"T1086", "T1064"}), "recorded as revoked T1086, T1064"}, {RecordedAsRevoked(nil), ""},
		{TacticLabel("", "command-and-control"), "Command and Control"}, {TacticLabel("Initial Access", "initial-access"), "Initial Access"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// Every finding kind the model documents has a label, and the headline
	// kinds have nouns.
	kinds := map[string]bool{}
	for _, f := range Findings() {
		kinds[f.Kind] = true
		if f.Label == "" || f.Label == f.Kind || (f.One == "") != (f.Many == "") {
			t.Errorf("finding %q: incomplete wording %+v", f.Kind, f)
		}
	}
	for _, k := range []string{"out_of_order", "future_timestamp", "before_1990", "unknown_technique", "newer_technique",
		"revoked_technique", "deprecated_technique", "missing_root_cause", "excluded"} {
		if !kinds[k] {
			t.Errorf("finding kind %q has no wording", k)
		}
	}
}

func TestVisible(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain ASCII", "plain ASCII"},
		{"Müller – Ελληνικά 日本", "Müller – Ελληνικά 日本"},
		{"IR-1\u200b", "IR-1‹U+200B›"},
		{"invoice\u202Efdp.exe", "invoice‹U+202E›fdp.exe"},
		{"\u2066a\u2069 \u202Ab\u202C", "‹U+2066›a‹U+2069› ‹U+202A›b‹U+202C›"},
		{"zw\u200c\u200d\u2060\ufeff", "zw‹U+200C›‹U+200D›‹U+2060›‹U+FEFF›"},
		{"lrm\u200e rlm\u200f alm\u061c", "lrm‹U+200E› rlm‹U+200F› alm‹U+061C›"},
		{"vs\ufe0f filler\u3164", "vs‹U+FE0F› filler‹U+3164›"},
		{"esc\x1b[31m bell\x07", "esc‹U+001B›[31m bell‹U+0007›"},
		{"tab\tnew\nline\r nbsp\u00a0", "tab\tnew\nline\r nbsp\u00a0"},
		{"spelled ‹U+202E›", "spelled ‹U+2039›U+202E›"},
		{"tag\U000E0041", "tag‹U+E0041›"},
		{"", ""},
	} {
		if got := Visible(c.in); got != c.want {
			t.Errorf("Visible(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Distinct strings stay distinct, however they try to look alike.
	seen := map[string]string{}
	for _, s := range []string{"IR-1", "IR-1\u200b", "IR-\u200b1", "IR-1\u2060", "IR-1‹U+200B›", "IR-1\ufeff", "I\u202eR-1", "IR-1\u00ad"} {
		v := Visible(s)
		if prev, ok := seen[v]; ok {
			t.Errorf("%q and %q both show as %q", prev, s, v)
		}
		seen[v] = s
	}
}

func TestVisibleCopy(t *testing.T) {
	type item struct {
		Title  string
		Tags   []string
		Hours  map[string]float64
		Notes  map[string]string
		At     time.Time
		Next   *item
		Any    any
		hidden string
	}
	at := time.Date(2025, 10, 3, 11, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	in := &item{Title: "a\u202eb", Tags: []string{"x\u200b", "y"}, Hours: map[string]float64{"contain\u200b": 2},
		Notes: map[string]string{"k": "v\u2060"}, At: at, Next: &item{Title: "n\ufeff"}, Any: "i\u200d", hidden: "h\u200b"}
	out := VisibleCopy(in)
	if out == in || out.Next == in.Next {
		t.Fatal("not a deep copy")
	}
	if out.Title != "a‹U+202E›b" || out.Tags[0] != "x‹U+200B›" || out.Notes["k"] != "v‹U+2060›" ||
		out.Next.Title != "n‹U+FEFF›" || out.Any != "i‹U+200D›" {
		t.Errorf("strings not shown visibly: %+v, next %+v", out, out.Next)
	}
	if out.Hours["contain\u200b"] != 2 || !out.At.Equal(at) || out.At.Location().String() != "CEST" || out.hidden != "h\u200b" {
		t.Errorf("keys, times or unexported fields changed: %+v", out)
	}
	if in.Title != "a\u202eb" || in.Tags[0] != "x\u200b" || in.Notes["k"] != "v\u2060" || in.Next.Title != "n\ufeff" {
		t.Errorf("the original changed: %+v", in)
	}
	var nilItem *item
	if VisibleCopy(nilItem) != nil {
		t.Error("nil pointer not kept")
	}
	if got := VisibleCopy([]string(nil)); got != nil {
		t.Error("nil slice not kept")
	}
	if strings.Contains(VisibleCopy("plain"), "‹") {
		t.Error("plain string changed")
	}
}

func TestPlaybookFollowThroughSentence(t *testing.T) {
	r := 0.4286
	for _, c := range []struct {
		name                                  string
		updates, due, done, overdue, anyTotal int
		onTime                                *float64
		want                                  string
	}{
		{"Quarter", 11, 7, 9, 2, 20, &r, "11 playbook updates agreed for 2025-Q4 cases: 9 done and 2 overdue on 31 December 2025; of the 7 due by then, 43% were done on time. 20 updates of any quarter are overdue."},
		{"NoneDue", 1, 0, 0, 0, 0, nil, "1 playbook update agreed for 2025-Q4 cases: 0 done and 0 overdue on 31 December 2025."},
		{"NoneAgreed", 0, 0, 0, 0, 1, nil, "No playbook update was agreed for 2025-Q4 cases. 1 update from earlier cases is overdue on 31 December 2025."},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := PlaybookFollowThroughSentence("2025-Q4", c.updates, c.due, c.done, c.overdue, c.onTime, "31 December 2025", c.anyTotal)
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}
