package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Sentinel imports Microsoft Sentinel incidents: `SecurityIncident` KQL
// results exported as CSV or JSON (an array of rows, JSON Lines, or the Log
// Analytics query API's {"tables": [{"columns", "rows"}]}), and the
// Microsoft.SecurityInsights/incidents REST API ({"value": [{"properties":
// …}]}). The table holds one row per update of an incident: the latest row
// per IncidentNumber (by TimeGenerated, else LastModifiedTime; a tie goes
// to the later row) is the incident, as in Microsoft's own workbooks
// (`summarize arg_max(TimeGenerated, *) by IncidentNumber`).
type Sentinel struct{}

// Name implements Format.
func (Sentinel) Name() string { return "sentinel" }

// sentinelDefaults are the default field mapping (docs/importers.md);
// values name SecurityIncident columns, alternatives separated by "|".
var sentinelDefaults = map[string]string{
	"source":                  "sentinel",
	"id":                      "IncidentNumber",
	"title":                   "Title",
	"severity":                "Severity",
	"compromise":              "FirstActivityTime",
	"detection":               "CreatedTime",
	"triage":                  "FirstModifiedTime",
	"containment":             "",
	"eradication":             "",
	"recovery":                "",
	"closure":                 "ClosedTime",
	"latest_by":               "TimeGenerated|LastModifiedTime",
	"exclude_classifications": "FalsePositive,BenignPositive",
	"tenant":                  "TenantId",
}

// sentinelAPINames maps the REST API's property names to the table's
// columns (both looked up ignoring case).
var sentinelAPINames = map[string]string{
	"createdTimeUtc": "CreatedTime", "firstActivityTimeUtc": "FirstActivityTime",
	"lastActivityTimeUtc": "LastActivityTime", "lastModifiedTimeUtc": "LastModifiedTime",
	"name": "IncidentName",
}

// sentinelRow is one decoded update row.
type sentinelRow struct {
	c     *Case
	key   string
	at    *time.Time // TimeGenerated (or the latest_by fallback)
	order int
}

