package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// --format auto reads the structure of a file's first 64 KiB: the keys of
// its first records (a JSON array's elements, JSON Lines or a single object,
// and the records a wrapper object lists, such as {"value": [...]}), or a
// CSV header's column names. It never searches values: a case titled
// "caseId" is a case with a title, not a TheHive export.
//
// detectTable is the whole decision, in order: the first rule that one of
// the first records satisfies picks the format. A new importer (or a new
// export shape of an old one) adds rows here.

// detectRule recognises one shape of one format.
type detectRule struct {
	format string
	// kind tells rules of one format apart where a parser needs to
	// ("history": a ServiceNow state-history export, not incidents).
	kind string
	// csv rules read a CSV header; the others read JSON records.
	csv bool
	// in lists where the rule looks: "" the record itself, a dotted path
	// to an object inside it ("data.case"), or to a list of records
	// ("value[]": each of its first elements). Empty means {""}.
	in []string
	// columns: the records are the rows of Log Analytics query tables,
	// whose keys are the names in the list at in ("tables[].columns").
	columns bool
	// fold compares keys ignoring case (exports differ in spelling and CSV
	// column names are read in any case).
	fold bool
	all  []string          // keys that must all be present (dotted paths)
	any  [][]string        // from each group, at least one key
	not  []string          // keys that must be absent
	is   map[string]string // a type field and its value, compared whole (normWord)
}

