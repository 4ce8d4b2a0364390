package ingest

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzCanonical feeds arbitrary bytes to the canonical parser: it must never
// panic, every record is either a valid case or an error naming the file,
// and every case it accepts satisfies the format's invariants.
func FuzzCanonical(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/canonical/*")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}}`,
		`[{"id":"x","timeline":{"detection":1704067200000}}]`,
		"id,timeline.detection\nx,2024-01-01 10:00\n",
		`{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"due":"2024-13-01"}]}`,
		`[{"id":1},`, "\"a\nb\",c\n", "{", "[", `{"a":` + strings.Repeat("[", 200),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &ParseContext{File: "fuzz.jsonl", Location: time.UTC, Now: time.Now, Limits: Limits{MaxRecordBytes: 1 << 20}}
		err := Canonical{}.Parse(p, bytes.NewReader(data), func(r Record) error {
			if (r.Case == nil) == (r.Err == nil) {
				t.Fatalf("record with case %v and error %v", r.Case, r.Err)
			}
			if r.Err != nil {
				if !strings.HasPrefix(r.Err.Error(), "fuzz.jsonl:") {
					t.Fatalf("error does not name the file: %q", r.Err)
				}
				return nil
			}
			c := r.Case
			if c.ID == "" || c.Source == "" || c.Timeline.Detection == nil || (c.Status != "open" && c.Status != "closed") {
				t.Fatalf("accepted an invalid case: %+v", c)
			}
			if visibleID(c.ID) != nil {
				t.Fatalf("accepted id %q", c.ID)
			}
			for _, ai := range c.ActionItems {
				if visibleID(ai.ID) != nil {
					t.Fatalf("accepted action-item id %q", ai.ID)
				}
			}
			for _, id := range c.Techniques {
				if !techniqueRE.MatchString(id) {
					t.Fatalf("accepted technique %q", id)
				}
			}
			checkDimensionInvariants(t, c)
			if !canonicalSources(c) { // the store derives them (milestone_sources)
				t.Fatalf("milestone sources %v of a canonical case", c.MilestoneSources)
			}
			_ = c.ContentHash()
			return nil
		})
		if err != nil {
			if re, ok := err.(*RecordError); ok && !strings.HasPrefix(re.Error(), "fuzz.jsonl:") {
				t.Fatalf("file error does not name the file: %q", err)
			}
		}
	})
}

// FuzzParseTimestamp: no panic; an accepted instant is plausible.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2024-01-01T00:00:00Z", "2024-01-01 10:00", "1704067200000", "1704067200", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-30 10:00", "-1", "1e400", "2024-01-01T00:00:00+25:00",
		"2016-12-31T23:59:60Z", "2016-12-31 18:59:60.5-05:00", "2016-12-30T23:59:60Z", "2024-03-31 02:30", "2024-10-27 02:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []any{s, jsonNumber(s)} {
			ts, err := ParseTimestamp(v, time.UTC)
			if err == nil && (ts.Before(minPlausible) || !ts.Before(maxPlausible)) {
				t.Fatalf("accepted implausible %v from %q", ts, s)
			}
		}
	})
}

// checkDimensionInvariants fails when an accepted case breaks a rule of the
// fields added after the first version.
func checkDimensionInvariants(t *testing.T, c *Case) {
	t.Helper()
	for _, p := range c.Platforms {
		if !slices.Contains(Platforms, p) {
			t.Fatalf("accepted platform %q", p)
		}
	}
	for i, a := range c.Assets {
		if a == "" || a != strings.TrimSpace(a) {
			t.Fatalf("accepted asset %q", a)
		}
		for _, b := range c.Assets[:i] {
			if strings.EqualFold(a, b) {
				t.Fatalf("assets %q and %q both kept", b, a)
			}
		}
	}
	if c.DetectionSource != "" && !slices.Contains(DetectionSources, c.DetectionSource) {
		t.Fatalf("accepted detection source %q", c.DetectionSource)
	}
	if im := c.Impact; im != nil {
		if *im == (Impact{}) || (im.Cost != nil && (im.Currency == "" || *im.Cost < 0)) || (im.Records != nil && *im.Records < 0) || (im.DowntimeHours != nil && *im.DowntimeHours < 0) {
			t.Fatalf("accepted impact %+v", im)
		}
		if im.Currency != "" && (len(im.Currency) != 3 || strings.ToUpper(im.Currency) != im.Currency) {
			t.Fatalf("accepted currency %q", im.Currency)
		}
	}
	if rv := c.Review; rv != nil && !slices.Contains(ReviewStatuses, rv.Status) {
		t.Fatalf("accepted review status %q", rv.Status)
	}
	for _, u := range c.PlaybookUpdates {
		if u.Playbook == "" || !slices.Contains(ActionStatuses, u.Status) {
			t.Fatalf("accepted playbook update %+v", u)
		}
	}
	for _, r := range c.DetectionRules {
		if r.Status != "" && !slices.Contains(RuleStatuses, r.Status) {
			t.Fatalf("accepted rule status %q", r.Status)
		}
		if s, err := NormalizeSigmaID(r.SigmaID); err != nil || s != r.SigmaID {
			t.Fatalf("accepted Sigma id %q", r.SigmaID)
		}
	}
	l := c.Lessons
	if (l.WentWellThemes != nil && len(l.WentWellThemes) != len(l.WentWell)) || (l.NeedsImprovementThemes != nil && len(l.NeedsImprovementThemes) != len(l.NeedsImprovement)) {
		t.Fatalf("lesson themes do not match the lessons: %+v", l)
	}
}

// FuzzDetect: --format auto never panics on any head, and either picks a
// registered format and says why, or refuses naming the file. The head is
// prepared as the loader does (CR-only line ends).
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		`{"id":"A","title":"caseId","tags":["tlp"],"timeline":{"detection":"2024-01-01T00:00:00Z"}}`,
		`[{"_type":"case","number":1}]`,
		`{"result":[{"number":"SIR1","opened_at":"2024-01-01","state":"3"}]}`,
		`{"value":[{"properties":{"incidentNumber":1}}]}`,
		`{"tables":[{"columns":[{"name":"IncidentNumber"},{"name":"TimeGenerated"}],"rows":[]}]}`,
		`{"data":{"case":{"case_uuid":"x"}}}`,
		"number,opened_at,state\rSIR1,2024-01-01,3\r",
		"id,timeline.detection\n", "", "[", "{", `[{"a":` + strings.Repeat("[", 200), "\"a\nb\",c\n",
	} {
		f.Add([]byte(s))
	}
	fs := DefaultFormats()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			data = data[:64<<10]
		}
		_, head := crOnlyLines(bufio.NewReader(bytes.NewReader(data)), data)
		d, err := fs.Detect("fuzz.in", head)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.in: cannot tell the format") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if d.Format == nil || fs[d.Format.Name()] == nil || d.By == "" {
			t.Fatalf("detected %+v", d)
		}
	})
}
