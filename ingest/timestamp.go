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
	switch x := v.(type) {
	case json.Number:
		return parseEpochMillis(string(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return time.Time{}, fmt.Errorf("%v is not a timestamp", x)
		}
		return parseEpochMillis(strconv.FormatFloat(x, 'f', -1, 64))
	case int64:
		return parseEpochMillis(strconv.FormatInt(x, 10))
	case string:
		return parseTimestampString(x, loc)
	case nil:
		return time.Time{}, fmt.Errorf("null is not a timestamp")
	default:
		return time.Time{}, fmt.Errorf("want a timestamp string or epoch milliseconds, got %s", jsonType(v))
	}
}

func parseTimestampString(s string, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("empty timestamp")
	}
	if isDigits(t) {
		return parseEpochMillis(t)
	}
	if ts, err := time.Parse(time.RFC3339Nano, t); err == nil {
		return plausible(ts, s)
	}
	// RFC 3339 with a space instead of T, as many exports write it.
	if len(t) > 10 && t[10] == ' ' {
		if ts, err := time.Parse(time.RFC3339Nano, t[:10]+"T"+t[11:]); err == nil {
			return plausible(ts, s)
		}
	}
	if ts, ok, err := leapSecond(t); ok {
		if err != nil {
			return time.Time{}, err
		}
		return plausible(ts, s)
	}
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range naiveLayouts {
		if ts, err := time.ParseInLocation(layout, t, loc); err == nil {
			return plausible(ts, s)
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q as a timestamp (want RFC 3339, \"YYYY-MM-DD HH:MM[:SS]\" or epoch milliseconds)", truncate(s, 64))
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
	t, err := parseTimestampString(s, loc)
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