// detectTable is --format auto: tried in order, first match wins. Rules
// with the decisive keys of a format come before looser ones; the
// canonical format's loose rules ("id", or "timeline", so that its parser
// can name the missing field) come last.
var detectTable = []detectRule{
	// The canonical format's two required fields: no importer's records
	// have a timeline.detection.
	{format: "pir", all: []string{"id", "timeline.detection"}},
	{format: "pir", csv: true, all: []string{"id", "timeline.detection"}},

	{format: "veris", all: []string{"schema_version"}, any: [][]string{{"incident_id", "plus.master_id"}, {"action", "timeline"}}},

	// TheHive 4 and 5 type their objects; TheHive 3/4 v0 cases have caseId
	// and tlp.
	{format: "thehive", is: map[string]string{"_type": "case"}},
	{format: "thehive", all: []string{"caseId", "tlp"}},

	// Sentinel: SecurityIncident rows (az CLI, KQL export), the REST API's
	// incident resources (one, or a list in "value"), and the Log Analytics
	// query API's tables.
	{format: "sentinel", fold: true, all: []string{"IncidentNumber"}, any: [][]string{{"IncidentName", "TimeGenerated", "CreatedTime"}}},
	{format: "sentinel", fold: true, in: []string{"", "value[]"}, all: []string{"properties.incidentNumber"}},
	{format: "sentinel", fold: true, in: []string{"tables[].columns"}, columns: true, all: []string{"IncidentNumber"}, any: [][]string{{"IncidentName", "TimeGenerated", "CreatedTime"}}},
	{format: "sentinel", csv: true, all: []string{"IncidentNumber"}, any: [][]string{{"IncidentName", "TimeGenerated", "CreatedTime"}}},

	// ServiceNow SIR incidents (list export, JSONv2 {"records"}, Table API
	// {"result"}), then its state-history exports, which Parse refuses
	// with a hint.
	{format: "servicenow", fold: true, in: []string{"", "records[]", "result[]"}, all: []string{"number", "opened_at"}, any: [][]string{{"short_description", "sys_id", "state"}}},
	// The Table API's single record: GET /now/table/{tableName}/{sys_id}
	// answers {"result": {…}}, an object.
	{format: "servicenow", fold: true, in: []string{"result"}, all: []string{"number", "opened_at"}, any: [][]string{{"short_description", "sys_id", "state"}}},
	{format: "servicenow", csv: true, all: []string{"number", "opened_at"}, any: [][]string{{"short_description", "state"}}},
	{format: "servicenow", kind: "history", fold: true, in: []string{"", "records[]", "result[]"}, all: []string{"documentkey", "fieldname"}, not: []string{"opened_at"}},
	{format: "servicenow", kind: "history", fold: true, in: []string{"", "records[]", "result[]"}, all: []string{"id", "definition", "start", "end"}, not: []string{"opened_at"}},
	{format: "servicenow", kind: "history", csv: true, all: []string{"documentkey", "fieldname", "newvalue"}, not: []string{"opened_at"}},
	{format: "servicenow", kind: "history", csv: true, all: []string{"id", "definition", "value", "start", "end"}, not: []string{"opened_at"}},

	// DFIR-IRIS: a case export (GET /case/export: the response, or its
	// data), and the case lists of /manage/cases/list and /filter.
	{format: "iris", in: irisPlaces, all: []string{"case_uuid"}},
	{format: "iris", in: irisPlaces, all: []string{"case_id"}, any: [][]string{{"soc_id", "open_date"}}},
	// The answers of /manage/cases/close/{id}, /reopen/{id}, /update/{id}
	// and /add: the case object (case_name, case_soc_id, …) in "data".
	{format: "iris", in: []string{"data"}, all: []string{"case_id", "case_name"}, any: [][]string{{"case_soc_id", "open_date", "state_id"}}},

	// Elastic Security cases from the Kibana cases API: a case, or the
	// cases of a _find page.
	{format: "elastic", in: []string{"", "cases[]"}, all: []string{"title", "created_at", "owner"}, any: [][]string{{"totalComment", "external_service", "connector", "closed_at"}}},

	// Splunk ES notable events (a `notable` search or Incident Review
	// export: CSV, result rows, the REST API's results), then incident
	// review histories, which Parse refuses with a hint.
	{format: "splunk", in: splunkPlaces, all: []string{"event_id"}, any: [][]string{{"urgency", "status_label", "security_domain"}, {"rule_name", "rule_title", "search_name", "_time"}}},
	{format: "splunk", csv: true, all: []string{"event_id"}, any: [][]string{{"urgency", "status_label", "security_domain"}, {"rule_name", "rule_title", "search_name", "_time"}}},
	{format: "splunk", kind: "history", in: splunkPlaces, all: []string{"rule_id", "time", "status"}, not: []string{"event_id"}},
	{format: "splunk", kind: "history", csv: true, all: []string{"rule_id", "time", "status"}, not: []string{"event_id"}},

	// Canonical records with a required field missing: the canonical
	// parser then names it. Typed objects (TheHive alerts) are not cases.
	{format: "pir", any: [][]string{{"id", "timeline"}}, not: []string{"_type"}},
	{format: "pir", csv: true, any: [][]string{{"id", "timeline.detection"}}},
}

// splunkPlaces are where Splunk search results hold a row: the row itself
// (CSV, JSON rows), the REST API's {"results": […]} and its export stream's
// {"result": {…}}.
var splunkPlaces = []string{"", "results[]", "result"}

// irisPlaces are where IRIS exports hold a case (see IRIS.Parse).
var irisPlaces = []string{"", "case", "data.case", "data[]", "data.cases[]", "message.cases[]", "cases[]"}

// Detection is the outcome of --format auto for one file.
type Detection struct {
	Format Format
	// By says what decided, in the file's own spelling: `record 1: keys
	// "_type" = "case"`, `header: columns number, opened_at, state`.
	By string
}

// maxSniffRecords is how many records (and elements of a wrapped list)
// detection reads at most.
const maxSniffRecords = 8

