package ingest

// Helpers shared by the importers of case managers' exports (thehive.go,
// servicenow.go, sentinel.go, iris.go, veris.go). Each importer maps one
// export onto Case with the canonical format's guarantees: a bad record
// becomes a *RecordError naming the file, the record and the field, and no
// input makes a parser panic.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// mapping reads an importer's field-mapping overrides (ParseContext.Mapping,
// from `pir ingest --mapping FILE`). A key may be scoped to one format as
// "<format>.<key>" ("thehive.containment"), which wins over the unscoped key
// ("containment"), so one mapping file can serve a mixed --format auto run.
type mapping struct {
	format string
	m      map[string]string
}

func newMapping(p *ParseContext, format string) mapping {
	return mapping{format: format, m: p.Mapping}
}

// get returns the override for key, or def.
func (m mapping) get(key, def string) string {
	if v, ok := m.m[m.format+"."+key]; ok {
		return strings.TrimSpace(v)
	}
	if v, ok := m.m[key]; ok {
		return strings.TrimSpace(v)
	}
	return def
}

// list returns a comma-separated override as trimmed, non-empty items.
func (m mapping) list(key, def string) []string {
	return splitList(m.get(key, def), ",")
}

// set returns a comma-separated override as a set of normalised words
// (normWord), for matching status values written in any style.
func (m mapping) set(key, def string) map[string]bool {
	out := map[string]bool{}
	for _, s := range m.list(key, def) {
		out[normWord(s)] = true
	}
	return out
}

func splitList(s, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// normWord folds a status-like value for comparison: "False Positive",
// "false_positive", "FalsePositive" and "false-positive" are all
// "falsepositive".
func normWord(s string) string {
	return strings.ReplaceAll(NormalizeCategory(s), "-", "")
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

// csvRow is one data row of a CSV export, cells by column name as written
// in the header (importers look them up with foldRecord).
type csvRow struct {
	cells map[string]string
	ref   string // line number
	raw   string
}

// record is the row as a generic record.
func (r csvRow) record() map[string]any {
	rec := make(map[string]any, len(r.cells))
	for k, v := range r.cells {
		rec[k] = v
	}
	return rec
}

// readCSVRows reads a CSV export with a header row and calls fn per row,
// with the canonical parser's bounded reader (limitedCSV). A row with the
// wrong number of cells is emitted as a *RecordError and skipped; a quoting
// error or an oversized record ends the file (the rest cannot be trusted).
func readCSVRows(p *ParseContext, r io.Reader, emit func(Record) error, fn func(row csvRow) error) error {
	lim := p.Limits.WithDefaults()
	cr := newLimitedCSV(r, lim.MaxRecordBytes)
	header, err := readCSVHeader(p, cr)
	if header == nil {
		return err
	}
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if j, dup := seen[h]; dup {
			return &RecordError{File: p.File, Ref: "1", Field: h, Reason: fmt.Sprintf("CSV header: columns %d and %d are both named %q: rename or remove one", j+1, i+1, truncate(h, 40))}
		}
		seen[h] = i
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		ref := strconv.Itoa(cr.Line())
		raw := truncate(strings.ToValidUTF8(strings.Join(row, ","), "?"), 4096)
		var pe *csv.ParseError
		switch {
		case err == nil:
		case errors.As(err, &pe) && pe.Err == csv.ErrFieldCount:
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err), Raw: raw}}); e != nil {
				return e
			}
			continue
		case cr.readErr != nil:
			return fmt.Errorf("%s: line %s: %w", p.File, ref, cr.readErr)
		default:
			return emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err) + " (the rest of the file was not read)", Raw: raw}})
		}
		if size := cr.size(row); size > lim.MaxRecordBytes {
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes)}}); e != nil {
				return e
			}
			continue
		}
		cells := make(map[string]string, len(row))
		bad := ""
		for i, cell := range row {
			if !utf8.ValidString(cell) {
				bad = header[i]
				break
			}
			cells[header[i]] = cell
		}
		if bad != "" {
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Field: bad, Reason: "invalid UTF-8", Raw: raw}}); e != nil {
				return e
			}
			continue
		}
		if e := fn(csvRow{cells: cells, ref: ref, raw: raw}); e != nil {
			return e
		}
	}
}

