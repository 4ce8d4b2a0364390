package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Elastic imports Elastic Security cases as the Kibana cases API returns
// them: a `GET /api/cases/_find` page ({"cases": […], "page", "per_page",
// "total"}, several pages as JSON Lines or a JSON array of pages), one case
// (`GET /api/cases/{caseId}`), or cases as a JSON array or JSON Lines.
// Field semantics follow Kibana's OpenAPI description of the cases API
// (elastic/kibana x-pack/platform/plugins/shared/cases/docs/openapi,
// components/schemas/case_response_properties.yaml; published as "Kibana
// APIs: Cases", elastic.co/docs/api/doc/kibana/group/endpoint-cases); see
// docs/importers.md.
type Elastic struct{}

// Name implements Format.
func (Elastic) Name() string { return "elastic" }

// elasticDefaults are the default field mapping (docs/importers.md). A
// value lists alternatives separated by "|": a (dotted) field of the case,
// or "customFields.<key>" (a custom field's value, by its key).
var elasticDefaults = map[string]string{
	"source":      "elastic",
	"id":          "id",
	"title":       "title",
	"severity":    "severity",
	"category":    "category",
	"compromise":  "",
	"detection":   "created_at",
	"triage":      "",
	"containment": "",
	"eradication": "",
	"recovery":    "",
	"closure":     "closed_at",
}

// elasticAssetTypes are the observable types that name an affected asset:
// Kibana's built-in "Host name" type (OBSERVABLE_TYPE_HOSTNAME in
// elastic/kibana x-pack/platform/plugins/shared/cases/common/constants/
// observables.ts). The other built-in types (IPv4, IPv6, URL, file hash,
// file path, email, domain) are indicators, often the attacker's, not the
// organisation's assets.
var elasticAssetTypes = map[string]bool{"observable-type-hostname": true}

// Parse implements Format.
func (Elastic) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	m := newMapping(p, "elastic")
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		fd := newFieldDecoder(p, ref)
		c, err := elasticDecoder{d: fd, m: m}.decode(rec)
		return fd.warned(c), err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if len(bytes.TrimSpace(head)) > 0 && !isJSONHead(head) {
		return &RecordError{File: p.File, Ref: "1", Reason: "not JSON: want the Kibana cases API's response (a GET /api/cases/_find page {\"cases\": [...]}, one case, or cases as a JSON array or JSON Lines)"}
	}
	return readJSONRecords(p, br, emit, unwrapKeys("cases"), decode)
}

type elasticDecoder struct {
	d fieldDecoder
	m mapping
}

func (e elasticDecoder) get(key string) string { return e.m.get(key, elasticDefaults[key]) }

// field returns the first alternative of spec present in the case: a
// dotted path, or customFields.<key>.
func (e elasticDecoder) field(rec map[string]any, spec string) (any, string, *RecordError) {
	for _, alt := range splitList(spec, "|") {
		var v any
		if key, ok := strings.CutPrefix(alt, "customFields."); ok {
			cf, err := e.customFields(rec)
			if err != nil {
				return nil, alt, err
			}
			v = cf[key]
		} else {
			v = getPath(rec, alt)
		}
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			continue
		}
		if v != nil {
			return v, alt, nil
		}
	}
	return nil, "", nil
}

// customFields reads customFields [{key, type, value}] into key → value.
func (e elasticDecoder) customFields(rec map[string]any) (map[string]any, *RecordError) {
	out := map[string]any{}
	switch cf := rec["customFields"].(type) {
	case nil:
	case []any:
		for i, x := range cf {
			f, ok := x.(map[string]any)
			if !ok {
				return nil, e.d.fail(fmt.Sprintf("customFields[%d]", i), "want {key, type, value}, got %s", jsonType(x))
			}
			key, err := e.d.text(fmt.Sprintf("customFields[%d].key", i), f["key"])
			if err != nil {
				return nil, err
			}
			if key == "" {
				return nil, e.d.fail(fmt.Sprintf("customFields[%d].key", i), "required")
			}
			out[key] = f["value"]
		}
	default:
		return nil, e.d.fail("customFields", "want a list of {key, type, value}, got %s", jsonType(cf))
	}
	return out, nil
}

func (e elasticDecoder) text(rec map[string]any, key string) (string, *RecordError) {
	v, f, err := e.field(rec, e.get(key))
	if err != nil {
		return "", err
	}
	return e.d.text(f, v)
}

