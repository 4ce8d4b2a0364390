package sample

import (
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
	return appendCaseJSON(b, &g.c, g.bu)
}

// appendCaseJSON renders c as one JSON line; businessUnit, when set, is an
// extra top-level field the canonical format keeps verbatim.
func appendCaseJSON(b []byte, c *ingest.Case, businessUnit string) []byte {
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
		b = appendStrings(b, c.Lessons.WentWell)
	}
	if len(c.Lessons.NeedsImprovement) > 0 {
		if len(c.Lessons.WentWell) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"needs_improvement":`...)
		b = appendStrings(b, c.Lessons.NeedsImprovement)
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
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if businessUnit != "" {
		b = append(b, `,"business_unit":`...)
		b = appendString(b, businessUnit)
	}
	return append(b, "}\n"...)
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
