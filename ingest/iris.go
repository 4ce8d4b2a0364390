package ingest

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// IRIS imports DFIR-IRIS cases: the case export (GET /case/export, the
// response or its "data"), several exports as a JSON array or JSON Lines,
// the case lists of /manage/cases/filter and /manage/cases/list (cases
// without their timeline; the list's items name their fields case_name,
// case_open_date, …), and the case objects that /manage/cases/close/{id},
// /reopen/{id}, /update/{id} and /add answer with. Dates: open_date and
// close_date are calendar dates (MM/DD/YYYY in /manage/cases/list),
// initial_date a naive timestamp, all three written by the IRIS server in
// UTC; modification_history keys are epoch seconds; timeline events carry
// event_date with its event_tz. See docs/importers.md for the mapping.
type IRIS struct{}

// Name implements Format.
func (IRIS) Name() string { return "iris" }

// irisDefaults are the default field mapping (docs/importers.md).
// Milestone values list alternatives separated by "|": a case field
// (initial_date, open_date, close_date), "history:<State>" (the case
// entered State in modification_history; for Closed, its last closure),
// "history_left:<State>" (the case moved on from State to a later state),
// "event_category:<Category>" or "event_tag:<tag>" (the earliest timeline
// event with that category or tag).
var irisDefaults = map[string]string{
	"source":     "iris",
	"id":         "case_id|case_uuid",
	"title":      "name|case_name",
	"compromise": "event_tag:compromise|event_category:Initial Access",
	// initial_date is the creation instant (datetime.utcnow(), Cases in
	// dfir-iris/iris-web source/app/models/cases.py); the history's
	// "created" entry, written when the creation is done (epoch seconds
	// with microseconds: add_obj_history_entry, source/app/util.py), is
	// the next best; open_date keeps only the day.
	"detection":   "initial_date|history_action:created|open_date|case_open_date",
	"triage":      "",
	"containment": "history_left:Containment|event_tag:containment",
	"eradication": "history_left:Eradication|event_tag:eradication",
	"recovery":    "history_left:Recovery|event_tag:recovery",
	"closure":     "history:Closed|close_date|case_close_date",
	"states":      "Open,In progress,Containment,Eradication,Recovery,Post-Incident,Reporting,Closed",
	// The stock states in the order a new IRIS creates them, which gives
	// their ids (create_safe_case_states, iris-web source/app/post_init.py):
	// for the answers of /manage/cases/close and /reopen, which carry
	// state_id without its name.
	"state_ids":        "1:Unspecified,2:In progress,3:Open,4:Containment,5:Eradication,6:Recovery,7:Post-Incident,8:Reporting,9:Closed",
	"exclude_statuses": "false_positive,legitimate",

	// The optional canonical fields (mapDimensions): "assets" are the
	// export's assets (asset_name), "asset_types" the platforms their
	// stock asset types name (irisAssetPlatforms).
	"assets":    "assets",
	"platforms": "asset_types",
	"tenant":    "client.customer_name|client_name|for_customer",
	// closing_note: the note written when the case is closed (Cases model,
	// iris-web source/app/models/cases.py), where a team records what the
	// case concluded: the root-cause summary.
	"root_cause_summary": "closing_note",
}

// irisAssetPlatforms maps IRIS's stock asset types (the asset types a new
// IRIS creates: create_safe_assets, iris-web source/app/post_init.py) to
// platforms. Types that name no platform (Account) and an organisation's
// own types are not mapped: a platform is never guessed.
var irisAssetPlatforms = map[string]string{
	"linux - server": "linux", "linux - computer": "linux", "linux account": "linux",
	"mac - computer":  "macos",
	"phone - android": "android", "phone - ios": "ios",
	"windows - computer": "windows", "windows - server": "windows", "windows - dc": "windows",
	"windows account - local": "windows", "windows account - local - admin": "windows",
	"windows account - ad": "windows", "windows account - ad - admin": "windows",
	"windows account - ad - krbtgt": "windows", "windows account - ad - service": "windows",
	"firewall": "network", "router": "network", "switch": "network", "vpn": "network", "waf": "network",
}

