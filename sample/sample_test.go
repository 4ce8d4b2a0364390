package sample

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pirhq/pir/ingest"
)

var start2024 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func generate(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, o); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return buf.Bytes()
}

func TestGenerate(t *testing.T) {
	o := Options{Cases: 3000, Quarters: 8, Seed: 1, Start: start2024}
	a := generate(t, o)

	t.Run("SameSeedSameBytes", func(t *testing.T) {
		if b := generate(t, o); !bytes.Equal(a, b) {
			t.Fatal("two runs with seed 1 differ")
		}
	})
	t.Run("ParallelEqualsSequential", func(t *testing.T) {
		// Generate renders batches on several goroutines; the bytes must
		// be those of one generator walking the cases in order.
		g := newGenerator(o)
		var seq []byte
		for i := range o.Cases {
			seq = g.appendCase(seq, i)
		}
		if !bytes.Equal(a, seq) {
			t.Fatal("parallel output differs from sequential output")
		}
	})
	t.Run("OtherSeedOtherBytes", func(t *testing.T) {
		o2 := o
		o2.Seed = 2
		b := generate(t, o2)
		if bytes.Equal(a, b) {
			t.Fatal("seeds 1 and 2 give the same output")
		}
		if la, lb := firstLine(a), firstLine(b); la == lb {
			t.Errorf("seeds 1 and 2 give the same first case: %s", la)
		}
	})
	t.Run("SmallCount", func(t *testing.T) {
		// A case depends on its index, the seed and the case count (its
		// detection time is a stratum of the span), not on timing.
		o2 := o
		o2.Cases = 10
		if n := bytes.Count(generate(t, o2), []byte("\n")); n != 10 {
			t.Errorf("got %d lines, want 10", n)
		}
	})
	t.Run("Counts", func(t *testing.T) {
		lines := bytes.Split(bytes.TrimSuffix(a, []byte("\n")), []byte("\n"))
		if len(lines) != o.Cases {
			t.Fatalf("got %d lines, want %d", len(lines), o.Cases)
		}
		ids := map[string]bool{}
		for n, l := range lines {
			var c struct{ ID string }
			if err := json.Unmarshal(l, &c); err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			if ids[c.ID] {
				t.Fatalf("line %d: duplicate id %s", n+1, c.ID)
			}
			ids[c.ID] = true
		}
		if !ids["IR-00001"] || !ids["IR-03000"] {
			t.Errorf("IDs do not run IR-00001..IR-03000")
		}
	})
	t.Run("Zero", func(t *testing.T) {
		if b := generate(t, Options{Cases: 0, Quarters: 1, Seed: 1, Start: start2024}); len(b) != 0 {
			t.Errorf("got %d bytes for 0 cases, want none", len(b))
		}
	})
}

func firstLine(b []byte) string {
	l, _, _ := bytes.Cut(b, []byte("\n"))
	return string(l)
}

func TestValidate(t *testing.T) {
	for name, o := range map[string]Options{
		"ErrNegativeCases": {Cases: -1, Quarters: 8, Start: start2024},
		"ErrNoQuarters":    {Cases: 1, Quarters: 0, Start: start2024},
		"ErrNoStart":       {Cases: 1, Quarters: 8},
	} {
		t.Run(name, func(t *testing.T) {
			if err := Generate(io.Discard, o); err == nil {
				t.Fatal("got nil error")
			}
		})
	}
}