// Parse implements Format.
func (Sentinel) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	m := newMapping(p, "sentinel")
	s := &sentinelParser{m: m, latest: map[string]*sentinelRow{}}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	var ferr error
	if isJSONHead(head) {
		decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
			if ferr != nil {
				return nil, nil
			}
			if tables, ok := rec["tables"].([]any); ok {
				ferr = s.queryTables(p, tables, ref, emit)
				return nil, nil
			}
			return nil, s.row(p, rec, ref)
		}
		if err := readJSONRecords(p, br, emit, unwrapKeys("value"), decode); err != nil {
			return err
		}
	} else {
		err := readCSVRows(p, br, emit, func(row csvRow) error {
			if rerr := s.row(p, row.record(), row.ref); rerr != nil {
				rerr.Raw = row.raw
				return emit(Record{Err: rerr})
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if ferr != nil {
		return ferr
	}
	rows := make([]*sentinelRow, 0, len(s.latest))
	for _, r := range s.latest {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].order < rows[j].order })
	for _, r := range rows {
		if err := emit(Record{Case: r.c}); err != nil {
			return err
		}
	}
	return nil
}

type sentinelParser struct {
	m      mapping
	latest map[string]*sentinelRow
	n      int
}

func (s *sentinelParser) get(key string) string { return s.m.get(key, sentinelDefaults[key]) }

// queryTables expands a Log Analytics query API response into rows.
func (s *sentinelParser) queryTables(p *ParseContext, tables []any, ref string, emit func(Record) error) error {
	for ti, tv := range tables {
		tref := fmt.Sprintf("tables[%d]", ti)
		t, _ := tv.(map[string]any)
		cols, _ := t["columns"].([]any)
		rows, ok := t["rows"].([]any)
		if t == nil || cols == nil || !ok {
			return emit(Record{Err: &RecordError{File: p.File, Ref: tref, Reason: "want {columns: [...], rows: [...]}"}})
		}
		names := make([]string, len(cols))
		for i, c := range cols {
			cm, _ := c.(map[string]any)
			names[i], _ = cm["name"].(string)
			if names[i] == "" {
				return emit(Record{Err: &RecordError{File: p.File, Ref: tref, Field: fmt.Sprintf("columns[%d].name", i), Reason: "required"}})
			}
		}
		for ri, rv := range rows {
			rref := fmt.Sprintf("%s.rows[%d]", tref, ri)
			cells, ok := rv.([]any)
			if !ok || len(cells) != len(names) {
				if err := emit(Record{Err: &RecordError{File: p.File, Ref: rref, Reason: fmt.Sprintf("want a list of %d cells", len(names))}}); err != nil {
					return err
				}
				continue
			}
			rec := make(map[string]any, len(names))
			for i, n := range names {
				rec[n] = cells[i]
			}
			if rerr := s.row(p, rec, rref); rerr != nil {
				raw, _ := json.Marshal(rv)
				rerr.Raw = truncate(string(raw), 4096)
				if err := emit(Record{Err: rerr}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// row decodes one update row and keeps it when it is the latest of its
// incident so far.
func (s *sentinelParser) row(p *ParseContext, rec map[string]any, ref string) *RecordError {
	d := newFieldDecoder(p, ref)
	// Columns are looked up ignoring case, deterministically (foldRecord:
	// the exact spelling wins, several other spellings are an error).
	src := rec
	if props, ok := rec["properties"].(map[string]any); ok {
		// REST API resource: the columns are its properties, its name
		// the IncidentName, its *TimeUtc properties the *Time columns.
		src = make(map[string]any, len(props)+len(sentinelAPINames))
		for k, v := range props {
			src[k] = v
		}
		if n, ok := rec["name"]; ok {
			src["IncidentName"] = n
		}
		pf := newFoldRecord(src)
		for _, from := range sortedStringKeys(sentinelAPINames) {
			to := sentinelAPINames[from]
			v, ok, err := pf.get(d, from)
			if err != nil {
				return err
			}
			if _, dup, err := pf.get(d, to); err != nil {
				return err
			} else if ok && !dup {
				src[to] = v
			}
		}
	}
	cols := newFoldRecord(src)
	get := func(name string) (any, *RecordError) {
		v, _, err := cols.get(d, name)
		return v, err
	}
	col := func(spec string) (any, string, *RecordError) {
		for _, alt := range splitList(spec, "|") {
			v, err := get(alt)
			if err != nil {
				return nil, alt, err
			}
			if v != nil {
				if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
					continue
				}
				return v, alt, nil
			}
		}
		return nil, "", nil
	}

	c := &Case{Source: s.get("source"), MilestoneSources: map[string]string{}}
	if c.Source == "" {
		c.Source = "sentinel"
	}
	idv, idf, err := col(s.get("id"))
	if err != nil {
		return err
	}
	id, err := d.text(idf, idv)
	if err != nil {
		return err
	}
	if id == "" {
		return d.fail(s.get("id"), "required (the incident number)")
	}
	if err := d.checkID(idf, id); err != nil {
		return err
	}
	c.ID = id
	tv, tf, err := col(s.get("title"))
	if err != nil {
		return err
	}
	if c.Title, err = d.text(tf, tv); err != nil {
		return err
	}
	sv, sf, err := col(s.get("severity"))
	if err != nil {
		return err
	}
	sev, err := d.text(sf, sv)
	if err != nil {
		return err
	}
	if c.Severity, err = normSeverity(d, sf, sev); err != nil {
		return err
	}
	for _, ms := range Milestones {
		v, f, err := col(s.get(ms))
		if err != nil {
			return err
		}
		if v == nil {
			continue
		}
		t, err := sentinelTime(d, f, v)
		if err != nil {
			return err
		}
		setMilestone(c, ms, t, f)
	}
	var at *time.Time
	if v, f, err := col(s.get("latest_by")); err != nil {
		return err
	} else if v != nil {
		if at, err = sentinelTime(d, f, v); err != nil {
			return err
		}
	}

	text := func(name string) (string, *RecordError) {
		v, err := get(name)
		if err != nil {
			return "", err
		}
		return d.text(name, v)
	}
	status, err := text("Status")
	if err != nil {
		return err
	}
	switch normWord(status) {
	case "closed":
		c.Status = "closed"
	case "new", "active":
		c.Status = "open"
	}
	deriveStatus(c)
	classification, err := text("Classification")
	if err != nil {
		return err
	}
	c.Excluded = s.m.set("exclude_classifications", sentinelDefaults["exclude_classifications"])[normWord(classification)]

	extra := map[string]any{"status": status, "classification": classification}
	// ClosedTime is "when the incident was last closed" (SecurityIncident
	// table reference): the row of a reopened incident (Status Active or
	// New) still carries its old closure, which is no longer one. The
	// status decides; the old time is kept in extra.
	closedOnlyByStatus(c, extra)
	for _, k := range [][2]string{{"ClassificationReason", "classification_reason"}, {"IncidentName", "incident_name"},
		{"IncidentUrl", "incident_url"}, {"ProviderName", "provider_name"}, {"ProviderIncidentId", "provider_incident_id"}} {
		v, err := text(k[0])
		if err != nil {
			return err
		}
		extra[k[1]] = v
	}

	labels, err := sentinelDynamic(d, "Labels", get)
	if err != nil {
		return err
	}
	var autoLabels []string
	if c.Tags, autoLabels, err = sentinelLabels(d, labels); err != nil {
		return err
	}
	extra["auto_labels"] = autoLabels
	owner, err := sentinelDynamic(d, "Owner", get)
	if err != nil {
		return err
	}
	if om, ok := owner.(map[string]any); ok {
		for _, k := range []string{"assignedTo", "email", "userPrincipalName"} {
			if s, ok := om[k].(string); ok && s != "" {
				extra["owner"] = CleanText(s)
				break
			}
		}
		// IncidentOwnerInfo.ownerType is Unknown, User or Group ("The
		// incident owner type is an AAD group"; azure-rest-api-specs
		// specification/securityinsights/resource-manager/
		// Microsoft.SecurityInsights/stable/2024-09-01/common/IncidentTypes.json):
		// an incident assigned to a group is owned by that team.
		if t, _ := om["ownerType"].(string); normWord(t) == "group" {
			if n, _ := om["assignedTo"].(string); n != "" {
				c.Team = CleanText(n)
			}
		}
	}
	// The workspace is the tenant: a REST resource names it in its id
	// (…/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/
	// incidents/…), a SecurityIncident row carries TenantId, which the
	// table reference defines as the Log Analytics workspace ID
	// (learn.microsoft.com/azure/azure-monitor/reference/tables/securityincident).
	// The id's workspace is set here; TenantId is the default of the
	// mapping key tenant (mapDimensions, below).
	c.Tenant = sentinelWorkspace(rec)
	// RelatedAnalyticRuleIds: "List of resource ids of Analytic rules
	// related to the incident" (IncidentProperties, same specification,
	// Incidents.json). An incident raised by the workspace's own analytics
	// rules was detected by the organisation's tooling; one without (created
	// by hand, perhaps on a call from outside) says nothing about who
	// detected it and is left empty.
	rules, err := sentinelDynamic(d, "RelatedAnalyticRuleIds", get)
	if err != nil {
		return err
	}
	if l, ok := rules.([]any); ok && len(l) > 0 {
		c.DetectionSource = "internal"
	}
	add, err := sentinelDynamic(d, "AdditionalData", get)
	if err != nil {
		return err
	}
	if am, ok := add.(map[string]any); ok {
		techs, err := d.texts("AdditionalData.techniques", am["techniques"])
		if err != nil {
			return err
		}
		for i, t := range techs {
			tid, e := NormalizeTechnique(t)
			if e != nil {
				return d.fail(fmt.Sprintf("AdditionalData.techniques[%d]", i), "%v", e)
			}
			techs[i] = tid
		}
		c.Techniques = appendUnique(c.Techniques, techs...)
		tactics, err := d.texts("AdditionalData.tactics", am["tactics"])
		if err != nil {
			return err
		}
		extra["tactics"] = tactics
		products, err := d.texts("AdditionalData.alertProductNames", am["alertProductNames"])
		if err != nil {
			return err
		}
		extra["alert_products"] = products
		c.Platforms = sentinelPlatforms(products)
	} else if add != nil {
		return d.fail("AdditionalData", "want an object, got %s", jsonType(add))
	}
	// The optional canonical fields a mapping file names (and the tenant's
	// default, TenantId); a dynamic column's JSON text is read as JSON.
	err = mapDimensions(d, c, s.m, sentinelDefaults, func(alt string) (any, string, bool, *RecordError) {
		v, err := sentinelDynamic(d, alt, get)
		return v, alt, v != nil, err
	})
	if err != nil {
		return err
	}
	c.Extra = extraJSON(extra)
	d.warned(c)

	s.n++
	row := &sentinelRow{c: c, key: c.ID, at: at, order: s.n}
	if prev, ok := s.latest[c.ID]; ok {
		if prev.at != nil && (at == nil || at.Before(*prev.at)) {
			return nil // an older update
		}
		row.order = prev.order // keep the incident where it first appeared
	}
	s.latest[c.ID] = row
	return nil
}

// sentinelDynamic reads a dynamic column: an object or list, or (in CSV
// exports) its JSON text; "" and null are nil.
func sentinelDynamic(d fieldDecoder, field string, get func(string) (any, *RecordError)) (any, *RecordError) {
	v, err := get(field)
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return v, nil
	}
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		return nil, nil
	}
	if s[0] != '{' && s[0] != '[' {
		return s, nil
	}
	lim := d.p.Limits.WithDefaults()
	if depth := maxDepth([]byte(s)); depth > lim.MaxDepth {
		return nil, d.fail(field, "JSON nested %d levels deep (limit %d)", depth, lim.MaxDepth)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, d.fail(field, "invalid JSON in a dynamic column: %s", jsonErrText(err))
	}
	return out, nil
}

// sentinelLabels reads Labels: [{labelName, labelType}] or strings, and
// returns the labels people gave the incident (the case's tags) apart from
// the ones the system gave it. IncidentLabelType is "User" ("Label manually
// created by a user") or "AutoAssigned" ("Label automatically created by
// the system"; azure-rest-api-specs specification/securityinsights/
// resource-manager/Microsoft.SecurityInsights/stable/2024-09-01/common/
// IncidentTypes.json): only User labels are tags. Any other type
// (AutoAssigned, or a value outside the enum) is kept in
// extra.auto_labels. A
// label without a type (a plain string, or an object from an older export)
// is taken as a user's.
func sentinelLabels(d fieldDecoder, v any) (user, auto []string, err *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil, nil
	case string:
		return splitList(x, ","), nil, nil
	case []any:
		for i, e := range x {
			switch l := e.(type) {
			case string:
				if s := CleanText(l); s != "" {
					user = append(user, s)
				}
			case map[string]any:
				name, err := d.text(fmt.Sprintf("Labels[%d].labelName", i), l["labelName"])
				if err != nil {
					return nil, nil, err
				}
				typ, err := d.text(fmt.Sprintf("Labels[%d].labelType", i), l["labelType"])
				if err != nil {
					return nil, nil, err
				}
				switch {
				case name == "":
				case typ == "" || normWord(typ) == "user":
					user = append(user, name)
				default:
					auto = append(auto, name)
				}
			default:
				return nil, nil, d.fail(fmt.Sprintf("Labels[%d]", i), "want {labelName, labelType}, got %s", jsonType(e))
			}
		}
		return user, auto, nil
	}
	return nil, nil, d.fail("Labels", "want a list of labels, got %s", jsonType(v))
}

// sentinelProductPlatforms are the alert product names (AdditionalData.
// alertProductNames) that say where an incident happened. The names are
// the MicrosoftSecurityProductName values of azure-rest-api-specs
// (specification/securityinsights/resource-manager/
// Microsoft.SecurityInsights/stable/2024-09-01/AlertRules.json) and the
// products' current names. Only products that watch one platform are
// mapped: Identity Protection watches Entra ID sign-ins (azure), Defender
// for Office 365 mail and collaboration (m365), Defender for Identity
// on-premises Active Directory (windows, which includes Active Directory in
// docs/format.md). Defender for Endpoint (Windows, macOS, Linux, mobile),
// Defender for Cloud (Azure, AWS, GCP), Defender for Cloud Apps (any SaaS)
// and Sentinel's own analytics span several and set none.
var sentinelProductPlatforms = map[string]string{
	"azureactivedirectoryidentityprotection": "azure",
	"microsoftentraidprotection":             "azure",
	"office365advancedthreatprotection":      "m365",
	"microsoftdefenderforoffice365":          "m365",
	"azureadvancedthreatprotection":          "windows",
	"microsoftdefenderforidentity":           "windows",
}

// sentinelPlatforms maps alert product names to platforms, unique, in
// first-seen order.
func sentinelPlatforms(products []string) []string {
	var out []string
	for _, p := range products {
		if pl, ok := sentinelProductPlatforms[normWord(p)]; ok {
			out = appendUnique(out, pl)
		}
	}
	return out
}

// sentinelWorkspace returns the workspace name in a REST incident's
// resource id, or "".
func sentinelWorkspace(rec map[string]any) string {
	id, _ := rec["id"].(string)
	if _, ok := rec["properties"]; !ok || id == "" {
		return ""
	}
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "workspaces") {
			return CleanText(parts[i+1])
		}
	}
	return ""
}

// sentinelPortalLayouts are the date-times of a CSV exported from the Azure
// portal's Logs blade ("3/1/2024, 10:05:00.123 AM"), read in the --tz zone.
var sentinelPortalLayouts = []string{"1/2/2006, 3:04:05.000 PM", "1/2/2006, 3:04:05 PM", "1/2/2006 3:04:05 PM"}

func sentinelTime(d fieldDecoder, field string, v any) (*time.Time, *RecordError) {
	t, err := d.instant(field, v)
	if err == nil {
		return t, nil
	}
	if s, ok := v.(string); ok {
		loc := d.p.Location
		if loc == nil {
			loc = time.UTC
		}
		for _, layout := range sentinelPortalLayouts {
			if wall, e := time.Parse(layout, strings.TrimSpace(s)); e == nil {
				pt, note := inZone(wall, loc, s)
				if _, e := plausible(pt, s); e != nil {
					return nil, d.fail(field, "%v", e)
				}
				d.warn(field, note)
				return &pt, nil
			}
		}
	}
	return nil, err
}
