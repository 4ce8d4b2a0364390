package ingest

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// TheHive imports cases from TheHive 4 and 5: the v0 API's case search
// (POST /api/case/_search, a JSON array of v0 cases), the v1 Query API
// (POST /api/v1/query with listCase, a JSON array of v1 cases), single
// case objects (GET /api/case/ID, GET /api/v1/case/ID), or JSON Lines.
// Dates are epoch milliseconds. Both custom-field shapes are read: v0
// {"name": {"<type>": value, "order": n}} and v1 [{"name": …, "value": …}].
// See docs/importers.md for the mapping.
type TheHive struct{}

// Name implements Format.
func (TheHive) Name() string { return "thehive" }

// thehiveDefaults are the default field mapping (docs/importers.md). A
// value lists alternatives separated by "|": the first present wins. An
// alternative is a (dotted) field of the case, "customFields.<name>", or
// "procedures.occurDate" (the earliest TTP occurrence date).
var thehiveDefaults = map[string]string{
	"source":              "thehive",
	"id":                  "number|caseId|_id|id",
	"title":               "title",
	"severity":            "severity",
	"category":            "customFields.category",
	"root_cause_category": "customFields.root-cause",
	"owner":               "assignee|owner",
	"compromise":          "customFields.compromise-date",
	"detection":           "_createdAt|createdAt",
	"triage":              "inProgressDate|customFields.triage-date",
	"containment":         "customFields.containment-date",
	"eradication":         "customFields.eradication-date",
	"recovery":            "customFields.recovery-date",
	// endDate: by default the last time the case entered a Closed-stage
	// status; closedDate: the first (StrangeBee, "Date Field Definitions
	// for Alerts and Cases", docs.strangebee.com/thehive/user-guides/
	// date-field-definitions-alerts-cases; StrangeBeeCorp/docs
	// docs/thehive/user-guides/date-field-definitions-alerts-cases.md).
	// Whether the case is closed at all is its stage's (see decode).
	"closure":          "endDate|closedDate",
	"exclude_statuses": "FalsePositive,Duplicated,Deleted",

	// The optional canonical fields (mapDimensions). Observables are not
	// part of a case object: an export that attaches the case's
	// observables (the Query API's getCase → observables, whose items
	// carry dataType and data) under "observables" gives its assets.
	// "business-unit" and "businessUnit" are the custom fields of
	// TheHive's own examples (TheHive-Project/docs
	// docs/thehive/api/case/create.md; the CustomField tag of TheHive 5's
	// API reference).
	"assets":        "observables",
	"business_unit": "customFields.business-unit|customFields.businessUnit",
	// summary: "Summary of the case, to be provided when closing a case"
	// (TheHive's Case model), where a team writes what the case concluded
	// and why: the root-cause summary (the rca_findings checks read it).
	"root_cause_summary":     "summary",
	"asset_observable_types": "hostname,fqdn,ip",
}

// thehiveClosed and thehiveOpen classify TheHive 4 (status plus
// resolutionStatus) and TheHive 5 (status, stage) values.
var (
	thehiveClosed = map[string]bool{"resolved": true, "closed": true, "truepositive": true, "falsepositive": true, "indeterminate": true, "other": true, "duplicated": true}
	thehiveOpen   = map[string]bool{"open": true, "new": true, "inprogress": true}
)

// Parse implements Format.
func (TheHive) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	m := newMapping(p, "thehive")
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		fd := newFieldDecoder(p, ref)
		d := thehiveDecoder{fieldDecoder: fd, m: m}
		c, err := d.decode(rec)
		return fd.warned(c), err
	}
	return readJSONRecords(p, r, emit, nil, decode)
}

type thehiveDecoder struct {
	fieldDecoder
	m      mapping
	custom map[string]any // custom field name → value, both shapes
	used   map[string]bool
}

func (d *thehiveDecoder) get(key string) string { return d.m.get(key, thehiveDefaults[key]) }

// lookup resolves a mapping value: the first alternative present in rec.
// It returns the value and the alternative that held it.
func (d *thehiveDecoder) lookup(rec map[string]any, spec string) (any, string) {
	for _, alt := range splitList(spec, "|") {
		switch {
		case strings.HasPrefix(alt, "customFields."):
			name := strings.TrimPrefix(alt, "customFields.")
			if v, ok := d.custom[name]; ok {
				d.used[name] = true
				if v != nil {
					return v, alt
				}
			}
		case alt == "procedures.occurDate":
			if v := earliestOccurDate(rec); v != nil {
				return v, "procedures.occurDate (earliest)"
			}
		default:
			if v := getPath(rec, alt); v != nil {
				return v, alt
			}
		}
	}
	return nil, ""
}

