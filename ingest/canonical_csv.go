package ingest

// The canonical format as CSV: one case per row, nested fields as dotted
// column names, lists ;-separated.

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvListFields are the canonical CSV columns that hold ;-separated lists.
var csvListFields = map[string]bool{"tags": true, "techniques": true, "root_cause.whys": true, "assets": true, "platforms": true}

// jsonOnlyFields cannot be expressed in canonical CSV.
var jsonOnlyFields = map[string]bool{"action_items": true, "lessons": true, "detection_rules": true, "playbook_updates": true}

// parseCanonicalCSV reads one case per row; nested fields are dotted column
// names, lists are ;-separated, empty cells are absent values.
func parseCanonicalCSV(p *ParseContext, r io.Reader, emit func(Record) error) error {
	lim := p.Limits.WithDefaults()
	cr := newLimitedCSV(r, lim.MaxRecordBytes)
	header, err := readCSVHeader(p, cr)
	if header == nil {
		return err
	}
	for i := range header {
		top, _, _ := strings.Cut(header[i], ".")
		if jsonOnlyFields[top] {
			return &RecordError{File: p.File, Ref: "1", Field: header[i], Reason: "action items, lessons, detection rules and playbook updates are JSON-only; use JSON or JSON Lines"}
		}
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		ref := strconv.Itoa(cr.Line())
		var pe *csv.ParseError
		switch {
		case err == nil:
		case errors.As(err, &pe) && pe.Err == csv.ErrFieldCount:
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err), Raw: truncate(strings.Join(row, ","), 4096)}}); e != nil {
				return e
			}
			continue
		case cr.readErr != nil:
			return fmt.Errorf("%s: line %s: %w", p.File, ref, cr.readErr)
		default:
			// A quoting error or a record over the limit: the rest of the
			// file cannot be trusted (or read in bounded memory).
			return emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err) + " (the rest of the file was not read)", Raw: truncate(strings.Join(row, ","), 4096)}})
		}
		if size := cr.size(row); size > lim.MaxRecordBytes {
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes)}}); e != nil {
				return e
			}
			continue
		}
		rec := map[string]any{}
		var rerr *RecordError
		for i, cell := range row {
			if !utf8.ValidString(cell) {
				rerr = &RecordError{File: p.File, Ref: ref, Field: header[i], Reason: "invalid UTF-8"}
				break
			}
			if strings.TrimSpace(cell) == "" {
				continue
			}
			var v any = cell
			if csvListFields[header[i]] {
				var items []any
				for _, part := range strings.Split(cell, ";") {
					if s := strings.TrimSpace(part); s != "" {
						items = append(items, s)
					}
				}
				v = items
			}
			setDotted(rec, header[i], v)
		}
		if rerr == nil {
			var c *Case
			c, rerr = decodeCanonicalCSV(p, rec, ref)
			if rerr == nil {
				if e := emit(Record{Case: c}); e != nil {
					return e
				}
				continue
			}
		}
		rerr.Raw = truncate(strings.Join(row, ","), 4096)
		if e := emit(Record{Err: rerr}); e != nil {
			return e
		}
	}
}

// setDotted stores v at a dotted path, creating objects on the way.
func setDotted(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, k := range parts[:len(parts)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

func decodeCanonicalCSV(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
	d := canonicalDecoder{newFieldDecoder(p, ref)}
	d.lenient = true
	return d.decodeCase(rec)
}