func (e elasticDecoder) decode(rec map[string]any) (*Case, *RecordError) {
	d := e.d
	// A Kibana saved-objects export (Stack Management → Saved objects)
	// stores cases in another shape (attributes, status and severity as
	// numbers): refuse it by name rather than read it wrong.
	if t, _ := rec["type"].(string); t == "cases" {
		if _, ok := rec["attributes"].(map[string]any); ok {
			return nil, d.fail("", "this is a Kibana saved-objects export of cases, not the cases API: export with GET /api/cases/_find (or GET /api/cases/{caseId})")
		}
	}
	c := &Case{Source: e.get("source"), MilestoneSources: map[string]string{}}
	if c.Source == "" {
		c.Source = "elastic"
	}
	id, err := e.text(rec, "id")
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, d.fail(e.get("id"), "required (want an Elastic Security case from the cases API: id, title, status, created_at, …)")
	}
	if err := d.checkID(e.get("id"), id); err != nil {
		return nil, err
	}
	c.ID = id
	if c.Title, err = e.text(rec, "title"); err != nil {
		return nil, err
	}
	// severity: low, medium, high, critical (case_severity.yaml).
	sev, err := e.text(rec, "severity")
	if err != nil {
		return nil, err
	}
	if c.Severity, err = normSeverity(d, e.get("severity"), sev); err != nil {
		return nil, err
	}
	cat, err := e.text(rec, "category")
	if err != nil {
		return nil, err
	}
	c.Category = NormalizeCategory(cat)

	tags, err := d.texts("tags", rec["tags"])
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		if tid, ok := techniqueTag(t); ok {
			c.Techniques = appendUnique(c.Techniques, tid)
		}
	}
	c.Tags = tags

	// status: open, in-progress, closed (case_status.yaml). Kibana sets
	// closed_at when a case is closed and resets it to null when the case
	// is reopened (getClosedInfoForUpdate in elastic/kibana
	// x-pack/platform/plugins/shared/cases/server/client/cases/utils.ts), so
	// the status decides: a closed_at on a case that is not closed is not
	// a closure.
	status, err := d.text("status", rec["status"])
	if err != nil {
		return nil, err
	}
	switch normWord(status) {
	case "closed":
		c.Status = "closed"
	case "open", "inprogress":
		c.Status = "open"
	case "":
	default:
		return nil, d.fail("status", "unknown status %q (want open, in-progress or closed)", truncate(status, 40))
	}

	for _, ms := range Milestones {
		spec := e.get(ms)
		if spec == "" {
			continue
		}
		v, f, err := e.field(rec, spec)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		t, err := d.instant(f, v)
		if err != nil {
			return nil, err
		}
		setMilestone(c, ms, t, f)
	}
	deriveStatus(c)

	// Observables (a later addition to the API): host names are the
	// affected assets (elasticAssetTypes).
	switch obs := rec["observables"].(type) {
	case nil:
	case []any:
		var names []string
		for i, x := range obs {
			o, ok := x.(map[string]any)
			if !ok {
				return nil, d.fail(fmt.Sprintf("observables[%d]", i), "want {typeKey, value, …}, got %s", jsonType(x))
			}
			typ, err := d.text(fmt.Sprintf("observables[%d].typeKey", i), o["typeKey"])
			if err != nil {
				return nil, err
			}
			val, err := d.text(fmt.Sprintf("observables[%d].value", i), o["value"])
			if err != nil {
				return nil, err
			}
			if elasticAssetTypes[typ] && strings.TrimSpace(val) != "" {
				names = append(names, strings.TrimSpace(val))
			}
		}
		c.Assets = AddAssets(nil, names)
	default:
		return nil, d.fail("observables", "want a list of observables, got %s", jsonType(obs))
	}

	extra := map[string]any{"status": status}
	for _, k := range [][2]string{{"owner", "owner_app"}, {"incremental_id", "incremental_id"}, {"updated_at", "updated_at"},
		{"duration", "duration_seconds"}, {"status_key", "status_key"}, {"created_by.username", "created_by"},
		{"closed_by.username", "closed_by"}, {"external_service.connector_name", "external_connector"},
		{"external_service.external_id", "external_id"}, {"external_service.external_url", "external_url"}} {
		v, err := d.text(k[0], getPath(rec, k[0]))
		if err != nil {
			return nil, err
		}
		extra[k[1]] = v
	}
	if a, ok := rec["assignees"].([]any); ok {
		var uids []string
		for i, x := range a {
			am, ok := x.(map[string]any)
			if !ok {
				return nil, d.fail(fmt.Sprintf("assignees[%d]", i), "want {uid}, got %s", jsonType(x))
			}
			uid, err := d.text(fmt.Sprintf("assignees[%d].uid", i), am["uid"])
			if err != nil {
				return nil, err
			}
			if uid != "" {
				uids = append(uids, uid)
			}
		}
		extra["assignees"] = uids
	}
	cf, err := e.customFields(rec)
	if err != nil {
		return nil, err
	}
	kept := map[string]any{}
	for k, v := range cf {
		if v != nil {
			kept[k] = v
		}
	}
	extra["custom_fields"] = kept
	// A closed_at on a case that is not closed is no closure (see status
	// above); it is kept in extra.
	closedOnlyByStatus(c, extra)
	// The optional canonical fields a mapping file names: a field path or
	// customFields.<key>, or a literal ("=SOC EU": the space is not in the
	// case object).
	err = mapDimensions(d, c, e.m, elasticDefaults, func(alt string) (any, string, bool, *RecordError) {
		v, f, err := e.field(rec, alt)
		if f == "" {
			f = alt
		}
		return v, f, v != nil, err
	})
	if err != nil {
		return nil, err
	}
	c.Extra = extraJSON(extra)
	return c, nil
}
