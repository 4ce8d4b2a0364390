package ingest

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// parseAll runs the canonical parser over text and returns cases and errors.
func parseAll(t testing.TB, name, text string, loc *time.Location) ([]*Case, []*RecordError) {
	t.Helper()
	var cases []*Case
	var errs []*RecordError
	p := &ParseContext{File: name, Location: loc, Now: time.Now}
	err := Canonical{}.Parse(p, strings.NewReader(text), func(r Record) error {
		if r.Err != nil {
			errs = append(errs, r.Err)
		} else {
			cases = append(cases, r.Case)
		}
		return nil
	})
	if err != nil {
		if re, ok := err.(*RecordError); ok {
			errs = append(errs, re)
		} else {
			t.Fatalf("Parse: %v", err)
		}
	}
	return cases, errs
}

// TestCanonicalEveryField checks every field of the format, in JSON, JSONL
// and CSV, against hand-written expectations.
func TestCanonicalEveryField(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	want := Timeline{
		Compromise:  utc("2024-02-01T08:00:00Z"),
		Detection:   utc("2024-02-03T08:30:00Z"), // naive 09:30 in Berlin (UTC+1)
		Triage:      utc("2024-02-03T09:00:00Z"), // 10:00+01:00
		Containment: utc("2024-02-03T11:00:00Z"), // epoch ms 1706958000000
		Eradication: utc("2024-02-04T12:00:00Z"),
		Recovery:    utc("2024-02-06T12:00:00Z"),
		Closure:     utc("2024-02-20T17:00:00Z"),
	}
	for _, file := range []string{"full.json", "full.jsonl", "full.csv"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/canonical/" + file)
			if err != nil {
				t.Fatal(err)
			}
			cases, errs := parseAll(t, file, string(b), berlin)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(cases) == 0 {
				t.Fatal("no cases")
			}
			c := cases[0]
			check := func(field string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: got %#v, want %#v", field, got, want)
				}
			}
			check("id", c.ID, "IR-2024-001")
			check("source", c.Source, "soc-eu")
			check("title", c.Title, "Ransomware on file server Zoë Łukasz ß Ω Ж")
			check("severity", c.Severity, "critical")
			check("category", c.Category, "ransomware-attack")
			check("status", c.Status, "closed")
			check("tags", c.Tags, []string{"crown-jewels", "weekend"})
			check("excluded", c.Excluded, false)
			for _, m := range Milestones {
				g, w := c.Timeline.Get(m), want.Get(m)
				if g == nil || !g.Equal(*w) {
					t.Errorf("timeline.%s: got %v, want %v", m, g, w)
				}
				if c.MilestoneSources[m] != "timeline."+m {
					t.Errorf("milestone source %s: got %q", m, c.MilestoneSources[m])
				}
			}
			check("techniques", c.Techniques, []string{"T1486", "T1190", "T1558.003"})
			check("root_cause.category", c.RootCause.Category, "unpatched-vulnerability")
			check("root_cause.summary", c.RootCause.Summary, "VPN appliance missed a critical patch")
			check("root_cause.whys", c.RootCause.Whys, []string{"VPN exploited", "patch not applied", "no owner for the appliance"})
			if file == "full.csv" {
				check("extra", string(c.Extra), `{"ticket":"SEC-1"}`)
				return // action items, lessons and rules are JSON-only
			}
			check("extra", string(c.Extra), `{"ticket":{"key":"SEC-1","system":"jira"}}`)
			if len(c.ActionItems) != 2 {
				t.Fatalf("action items: got %d, want 2", len(c.ActionItems))
			}
			a := c.ActionItems[0]
			check("action_items[0]", []any{a.ID, a.Summary, a.Owner, a.Priority, a.Due.String(), a.Status, a.Completed.UTC().Format(time.RFC3339)},
				[]any{"AI-1", "Assign appliance owner", "Infra", "high", "2024-03-01", "done", "2024-02-25T10:00:00Z"})
			b2 := c.ActionItems[1]
			check("action_items[1]", []any{b2.ID, b2.Summary, b2.Status, b2.Completed == nil}, []any{"AI-2", `=HYPERLINK("x")`, "in-progress", true})
			check("lessons", c.Lessons, Lessons{WentWell: []string{"Backups restored"}, NeedsImprovement: []string{"Patch SLA"}})
			check("detection_rules", c.DetectionRules, []DetectionRule{{ID: "sigma-123", Title: "VPN exploit", Techniques: []string{"T1190"}}})
			if file == "full.jsonl" {
				check("second case", []any{len(cases), cases[1].ID, cases[1].Source, cases[1].Status}, []any{2, "IR-2", "pir", "open"})
			}
		})
	}
}

