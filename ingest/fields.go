package ingest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// fieldDecoder reads the fields of one generic record (a JSON object
// decoded with json.Number, or a CSV row), failing with the file, record and
// field. The importers read loosely typed export fields with text, texts,
// instant and date; the canonical format reads typed fields with str,
// strList, boolean, obj, number and optBool.
type fieldDecoder struct {
	p   *ParseContext
	ref string
	// notes collects the record's warnings (copies share it); nil drops them.
	notes *[]Warning
	// lenient accepts strings for booleans and numbers (canonical CSV has
	// no types).
	lenient bool
}

// newFieldDecoder is a fieldDecoder that collects warnings, for a record
// that becomes a case (see warned).
func newFieldDecoder(p *ParseContext, ref string) fieldDecoder {
	return fieldDecoder{p: p, ref: ref, notes: new([]Warning)}
}

func (d fieldDecoder) fail(field, format string, args ...any) *RecordError {
	return &RecordError{File: d.p.File, Ref: d.ref, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// checkID refuses an id with invisible or direction-changing characters
// (visibleID).
func (d fieldDecoder) checkID(field, id string) *RecordError {
	if err := visibleID(id); err != nil {
		return d.fail(field, "%v", err)
	}
	return nil
}

// warn notes a value that was accepted but resolved (note is "" for none).
func (d fieldDecoder) warn(field, note string) {
	if note != "" && d.notes != nil {
		*d.notes = append(*d.notes, Warning{File: d.p.File, Ref: d.ref, Field: field, Message: note})
	}
}

// warned gives the case the warnings noted while decoding it.
func (d fieldDecoder) warned(c *Case) *Case {
	if c != nil && d.notes != nil && len(*d.notes) > 0 {
		c.warnings = append(c.warnings, *d.notes...)
	}
	return c
}

// text reads a string, number or boolean as text; null is "". A number is
// written canonically (canonicalNumber: 1e0 and 1.0 are "1").
func (d fieldDecoder) text(field string, v any) (string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return CleanText(x), nil
	case json.Number:
		s, err := canonicalNumber(x.String())
		if err != nil {
			return "", d.fail(field, "%v", err)
		}
		return s, nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", d.fail(field, "want a string, got %s", jsonType(v))
}

// texts reads a list of strings, or one string split at commas; null is nil.
func (d fieldDecoder) texts(field string, v any) ([]string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return splitList(CleanText(x), ","), nil
	case []any:
		var out []string
		for i, e := range x {
			s, err := d.text(fmt.Sprintf("%s[%d]", field, i), e)
			if err != nil {
				return nil, err
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	return nil, d.fail(field, "want a list of strings, got %s", jsonType(v))
}

// instant reads a timestamp (RFC 3339, naive in the --tz zone, or epoch
// milliseconds); null and "" are absent (nil).
func (d fieldDecoder) instant(field string, v any) (*time.Time, *RecordError) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, note, err := parseInstant(v, d.p.Location)
	if err != nil {
		return nil, d.fail(field, "%v", err)
	}
	d.warn(field, note)
	return &t, nil
}

// date reads a calendar date "YYYY-MM-DD" as midnight in the --tz zone
// (exports that keep only the day, e.g. IRIS open_date); null and "" are
// absent.
func (d fieldDecoder) date(field string, v any) (*time.Time, *RecordError) {
	s, ok := v.(string)
	if v == nil || (ok && strings.TrimSpace(s) == "") {
		return nil, nil
	}
	if !ok {
		return nil, d.fail(field, "want a date YYYY-MM-DD, got %s", jsonType(v))
	}
	loc := d.p.Location
	if loc == nil {
		loc = time.UTC
	}
	wall, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return d.instant(field, v)
	}
	t, note := inZone(wall, loc, s) // midnight may be in a DST gap
	if _, err := plausible(t, s); err != nil {
		return nil, d.fail(field, "%v", err)
	}
	d.warn(field, note)
	return &t, nil
}

// str reads a string (cleaned, CleanText) or null (""); anything else is
// an error, unlike text.
func (d fieldDecoder) str(field string, v any) (string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return CleanText(x), nil
	}
	return "", d.fail(field, "want a string, got %s", jsonType(v))
}

// strList reads a list of strings, empty ones dropped, or null (nil).
func (d fieldDecoder) strList(field string, v any) ([]string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, d.fail(fmt.Sprintf("%s[%d]", field, i), "want a string, got %s", jsonType(e))
			}
			if s = CleanText(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	return nil, d.fail(field, "want a list of strings, got %s", jsonType(v))
}

// boolean reads true or false, null as false (lenient: yes/no … too).
func (d fieldDecoder) boolean(field string, v any) (bool, *RecordError) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case string:
		if d.lenient {
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "1", "y":
				return true, nil
			case "false", "no", "0", "n", "":
				return false, nil
			}
		}
	}
	return false, d.fail(field, "want true or false, got %s", jsonType(v))
}

// obj reads an object, or null (nil).
func (d fieldDecoder) obj(field string, v any) (map[string]any, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	}
	return nil, d.fail(field, "want an object, got %s", jsonType(v))
}

// number reads a JSON number, or (lenient, from CSV) a string, as text.
func (d fieldDecoder) number(field string, v any) (string, *RecordError) {
	switch x := v.(type) {
	case json.Number:
		return x.String(), nil
	case string:
		if d.lenient {
			return x, nil
		}
	}
	return "", d.fail(field, "want a number, got %s", jsonType(v))
}

// optBool reads true or false (lenient: yes/no … from CSV).
func (d fieldDecoder) optBool(field string, v any) (*bool, *RecordError) {
	b, err := d.boolean(field, v)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// normalized applies a vocabulary's normaliser to s, naming field in the
// error.
func (d fieldDecoder) normalized(field, s string, norm func(string) (string, error)) (string, *RecordError) {
	v, err := norm(s)
	if err != nil {
		return "", d.fail(field, "%v", err)
	}
	return v, nil
}