// Parse implements Format.
func (IRIS) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	m := newMapping(p, "iris")
	lists := unwrapKeys("data", "data.cases", "message.cases", "cases")
	unwrap := func(rec map[string]any) ([]any, string) {
		if irisAPIError(rec) {
			return nil, "" // decode names the error
		}
		return lists(rec)
	}
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		fd := newFieldDecoder(p, ref)
		d := irisDecoder{fieldDecoder: fd, m: m}
		c, err := d.decode(rec)
		return fd.warned(c), err
	}
	return readJSONRecords(p, r, emit, unwrap, decode)
}

type irisDecoder struct {
	fieldDecoder
	m       mapping
	prefix  string // "case." inside an export
	history []irisChange
	events  []irisEvent
	closed  bool
}

func (d *irisDecoder) get(key string) string { return d.m.get(key, irisDefaults[key]) }

// irisChange is one modification_history entry.
type irisChange struct {
	at     time.Time
	key    string // as written ("1684672442.640787"): the tiebreak
	action string
	state  string // the state it put the case in, or ""
}

type irisEvent struct {
	at       time.Time
	field    string
	category string
	tags     []string
}

// irisAPIError reports whether rec is IRIS's answer to a failed call
// ({"status": "error", "message": …, "data": …}).
func irisAPIError(rec map[string]any) bool {
	st, _ := rec["status"].(string)
	_, hasMsg := rec["message"]
	return strings.EqualFold(st, "error") && hasMsg
}