// TestCanonicalInvalid covers each kind of invalid record: the message
// names the file, the line (or record) and the field.
func TestCanonicalInvalid(t *testing.T) {
	tests := []struct {
		name, file, text, want string
	}{
		{"ErrBadJSON", "c.jsonl", `{"id":"a","timeline":{"detection":"2024-01-01T00:00:00Z"}}` + "\n" + `{"id": "b", "timeline": {`,
			`c.jsonl:2: invalid JSON: unexpected end of input (truncated?)`},
		{"ErrMissingID", "c.jsonl", `{"timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.jsonl:1: id: required`},
		{"ErrMissingDetection", "c.jsonl", "\n" + `{"id":"x","timeline":{"closure":"2024-01-01T00:00:00Z"}}`, `c.jsonl:2: timeline.detection: required`},
		{"ErrUnparsableTimestamp", "cases.jsonl", `{"id":"x","timeline":{"detection":"yesterday"}}`,
			`cases.jsonl:1: timeline.detection: cannot parse "yesterday" as a timestamp`},
		{"ErrBadTechnique", "c.json", `[{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}},` + "\n" + `{"id":"y","timeline":{"detection":"2024-01-01T00:00:00Z"},"techniques":["T1059","TA0001"]}]`,
			`c.json:record 2 (line 2): techniques[1]: "TA0001" is not an ATT&CK technique ID`},
		{"ErrWrongType", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"tags":"a,b"}`, `c.jsonl:1: tags: want a list of strings, got a string`},
		{"ErrIDNumber", "c.jsonl", `{"id":7,"timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.jsonl:1: id: want a string, got a number`},
		{"ErrBoolAsString", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"exclude_from_metrics":"yes"}`, `c.jsonl:1: exclude_from_metrics: want true or false`},
		{"ErrSeverity", "c.jsonl", `{"id":"x","severity":"urgent","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.jsonl:1: severity: unknown severity "urgent"`},
		{"ErrUnknownMilestone", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z","contaiment":"2024-01-02T00:00:00Z"}}`, `c.jsonl:1: timeline.contaiment: unknown milestone`},
		{"ErrEpochSeconds", "c.jsonl", `{"id":"x","timeline":{"detection":1704067200}}`, `c.jsonl:1: timeline.detection: implausible epoch milliseconds 1704067200 (looks like epoch seconds`},
		{"ErrYear9999", "c.jsonl", `{"id":"x","timeline":{"detection":"9999-01-01T00:00:00Z"}}`, `c.jsonl:1: timeline.detection: implausible timestamp`},
		{"ErrYear0", "c.jsonl", `{"id":"x","timeline":{"detection":"0000-01-01T00:00:00Z"}}`, `c.jsonl:1: timeline.detection: implausible timestamp`},
		{"ErrActionStatus", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"id":"1","status":"maybe"}]}`, `c.jsonl:1: action_items[0].status: unknown action-item status "maybe"`},
		{"ErrDueDate", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"id":"1","due":"soon"}]}`, `c.jsonl:1: action_items[0].due: want a date YYYY-MM-DD`},
		{"ErrNotObject", "c.jsonl", `["x"]`, `c.jsonl:record 1 (line 1): want a JSON object, got a string`},
		{"ErrCSVBadTimestamp", "c.csv", "id,timeline.detection\nok,2024-01-01T00:00:00Z\nbad,31/12/2024\n", `c.csv:3: timeline.detection: cannot parse "31/12/2024" as a timestamp`},
		{"ErrCSVRagged", "c.csv", "id,timeline.detection\nx,2024-01-01T00:00:00Z,extra\n", `c.csv:2: CSV: wrong number of fields`},
		{"ErrCSVQuote", "c.csv", "id,timeline.detection\n\"x,2024-01-01T00:00:00Z\n", `c.csv:2: CSV: extraneous or missing " in quoted-field`},
		{"ErrCSVActionItems", "c.csv", "id,timeline.detection,action_items\nx,2024-01-01T00:00:00Z,[]\n", `c.csv:1: action_items: action items, lessons and detection rules are JSON-only`},
		{"ErrInvalidUTF8", "c.jsonl", "{\"id\":\"x\xff\",\"timeline\":{\"detection\":\"2024-01-01T00:00:00Z\"}}", `c.jsonl:1: invalid UTF-8`},
		{"ErrDeepNesting", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, `c.jsonl:1: JSON nested 101 levels deep (limit 64)`},
		{"ErrTruncatedArray", "c.json", `[{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.json:line 1: invalid JSON`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parseAll(t, tc.file, tc.text, time.UTC)
			if len(errs) == 0 {
				t.Fatalf("got no error, want %q", tc.want)
			}
			if got := errs[0].Error(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want prefix %q", got, tc.want)
			}
		})
	}
}

