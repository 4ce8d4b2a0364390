package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ServiceNow imports Security Incident Response incidents: an
// `sn_si_incident` list export as CSV (display values), or as JSON (a JSON
// array, the JSONv2 export {"records": […]}, the Table API's list
// {"result": […]} or single record {"result": {…}}, with plain or
// {display_value, value} fields). Plain JSON values are stored values
// (date-times in UTC) unless the mapping key display_values says the
// export was made with sysparm_display_value=true. The containment, eradication
// and recovery milestones come from an optional state-history export
// (sys_audit rows of the state field, or metric_instance rows of a state
// duration metric) named by the mapping key `history`; see
// docs/importers.md.
type ServiceNow struct{}

// Name implements Format.
func (ServiceNow) Name() string { return "servicenow" }

// servicenowDefaults are the default field mapping (docs/importers.md).
// Milestone values list alternatives separated by "|": a column, or a
// state transition from the history export: "entered:<State>" (the first
// time the state became State) or "left:<State>" (the first time the state
// changed away from State).
var servicenowDefaults = map[string]string{
	"source":              "servicenow",
	"id":                  "number|sys_id",
	"title":               "short_description",
	"severity":            "priority|severity",
	"category":            "category",
	"root_cause_category": "",
	"tags":                "sys_tags",
	"techniques":          "mitre_technique,mitre_sub_technique",
	"compromise":          "",
	"detection":           "opened_at|sys_created_on",
	"triage":              "entered:Analysis",
	"containment":         "left:Contain",
	"eradication":         "left:Eradicate",
	"recovery":            "left:Recover",
	"closure":             "closed_at|entered:Closed",
	"exclude_close_codes": "False Positive",
	// display_values = "true": plain JSON values are display values (a
	// Table API call with sysparm_display_value=true), date-times in the
	// --tz zone. CSV list exports always hold display values.
	"display_values": "false",

	// The optional canonical fields (mapDimensions), from the task fields
	// sn_si_incident inherits: the configuration item, the assignment
	// group, the affected business service, the company. These are
	// reference fields: their display value is used; a bare sys_id (a
	// stored value without display_value) names nothing and is left out.
	"assets":             "cmdb_ci",
	"team":               "assignment_group",
	"business_unit":      "business_service",
	"tenant":             "company",
	"history":            "",
	"history_table":      "sn_si_incident",
	"history_field":      "state",
	"history_definition": "state",
}

// snStates maps SIR state values (choice numbers and labels, any case) to
// their labels.
var snStates = map[string]string{
	"10": "Draft", "16": "Analysis", "18": "Contain", "19": "Eradicate", "20": "Recover",
	"100": "Review", "3": "Closed", "7": "Cancelled",
	"draft": "Draft", "new": "Draft", "analysis": "Analysis", "contain": "Contain", "containment": "Contain",
	"eradicate": "Eradicate", "eradication": "Eradicate", "recover": "Recover", "recovery": "Recover",
	"review": "Review", "closed": "Closed", "close": "Closed", "cancelled": "Cancelled", "canceled": "Cancelled",
}

// snState returns the label of a state value, or the value itself when it
// is not a SIR state.
func snState(s string) string {
	s = CleanText(s)
	if l, ok := snStates[normWord(s)]; ok {
		return l
	}
	if l, ok := snStates[s]; ok {
		return l
	}
	return s
}

// Parse implements Format.
func (ServiceNow) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	m := newMapping(p, "servicenow")
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if isSNHistoryHead(head) {
		return &RecordError{File: p.File, Ref: "1", Reason: "this is a ServiceNow state-history export (sys_audit or metric_instance), not incidents: " +
			"name it in the mapping file (\"servicenow.history\" = \"PATH\") and ingest the sn_si_incident export"}
	}
	hist, err := loadSNHistory(p, m)
	if err != nil {
		return err
	}
	d := snDecoder{m: m, hist: hist}
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		fd := newFieldDecoder(p, ref)
		if err := snAPIError(fd, rec); err != nil {
			return nil, err
		}
		// Table API GET /now/table/{tableName}/{sys_id} answers with one
		// record: {"result": {…}} (ServiceNow, "Table API", REST API
		// reference).
		if one, ok := rec["result"].(map[string]any); ok && len(rec) <= 2 {
			rec = one
		}
		c, err := d.decode(fd, newFoldRecord(rec))
		return fd.warned(c), err
	}
	if isJSONHead(head) {
		d.stored = !snDisplayValues(m)
		return readJSONRecords(p, br, emit, unwrapKeys("records", "result"), decode)
	}
	rowFn := func(row csvRow) error {
		c, rerr := decode(p, row.record(), row.ref)
		if rerr != nil {
			rerr.Raw = row.raw
			return emit(Record{Err: rerr})
		}
		return emit(Record{Case: c})
	}
	// The list's "Export > Excel" holds the same columns and display
	// values as "Export > CSV" (see xlsx.go); date cells are wall-clock
	// times in the exporting user's zone, read in --tz like the CSV's.
	if isXLSXHead(head) {
		return readXLSXRows(p, br, emit, rowFn)
	}
	return readCSVRows(p, br, emit, rowFn)
}

