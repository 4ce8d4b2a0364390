package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Plausible instants: anything outside is a typo or a unit mistake (epoch
// seconds read as milliseconds land in January 1970). Timestamps between
// 1970 and 1990 or in the future are accepted here and reported by the
// data-quality checks instead.
var (
	minPlausible = time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)
	maxPlausible = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// naiveLayouts are the accepted zone-less layouts, read in the --tz zone.
var naiveLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

// ParseTimestamp reads a milestone value: RFC 3339 with an offset or Z, a
// naive "YYYY-MM-DD HH:MM[:SS]" in loc, or epoch milliseconds (a JSON number
// or a string of digits). It rejects implausible instants, including epoch
// seconds given where milliseconds are expected.
func ParseTimestamp(v any, loc *time.Location) (time.Time, error) {
	t, _, err := parseInstant(v, loc)
	return t, err
}

// parseInstant is ParseTimestamp, with a note when a naive time had to be
// resolved because loc skips or repeats it (inZone); "" otherwise.
func parseInstant(v any, loc *time.Location) (time.Time, string, error) {
	switch x := v.(type) {
	case json.Number:
		t, err := parseEpochMillis(string(x))
		return t, "", err
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return time.Time{}, "", fmt.Errorf("%v is not a timestamp", x)
		}
		t, err := parseEpochMillis(strconv.FormatFloat(x, 'f', -1, 64))
		return t, "", err
	case int64:
		t, err := parseEpochMillis(strconv.FormatInt(x, 10))
		return t, "", err
	case string:
		return parseTimestampString(x, loc)
	case nil:
		return time.Time{}, "", fmt.Errorf("null is not a timestamp")
	default:
		return time.Time{}, "", fmt.Errorf("want a timestamp string or epoch milliseconds, got %s", jsonType(v))
	}
}

func parseTimestampString(s string, loc *time.Location) (time.Time, string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, "", fmt.Errorf("empty timestamp")
	}
	if isDigits(t) {
		ts, err := parseEpochMillis(t)
		return ts, "", err
	}
	if ts, err := time.Parse(time.RFC3339Nano, t); err == nil {
		ts, err = plausible(ts, s)
		return ts, "", err
	}
	// RFC 3339 with a space instead of T, as many exports write it.
	if len(t) > 10 && t[10] == ' ' {
		if ts, err := time.Parse(time.RFC3339Nano, t[:10]+"T"+t[11:]); err == nil {
			ts, err = plausible(ts, s)
			return ts, "", err
		}
	}
	if ts, ok, err := leapSecond(t); ok {
		if err == nil {
			ts, err = plausible(ts, s)
		}
		return ts, "", err
	}
	for _, layout := range naiveLayouts {
		if wall, err := time.Parse(layout, t); err == nil {
			ts, note := inZone(wall, loc, s)
			ts, err = plausible(ts, s)
			return ts, note, err
		}
	}
	return time.Time{}, "", fmt.Errorf("cannot parse %q as a timestamp (want RFC 3339, \"YYYY-MM-DD HH:MM[:SS]\" or epoch milliseconds)", truncate(s, 64))
}

// inZone reads a naive date-time in loc: wall holds its fields (in UTC),
// orig its text for the note. Twice a year a zone with daylight saving
// time has wall clocks that do not exist or exist twice:
//   - a time the clocks skip (a gap: 02:00 jumps to 03:00, so 02:30 never
//     happens) is read with the offset from before the jump, which lands as
//     far after it: "2024-03-31 02:30" in Europe/Berlin is 03:30 CEST
//     (01:30 UTC), shifted forward by the length of the gap;
//   - a time that happens twice (clocks turned back from 03:00 to 02:00) is
//     read as the second of the two, in standard time: "2024-10-27 02:30"
//     in Europe/Berlin is 02:30 CET (01:30 UTC).
//
// Both are what Go's time.Date and ICU (DuckDB's own casts) do by default;
// the note says which way it went, for a warning. Any other time gets "".
func inZone(wall time.Time, loc *time.Location, orig string) (time.Time, string) {
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), loc)
	if start, end := t.ZoneBounds(); start.IsZero() && end.IsZero() {
		return t, "" // a fixed offset (UTC): no transitions
	}
	// Every instant with this wall clock is within 15 h of it read as UTC
	// (offsets are -12 … +14 h): find the zone periods of that window and
	// the instants in them whose wall clock it is.
	type period struct {
		off        time.Duration
		start, end time.Time // zero: unbounded
	}
	var ps []period
	for p, stop := wall.Add(-15*time.Hour), wall.Add(15*time.Hour); len(ps) < 8; {
		z := p.In(loc)
		_, off := z.Zone()
		start, end := z.ZoneBounds()
		ps = append(ps, period{time.Duration(off) * time.Second, start, end})
		if end.IsZero() || !end.Before(stop) {
			break
		}
		p = end
	}
	var hits []time.Time
	for _, pr := range ps {
		c := wall.Add(-pr.off)
		if (pr.start.IsZero() || !c.Before(pr.start)) && (pr.end.IsZero() || c.Before(pr.end)) {
			hits = append(hits, c)
		}
	}
	zone := loc.String()
	show := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04:05 MST (-07:00)") }
	switch len(hits) {
	case 1:
		return hits[0].In(loc), ""
	case 0:
		for i := 0; i+1 < len(ps); i++ {
			if c := wall.Add(-ps[i].off); !c.Before(ps[i].end) && wall.Add(-ps[i+1].off).Before(ps[i+1].start) {
				return c.In(loc), fmt.Sprintf("%q does not exist in %s (the clocks went forward): read as %s, shifted forward by the gap", truncate(orig, 40), zone, show(c))
			}
		}
		return t, fmt.Sprintf("%q does not exist in %s: read as %s", truncate(orig, 40), zone, show(t))
	default:
		last := hits[0]
		for _, h := range hits[1:] {
			if h.After(last) {
				last = h
			}
		}
		return last.In(loc), fmt.Sprintf("%q happens twice in %s (the clocks went back): read as the second, %s", truncate(orig, 40), zone, show(last))
	}
}