// Detect picks the format of a file for --format auto from its head (up to
// 64 KiB, BOM removed): see detectTable. A head without any record (an
// empty file, white space, an empty array) is the canonical format, which
// then holds no records; a head whose records match no rule is an error
// that lists the keys it found and the keys each format expects.
func (fs Formats) Detect(name string, head []byte) (Detection, error) {
	if isXLSXHead(head) {
		if f, ok := fs["servicenow"]; ok {
			return Detection{Format: f, By: "an Excel workbook (.xlsx): only the servicenow importer reads Excel list exports"}, nil
		}
		return Detection{}, fmt.Errorf("%s: an Excel workbook (.xlsx), which no available format reads: export CSV", name)
	}
	s := sniff(head)
	if len(s.records) == 0 && s.header == nil {
		if f, ok := fs["pir"]; ok {
			why := "no records"
			if s.unreadable {
				why = "no readable record (the parser reports why)"
			}
			return Detection{Format: f, By: why}, nil
		}
	}
	if r, by, ok := s.match(fs, "", detectTable); ok {
		return Detection{Format: fs[r.format], By: by}, nil
	}
	return Detection{}, fmt.Errorf("%s: cannot tell the format from its content: %s; expected one of: %s; pass --format",
		name, s.describe(), expectedShapes(fs))
}

// sniffed is what detection read of a head.
type sniffed struct {
	records    []map[string]any // the first JSON objects, keys and string values
	header     []string         // CSV column names, as written
	unreadable bool             // JSON or CSV that did not parse far enough to hold a record
}

// sniff reads the records at the start of a head, tolerating a head cut
// off anywhere (the last record is then partial: its keys so far).
func sniff(head []byte) *sniffed {
	s := &sniffed{}
	h := bytes.TrimLeft(head, " \t\r\n")
	if len(h) == 0 {
		return s
	}
	switch h[0] {
	case '[':
		dec := newSniffDecoder(h)
		if _, err := dec.Token(); err != nil {
			s.unreadable = true
			return s
		}
		for len(s.records) < maxSniffRecords && dec.More() {
			v, err := sniffValue(dec, 0)
			if m, ok := v.(map[string]any); ok {
				s.records = append(s.records, m)
			}
			if err != nil {
				break
			}
		}
	case '{':
		// JSON Lines (the first line is a whole value) are read line by
		// line, so that a bad line does not hide the next ones; else one
		// (pretty-printed) object, or several.
		first, _, _ := bytes.Cut(h, []byte{'\n'})
		lines := json.Valid(first)
		if !lines {
			if err := s.sniffStream(h); err != nil && !errors.Is(err, errSniffEnd) {
				s.records, lines = nil, true // not one object after all
			}
		}
		if lines {
			for _, line := range bytes.Split(h, []byte{'\n'}) {
				if len(s.records) == maxSniffRecords {
					break
				}
				if line = bytes.TrimSpace(line); len(line) > 0 {
					s.sniffStream(line)
				}
			}
		}
	default:
		line := h
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimRight(line, "\r")))
		r.FieldsPerRecord = -1
		rec, err := r.Read()
		if err != nil {
			s.unreadable = true
			return s
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff"))
		}
		s.header = rec
	}
	if len(s.records) == 0 && s.header == nil {
		s.unreadable = true
	}
	return s
}

// errSniffEnd is the head ending inside a value (not a syntax error).
var errSniffEnd = errors.New("end of head")

// sniffStream reads a stream of JSON values into records.
func (s *sniffed) sniffStream(b []byte) error {
	dec := newSniffDecoder(b)
	for len(s.records) < maxSniffRecords {
		v, err := sniffValue(dec, 0)
		if m, ok := v.(map[string]any); ok {
			s.records = append(s.records, m)
		}
		if err == nil {
			continue
		}
		if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
			return err
		}
		return errSniffEnd // io.EOF, or the head cut off inside a value
	}
	return nil
}

func newSniffDecoder(b []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec
}

// sniffDepth bounds how deep detection keeps what it reads; deeper values
// are read and dropped.
const sniffDepth = 6