// isSNHistoryHead reports whether a head's first records are a state-history
// export rather than incidents (the servicenow rows of detectTable).
func isSNHistoryHead(head []byte) bool {
	r, _, ok := sniff(head).match(Formats{"servicenow": ServiceNow{}}, "servicenow", detectTable)
	return ok && r.kind == "history"
}

type snDecoder struct {
	m    mapping
	hist map[string][]snTransition
	// stored: plain values are stored values (JSON without
	// display_values), so date-times are UTC and a reference is a sys_id.
	stored bool
}

// snDisplayValues reports whether the mapping says plain JSON values are
// display values.
func snDisplayValues(m mapping) bool {
	v := normWord(m.get("display_values", servicenowDefaults["display_values"]))
	return v == "true" || v == "yes" || v == "1"
}

// snAPIError refuses the Table API's error answer ({"error": {"message",
// "detail"}, "status": "failure"}) by what it says, not as a record
// without a number.
func snAPIError(d fieldDecoder, rec map[string]any) *RecordError {
	e, ok := rec["error"].(map[string]any)
	if !ok {
		return nil
	}
	if _, hasNumber := rec["number"]; hasNumber {
		return nil
	}
	msg, _ := e["message"].(string)
	detail, _ := e["detail"].(string)
	return d.fail("error", "ServiceNow answered with an error (%q: %q), not incidents: want sn_si_incident records (a list export, {\"records\": […]} or the Table API's {\"result\": …})",
		truncate(msg, 80), truncate(detail, 120))
}

// isSysID reports whether s is a sys_id: 32 lower-case hex digits.
func isSysID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// snRef reads a field that names something (a reference such as
// assignment_group or cmdb_ci, or a plain text field): its display value;
// "" when only a sys_id is known (a {link, value} object, or a stored
// value that is a sys_id).
func (s snDecoder) snRef(d fieldDecoder, rec *foldRecord, name string) (string, *RecordError) {
	v, ok, err := rec.get(d, name)
	if err != nil || !ok || v == nil {
		return "", err
	}
	if obj, isObj := v.(map[string]any); isObj {
		if dv, has := obj["display_value"]; has {
			return d.text(name+".display_value", dv)
		}
		if _, isLink := obj["link"]; isLink {
			return "", nil
		}
		return d.text(name+".value", obj["value"])
	}
	t, err := d.text(name, v)
	if err != nil || (s.stored && isSysID(t)) {
		return "", err
	}
	return t, nil
}

func (s snDecoder) get(key string) string { return s.m.get(key, servicenowDefaults[key]) }

// snField reads a field as text. Values are strings, numbers, or
// {display_value, value} / {link, value} objects; display is what a person
// sees (the state label), raw the stored value (UTC for date-times).
func snField(d fieldDecoder, rec *foldRecord, name string) (display, raw string, isObj bool, err *RecordError) {
	v, ok, err := rec.get(d, name)
	if err != nil || !ok || v == nil {
		return "", "", false, err
	}
	if obj, ok := v.(map[string]any); ok {
		dv, e := d.text(name+".display_value", obj["display_value"])
		if e != nil {
			return "", "", true, e
		}
		rv, e := d.text(name+".value", obj["value"])
		if e != nil {
			return "", "", true, e
		}
		if dv == "" {
			dv = rv
		}
		return dv, rv, true, nil
	}
	s, e := d.text(name, v)
	return s, s, false, e
}

func (s snDecoder) first(d fieldDecoder, rec *foldRecord, spec string) (string, string, *RecordError) {
	for _, alt := range splitList(spec, "|") {
		v, _, _, err := snField(d, rec, alt)
		if err != nil {
			return "", alt, err
		}
		if v != "" {
			return v, alt, nil
		}
	}
	return "", "", nil
}

