package ingest

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCanonicalNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1": "1", "1e0": "1", "1E0": "1", "1.0": "1", "10E-1": "1", "0.1e1": "1", "1e+0": "1", "001": "1",
		"0": "0", "-0": "0", "0.0": "0", "0e5": "0", "-0.0e-3": "0",
		"42": "42", "4.2e1": "42", "420e-1": "42", "-7": "-7", "-7.00": "-7",
		"0.5": "0.5", "0.50": "0.5", "5e-1": "0.5", "1.25": "1.25", "12.5e-1": "1.25", "1e-3": "0.001",
		"100": "100", "1e2": "100", "12345678901234567890123": "12345678901234567890123",
		"1e40": "1" + strings.Repeat("0", 40), "1e41": "1e41", "10e40": "1e41", "1e400": "1e400", "1.5e400": "15e399",
		"1e-40": "0." + strings.Repeat("0", 39) + "1", "1e-41": "1e-41", "1e0000000002": "100",
	} {
		got, err := canonicalNumber(in)
		if err != nil || got != want {
			t.Errorf("canonicalNumber(%s): got %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := canonicalNumber("1e1234567890"); err == nil {
		t.Error("an exponent of 10 digits was accepted")
	}
}

// TestNumericIDsCanonical: TheHive "number": 1 and "number": 1e0 (or 1.0)
// are one case, not two; the same for IRIS and Sentinel numeric ids and
// canonical numeric action-item ids.
func TestNumericIDsCanonical(t *testing.T) {
	dir := t.TempDir()
	hive := writeFile(t, dir, "hive.json", `[{"_type":"case","number":1,"title":"one"},{"_type":"case","number":1e0,"title":"again"},{"_type":"case","number":1.0,"title":"last"},{"_type":"case","number":"1","title":"as text"}]`)
	db := openTestDB(t)
	sum, err := Load(context.Background(), db, []Input{{Path: hive, Format: "auto"}}, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Inserted != 1 || sum.Duplicates != 3 {
		t.Errorf("got %d inserted, %d repeated ids, want 1 case repeated 3 times", sum.Inserted, sum.Duplicates)
	}
	var id, title string
	if err := db.QueryRow("SELECT case_id, title FROM store.cases").Scan(&id, &title); err != nil || id != "1" || title != "as text" {
		t.Errorf("stored %q %q (%v), want case 1, the last occurrence", id, title, err)
	}
	// Canonical action items numbered 1 and 1.0 are one id: a duplicate.
	p := &ParseContext{File: "ai.jsonl", Location: time.UTC, Now: time.Now}
	line := `{"id":"C","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"id":1},{"id":1.0}]}`
	if _, ok := fastCanonical(p, []byte(line), p.Limits.WithDefaults()); ok {
		t.Error("fast path accepted action items 1 and 1.0")
	}
	if r := decodeRaw(p, []byte(line), "1", p.Limits.WithDefaults(), decodeCanonical); r.Err == nil || !strings.Contains(r.Err.Error(), `action_items[1].id: duplicate action-item id "1"`) {
		t.Errorf("generic path: got %v", r.Err)
	}
	c, ok := fastCanonical(p, []byte(`{"id":"C","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"id":2e0}]}`), p.Limits.WithDefaults())
	if !ok || c.ActionItems[0].ID != "2" {
		t.Errorf("fast path: %v %+v", ok, c)
	}
}

// TestInvisibleCharactersInIDs: an id with a bidirectional control or a
// zero-width character is refused, naming the character, so two distinct
// ids cannot look identical (before, "IR-1" and "IR-1\u200b" were two
// cases that every report showed as "IR-1").
func TestInvisibleCharactersInIDs(t *testing.T) {
	const tl = `"timeline":{"detection":"2024-01-01T00:00:00Z"}`
	for _, tc := range []struct {
		name   string
		format Format
		text   string
		want   string
	}{
		{"ZeroWidthSpace", Canonical{}, `{"id":"IR-1\u200b",` + tl + `}`, "ids.in:1: id: contains U+200B (ZERO WIDTH SPACE) at byte 4, an invisible or direction-changing character"},
		{"RightToLeftOverride", Canonical{}, `{"id":"IR-` + "\u202e" + `1-3",` + tl + `}`, "ids.in:1: id: contains U+202E (RIGHT-TO-LEFT OVERRIDE) at byte 3"},
		{"Isolate", Canonical{}, `{"id":"IR-` + "\u2066" + `1",` + tl + `}`, "U+2066 (LEFT-TO-RIGHT ISOLATE)"},
		{"WordJoiner", Canonical{}, `{"id":"IR` + "\u2060" + `-1",` + tl + `}`, "U+2060 (WORD JOINER)"},
		{"ByteOrderMark", Canonical{}, `{"id":"` + "\ufeff" + `IR-1",` + tl + `}`, "U+FEFF (ZERO WIDTH NO-BREAK SPACE) at byte 0"},
		{"ActionItem", Canonical{}, `{"id":"IR-1",` + tl + `,"action_items":[{"id":"AI-1"},{"id":"AI-1\u200d"}]}`, "ids.in:1: action_items[1].id: contains U+200D (ZERO WIDTH JOINER)"},
		{"CSV", Canonical{}, "id,timeline.detection\nIR-1\u200c,2024-01-01T00:00:00Z\n", "ids.in:2: id: contains U+200C (ZERO WIDTH NON-JOINER)"},
		{"TheHive", TheHive{}, `{"_type":"case","number":"12\u200b"}`, "ids.in:1: number: contains U+200B"},
		{"ServiceNow", ServiceNow{}, "number,opened_at,state\nSIR1\u202c,2024-01-01 10:00:00,3\n", "ids.in:2: number: contains U+202C (POP DIRECTIONAL FORMATTING)"},
		{"Sentinel", Sentinel{}, `{"IncidentNumber":"7\u200e","TimeGenerated":"2024-01-01T00:00:00Z"}`, "ids.in:1: IncidentNumber: contains U+200E (LEFT-TO-RIGHT MARK)"},
		{"IRIS", IRIS{}, `{"case":{"case_id":"1\u061c","soc_id":"x"}}`, "ids.in:1: case.case_id: contains U+061C (ARABIC LETTER MARK)"},
		{"VERIS", Veris{}, `{"schema_version":"1.3.4","incident_id":"x","plus":{"master_id":"M\u00ad1"},"action":{}}`, "ids.in:1: plus.master_id: contains U+00AD (SOFT HYPHEN)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &ParseContext{File: "ids.in", Location: time.UTC, Now: time.Now}
			var got *RecordError
			err := tc.format.Parse(p, strings.NewReader(tc.text), func(r Record) error {
				if r.Case != nil {
					t.Fatalf("accepted %q", r.Case.ID)
				}
				got = r.Err
				return nil
			})
			if err != nil || got == nil || !strings.Contains(got.Error(), tc.want) {
				t.Fatalf("got %v, %v; want %q", got, err, tc.want)
			}
		})
	}
	// Visible non-ASCII ids are fine.
	p := &ParseContext{File: "ids.in", Location: time.UTC, Now: time.Now}
	c, ok := fastCanonical(p, []byte(`{"id":"IR-Ä-ü-日本",`+tl+`}`), p.Limits.WithDefaults())
	if !ok || c.ID != "IR-Ä-ü-日本" {
		t.Errorf("got %v %v", ok, c)
	}
}