// isJSONHead reports whether a file head starts like JSON.
func isJSONHead(head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n")
	return len(h) > 0 && (h[0] == '[' || h[0] == '{')
}

// getPath follows a dotted path through nested objects; nil when absent.
func getPath(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

// foldRecord looks up a record's keys ignoring case (exports differ:
// "IncidentNumber", "incidentNumber", a CSV's "NUMBER"), the same way on
// every run: a key written exactly as asked wins; else the one key equal to
// it ignoring case; several such keys ("Number" and "NUMBER" when "number"
// is asked) make the record ambiguous, an error naming them, rather than a
// pick that would follow Go's random map order.
type foldRecord struct {
	m     map[string]any
	index map[string][]string // lower-case key → the keys, sorted; built on first use
}

func newFoldRecord(m map[string]any) *foldRecord { return &foldRecord{m: m} }

// get returns the value of key and whether it is present.
func (r *foldRecord) get(d fieldDecoder, key string) (any, bool, *RecordError) {
	if v, ok := r.m[key]; ok {
		return v, true, nil
	}
	if r.index == nil {
		r.index = make(map[string][]string, len(r.m))
		for k := range r.m {
			l := strings.ToLower(k)
			r.index[l] = append(r.index[l], k)
		}
		for _, ks := range r.index {
			if len(ks) > 1 {
				sort.Strings(ks)
			}
		}
	}
	switch ks := r.index[strings.ToLower(key)]; len(ks) {
	case 0:
		return nil, false, nil
	case 1:
		return r.m[ks[0]], true, nil
	default:
		q := make([]string, len(ks))
		for i, k := range ks {
			q[i] = strconv.Quote(truncate(k, 40))
		}
		return nil, false, d.fail(key, "ambiguous: the record has the keys %s, which differ only by case, and none is written %q: rename or remove all but one", strings.Join(q, " and "), key)
	}
}

// fieldDecoder reads loosely typed export fields, failing with the file,
// record and field.
type fieldDecoder struct {
	p   *ParseContext
	ref string
	// notes collects the record's warnings (copies share it); nil drops them.
	notes *[]Warning
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

// techniqueInTextRE finds ATT&CK technique IDs inside free text such as
// tags ("attack.t1059.001", "T1566 - Phishing").
var techniqueInTextRE = regexp.MustCompile(`(?i)\bt\d{4}(?:\.\d{3})?\b`)

// techniquesIn returns the upper-cased technique IDs found in s, in order.
func techniquesIn(s string) []string {
	var ids []string
	for _, m := range techniqueInTextRE.FindAllString(s, -1) {
		if id, err := NormalizeTechnique(m); err == nil {
			ids = append(ids, id)
		}
	}
	return appendUnique(nil, ids...)
}

// techniqueTagRE is a tag that is an ATT&CK technique ID ("T1190",
// Sigma's "attack.t1190").
var techniqueTagRE = regexp.MustCompile(`(?i)^(?:attack\.)?(t\d{4}(?:\.\d{3})?)$`)

// techniqueTag returns the technique ID a tag names, if it is one.
func techniqueTag(tag string) (string, bool) {
	m := techniqueTagRE.FindStringSubmatch(strings.TrimSpace(tag))
	if m == nil {
		return "", false
	}
	return strings.ToUpper(m[1]), true
}

// extraJSON encodes the fields an importer keeps verbatim (Case.Extra),
// leaving out empty values; nil when nothing is left.
func extraJSON(m map[string]any) json.RawMessage {
	for k, v := range m {
		if isEmptyValue(v) {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// setMilestone stores t as the named milestone with its provenance.
func setMilestone(c *Case, name string, t *time.Time, from string) {
	if t == nil {
		return
	}
	*c.Timeline.Ptr(name) = t
	if c.MilestoneSources == nil {
		c.MilestoneSources = map[string]string{}
	}
	c.MilestoneSources[name] = from
}

// deriveStatus sets open/closed from the closure milestone when the export
// gave no usable status.
func deriveStatus(c *Case) {
	if c.Status == "" {
		c.Status = "open"
		if c.Timeline.Closure != nil {
			c.Status = "closed"
		}
	}
}

// sortedStrings returns the keys of a set in order (deterministic output).
func sortedStrings(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