func (s snDecoder) decode(d fieldDecoder, rec *foldRecord) (*Case, *RecordError) {
	c := &Case{Source: s.get("source"), MilestoneSources: map[string]string{}}
	if c.Source == "" {
		c.Source = "servicenow"
	}
	var err *RecordError
	var idField string
	if c.ID, idField, err = s.first(d, rec, s.get("id")); err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, d.fail(strings.ReplaceAll(s.get("id"), "|", " or "), "required (the incident number)")
	}
	if err := d.checkID(idField, c.ID); err != nil {
		return nil, err
	}
	if c.Title, _, err = s.first(d, rec, s.get("title")); err != nil {
		return nil, err
	}
	sev, sevField, err := s.first(d, rec, s.get("severity"))
	if err != nil {
		return nil, err
	}
	if sev != "" {
		sv, e := snSeverity(sevField, sev)
		if e != nil {
			return nil, d.fail(sevField, "%v", e)
		}
		c.Severity = sv
	}
	cat, _, err := s.first(d, rec, s.get("category"))
	if err != nil {
		return nil, err
	}
	c.Category = NormalizeCategory(cat)
	rc, _, err := s.first(d, rec, s.get("root_cause_category"))
	if err != nil {
		return nil, err
	}
	c.RootCause.Category = NormalizeCategory(rc)
	tags, _, err := s.first(d, rec, s.get("tags"))
	if err != nil {
		return nil, err
	}
	c.Tags = splitList(tags, ",")
	for _, col := range s.m.list("techniques", servicenowDefaults["techniques"]) {
		v, _, _, err := snField(d, rec, col)
		if err != nil {
			return nil, err
		}
		c.Techniques = appendUnique(c.Techniques, techniquesIn(v)...)
	}

	sysID, _, _, err := snField(d, rec, "sys_id")
	if err != nil {
		return nil, err
	}
	number, _, _, err := snField(d, rec, "number")
	if err != nil {
		return nil, err
	}
	trans := s.hist[sysID]
	if trans == nil {
		trans = s.hist[number]
	}
	for _, ms := range Milestones {
		t, from, err := s.milestone(d, rec, s.get(ms), trans)
		if err != nil {
			return nil, err
		}
		setMilestone(c, ms, t, from)
	}

	stateText, _, _, err := snField(d, rec, "state")
	if err != nil {
		return nil, err
	}
	switch snState(stateText) {
	case "Closed", "Cancelled":
		c.Status = "closed"
	case "Draft", "Analysis", "Contain", "Eradicate", "Recover", "Review":
		c.Status = "open"
	}
	deriveStatus(c)
	closeCode, _, _, err := snField(d, rec, "close_code")
	if err != nil {
		return nil, err
	}
	c.Excluded = s.m.set("exclude_close_codes", servicenowDefaults["exclude_close_codes"])[normWord(closeCode)]

	extra := map[string]any{"state": stateText, "close_code": closeCode, "sys_id": sysID}
	closedOnlyByStatus(c, extra)
	err = mapDimensions(d, c, s.m, servicenowDefaults, func(alt string) (any, string, bool, *RecordError) {
		v, err := s.snRef(d, rec, alt)
		return v, alt, v != "", err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"subcategory", "priority", "severity", "assigned_to", "assignment_group"} {
		v, _, _, err := snField(d, rec, k)
		if err != nil {
			return nil, err
		}
		extra[k] = v
	}
	c.Extra = extraJSON(extra)
	return c, nil
}

// milestone resolves a milestone spec: the first alternative present.
func (s snDecoder) milestone(d fieldDecoder, rec *foldRecord, spec string, trans []snTransition) (*time.Time, string, *RecordError) {
	for _, alt := range splitList(spec, "|") {
		kind, state, isState := strings.Cut(alt, ":")
		if isState && (kind == "entered" || kind == "left") {
			want := snState(state)
			for _, tr := range trans {
				if (kind == "entered" && tr.to == want) || (kind == "left" && tr.from == want) {
					t := tr.at
					if d.notes != nil { // the history row's warnings, now that its time is used
						*d.notes = append(*d.notes, tr.notes...)
					}
					return &t, "state:" + orQ(tr.from) + "→" + orQ(tr.to), nil
				}
			}
			continue
		}
		display, raw, isObj, err := snField(d, rec, alt)
		if err != nil {
			return nil, alt, err
		}
		if raw == "" && display == "" {
			continue
		}
		t, err := snTime(d, alt, display, raw, isObj, s.stored)
		return t, alt, err
	}
	return nil, "", nil
}