func (d *irisDecoder) decode(rec map[string]any) (*Case, *RecordError) {
	if irisAPIError(rec) {
		msg, _ := rec["message"].(string)
		return nil, d.fail("status", "IRIS answered with an error (%q), not a case: export a case (/case/export), the case list (/manage/cases/list or /filter) or a case object", truncate(msg, 80))
	}
	exp := rec
	if data, ok := rec["data"].(map[string]any); ok {
		if _, ok := data["case"]; ok {
			exp = data
		} else if _, ok := data["case_id"]; ok {
			// The answer of /manage/cases/close/{id}, /reopen/{id},
			// /update/{id} and /add: {"status", "message", "data": the
			// case} (iris-doc-src manage_cases_close_{case_id}.yaml).
			exp = data
		}
	}
	cs := exp
	if cv, ok := exp["case"]; ok {
		m, ok := cv.(map[string]any)
		if !ok {
			return nil, d.fail("case", "want an object, got %s", jsonType(cv))
		}
		cs = m
		d.prefix = "case."
	}
	c := &Case{Source: d.get("source"), MilestoneSources: map[string]string{}}
	if c.Source == "" {
		c.Source = "iris"
	}
	var err *RecordError
	idField := ""
	for _, alt := range splitList(d.get("id"), "|") {
		if c.ID, err = d.text(d.prefix+alt, cs[alt]); err != nil {
			return nil, err
		}
		if c.ID != "" {
			idField = d.prefix + alt
			break
		}
	}
	if c.ID == "" {
		return nil, d.fail(d.prefix+strings.ReplaceAll(d.get("id"), "|", " or "), "required (the case id)")
	}
	if err := d.checkID(idField, c.ID); err != nil {
		return nil, err
	}
	for _, alt := range splitList(d.get("title"), "|") {
		if c.Title, err = d.text(d.prefix+alt, cs[alt]); err != nil {
			return nil, err
		}
		if c.Title != "" {
			break
		}
	}
	sev, err := d.named("severity", cs["severity"], "severity_name")
	if err != nil {
		return nil, err
	}
	if normWord(sev) != "unspecified" {
		if c.Severity, err = normSeverity(d.fieldDecoder, d.prefix+"severity", sev); err != nil {
			return nil, err
		}
	}
	class, err := d.named("classification", cs["classification"], "name")
	if err != nil {
		return nil, err
	}
	if _, after, ok := strings.Cut(class, ":"); ok {
		c.Category = NormalizeCategory(after)
	} else {
		c.Category = NormalizeCategory(class)
	}
	if c.Tags, err = d.tags(d.prefix+"tags", cs["tags"]); err != nil {
		return nil, err
	}
	for _, t := range c.Tags {
		c.Techniques = append(c.Techniques, techniquesIn(t)...)
	}
	c.Techniques = appendUnique(nil, c.Techniques...)
	state, err := d.named("state", cs["state"], "state_name")
	if err != nil {
		return nil, err
	}
	if state == "" {
		if state, err = d.text(d.prefix+"state_name", cs["state_name"]); err != nil {
			return nil, err
		}
	}
	status, err := d.text(d.prefix+"status_name", cs["status_name"])
	if err != nil {
		return nil, err
	}
	if state == "" && cs["state_id"] != nil {
		id, err := d.text(d.prefix+"state_id", cs["state_id"])
		if err != nil {
			return nil, err
		}
		state = d.stateByID(id)
	}
	closeDate := ""
	for _, k := range []string{"close_date", "case_close_date"} {
		if closeDate, err = d.text(d.prefix+k, cs[k]); err != nil {
			return nil, err
		}
		if closeDate != "" {
			break
		}
	}
	// The state decides: IRIS keeps close_date when a case's state is
	// edited back from Closed to an open state (only /manage/cases/reopen
	// clears it: reopen_case, iris-web source/app/datamgmt/manage/
	// manage_cases_db.py). Without a state that says (none, Unspecified,
	// an organisation's own), the close date does.
	switch {
	case normWord(state) == "closed":
		d.closed = true
	case d.openState(state):
		d.closed = false
	default:
		d.closed = closeDate != ""
	}

	if err = d.readHistory(cs["modification_history"]); err != nil {
		return nil, err
	}
	if err = d.readEvents(c, exp["timeline"]); err != nil {
		return nil, err
	}
	for _, ms := range Milestones {
		t, from, err := d.milestone(cs, d.get(ms))
		if err != nil {
			return nil, err
		}
		setMilestone(c, ms, t, from)
	}
	if d.closed {
		c.Status = "closed"
	} else {
		c.Status = "open"
	}
	c.Excluded = d.m.set("exclude_statuses", irisDefaults["exclude_statuses"])[normWord(status)]

	extra := map[string]any{"state": state, "status": status, "classification": class}
	closedOnlyByStatus(c, extra)
	err = mapDimensions(d.fieldDecoder, c, d.m, irisDefaults, func(alt string) (any, string, bool, *RecordError) {
		switch alt {
		case "assets", "asset_types":
			v, err := d.assets(exp["assets"], alt == "asset_types")
			return v, "assets", v != nil, err
		}
		v := getPath(cs, alt)
		if m, ok := v.(map[string]any); ok && strings.HasPrefix(alt, "custom_attributes.") {
			v = m["value"] // {"type": …, "value": …}
		}
		return v, d.prefix + alt, v != nil, nil
	})
	if err != nil {
		return nil, err
	}
	owner, err := d.named("owner", cs["owner"], "user_name")
	if err != nil {
		return nil, err
	}
	if owner == "" {
		owner, _ = cs["opened_by"].(string)
	}
	extra["owner"] = owner
	client, err := d.named("client", cs["client"], "customer_name")
	if err != nil {
		return nil, err
	}
	if client == "" {
		client, _ = cs["for_customer"].(string)
	}
	if client == "" {
		client, _ = cs["client_name"].(string)
	}
	extra["client"] = client
	for _, k := range []string{"soc_id", "case_soc_id", "case_uuid"} {
		v, err := d.text(d.prefix+k, cs[k])
		if err != nil {
			return nil, err
		}
		if k == "case_soc_id" {
			if v != "" {
				extra["soc_id"] = v
			}
			continue
		}
		extra[k] = v
	}
	if rs, err := d.named("review_status", cs["review_status"], "status_name"); err != nil {
		return nil, err
	} else if rs != "" {
		extra["review_status"] = rs // a peer review of the case, not the post-incident review
	}
	c.Extra = extraJSON(extra)
	return c, nil
}

