package sample

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pirhq/pir/ingest"
)

// The encoder below writes the same JSON as encoding/json would for an
// ingest.Case (same keys, same omissions), without reflection: it is the
// hot path when generating a million cases (3–4× faster than
// json.Marshal; see BenchmarkEncode). TestEncodeMatchesJSON keeps the two
// in step.

// appendCase renders case i as one JSON line.
func (g *generator) appendCase(b []byte, i int) []byte {
	g.build(i)
	return appendCaseJSON(b, &g.c)
}

// appendCaseJSON renders c as one JSON line.
func appendCaseJSON(b []byte, c *ingest.Case) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"source":`...)
	b = appendString(b, c.Source)
	if c.Title != "" {
		b = append(b, `,"title":`...)
		b = appendString(b, c.Title)
	}
	if c.Severity != "" {
		b = append(b, `,"severity":`...)
		b = appendString(b, c.Severity)
	}
	if c.Category != "" {
		b = append(b, `,"category":`...)
		b = appendString(b, c.Category)
	}
	b = append(b, `,"status":`...)
	b = appendString(b, c.Status)
	if len(c.Tags) > 0 {
		b = append(b, `,"tags":`...)
		b = appendStrings(b, c.Tags)
	}
	if c.Excluded {
		b = append(b, `,"exclude_from_metrics":true`...)
	}
	b = append(b, `,"timeline":{`...)
	first := true
	for _, m := range ingest.Milestones {
		t := c.Timeline.Get(m)
		if t == nil {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, m...)
		b = append(b, `":`...)
		b = appendTime(b, *t)
	}
	b = append(b, '}')
	if len(c.Techniques) > 0 {
		b = append(b, `,"techniques":`...)
		b = appendStrings(b, c.Techniques)
	}
	b = append(b, `,"root_cause":{`...)
	sep := false
	if c.RootCause.Category != "" {
		b = append(b, `"category":`...)
		b = appendString(b, c.RootCause.Category)
		sep = true
	}
	if c.RootCause.Summary != "" {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"summary":`...)
		b = appendString(b, c.RootCause.Summary)
		sep = true
	}
	if len(c.RootCause.Whys) > 0 {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"whys":`...)
		b = appendStrings(b, c.RootCause.Whys)
	}
	b = append(b, '}')
	if len(c.ActionItems) > 0 {
		b = append(b, `,"action_items":[`...)
		for k, a := range c.ActionItems {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendString(b, a.ID)
			if a.Summary != "" {
				b = append(b, `,"summary":`...)
				b = appendString(b, a.Summary)
			}
			if a.Owner != "" {
				b = append(b, `,"owner":`...)
				b = appendString(b, a.Owner)
			}
			if a.Priority != "" {
				b = append(b, `,"priority":`...)
				b = appendString(b, a.Priority)
			}
			if a.Due != nil {
				b = append(b, `,"due":"`...)
				b = a.Due.AppendFormat(b, time.DateOnly)
				b = append(b, '"')
			}
			b = append(b, `,"status":`...)
			b = appendString(b, a.Status)
			if a.Completed != nil {
				b = append(b, `,"completed":`...)
				b = appendTime(b, *a.Completed)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"lessons":{`...)
	if len(c.Lessons.WentWell) > 0 {
		b = append(b, `"went_well":`...)
		b = appendLessons(b, c.Lessons.WentWell, c.Lessons.WentWellThemes)
	}
	if len(c.Lessons.NeedsImprovement) > 0 {
		if len(c.Lessons.WentWell) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"needs_improvement":`...)
		b = appendLessons(b, c.Lessons.NeedsImprovement, c.Lessons.NeedsImprovementThemes)
	}
	b = append(b, '}')
	if len(c.DetectionRules) > 0 {
		b = append(b, `,"detection_rules":[`...)
		for k, r := range c.DetectionRules {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendString(b, r.ID)
			if r.Title != "" {
				b = append(b, `,"title":`...)
				b = appendString(b, r.Title)
			}
			if len(r.Techniques) > 0 {
				b = append(b, `,"techniques":`...)
				b = appendStrings(b, r.Techniques)
			}
			b = appendOptString(b, `,"status":`, r.Status)
			b = appendOptString(b, `,"sigma_id":`, r.SigmaID)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(c.Assets) > 0 {
		b = append(b, `,"assets":`...)
		b = appendStrings(b, c.Assets)
	}
	if len(c.Platforms) > 0 {
		b = append(b, `,"platforms":`...)
		b = appendStrings(b, c.Platforms)
	}
	b = appendOptString(b, `,"team":`, c.Team)
	b = appendOptString(b, `,"business_unit":`, c.BusinessUnit)
	b = appendOptString(b, `,"tenant":`, c.Tenant)
	b = appendOptString(b, `,"detection_source":`, c.DetectionSource)
	if im := c.Impact; im != nil {
		b = append(b, `,"impact":{`...)
		sep := false
		field := func(key string) {
			if sep {
				b = append(b, ',')
			}
			sep = true
			b = append(b, '"')
			b = append(b, key...)
			b = append(b, `":`...)
		}
		if im.Records != nil {
			field("records")
			b = strconv.AppendInt(b, *im.Records, 10)
		}
		if im.Cost != nil {
			field("cost")
			b = appendFloat(b, *im.Cost)
		}
		if im.Currency != "" {
			field("currency")
			b = appendString(b, im.Currency)
		}
		if im.DowntimeHours != nil {
			field("downtime_hours")
			b = appendFloat(b, *im.DowntimeHours)
		}
		if im.RegulatorNotified != nil {
			field("regulator_notified")
			b = strconv.AppendBool(b, *im.RegulatorNotified)
		}
		if im.CustomersNotified != nil {
			field("customers_notified")
			b = strconv.AppendBool(b, *im.CustomersNotified)
		}
		b = append(b, '}')
	}
	if rv := c.Review; rv != nil {
		b = append(b, `,"review":{"status":`...)
		b = appendString(b, rv.Status)
		if rv.HeldAt != nil {
			b = append(b, `,"held_at":`...)
			b = appendTime(b, *rv.HeldAt)
		}
		if rv.PublishedAt != nil {
			b = append(b, `,"published_at":`...)
			b = appendTime(b, *rv.PublishedAt)
		}
		b = appendOptString(b, `,"facilitator":`, rv.Facilitator)
		b = append(b, '}')
	}
	if len(c.PlaybookUpdates) > 0 {
		b = append(b, `,"playbook_updates":[`...)
		for k, u := range c.PlaybookUpdates {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"playbook":`...)
			b = appendString(b, u.Playbook)
			b = appendOptString(b, `,"change":`, u.Change)
			b = appendOptString(b, `,"owner":`, u.Owner)
			if u.Due != nil {
				b = append(b, `,"due":"`...)
				b = u.Due.AppendFormat(b, time.DateOnly)
				b = append(b, '"')
			}
			b = append(b, `,"status":`...)
			b = appendString(b, u.Status)
			if u.Completed != nil {
				b = append(b, `,"completed":`...)
				b = appendTime(b, *u.Completed)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}

// appendOptString writes key and s when s is not empty (omitempty).
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, key...)
	return appendString(b, s)
}

// appendLessons writes lessons as strings, or {"text","theme"} for those
// with a theme (ingest.Lessons.MarshalJSON).
func appendLessons(b []byte, texts, themes []string) []byte {
	b = append(b, '[')
	for k, t := range texts {
		if k > 0 {
			b = append(b, ',')
		}
		if k < len(themes) && themes[k] != "" {
			b = append(b, `{"text":`...)
			b = appendString(b, t)
			b = append(b, `,"theme":`...)
			b = appendString(b, themes[k])
			b = append(b, '}')
			continue
		}
		b = appendString(b, t)
	}
	return append(b, ']')
}

// appendFloat writes f as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for k, s := range ss {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendString writes s as a JSON string. Like encoding/json it escapes
// <, > and & (so the file is safe to paste into HTML) and U+2028/U+2029.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for k := 0; k < len(s); {
		c := s[k]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				k++
				continue
			}
			b = append(b, s[start:k]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\t':
				b = append(b, '\\', 't')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			k++
			start = k
			continue
		}
		r, size := utf8.DecodeRuneInString(s[k:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:k]...)
			b = append(b, `\ufffd`...)
			k += size
			start = k
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:k]...)
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
			k += size
			start = k
			continue
		}
		k += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