func (d *thehiveDecoder) decode(rec map[string]any) (*Case, *RecordError) {
	if t, ok := rec["_type"].(string); ok && normWord(t) != "case" {
		return nil, d.fail("_type", "not a case (_type %q): export cases, not alerts or other objects", truncate(t, 40))
	}
	var err *RecordError
	if d.custom, err = thehiveCustomFields(d.fieldDecoder, rec["customFields"]); err != nil {
		return nil, err
	}
	d.used = map[string]bool{}
	c := &Case{Source: d.get("source"), MilestoneSources: map[string]string{}}
	if c.Source == "" {
		c.Source = "thehive"
	}

	idv, idField := d.lookup(rec, d.get("id"))
	if c.ID, err = d.text(idField, idv); err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, d.fail(strings.ReplaceAll(d.get("id"), "|", " or "), "required (the case number or id)")
	}
	if err := d.checkID(idField, c.ID); err != nil {
		return nil, err
	}
	tv, tf := d.lookup(rec, d.get("title"))
	if c.Title, err = d.text(tf, tv); err != nil {
		return nil, err
	}
	if sv, sf := d.lookup(rec, d.get("severity")); sv != nil {
		s, err := d.text(sf, sv)
		if err != nil {
			return nil, err
		}
		if c.Severity, err = normSeverity(d.fieldDecoder, sf, s); err != nil {
			return nil, err
		}
	}
	if cv, cf := d.lookup(rec, d.get("category")); cv != nil {
		s, err := d.text(cf, cv)
		if err != nil {
			return nil, err
		}
		c.Category = NormalizeCategory(s)
	}
	if rv, rf := d.lookup(rec, d.get("root_cause_category")); rv != nil {
		s, err := d.text(rf, rv)
		if err != nil {
			return nil, err
		}
		c.RootCause.Category = NormalizeCategory(s)
	}
	if c.Tags, err = d.texts("tags", rec["tags"]); err != nil {
		return nil, err
	}
	var tagIDs []string
	for _, t := range c.Tags {
		if id, ok := techniqueTag(t); ok {
			tagIDs = append(tagIDs, id)
		}
	}
	c.Techniques = appendUnique(c.Techniques, tagIDs...)

	for _, ms := range Milestones {
		v, from := d.lookup(rec, d.get(ms))
		if v == nil {
			continue
		}
		t, err := d.instant(from, v)
		if err != nil {
			return nil, err
		}
		setMilestone(c, ms, t, from)
	}

	extra := map[string]any{}
	tactics := map[string]bool{}
	if err = d.procedures(c, rec["procedures"], tactics); err != nil {
		return nil, err
	}
	if len(tactics) > 0 {
		extra["tactics"] = sortedStrings(tactics)
	}

	status, err := d.text("status", rec["status"])
	if err != nil {
		return nil, err
	}
	resolution, err := d.text("resolutionStatus", rec["resolutionStatus"])
	if err != nil {
		return nil, err
	}
	stage, err := d.text("stage", rec["stage"])
	if err != nil {
		return nil, err
	}
	// The stage decides (TheHive 5: "The value of the stage depends on the
	// status of the case. Can be one of 'New' 'InProgress' or 'Closed'",
	// OutputCase in TheHive 5's API reference, StrangeBeeCorp/docs
	// docs/thehive/api-docs/docs.yaml), else the status (TheHive 4 v0:
	// Open, Resolved or Deleted, TheHive-Project/TheHiveDocs api/case.md).
	// Reopening a case moves it from the Closed stage back to In progress
	// ("Reopen a Case", StrangeBeeCorp/docs docs/thehive/user-guides/
	// analyst-corner/cases/reopen-a-case.md) and leaves endDate set: such
	// a case is open, and its old endDate is no closure.
	switch {
	case normWord(stage) == "closed":
		c.Status = "closed"
	case thehiveOpen[normWord(stage)]:
		c.Status = "open"
	case thehiveClosed[normWord(status)]:
		c.Status = "closed"
	case thehiveOpen[normWord(status)]:
		c.Status = "open"
	}
	deriveStatus(c)
	closedOnlyByStatus(c, extra)
	exclude := d.m.set("exclude_statuses", thehiveDefaults["exclude_statuses"])
	c.Excluded = exclude[normWord(status)] || exclude[normWord(resolution)]

	ov, of := d.lookup(rec, d.get("owner"))
	owner, err := d.text(of, ov)
	if err != nil {
		return nil, err
	}
	extra["owner"] = owner
	extra["status"] = status
	extra["resolutionStatus"] = resolution
	extra["stage"] = stage
	for _, k := range []string{"_id", "impactStatus", "tlp", "pap", "summary"} {
		if v, ok := rec[k]; ok {
			s, err := d.text(k, v)
			if err != nil {
				return nil, err
			}
			extra[k] = s
		}
	}
	err = mapDimensions(d.fieldDecoder, c, d.m, thehiveDefaults, func(alt string) (any, string, bool, *RecordError) {
		if alt == "observables" {
			names, err := d.observableAssets(rec["observables"])
			return names, "observables", names != nil, err
		}
		v, from := d.lookup(rec, alt)
		return v, from, v != nil, nil
	})
	if err != nil {
		return nil, err
	}
	if sum, ok := extra["summary"].(string); ok && sum != "" && sum == c.RootCause.Summary {
		delete(extra, "summary") // it is the root-cause summary now
	}
	if len(d.custom) > len(d.used) {
		rest := map[string]any{}
		for k, v := range d.custom {
			if !d.used[k] && v != nil {
				rest[k] = v
			}
		}
		extra["customFields"] = rest
	}
	c.Extra = extraJSON(extra)
	return c, nil
}

