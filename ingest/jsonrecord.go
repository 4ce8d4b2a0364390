package ingest

// Reading JSON records, shared by the canonical format and every importer:
// a record's bytes checked (size, UTF-8, depth, syntax) and decoded into a
// generic map, the decoder types the framings (jsonarray.go, jsonlines.go)
// call, and readJSONRecords, the importers' entry point, which picks the
// framing and unwraps a list of records inside an object.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// recordDecoder turns one generic record into a Case.
type recordDecoder func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError)

// rawDecoder turns the bytes of one JSON record into a Record.
type rawDecoder func(p *ParseContext, raw []byte, ref string, lim Limits) Record

// genericRaw is the rawDecoder that checks and decodes a record into a
// generic map (parseObject) and hands it to decode.
func genericRaw(decode recordDecoder) rawDecoder {
	return func(p *ParseContext, raw []byte, ref string, lim Limits) Record {
		return decodeRaw(p, raw, ref, lim, decode)
	}
}

// unwrapFunc finds the list of records inside a wrapping object.
type unwrapFunc func(rec map[string]any) (list []any, key string)

// readJSONRecords reads a JSON export: an array of objects, JSON Lines, or
// one (pretty-printed) object. When unwrap is set, a top-level object that
// wraps the records in a list (`{"value": [...]}`) yields the list's
// elements instead, each referenced as "value[3]". decode turns one object
// into a Case or a *RecordError; returning (nil, nil) emits nothing (a
// decoder that collects records, e.g. to keep the latest row per incident).
func readJSONRecords(p *ParseContext, r io.Reader, emit func(Record) error, unwrap unwrapFunc, decode recordDecoder) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		if len(head) == 64<<10 { // records beyond the sniffed head: not empty
			return &RecordError{File: p.File, Ref: "1", Reason: "more than 64 KiB of white space before the first record"}
		}
		return nil
	}
	var ferr error
	filtered := func(rec Record) error {
		if ferr != nil {
			return ferr
		}
		if rec.Case == nil && rec.Err == nil {
			return nil
		}
		return emit(rec)
	}
	dec := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		if ferr != nil {
			return nil, nil
		}
		if unwrap != nil {
			if list, key := unwrap(rec); key != "" {
				for i, e := range list {
					eref := fmt.Sprintf("%s[%d]", key, i)
					if ref != "1" {
						eref = ref + " " + eref
					}
					var c *Case
					var rerr *RecordError
					if m, ok := e.(map[string]any); ok {
						c, rerr = decode(p, m, eref)
					} else {
						rerr = &RecordError{File: p.File, Ref: eref, Reason: "want a JSON object, got " + jsonType(e)}
					}
					switch {
					case rerr != nil:
						raw, _ := json.Marshal(e)
						rerr.Raw = truncate(string(raw), 4096)
						ferr = emit(Record{Err: rerr})
					case c != nil:
						ferr = emit(Record{Case: c})
					}
					if ferr != nil {
						return nil, nil
					}
				}
				return nil, nil
			}
		}
		return decode(p, rec, ref)
	}
	var err error
	if trimmed[0] == '[' {
		err = parseJSONArray(p, br, filtered, genericRaw(dec))
	} else {
		err = parseJSONLines(p, br, filtered, genericRaw(dec), 0)
	}
	if ferr != nil {
		return ferr
	}
	return err
}

// unwrapKeys returns an unwrapFunc that picks the first of keys (a dotted
// path) holding a non-empty list, else the first holding an empty one.
func unwrapKeys(keys ...string) unwrapFunc {
	return func(rec map[string]any) ([]any, string) {
		empty := ""
		for _, k := range keys {
			if l, ok := getPath(rec, k).([]any); ok {
				if len(l) > 0 {
					return l, k
				}
				if empty == "" {
					empty = k
				}
			}
		}
		return nil, empty
	}
}

// emitRaw validates and decodes one JSON record and emits it.
func emitRaw(p *ParseContext, raw []byte, ref string, lim Limits, emit func(Record) error, decode rawDecoder) error {
	return emit(decode(p, raw, ref, lim))
}

// decodeRaw validates and decodes one JSON record.
func decodeRaw(p *ParseContext, raw []byte, ref string, lim Limits, decode recordDecoder) Record {
	rec, rerr := parseObject(p, raw, ref, lim)
	if rerr != nil {
		rerr.Raw = truncate(string(raw), 4096)
		return Record{Err: rerr}
	}
	c, rerr := decode(p, rec, ref)
	if rerr != nil {
		rerr.Raw = truncate(string(raw), 4096)
		return Record{Err: rerr}
	}
	return Record{Case: c}
}

// parseObject checks one JSON record (size, UTF-8, depth, syntax) and
// decodes it with json.Number for numbers.
func parseObject(p *ParseContext, raw []byte, ref string, lim Limits) (map[string]any, *RecordError) {
	bad := func(reason string) *RecordError { return &RecordError{File: p.File, Ref: ref, Reason: reason} }
	if len(raw) > lim.MaxRecordBytes {
		return nil, bad(fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes))
	}
	if !utf8.Valid(raw) {
		return nil, bad("invalid UTF-8 (the file must be UTF-8 encoded)")
	}
	if d := maxDepth(raw); d > lim.MaxDepth {
		return nil, bad(fmt.Sprintf("JSON nested %d levels deep (limit %d)", d, lim.MaxDepth))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, bad("invalid JSON: " + jsonErrText(err))
	}
	if dec.More() {
		return nil, bad("invalid JSON: more than one value on the line")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bad("want a JSON object, got " + jsonType(v))
	}
	return m, nil
}

func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input (truncated?)"
	}
	return err.Error()
}

// maxDepth is the deepest nesting of objects and arrays, strings skipped.
func maxDepth(b []byte) int {
	depth, max := 0, 0
	inStr, esc := false, false
	for _, c := range b {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > max {
				max = depth
			}
		case '}', ']':
			depth--
		}
	}
	return max
}

func leadingSpace(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t' || b[n] == '\r' || b[n] == '\n' || b[n] == ',') {
		n++
	}
	return n
}
