package ingest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func jsonNumber(s string) json.Number { return json.Number(s) }

func TestParseTimestamp(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name string
		in   any
		loc  *time.Location
		want string // RFC 3339 UTC, or "" for an error
	}{
		{"RFC3339Z", "2024-03-01T10:00:00Z", nil, "2024-03-01T10:00:00Z"},
		{"RFC3339Offset", "2024-03-01T10:00:00+02:00", nil, "2024-03-01T08:00:00Z"},
		{"RFC3339Fraction", "2024-03-01T10:00:00.250Z", nil, "2024-03-01T10:00:00.25Z"},
		{"SpaceSeparatedOffset", "2024-03-01 10:00:00+02:00", nil, "2024-03-01T08:00:00Z"},
		{"NaiveUTC", "2024-03-01 10:00", nil, "2024-03-01T10:00:00Z"},
		{"NaiveNewYorkDST", "2024-03-31 23:30:00", ny, "2024-04-01T03:30:00Z"},
		{"NaiveNewYorkWinter", "2024-01-15T08:00", ny, "2024-01-15T13:00:00Z"},
		{"EpochMillisNumber", jsonNumber("1709287200000"), nil, "2024-03-01T10:00:00Z"},
		{"EpochMillisString", "1709287200000", nil, "2024-03-01T10:00:00Z"},
		{"EpochMillisFloat", jsonNumber("1.7092872e12"), nil, "2024-03-01T10:00:00Z"},
		{"ErrEpochSeconds", jsonNumber("1709287200"), nil, ""},
		{"ErrFractionalMillis", jsonNumber("1709287200000.5"), nil, ""},
		{"ErrYear0", "0000-01-01T00:00:00Z", nil, ""},
		{"ErrYear9999", "9999-01-01T00:00:00Z", nil, ""},
		{"ErrGarbage", "yesterday", nil, ""},
		{"ErrDateOnly", "2024-03-01", nil, ""},
		{"ErrBool", true, nil, ""},
		{"ErrEmpty", " ", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTimestamp(tc.in, tc.loc)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("got %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.UTC().Format(time.RFC3339Nano); s != tc.want {
				t.Errorf("got %s, want %s", s, tc.want)
			}
		})
	}
}

// TestLeapSecond: an RFC 3339 leap second used to be refused ("second out
// of range"); it is read as the last nanosecond of the second before, in
// the same day (and quarter) as the leap second.
func TestLeapSecond(t *testing.T) {
	last := time.Date(2016, 12, 31, 23, 59, 59, 999999999, time.UTC)
	for _, s := range []string{"2016-12-31T23:59:60Z", "2016-12-31 23:59:60Z", "2016-12-31T23:59:60.5Z", "2016-12-31T18:59:60-05:00", "2017-01-01T00:59:60+01:00"} {
		got, err := ParseTimestamp(s, time.UTC)
		if err != nil || !got.Equal(last) {
			t.Errorf("%s: got %v, %v, want %v", s, got, err, last)
		}
	}
	if got, err := ParseTimestamp("2015-06-30T23:59:60Z", time.UTC); err != nil || !got.Equal(time.Date(2015, 6, 30, 23, 59, 59, 999999999, time.UTC)) {
		t.Errorf("30 June: got %v, %v", got, err)
	}
	for _, s := range []string{"2016-12-30T23:59:60Z", "2016-12-31T12:59:60Z", "2016-12-31T23:59:60+01:00"} {
		if _, err := ParseTimestamp(s, time.UTC); err == nil || !strings.Contains(err.Error(), "second 60 is a leap second only at 23:59:60 UTC on the last day of a month") {
			t.Errorf("%s: got %v, want a refusal", s, err)
		}
	}
	// The fast canonical decoder agrees.
	p := &ParseContext{File: "leap.jsonl", Location: time.UTC, Now: time.Now}
	c, ok := fastCanonical(p, []byte(`{"id":"L","timeline":{"detection":"2016-12-31T23:59:60Z"}}`), p.Limits.WithDefaults())
	if !ok || !c.Timeline.Detection.Equal(last) {
		t.Errorf("fast path: %v %v", ok, c)
	}
}

// TestDSTGapAndRepeat: a naive time that the --tz zone skips (clocks go
// forward) is read shifted forward by the gap, and one it repeats (clocks
// go back) as the second occurrence, each with a note for a warning; every
// other time has none.
func TestDSTGapAndRepeat(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want string // UTC
		note string // "" for none
	}{
		{"2024-03-31 02:30", berlin, "2024-03-31T01:30:00Z", `"2024-03-31 02:30" does not exist in Europe/Berlin (the clocks went forward): read as 2024-03-31 03:30:00 CEST (+02:00), shifted forward by the gap`},
		{"2024-03-31T02:00:00", berlin, "2024-03-31T01:00:00Z", "does not exist in Europe/Berlin"},
		{"2024-03-31 02:59:59.5", berlin, "2024-03-31T01:59:59.5Z", "does not exist in Europe/Berlin"},
		{"2024-03-31 03:00", berlin, "2024-03-31T01:00:00Z", ""},
		{"2024-03-31 01:59", berlin, "2024-03-31T00:59:00Z", ""},
		{"2024-10-27 02:30", berlin, "2024-10-27T01:30:00Z", `"2024-10-27 02:30" happens twice in Europe/Berlin (the clocks went back): read as the second, 2024-10-27 02:30:00 CET (+01:00)`},
		{"2024-10-27 03:00", berlin, "2024-10-27T02:00:00Z", ""},
		{"2024-03-10 02:15", ny, "2024-03-10T07:15:00Z", "does not exist in America/New_York"},
		{"2024-11-03 01:30", ny, "2024-11-03T06:30:00Z", "happens twice in America/New_York"},
		{"2024-07-01 12:00", ny, "2024-07-01T16:00:00Z", ""},
		{"2024-03-31 02:30", time.UTC, "2024-03-31T02:30:00Z", ""},
		{"2024-03-31 02:30", time.FixedZone("+01:00", 3600), "2024-03-31T01:30:00Z", ""},
		{"2024-03-31T02:30:00+01:00", berlin, "2024-03-31T01:30:00Z", ""}, // an offset: nothing to resolve
	} {
		got, note, err := parseInstant(tc.in, tc.loc)
		if err != nil || got.UTC().Format(time.RFC3339Nano) != tc.want {
			t.Errorf("%s in %s: got %v, %v, want %s", tc.in, tc.loc, got.UTC(), err, tc.want)
		}
		if (tc.note == "") != (note == "") || !strings.Contains(note, tc.note) {
			t.Errorf("%s in %s: note %q, want %q", tc.in, tc.loc, note, tc.note)
		}
	}
}