func TestCanonicalNaiveTimeZone(t *testing.T) {
	text := `{"id":"x","timeline":{"detection":"2024-03-31 23:30"}}`
	ny := mustLoc(t, "America/New_York")
	cases, errs := parseAll(t, "c.jsonl", text, ny)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got, want := cases[0].Timeline.Detection.UTC(), *utc("2024-04-01T03:30:00Z"); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	cases, _ = parseAll(t, "c.jsonl", text, time.UTC)
	if got, want := cases[0].Timeline.Detection.UTC(), *utc("2024-03-31T23:30:00Z"); !got.Equal(want) {
		t.Errorf("UTC: got %v, want %v", got, want)
	}
}

func TestCanonicalDefaults(t *testing.T) {
	cases, errs := parseAll(t, "c.jsonl", `{"id":"x","severity":"3","timeline":{"detection":"2024-01-01T00:00:00Z","closure":"2024-01-02T00:00:00Z"},"action_items":[{"summary":"a"},{"summary":"b","completed":"2024-01-03T00:00:00Z"}]}`, time.UTC)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := cases[0]
	if c.Source != "pir" || c.Status != "closed" || c.Severity != "high" {
		t.Errorf("got source %q status %q severity %q, want pir closed high", c.Source, c.Status, c.Severity)
	}
	if c.ActionItems[0].ID != "1" || c.ActionItems[0].Status != "open" || c.ActionItems[1].ID != "2" || c.ActionItems[1].Status != "done" {
		t.Errorf("action item defaults: got %+v", c.ActionItems)
	}
}

func TestCanonicalPrettyObjectAndEmpty(t *testing.T) {
	cases, errs := parseAll(t, "one.json", "{\n  \"id\": \"x\",\n  \"timeline\": {\"detection\": \"2024-01-01T00:00:00Z\"}\n}\n", time.UTC)
	if len(errs) > 0 || len(cases) != 1 || cases[0].ID != "x" {
		t.Fatalf("pretty object: got %v %v", cases, errs)
	}
	cases, errs = parseAll(t, "empty.jsonl", "", time.UTC)
	if len(cases)+len(errs) != 0 {
		t.Fatalf("empty file: got %v %v", cases, errs)
	}
}

func TestContentHashStableAcrossOffsets(t *testing.T) {
	a, _ := parseAll(t, "a.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T01:00:00+01:00"}}`, time.UTC)
	b, _ := parseAll(t, "b.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, time.UTC)
	if a[0].ContentHash() != b[0].ContentHash() {
		t.Error("same instant with another offset hashes differently")
	}
	c, _ := parseAll(t, "c.jsonl", `{"id":"x","title":"t","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, time.UTC)
	if c[0].ContentHash() == b[0].ContentHash() {
		t.Error("a changed title hashes the same")
	}
}