// leapSecond reads an RFC 3339 leap second, "2016-12-31T23:59:60Z" (or
// "18:59:60-05:00"), which Go's time package refuses: as the last
// nanosecond of the second before, 23:59:59.999999999 UTC. Not as the next
// second: that is 00:00:00 of the next day, which on 31 December moves an
// incident into the next quarter and year. ok reports that t has a second
// 60; err that it is not at 23:59 UTC on the last day of a month, where
// leap seconds are inserted.
func leapSecond(t string) (ts time.Time, ok bool, err error) {
	if len(t) < 20 || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':' || t[17:19] != "60" {
		return time.Time{}, false, nil
	}
	ts, perr := time.Parse(time.RFC3339Nano, t[:10]+"T"+t[11:17]+"59"+t[19:])
	if perr != nil {
		return time.Time{}, false, nil // not RFC 3339 anyway: the caller's error
	}
	u := ts.UTC()
	if u.Hour() != 23 || u.Minute() != 59 || u.AddDate(0, 0, 1).Day() != 1 {
		return time.Time{}, true, fmt.Errorf("%q: second 60 is a leap second only at 23:59:60 UTC on the last day of a month", truncate(t, 64))
	}
	return ts.Truncate(time.Second).Add(time.Second - time.Nanosecond), true, nil
}

func parseEpochMillis(s string) (time.Time, error) {
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != math.Trunc(f) {
			return time.Time{}, fmt.Errorf("epoch milliseconds must be a whole number, got %s", truncate(s, 32))
		}
		s = strconv.FormatFloat(f, 'f', 0, 64)
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot parse %s as epoch milliseconds", truncate(s, 32))
	}
	if ms > 0 && ms < 100_000_000_000 { // before 1973-03-03 in ms, but 1973..5138 in seconds
		return time.Time{}, fmt.Errorf("implausible epoch milliseconds %d (looks like epoch seconds: multiply by 1000)", ms)
	}
	return plausible(time.UnixMilli(ms).UTC(), s)
}

func plausible(t time.Time, orig string) (time.Time, error) {
	if t.Before(minPlausible) || !t.Before(maxPlausible) {
		return time.Time{}, fmt.Errorf("implausible timestamp %q (outside 1970–2199)", truncate(orig, 64))
	}
	return t, nil
}

// ParseDate reads a due date: "YYYY-MM-DD", or a timestamp whose calendar
// date in loc is taken.
func ParseDate(v any, loc *time.Location) (time.Time, error) {
	if s, ok := v.(string); ok {
		return parseDateString(s, loc)
	}
	t, err := ParseTimestamp(v, loc)
	return dateOf(t, err, loc)
}

// parseDateString is ParseDate of a string.
func parseDateString(s string, loc *time.Location) (time.Time, error) {
	if t := strings.TrimSpace(s); len(t) == 10 {
		if d, err := time.Parse("2006-01-02", t); err == nil {
			if d.Year() < 1970 || d.Year() >= 2200 {
				return time.Time{}, fmt.Errorf("implausible date %q", t)
			}
			return d, nil
		}
	}
	t, _, err := parseTimestampString(s, loc) // a due date: no DST note
	return dateOf(t, err, loc)
}

// dateOf is the calendar date in loc of a parsed timestamp.
func dateOf(t time.Time, err error, loc *time.Location) (time.Time, error) {
	if err != nil {
		return time.Time{}, fmt.Errorf("want a date YYYY-MM-DD: %w", err)
	}
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncate shortens untrusted text quoted in error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64, int64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