func orQ(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// snSeverity maps ServiceNow values to pir severities. priority runs
// 1 - Critical … 5 - Planning; severity 1 - High … 3 - Low.
func snSeverity(field, v string) (string, error) {
	num := v
	if i := strings.IndexAny(num, " -"); i > 0 {
		num = num[:i]
	}
	if n, err := strconv.Atoi(strings.TrimSpace(num)); err == nil {
		scale := []string{"critical", "high", "medium", "low", "informational"}
		if strings.EqualFold(field, "severity") {
			scale = []string{"high", "medium", "low"}
		}
		if n >= 1 && n <= len(scale) {
			return scale[n-1], nil
		}
		return "", fmt.Errorf("unknown %s %q (want 1–%d)", field, truncate(v, 40), len(scale))
	}
	word := v
	if i := strings.Index(word, " - "); i >= 0 {
		word = word[i+3:]
	}
	switch normWord(word) {
	case "moderate":
		return "medium", nil
	case "planning":
		return "informational", nil
	}
	return NormalizeSeverity(word)
}

// snTransition is one change of an incident's state.
type snTransition struct {
	at       time.Time
	from, to string
	notes    []Warning // of the history row it came from (a DST gap)
}

// loadSNHistory reads the state-history exports named by the mapping key
// `history` (comma-separated; a relative path is taken from the incident
// export's directory) into transitions per incident key (sys_id for
// sys_audit, the record's number or sys_id for metric_instance), in time
// order.
func loadSNHistory(p *ParseContext, m mapping) (map[string][]snTransition, error) {
	paths := m.list("history", "")
	if len(paths) == 0 {
		return nil, nil
	}
	h := &snHistory{m: m, trans: map[string][]snTransition{}, periods: map[string][]snPeriod{}}
	for _, path := range paths {
		if !filepath.IsAbs(path) && p.File != "-" && p.File != "" {
			path = filepath.Join(filepath.Dir(p.File), path)
		}
		if err := h.readFile(p, path); err != nil {
			return nil, err
		}
	}
	// A metric period [start, end) of state S: the state became S at start
	// and left S at end (for the next period's state, when known).
	for key, ps := range h.periods {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].start.Before(ps[j].start) })
		for i, pr := range ps {
			prev := ""
			if i > 0 {
				prev = ps[i-1].state
			}
			h.trans[key] = append(h.trans[key], snTransition{at: pr.start, from: prev, to: pr.state, notes: pr.notes})
			if pr.end != nil && (i == len(ps)-1 || !ps[i+1].start.Equal(*pr.end)) {
				h.trans[key] = append(h.trans[key], snTransition{at: *pr.end, from: pr.state, to: "", notes: pr.notes})
			}
		}
	}
	for key, ts := range h.trans {
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].at.Before(ts[j].at) })
		h.trans[key] = ts
	}
	return h.trans, nil
}

type snPeriod struct {
	start time.Time
	end   *time.Time
	state string
	notes []Warning
}

type snHistory struct {
	stored  bool // the file being read is JSON with stored values
	m       mapping
	trans   map[string][]snTransition
	periods map[string][]snPeriod
}

func (h *snHistory) readFile(p *ParseContext, path string) error {
	f, err := OpenRegular(path)
	if err != nil {
		return fmt.Errorf("servicenow history (mapping key history): %w", err)
	}
	defer f.Close()
	hp := &ParseContext{File: path, Location: p.Location, Limits: p.Limits, Now: p.Now}
	var first error
	fail := func(rec Record) error {
		if rec.Err != nil {
			first = rec.Err
			return rec.Err
		}
		return nil
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10)
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		head = head[3:]
	}
	br, head = crOnlyLines(br, head)
	if len(bytes.TrimSpace(head)) > 0 && !isSNHistoryHead(head) {
		return &RecordError{File: path, Ref: "1", Reason: "not a ServiceNow state-history export (want sys_audit columns documentkey, fieldname, oldvalue, newvalue, sys_created_on, or metric_instance columns id, definition, value, start, end)"}
	}
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		return nil, h.add(newFieldDecoder(p, ref), newFoldRecord(rec))
	}
	if isJSONHead(head) {
		h.stored = !snDisplayValues(h.m)
		err = readJSONRecords(hp, br, fail, unwrapKeys("records", "result"), decode)
	} else {
		h.stored = false
		err = readCSVRows(hp, br, fail, func(row csvRow) error {
			if rerr := h.add(newFieldDecoder(hp, row.ref), newFoldRecord(row.record())); rerr != nil {
				return fail(Record{Err: rerr})
			}
			return nil
		})
	}
	if first != nil {
		return first
	}
	return err
}