// TestEncodeMatchesJSON keeps the hand-written encoder byte-identical to
// encoding/json for the canonical model.
func TestEncodeMatchesJSON(t *testing.T) {
	o := Options{Cases: 2000, Quarters: 8, Seed: 3, Start: start2024}
	g := newGenerator(o)
	for i := range o.Cases {
		g.build(i)
		got := appendCaseJSON(nil, &g.c, "")
		want, err := json.Marshal(&g.c)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
	for _, s := range []string{"a\"b\\c", "tab\tnl\ncr\r", "\x01\x1f", "<script>&</script>", "Zoë Łukasz", "\u2028\u2029", "bad\xffutf8"} {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

// TestCanonical checks that every generated record is a valid canonical
// case for the real parser.
func TestCanonical(t *testing.T) {
	o := Options{Cases: 3000, Quarters: 8, Seed: 11, Start: start2024}
	data := generate(t, o)
	p := &ingest.ParseContext{File: "sample.jsonl", Location: time.UTC, Now: func() time.Time { return start2024.AddDate(2, 0, 0) }}
	n := 0
	err := ingest.Canonical{}.Parse(p, bytes.NewReader(data), func(r ingest.Record) error {
		if r.Err != nil {
			t.Errorf("record rejected: %v", r.Err)
			return nil
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if n != o.Cases {
		t.Errorf("got %d valid cases, want %d", n, o.Cases)
	}
}

// wire is the generated JSON, read back for the distribution checks.
type wire struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	Severity   string            `json:"severity"`
	Category   string            `json:"category"`
	Status     string            `json:"status"`
	Excluded   bool              `json:"exclude_from_metrics"`
	Timeline   map[string]string `json:"timeline"`
	Techniques []string          `json:"techniques"`
	RootCause  struct {
		Category string   `json:"category"`
		Whys     []string `json:"whys"`
	} `json:"root_cause"`
	ActionItems []struct {
		Owner     string `json:"owner"`
		Priority  string `json:"priority"`
		Due       string `json:"due"`
		Status    string `json:"status"`
		Completed string `json:"completed"`
	} `json:"action_items"`
	DetectionRules []struct {
		ID         string   `json:"id"`
		Techniques []string `json:"techniques"`
	} `json:"detection_rules"`
}

func readWire(t *testing.T, data []byte) []wire {
	t.Helper()
	var out []wire
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var w wire
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		out = append(out, w)
	}
	return out
}

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("timestamp %q: %v", s, err)
	}
	return v
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func TestDistribution(t *testing.T) {
	o := Options{Cases: 8000, Quarters: 8, Seed: 5, Start: start2024}
	end := start2024.AddDate(2, 0, 0)
	cases := readWire(t, generate(t, o))

	sev := map[string]int{}
	cat := map[string]int{}
	var excluded, open, outOfOrder, noCompromise, noTriage int
	var revoked, unknown, nonASCII, script, withRules int
	offsets := map[string]int{}
	status := map[string]int{}
	overdue := 0
	var containFirst, containLast []float64
	var prevDet time.Time
	for _, c := range cases {
		sev[strings.ToLower(c.Severity)]++
		cat[c.Category]++
		if c.Excluded {
			excluded++
		}
		if c.Status == "open" {
			open++
			if c.Timeline["closure"] != "" {
				t.Errorf("%s: open with a closure", c.ID)
			}
		}
		det := ts(t, c.Timeline["detection"])
		if det.Before(start2024) || !det.Before(end) {
			t.Errorf("%s: detection %v outside the span", c.ID, det)
		}
		if det.Before(prevDet) {
			t.Errorf("%s: detection %v before the previous case's %v", c.ID, det, prevDet)
		}
		prevDet = det
		offsets[c.Timeline["detection"][19:]]++
		if c.Timeline["compromise"] == "" {
			noCompromise++
		}
		if c.Timeline["triage"] == "" {
			noTriage++
		}
		prev := time.Time{}
		for _, m := range ingest.Milestones {
			if s := c.Timeline[m]; s != "" {
				v := ts(t, s)
				if v.Before(prev) {
					outOfOrder++
					break
				}
				prev = v
			}
		}
		if s := c.Timeline["containment"]; s != "" && !c.Excluded && c.Timeline["triage"] != "" {
			h := ts(t, s).Sub(det).Hours()
			switch {
			case det.Before(start2024.AddDate(0, 6, 0)):
				containFirst = append(containFirst, h)
			case !det.Before(end.AddDate(0, -6, 0)):
				containLast = append(containLast, h)
			}
		}
		for _, id := range c.Techniques {
			switch id {
			case "T1086", "T1193", "T1064", "T1192":
				revoked++
			case "T1190.001", "T1486.001", "T1509", "T1566.005":
				unknown++
			}
		}
		if strings.ContainsAny(c.Title, "ëŁøØñçß") {
			nonASCII++
		}
		if strings.Contains(c.Title, "<script>") {
			script++
		}
		if n := len(c.RootCause.Whys); c.RootCause.Category != "" && (n < 2 || n > 5) {
			t.Errorf("%s: %d whys, want 2 to 5", c.ID, n)
		}
		if len(c.DetectionRules) > 0 {
			withRules++
		}
		for _, a := range c.ActionItems {
			status[a.Status]++
			if (a.Status == "done") != (a.Completed != "") {
				t.Errorf("%s: action item status %s with completed %q", c.ID, a.Status, a.Completed)
			}
			if a.Owner == "" || a.Priority == "" || a.Due == "" {
				t.Errorf("%s: action item without owner, priority or due date", c.ID)
			}
			if a.Status == "open" && a.Due < "2025-12-01" {
				overdue++
			}
		}
	}
	n := float64(len(cases))
	frac := func(k int) float64 { return float64(k) / n }
	check := func(name string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: got %.3f, want %.3f to %.3f", name, got, lo, hi)
		}
	}
	check("medium+high share", frac(sev["medium"]+sev["high"]), 0.6, 0.85)
	check("critical share", frac(sev["critical"]), 0.03, 0.15)
	check("excluded share", frac(excluded), 0.025, 0.07)
	check("open share", frac(open), 0.02, 0.2)
	check("out-of-order share", frac(outOfOrder), 0.003, 0.03)
	check("no compromise share", frac(noCompromise), 0.1, 0.35)
	check("no triage share", frac(noTriage), 0.04, 0.15)
	check("with detection rules", frac(withRules), 0.1, 0.5)
	check("UTC share", frac(offsets["Z"]), 0.4, 0.7)
	check("+02:00 share", frac(offsets["+02:00"]), 0.15, 0.4)
	for _, s := range scenarios {
		if cat[s.category] == 0 {
			t.Errorf("no %s cases", s.category)
		}
	}
	if cat["phishing"] < cat["ransomware"] || cat["ransomware"] < cat["insider-threat"] {
		t.Errorf("scenario mix off: %v", cat)
	}
	for _, k := range ingest.ActionStatuses {
		if status[k] == 0 {
			t.Errorf("no action items with status %s", k)
		}
	}
	if overdue == 0 || revoked == 0 || unknown == 0 || nonASCII == 0 || script == 0 {
		t.Errorf("missing data-quality material: overdue %d, revoked %d, unknown %d, non-ASCII titles %d, <script> titles %d",
			overdue, revoked, unknown, nonASCII, script)
	}
	// The story: containment is faster in the last two quarters than in
	// the first two.
	if f, l := median(containFirst), median(containLast); !(l < 0.8*f) {
		t.Errorf("median detection→containment: first two quarters %.1f h, last two %.1f h; want a clear improvement", f, l)
	}
}

// TestTechniques checks every technique used by the scenarios against the
// ATT&CK v18.1 list shipped with the shared data, when it is present, and
// the shape everywhere.
func TestTechniques(t *testing.T) {
	var ids []string
	for _, s := range scenarios {
		for _, p := range s.techniques {
			ids = append(ids, p.id)
		}
	}
	for _, id := range slices.Concat(ids, revokedIDs, unknownIDs) {
		if _, err := ingest.NormalizeTechnique(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	f, err := os.ReadFile("../sql/schema/0002_attack.sql")
	if err != nil {
		t.Skipf("no ATT&CK table to check against: %v", err)
	}
	known := string(f)
	for _, id := range slices.Concat(ids, revokedIDs) {
		if !strings.Contains(known, "'"+id+"'") {
			t.Errorf("%s: not in the ATT&CK table", id)
		}
	}
	for _, id := range unknownIDs {
		if strings.Contains(known, "'"+id+"'") {
			t.Errorf("%s: meant to be unknown but is in the ATT&CK table", id)
		}
	}
}

// TestExample keeps examples/cases.jsonl equal to the command documented in
// examples/README.md.
func TestExample(t *testing.T) {
	want, err := os.ReadFile("../examples/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got := generate(t, ExampleOptions())
	if !bytes.Equal(got, want) {
		t.Fatal("examples/cases.jsonl is stale: regenerate it with the command in examples/README.md")
	}
}

func BenchmarkGenerate(b *testing.B) {
	o := Options{Cases: 20000, Quarters: 8, Seed: 1, Start: start2024}
	n := len(generate(b, o))
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		if err := Generate(io.Discard, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(o.Cases)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkEncode compares the hand-written encoder with encoding/json on
// the same cases (the baseline, measured in the same run).
func BenchmarkEncode(b *testing.B) {
	o := Options{Cases: 2000, Quarters: 8, Seed: 1, Start: start2024}
	g := newGenerator(o)
	cs := make([]ingest.Case, o.Cases)
	for i := range cs {
		g.build(i)
		cs[i] = g.c
	}
	b.Run("Hand", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			for i := range cs {
				buf = appendCaseJSON(buf[:0], &cs[i], "")
			}
		}
		b.ReportMetric(float64(len(cs))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
	b.Run("EncodingJSON", func(b *testing.B) {
		for b.Loop() {
			for i := range cs {
				if _, err := json.Marshal(&cs[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(len(cs))*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
}