// stateByID names a state_id by the mapping key state_ids ("id:name,…"),
// or "" when it is not listed.
func (d *irisDecoder) stateByID(id string) string {
	for _, pair := range splitList(d.get("state_ids"), ",") {
		k, name, ok := strings.Cut(pair, ":")
		if ok && strings.TrimSpace(k) == id {
			return strings.TrimSpace(name)
		}
	}
	return ""
}

// openState reports whether state is one of the states (mapping key
// states) other than Closed.
func (d *irisDecoder) openState(state string) bool {
	if normWord(state) == "closed" {
		return false
	}
	for _, s := range splitList(d.get("states"), ",") {
		if normWord(s) == normWord(state) {
			return true
		}
	}
	return false
}

// assets reads the export's assets: their names, or (platforms) the
// platforms their stock types name; nil when the export lists none.
func (d *irisDecoder) assets(v any, platforms bool) ([]any, *RecordError) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, d.fail("assets", "want a list of assets, got %s", jsonType(v))
	}
	var out []any
	for i, e := range list {
		f := fmt.Sprintf("assets[%d]", i)
		am, ok := e.(map[string]any)
		if !ok {
			return nil, d.fail(f, "want an asset object, got %s", jsonType(e))
		}
		if !platforms {
			name, err := d.text(f+".asset_name", am["asset_name"])
			if err != nil {
				return nil, err
			}
			if name != "" {
				out = append(out, name)
			}
			continue
		}
		tv, tf := am["type"], f+".type"
		if m, ok := am["asset_type"].(map[string]any); ok {
			tv, tf = m["asset_name"], f+".asset_type.asset_name"
		}
		typ, err := d.text(tf, tv)
		if err != nil {
			return nil, err
		}
		if p, ok := irisAssetPlatforms[strings.ToLower(strings.TrimSpace(typ))]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// named reads a value that IRIS writes either as text or as an object
// holding it under key (severity {severity_name}, state {state_name}).
func (d *irisDecoder) named(field string, v any, key string) (string, *RecordError) {
	if m, ok := v.(map[string]any); ok {
		return d.text(d.prefix+field+"."+key, m[key])
	}
	return d.text(d.prefix+field, v)
}

// tags reads [{tag_title}], a list of strings, or "a,b".
func (d *irisDecoder) tags(field string, v any) ([]string, *RecordError) {
	if list, ok := v.([]any); ok {
		var out []string
		for i, e := range list {
			if m, ok := e.(map[string]any); ok {
				s, err := d.text(fmt.Sprintf("%s[%d].tag_title", field, i), m["tag_title"])
				if err != nil {
					return nil, err
				}
				if s != "" {
					out = append(out, s)
				}
				continue
			}
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
	return d.texts(field, v)
}

// irisStateWord finds "state" in a history action ("state changed to
// Containment"); IRIS's own "case closed" and "case reopen" are read too.
var irisStateWord = regexp.MustCompile(`(?i)\bstate\b`)

func (d *irisDecoder) readHistory(v any) *RecordError {
	field := d.prefix + "modification_history"
	if v == nil {
		return nil
	}
	hm, ok := v.(map[string]any)
	if !ok {
		return d.fail(field, "want an object {epoch seconds: {user, action}}, got %s", jsonType(v))
	}
	states := splitList(d.get("states"), ",")
	for _, key := range sortedKeys(hm) { // the first bad entry in key order, on every run
		ev := hm[key]
		f := fmt.Sprintf("%s[%q]", field, truncate(key, 40))
		at, ok := irisEpoch(key)
		if !ok {
			return d.fail(f, "want epoch seconds as the key, got %q", truncate(key, 40))
		}
		if _, e := plausible(at, key); e != nil {
			return d.fail(f, "%v", e)
		}
		em, ok := ev.(map[string]any)
		if !ok {
			return d.fail(f, "want {user, action}, got %s", jsonType(ev))
		}
		action, rerr := d.text(f+".action", em["action"])
		if rerr != nil {
			return rerr
		}
		ch := irisChange{at: at, key: key, action: action}
		switch normWord(action) {
		case "caseclosed":
			ch.state = "Closed"
		case "casereopen", "casereopened":
			ch.state = "Open"
		default:
			if irisStateWord.MatchString(action) {
				best := -1
				lower := strings.ToLower(action)
				for _, s := range states {
					if i := strings.LastIndex(lower, strings.ToLower(s)); i > best {
						best, ch.state = i, s
					}
				}
			}
		}
		d.history = append(d.history, ch)
	}
	// In time order. A JSON object has no order that survives decoding,
	// so entries at the same instant ("1684672442.5" and "1684672442.50",
	// or two that round to it) are ordered by their key as written (keys
	// are unique): the same milestone on every run.
	sort.Slice(d.history, func(i, j int) bool {
		a, b := d.history[i], d.history[j]
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return a.key < b.key
	})
	return nil
}

// irisEpoch reads a modification_history key, epoch seconds with a
// fraction ("1684672442.640787"), exactly (no float rounding).
func irisEpoch(key string) (time.Time, bool) {
	key = strings.TrimSpace(key)
	whole, frac, _ := strings.Cut(key, ".")
	if !isDigits(whole) || len(whole) > 12 || (frac != "" && !isDigits(frac)) {
		f, err := strconv.ParseFloat(key, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
			return time.Time{}, false
		}
		w, fr := math.Modf(f)
		return time.Unix(int64(w), int64(fr*1e6)*1000).UTC(), true
	}
	sec, _ := strconv.ParseInt(whole, 10, 64)
	if len(frac) > 9 {
		frac = frac[:9]
	}
	ns, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
	return time.Unix(sec, ns).UTC(), true
}

func (d *irisDecoder) readEvents(c *Case, v any) *RecordError {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return d.fail("timeline", "want a list of events, got %s", jsonType(v))
	}
	var ids []string
	defer func() { c.Techniques = appendUnique(c.Techniques, ids...) }()
	for i, e := range list {
		f := fmt.Sprintf("timeline[%d]", i)
		em, ok := e.(map[string]any)
		if !ok {
			return d.fail(f, "want an event object, got %s", jsonType(e))
		}
		tags, err := d.texts(f+".event_tags", em["event_tags"])
		if err != nil {
			return err
		}
		for _, t := range tags {
			ids = append(ids, techniquesIn(t)...)
		}
		cat, err := d.named(f+".category", em["category"], "name")
		if err != nil {
			return err
		}
		at, err := d.eventTime(f, em)
		if err != nil {
			return err
		}
		if at == nil {
			continue
		}
		d.events = append(d.events, irisEvent{at: *at, field: f, category: cat, tags: tags})
	}
	return nil
}

// eventTime reads event_date (naive) in event_tz ("+01:00"), else the
// --tz zone.
func (d *irisDecoder) eventTime(f string, em map[string]any) (*time.Time, *RecordError) {
	date, err := d.text(f+".event_date", em["event_date"])
	if err != nil || date == "" {
		return nil, err
	}
	tz, err := d.text(f+".event_tz", em["event_tz"])
	if err != nil {
		return nil, err
	}
	loc := d.p.Location
	if tz != "" {
		m := irisOffsetRE.FindStringSubmatch(tz)
		if m == nil {
			return nil, d.fail(f+".event_tz", "want an offset like +01:00, got %q", truncate(tz, 20))
		}
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		off := h*3600 + mi*60
		if m[1] == "-" {
			off = -off
		}
		loc = time.FixedZone(tz, off)
	}
	t, note, perr := parseInstant(date, loc)
	if perr != nil {
		return nil, d.fail(f+".event_date", "%v", perr)
	}
	d.warn(f+".event_date", note)
	return &t, nil
}

var irisOffsetRE = regexp.MustCompile(`^([+-])(\d{2}):?(\d{2})$`)

// irisUSDate is the MM/DD/YYYY of /manage/cases/list (strftime("%m/%d/%Y")
// in list_cases_dict, iris-web source/app/datamgmt/manage/
// manage_cases_db.py).
var irisUSDate = regexp.MustCompile(`^(\d{2})/(\d{2})/(\d{4})$`)

// caseDate reads a date field of the case itself (open_date, close_date,
// initial_date, case_open_date, …) and says where it came from. The IRIS
// server writes them in UTC (datetime.utcnow() in Cases.__init__ and
// close_case, iris-web source/app/models/cases.py and
// source/app/datamgmt/manage/manage_cases_db.py), so they are read as
// UTC whatever --tz says; a calendar date is midnight UTC of that day.
func (d *irisDecoder) caseDate(field string, v any) (*time.Time, string, *RecordError) {
	utc := *d.p
	utc.Location = time.UTC
	fd := d.fieldDecoder
	fd.p = &utc
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		if m := irisUSDate.FindStringSubmatch(s); m != nil {
			v = m[3] + "-" + m[1] + "-" + m[2]
			s = v.(string)
		}
		if len(s) == 10 {
			t, err := fd.date(d.prefix+field, v)
			if err != nil || t == nil {
				return nil, "", err
			}
			return t, field + " (date only)", nil
		}
	}
	t, err := fd.instant(d.prefix+field, v)
	if err != nil || t == nil {
		return nil, "", err
	}
	return t, field, nil
}

// milestone resolves a milestone spec: the first alternative present.
func (d *irisDecoder) milestone(cs map[string]any, spec string) (*time.Time, string, *RecordError) {
	states := splitList(d.get("states"), ",")
	order := func(s string) int {
		for i, x := range states {
			if strings.EqualFold(x, s) {
				return i
			}
		}
		return -1
	}
	for _, alt := range splitList(spec, "|") {
		kind, arg, ok := strings.Cut(alt, ":")
		if !ok {
			t, from, err := d.caseDate(alt, cs[alt])
			if err != nil {
				return nil, "", err
			}
			if t != nil {
				return t, from, nil
			}
			continue
		}
		switch kind {
		case "history":
			if strings.EqualFold(arg, "closed") && !d.closed {
				continue
			}
			var hit *irisChange
			for i := range d.history {
				if strings.EqualFold(d.history[i].state, arg) {
					hit = &d.history[i]
					if !strings.EqualFold(arg, "closed") {
						break // the first entry; for Closed, the last closure
					}
				}
			}
			if hit != nil {
				t := hit.at
				return &t, fmt.Sprintf("modification_history: %q", truncate(hit.action, 80)), nil
			}
		case "history_action":
			for _, ch := range d.history {
				if normWord(ch.action) == normWord(arg) {
					t := ch.at
					return &t, fmt.Sprintf("modification_history: %q", truncate(ch.action, 80)), nil
				}
			}
		case "history_left":
			from := order(arg)
			entered := false
			for _, ch := range d.history {
				if ch.state == "" {
					continue
				}
				if strings.EqualFold(ch.state, arg) {
					entered = true
					continue
				}
				if entered && order(ch.state) > from {
					t := ch.at
					return &t, fmt.Sprintf("modification_history: %q", truncate(ch.action, 80)), nil
				}
			}
		case "event_category", "event_tag":
			var best *irisEvent
			for i := range d.events {
				ev := &d.events[i]
				match := false
				if kind == "event_category" {
					match = strings.EqualFold(ev.category, arg)
				} else {
					for _, t := range ev.tags {
						if strings.EqualFold(t, arg) {
							match = true
						}
					}
				}
				if match && (best == nil || ev.at.Before(best.at)) {
					best = ev
				}
			}
			if best != nil {
				t := best.at
				return &t, fmt.Sprintf("%s (%s %q)", best.field, strings.TrimPrefix(kind, "event_"), arg), nil
			}
		default:
			return nil, "", d.fail("", "mapping: unknown milestone source %q (want a case field, history:, history_action:, history_left:, event_category: or event_tag:)", truncate(alt, 60))
		}
	}
	return nil, "", nil
}