// observableAssets returns the data of the observables whose dataType is
// one of asset_observable_types and that are not flagged as indicators of
// compromise (an IOC is the attacker's, not an affected asset), or nil.
// The items are TheHive's Observable objects ({"dataType": "hostname",
// "data": "server.local", "ioc": true, …}: TheHive-Project/docs
// docs/thehive/api/observable/list.md).
func (d *thehiveDecoder) observableAssets(v any) ([]any, *RecordError) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, d.fail("observables", "want a list of observables, got %s", jsonType(v))
	}
	types := d.m.set("asset_observable_types", thehiveDefaults["asset_observable_types"])
	var out []any
	for i, e := range list {
		field := fmt.Sprintf("observables[%d]", i)
		om, ok := e.(map[string]any)
		if !ok {
			return nil, d.fail(field, "want an observable object, got %s", jsonType(e))
		}
		dt, err := d.text(field+".dataType", om["dataType"])
		if err != nil {
			return nil, err
		}
		data, err := d.text(field+".data", om["data"])
		if err != nil {
			return nil, err
		}
		if ioc, _ := om["ioc"].(bool); ioc || data == "" || !types[normWord(dt)] {
			continue
		}
		out = append(out, data)
	}
	return out, nil
}

// procedures reads the case's TTPs: techniques from patternId (after any
// tags that are technique IDs), tactics kept aside.
func (d *thehiveDecoder) procedures(c *Case, v any, tactics map[string]bool) *RecordError {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return d.fail("procedures", "want a list of procedures, got %s", jsonType(v))
	}
	ids := make([]string, 0, len(list))
	defer func() { c.Techniques = appendUnique(c.Techniques, ids...) }()
	for i, e := range list {
		field := fmt.Sprintf("procedures[%d]", i)
		pm, ok := e.(map[string]any)
		if !ok {
			return d.fail(field, "want an object, got %s", jsonType(e))
		}
		pid, err := d.text(field+".patternId", pm["patternId"])
		if err != nil {
			return err
		}
		if pid != "" {
			id, e := NormalizeTechnique(pid)
			if e != nil {
				return d.fail(field+".patternId", "%v", e)
			}
			ids = append(ids, id)
		}
		tactic, err := d.text(field+".tactic", pm["tactic"])
		if err != nil {
			return err
		}
		if tactic != "" {
			tactics[NormalizeCategory(tactic)] = true
		}
	}
	return nil
}

// thehiveCustomFields flattens both custom-field shapes to name → value:
// v0 {"name": {"date": 1635876967233, "order": 0}} and v1 [{"name": "x",
// "value": …}]; a plain {"name": value} map is accepted too.
func thehiveCustomFields(d fieldDecoder, v any) (map[string]any, *RecordError) {
	out := map[string]any{}
	switch x := v.(type) {
	case nil:
	case map[string]any:
		for _, name := range sortedKeys(x) { // the first bad field in name order, on every run
			fv := x[name]
			obj, ok := fv.(map[string]any)
			if !ok {
				if _, isList := fv.([]any); isList {
					return nil, d.fail("customFields."+name, "want a value or {type: value}, got a list")
				}
				out[name] = fv
				continue
			}
			out[name] = nil
			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if k != "order" && k != "_id" && k != "description" {
					out[name] = obj[k]
					break
				}
			}
		}
	case []any:
		for i, e := range x {
			obj, ok := e.(map[string]any)
			if !ok {
				return nil, d.fail(fmt.Sprintf("customFields[%d]", i), "want an object, got %s", jsonType(e))
			}
			name, ok := obj["name"].(string)
			if !ok || name == "" {
				return nil, d.fail(fmt.Sprintf("customFields[%d].name", i), "required")
			}
			out[name] = obj["value"]
		}
	default:
		return nil, d.fail("customFields", "want an object or a list, got %s", jsonType(v))
	}
	return out, nil
}

// earliestOccurDate is the earliest procedures[].occurDate (epoch ms), or
// nil.
func earliestOccurDate(rec map[string]any) any {
	list, _ := rec["procedures"].([]any)
	var best any
	var bestT time.Time
	for _, e := range list {
		pm, _ := e.(map[string]any)
		v := pm["occurDate"]
		if v == nil {
			continue
		}
		t, err := ParseTimestamp(v, time.UTC)
		if err != nil {
			return v // let the caller report the bad value
		}
		if best == nil || t.Before(bestT) {
			best, bestT = v, t
		}
	}
	return best
}

// normSeverity accepts the canonical names and TheHive's 1–4.
func normSeverity(d fieldDecoder, field, s string) (string, *RecordError) {
	sv, err := NormalizeSeverity(s)
	if err != nil {
		return "", d.fail(field, "%v", err)
	}
	return sv, nil
}