// sniffValue reads one JSON value: objects as maps (every key, even when
// its value is cut off), lists as their first elements, strings as
// themselves, other scalars as nil. It returns what it has on an error.
func sniffValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		if s, ok := tok.(string); ok {
			return s, nil
		}
		return nil, nil
	}
	if depth >= sniffDepth {
		return nil, skipNested(dec)
	}
	switch d {
	case '{':
		m := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return m, err
			}
			k, _ := kt.(string)
			m[k] = nil
			v, err := sniffValue(dec, depth+1)
			m[k] = v
			if err != nil {
				return m, err
			}
		}
		_, err := dec.Token()
		return m, err
	case '[':
		var l []any
		for dec.More() {
			v, err := sniffValue(dec, depth+1)
			l = append(l, v) // bounded by the head's size
			if err != nil {
				return l, err
			}
		}
		_, err := dec.Token()
		return l, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// skipNested reads to the end of the object or list just opened, without
// recursion.
func skipNested(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// match returns the first rule (of format, or of any registered format
// when format is "") that a record satisfies, and what decided.
func (s *sniffed) match(fs Formats, format string, rules []detectRule) (detectRule, string, bool) {
	for _, r := range rules {
		if _, ok := fs[r.format]; !ok || (format != "" && r.format != format) {
			continue
		}
		if r.csv {
			if s.header == nil {
				continue
			}
			row := make(map[string]any, len(s.header))
			for _, h := range s.header {
				setDotted(row, h, nil) // "timeline.detection" as JSON has it
			}
			if keys, ok := r.satisfied(row, true); ok {
				return r, "header: columns " + strings.Join(keys, ", "), true
			}
			continue
		}
		for i, rec := range s.records {
			for _, v := range r.views(rec) {
				if keys, ok := r.satisfied(v.m, r.fold); ok {
					where := fmt.Sprintf("record %d", i+1)
					if v.at != "" {
						where += " " + v.at
					}
					return r, where + ": keys " + strings.Join(keys, ", "), true
				}
			}
		}
	}
	return detectRule{}, "", false
}

// view is a part of a record a rule looks at, and where it is.
type view struct {
	m  map[string]any
	at string // "" or e.g. "value[0]", "data.case"
}

// views are the parts of rec that r looks at.
func (r detectRule) views(rec map[string]any) []view {
	places := r.in
	if len(places) == 0 {
		places = []string{""}
	}
	var out []view
	for _, place := range places {
		if place == "" {
			out = append(out, view{m: rec})
			continue
		}
		out = append(out, placeViews(rec, place, "", r.columns)...)
	}
	return out
}

// placeViews follows a path such as "data.cases[]" or "tables[].columns"
// (columns: the list's {"name": …} objects become the keys of one view).
func placeViews(m map[string]any, path, at string, columns bool) []view {
	seg, rest, _ := strings.Cut(path, ".")
	list := strings.HasSuffix(seg, "[]")
	key := strings.TrimSuffix(seg, "[]")
	v, ok := m[key]
	if !ok {
		return nil
	}
	if at != "" {
		at += "."
	}
	at += key
	var items []any
	if list {
		l, ok := v.([]any)
		if !ok {
			return nil
		}
		items = l
	} else {
		items = []any{v}
	}
	if list && !columns && len(items) > maxSniffRecords {
		items = items[:maxSniffRecords]
	}
	var out []view
	for i, item := range items {
		iat := at
		if list {
			iat = fmt.Sprintf("%s[%d]", at, i)
		}
		if rest != "" {
			if im, ok := item.(map[string]any); ok {
				out = append(out, placeViews(im, rest, iat, columns)...)
			}
			continue
		}
		if columns {
			cols, _ := item.([]any)
			names := map[string]any{}
			for _, c := range cols {
				if cm, ok := c.(map[string]any); ok {
					if n, ok := cm["name"].(string); ok {
						names[n] = nil
					}
				}
			}
			out = append(out, view{m: names, at: iat})
			continue
		}
		if im, ok := item.(map[string]any); ok {
			out = append(out, view{m: im, at: iat})
		}
	}
	return out
}

// satisfied reports whether m has the rule's keys, and which (as written
// in m) decided.
func (r detectRule) satisfied(m map[string]any, fold bool) ([]string, bool) {
	var keys []string
	for _, k := range r.all {
		got, _, ok := lookupPath(m, k, fold)
		if !ok {
			return nil, false
		}
		keys = append(keys, got)
	}
	for _, group := range r.any {
		found := false
		for _, k := range group {
			if got, _, ok := lookupPath(m, k, fold); ok {
				keys = append(keys, got)
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	for _, k := range r.not {
		if _, _, ok := lookupPath(m, k, fold); ok {
			return nil, false
		}
	}
	for _, k := range sortedStringKeys(r.is) {
		got, v, ok := lookupPath(m, k, fold)
		s, isStr := v.(string)
		if !ok || !isStr || normWord(s) != normWord(r.is[k]) {
			return nil, false
		}
		keys = append(keys, fmt.Sprintf("%s = %q", got, truncate(s, 40)))
	}
	return keys, true
}

// lookupPath finds a dotted path in m (any case when fold), returning the
// path as written in m and the value.
func lookupPath(m map[string]any, path string, fold bool) (string, any, bool) {
	var written []string
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return "", nil, false
		}
		v, ok := obj[k]
		got := k
		if !ok && fold {
			// Deterministic: the first of the keys that match, in order.
			for _, ok2 := range sortedKeys(obj) {
				if strings.EqualFold(ok2, k) {
					got, v, ok = ok2, obj[ok2], true
					break
				}
			}
		}
		if !ok {
			return "", nil, false
		}
		written = append(written, got)
		cur = v
	}
	return strings.Join(written, "."), cur, true
}

func sortedStringKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// describe says what detection found, for the error message.
func (s *sniffed) describe() string {
	if s.header != nil {
		return "its CSV header has the columns " + listSome(s.header, 12)
	}
	var parts []string
	for i, rec := range s.records {
		if i == 2 {
			break
		}
		parts = append(parts, fmt.Sprintf("record %d has the keys %s", i+1, listSome(sortedKeys(rec), 12)))
	}
	return strings.Join(parts, ", ")
}

// listSome lists up to n names, then how many more.
func listSome(names []string, n int) string {
	if len(names) == 0 {
		return "(none)"
	}
	q := make([]string, 0, n)
	for i, s := range names {
		if i == n {
			return strings.Join(q, ", ") + fmt.Sprintf(" and %d more", len(names)-n)
		}
		q = append(q, truncate(s, 40))
	}
	return strings.Join(q, ", ")
}

// expectedShapes describes detectTable for an error message, per format:
// "thehive: _type="case" | caseId+tlp; …".
func expectedShapes(fs Formats) string {
	var order []string
	rules := map[string][]string{}
	for _, r := range detectTable {
		if _, ok := fs[r.format]; !ok {
			continue
		}
		if rules[r.format] == nil {
			order = append(order, r.format)
		}
		rules[r.format] = append(rules[r.format], r.describe())
	}
	out := make([]string, len(order))
	for i, f := range order {
		out[i] = f + ": " + strings.Join(rules[f], " | ")
	}
	return strings.Join(out, "; ")
}

// describe is a rule in short: keys joined by "+", alternatives by "/",
// e.g. "CSV number+opened_at+short_description/state".
func (r detectRule) describe() string {
	var req []string
	req = append(req, r.all...)
	for _, g := range r.any {
		req = append(req, strings.Join(g, "/"))
	}
	for _, k := range sortedStringKeys(r.is) {
		req = append(req, fmt.Sprintf("%s=%q", k, r.is[k]))
	}
	s := strings.Join(req, "+")
	if r.csv {
		s = "CSV " + s
	}
	if len(r.not) > 0 {
		s += " without " + strings.Join(r.not, ", ")
	}
	var places []string
	for _, p := range r.in {
		if p != "" {
			places = append(places, p)
		}
	}
	switch {
	case len(places) == 0:
	case len(places) < len(r.in): // the record itself too
		s += " (also in " + strings.Join(places, ", ") + ")"
	default:
		s += " (in " + strings.Join(places, ", ") + ")"
	}
	return s
}