// add reads one sys_audit or metric_instance row.
func (h *snHistory) add(d fieldDecoder, rec *foldRecord) *RecordError {
	text := func(k string) (string, *RecordError) {
		v, _, _, err := snField(d, rec, k)
		return v, err
	}
	if _, ok, err := rec.get(d, "documentkey"); err != nil {
		return err
	} else if ok {
		table, err := text("tablename")
		if err != nil {
			return err
		}
		field, err := text("fieldname")
		if err != nil {
			return err
		}
		if (table != "" && !strings.EqualFold(table, h.m.get("history_table", servicenowDefaults["history_table"]))) ||
			!strings.EqualFold(field, h.m.get("history_field", servicenowDefaults["history_field"])) {
			return nil
		}
		key, err := text("documentkey")
		if err != nil {
			return err
		}
		oldv, err := text("oldvalue")
		if err != nil {
			return err
		}
		newv, err := text("newvalue")
		if err != nil {
			return err
		}
		at, err := snHistoryTime(d, rec, "sys_created_on", h.stored)
		if err != nil {
			return err
		}
		if at == nil {
			return d.fail("sys_created_on", "required")
		}
		if key == "" {
			return d.fail("documentkey", "required")
		}
		h.trans[key] = append(h.trans[key], snTransition{at: *at, from: snState(oldv), to: snState(newv), notes: *d.notes})
		return nil
	}
	if _, ok, err := rec.get(d, "definition"); err != nil {
		return err
	} else if ok {
		def, err := text("definition")
		if err != nil {
			return err
		}
		if want := h.m.get("history_definition", servicenowDefaults["history_definition"]); want != "" && !strings.Contains(strings.ToLower(def), strings.ToLower(want)) {
			return nil
		}
		key, err := text("id")
		if err != nil {
			return err
		}
		state, err := text("value")
		if err != nil {
			return err
		}
		if state == "" {
			if state, err = text("field_value"); err != nil {
				return err
			}
		}
		start, err := snHistoryTime(d, rec, "start", h.stored)
		if err != nil {
			return err
		}
		end, err := snHistoryTime(d, rec, "end", h.stored)
		if err != nil {
			return err
		}
		if key == "" {
			return d.fail("id", "required")
		}
		if start == nil {
			return d.fail("start", "required")
		}
		h.periods[key] = append(h.periods[key], snPeriod{start: *start, end: end, state: snState(state), notes: *d.notes})
		return nil
	}
	return d.fail("", "not a sys_audit row (documentkey, fieldname, …) or a metric_instance row (id, definition, value, start, end)")
}

func snHistoryTime(d fieldDecoder, rec *foldRecord, name string, stored bool) (*time.Time, *RecordError) {
	display, raw, isObj, err := snField(d, rec, name)
	if err != nil {
		return nil, err
	}
	return snTime(d, name, display, raw, isObj, stored)
}

// snTime reads a date-time field. ServiceNow stores every date-time in UTC
// and shows it to each user in their own time zone ("Time zones",
// ServiceNow platform administration docs: "All times are stored in
// Coordinated Universal Time (UTC) … displayed to users in their local
// time zone according to user preferences"); the Table API returns the
// stored ("actual") values unless sysparm_display_value is true or all
// ("Table API", ServiceNow REST API reference). So: the value of a
// {display_value, value} object, and a plain stored value, are UTC
// whatever --tz says; a display value (CSV, display_values) is in --tz.
func snTime(d fieldDecoder, name, display, raw string, isObj, stored bool) (*time.Time, *RecordError) {
	if (isObj && raw != "") || (stored && !isObj) {
		field := name
		if isObj {
			field += ".value"
		}
		utc := *d.p
		utc.Location = time.UTC
		fd := d
		fd.p = &utc
		return fd.instant(field, raw)
	}
	return d.instant(name, display)
}
