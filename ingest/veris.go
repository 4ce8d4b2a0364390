package ingest

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Veris imports VERIS incidents (the VERIS Community Database, VCDB, and
// DBIR-style data sets): one incident per file, a directory of them, a
// JSON array, or JSON Lines, schema 1.2 to 1.4. Records are keyed on
// plus.master_id (incident_id repeats across distinct incidents).
//
// VERIS has no exact timestamps. The incident date (year, maybe month and
// day) is the compromise milestone at the start of its period, with its
// precision kept in extra.incident_date. timeline.discovery (compromise →
// detection) and timeline.containment (detection → containment) are
// {unit, value}: a timestamp is derived only when a value is given, with 1
// minute = 60 s, 1 hour = 60 min, 1 day = 24 h, 1 week = 7 days, 1 month =
// 30.44 days, 1 year = 365.25 days. Every phase, with or without a value,
// is kept as a bucket (store.veris_timeline, view veris_timeline). Exact
// duplicate records repeat a key and are dropped by the loader's (source,
// id) de-duplication (counted as repeated ids).
type Veris struct{}

// Name implements Format.
func (Veris) Name() string { return "veris" }

// verisDefaults are the default mapping (docs/importers.md).
var verisDefaults = map[string]string{
	"source":                    "veris",
	"id":                        "plus.master_id",
	"techniques":                "all",
	"exclude_security_incident": "False positive",
}

// verisHours is the length of one unit in hours (1 month = 30.44 days,
// 1 year = 365.25 days).
var verisHours = map[string]float64{
	"Seconds": 1.0 / 3600, "Minutes": 1.0 / 60, "Hours": 1, "Days": 24, "Weeks": 7 * 24,
	"Months": 30.44 * 24, "Years": 365.25 * 24,
}

// verisUnits are the accepted units, in order, by lower-case spelling.
var verisUnits = map[string]string{
	"seconds": "Seconds", "minutes": "Minutes", "hours": "Hours", "days": "Days", "weeks": "Weeks",
	"months": "Months", "years": "Years", "never": "Never", "na": "NA", "unknown": "Unknown",
}

// verisPhases are the timeline phases kept as buckets.
var verisPhases = []string{"compromise", "exfiltration", "discovery", "containment"}

// verisActionOrder decides the primary action category of an incident (the
// case's category and root cause): the initial vector first.
var verisActionOrder = []string{"social", "hacking", "malware", "misuse", "error", "physical", "environmental", "unknown"}

// verisSeverity maps impact.overall_rating.
var verisSeverity = map[string]string{
	"catastrophic": "critical", "damaging": "high", "painful": "medium", "distracting": "low", "insignificant": "informational",
}

//go:embed data/veris-attack.csv
var verisAttackCSV []byte

// verisAttack is the VERIS action → ATT&CK technique mapping, keyed by the
// lower-cased VERIS path ("action.hacking.variety.use of stolen creds").
// Built once from the embedded, read-only data.
var verisAttack = sync.OnceValues(func() (map[string][]string, error) {
	r := csv.NewReader(bytes.NewReader(verisAttackCSV))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("veris-attack.csv: %w", err)
	}
	m := map[string][]string{}
	for _, row := range rows[1:] {
		if len(row) < 2 {
			continue
		}
		id, err := NormalizeTechnique(row[1])
		if err != nil {
			return nil, fmt.Errorf("veris-attack.csv: %w", err)
		}
		k := strings.ToLower(row[0])
		m[k] = AddTechnique(m[k], id)
	}
	return m, nil
})

// Parse implements Format.
func (Veris) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	attack, err := verisAttack()
	if err != nil {
		return err
	}
	m := newMapping(p, "veris")
	mode := m.get("techniques", verisDefaults["techniques"])
	switch mode {
	case "all", "parents", "none":
	default:
		return fmt.Errorf("%s: mapping veris.techniques = %q: want all, parents or none", p.File, mode)
	}
	decode := func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
		fd := newFieldDecoder(p, ref)
		d := verisDecoder{fieldDecoder: fd, m: m, attack: attack, mode: mode}
		c, err := d.decode(rec)
		return fd.warned(c), err
	}
	return readJSONRecords(p, r, emit, nil, decode)
}

type verisDecoder struct {
	fieldDecoder
	m      mapping
	attack map[string][]string
	mode   string
}

func (d verisDecoder) obj(field string, v any) (map[string]any, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	}
	return nil, d.fail(field, "want an object, got %s", jsonType(v))
}

// integer reads a whole number (VERIS writes 2019 or 2019.0); ok is false
// when absent.
func (d verisDecoder) integer(field string, v any) (int, bool, *RecordError) {
	if v == nil {
		return 0, false, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, false, d.fail(field, "want a whole number, got %s", jsonType(v))
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, false, d.fail(field, "want a whole number, got %s", truncate(n.String(), 20))
	}
	return int(f), true, nil
}

func (d verisDecoder) decode(rec map[string]any) (*Case, *RecordError) {
	c := &Case{Source: d.m.get("source", verisDefaults["source"]), MilestoneSources: map[string]string{}, Status: "closed"}
	if c.Source == "" {
		c.Source = "veris"
	}
	var err *RecordError
	idSpec := d.m.get("id", verisDefaults["id"])
	idField := ""
	for _, alt := range splitList(idSpec, "|") {
		if c.ID, err = d.text(alt, getPath(rec, alt)); err != nil {
			return nil, err
		}
		if c.ID != "" {
			idField = alt
			break
		}
	}
	if c.ID == "" {
		return nil, d.fail(strings.ReplaceAll(idSpec, "|", " or "), "required (VERIS records are keyed on plus.master_id: incident_id repeats)")
	}
	if err := d.checkID(idField, c.ID); err != nil {
		return nil, err
	}
	summary, err := d.text("summary", rec["summary"])
	if err != nil {
		return nil, err
	}
	victim, err := d.obj("victim", rec["victim"])
	if err != nil {
		return nil, err
	}
	victimID, err := d.text("victim.victim_id", victim["victim_id"])
	if err != nil {
		return nil, err
	}
	c.Title = verisTitle(summary, victimID)

	extra := map[string]any{}
	if err = d.timeline(c, rec["timeline"], extra); err != nil {
		return nil, err
	}
	if err = d.actions(c, rec["action"], extra); err != nil {
		return nil, err
	}
	impact, err := d.obj("impact", rec["impact"])
	if err != nil {
		return nil, err
	}
	rating, err := d.text("impact.overall_rating", impact["overall_rating"])
	if err != nil {
		return nil, err
	}
	c.Severity = verisSeverity[strings.ToLower(rating)]
	si, err := d.text("security_incident", rec["security_incident"])
	if err != nil {
		return nil, err
	}
	c.Excluded = d.m.set("exclude_security_incident", verisDefaults["exclude_security_incident"])[normWord(si)]

	actor, err := d.obj("actor", rec["actor"])
	if err != nil {
		return nil, err
	}
	var actors []string
	for _, a := range sortedKeys(actor) {
		actors = append(actors, a)
		c.Tags = append(c.Tags, "actor:"+NormalizeCategory(a))
	}
	dm, err := d.discoveryMethod(rec["discovery_method"])
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, m := range dm {
		kind, _, _ := strings.Cut(m, ":")
		if tag := "discovery:" + NormalizeCategory(kind); !seen[tag] {
			seen[tag] = true
			c.Tags = append(c.Tags, tag)
		}
	}

	version, err := d.text("schema_version", rec["schema_version"])
	if err != nil {
		return nil, err
	}
	extra["schema_version"] = strings.ReplaceAll(version, "_", ".")
	extra["summary"] = summary
	extra["victim_id"] = victimID
	extra["actors"] = actors
	extra["discovery_method"] = dm
	extra["security_incident"] = si
	extra["impact_rating"] = rating
	for _, k := range []string{"incident_id", "source_id", "reference"} {
		s, err := d.text(k, rec[k])
		if err != nil {
			return nil, err
		}
		extra[k] = s
	}
	industry, err := d.text("victim.industry", victim["industry"])
	if err != nil {
		return nil, err
	}
	extra["industry"] = industry
	size, err := d.text("victim.employee_count", victim["employee_count"])
	if err != nil {
		return nil, err
	}
	extra["employee_count"] = size // "1 to 10" … "Over 100000", "Small", "Large", "Unknown"
	country, err := d.texts("victim.country", victim["country"])
	if err != nil {
		return nil, err
	}
	extra["country"] = country
	c.Extra = extraJSON(extra)
	return c, nil
}

// verisTitle is the summary's first sentence (at most 120 characters; a
// full stop in the first 40 is taken for an abbreviation such as "U.S."),
// or the victim.
func verisTitle(summary, victim string) string {
	s := strings.Join(strings.Fields(summary), " ")
	if s == "" {
		return victim
	}
	if i := strings.Index(s[min(40, len(s)):], ". "); i >= 0 {
		s = s[:min(40, len(s))+i+1]
	}
	if utf8.RuneCountInString(s) > 120 {
		r := []rune(s)[:119]
		cut := string(r)
		if i := strings.LastIndex(cut, " "); i > 60 {
			cut = cut[:i]
		}
		s = strings.TrimRight(cut, " ,;:-") + "…"
	}
	return s
}

// timeline reads the incident date (the compromise milestone) and the
// phases, deriving detection and containment when their values are given.
func (d verisDecoder) timeline(c *Case, v any, extra map[string]any) *RecordError {
	tl, err := d.obj("timeline", v)
	if err != nil {
		return err
	}
	inc, err := d.obj("timeline.incident", tl["incident"])
	if err != nil {
		return err
	}
	year, ok, err := d.integer("timeline.incident.year", inc["year"])
	if err != nil {
		return err
	}
	if !ok {
		return d.fail("timeline.incident.year", "required (VERIS incidents have at least a year)")
	}
	month, hasMonth, err := d.integer("timeline.incident.month", inc["month"])
	if err != nil {
		return err
	}
	day, hasDay, err := d.integer("timeline.incident.day", inc["day"])
	if err != nil {
		return err
	}
	clock, err := d.text("timeline.incident.time", inc["time"])
	if err != nil {
		return err
	}
	if hasMonth && (month < 1 || month > 12) {
		return d.fail("timeline.incident.month", "month %d is not 1–12", month)
	}
	if hasDay && !hasMonth {
		hasDay = false // a day without its month says nothing
	}
	loc := d.p.Location
	if loc == nil {
		loc = time.UTC
	}
	precision := "year"
	m, dd := time.January, 1
	if hasMonth {
		precision, m = "month", time.Month(month)
	}
	invalidDay := 0
	if hasDay {
		if day < 1 || day > 31 {
			return d.fail("timeline.incident.day", "day %d is not 1–31", day)
		}
		if time.Date(year, m, day, 0, 0, 0, 0, time.UTC).Day() != day {
			// A real VCDB record says 2018-02-29: keep the month, note the
			// impossible day rather than guess or refuse the incident.
			hasDay, invalidDay = false, day
		} else {
			precision, dd = "day", day
		}
	}
	// Midnight, or the time of day, may fall in a DST gap of the zone.
	at, note := inZone(time.Date(year, m, dd, 0, 0, 0, 0, time.UTC), loc, fmt.Sprintf("%04d-%02d-%02d", year, m, dd))
	noteField := "timeline.incident"
	if hasDay && clock != "" {
		ct, zone, ok := verisClock(clock)
		if !ok {
			return d.fail("timeline.incident.time", "want a time like \"05:45:00 PM\", got %q", truncate(clock, 20))
		}
		if zone != nil {
			loc = zone
		}
		at, note = inZone(time.Date(year, m, dd, ct.Hour(), ct.Minute(), ct.Second(), 0, time.UTC), loc, fmt.Sprintf("%04d-%02d-%02d %s", year, m, dd, clock))
		noteField = "timeline.incident.time"
		precision = "time"
	}
	d.warn(noteField, note)
	if _, e := plausible(at, fmt.Sprint(year)); e != nil {
		return d.fail("timeline.incident.year", "%v", e)
	}
	incident := map[string]any{"year": year, "precision": precision}
	if hasMonth {
		incident["month"] = month
	}
	if hasDay {
		incident["day"] = day
	}
	if invalidDay != 0 {
		incident["invalid_day"] = invalidDay
	}
	extra["incident_date"] = incident
	setMilestone(c, "compromise", &at, "timeline.incident (precision: "+precision+")")

	buckets := map[string]TimelineBucket{}
	for _, ph := range verisPhases {
		b, err := d.bucket(ph, tl[ph])
		if err != nil {
			return err
		}
		if b != nil {
			c.Buckets = append(c.Buckets, *b)
			buckets[ph] = *b
		}
	}
	if b, ok := buckets["discovery"]; ok && b.Hours != nil {
		det, err := d.shift("timeline.discovery", at, *b.Hours)
		if err != nil {
			return err
		}
		setMilestone(c, "detection", &det, "timeline.incident + timeline.discovery ("+bucketText(b)+")")
		if cb, ok := buckets["containment"]; ok && cb.Hours != nil {
			con, err := d.shift("timeline.containment", det, *cb.Hours)
			if err != nil {
				return err
			}
			setMilestone(c, "containment", &con, "timeline.incident + timeline.discovery + timeline.containment ("+bucketText(b)+" + "+bucketText(cb)+")")
		}
	}
	return nil
}

// verisClockLayouts are the spellings of timeline.incident.time met in
// VCDB ("05:45:00 PM" is the schema's; "03:00 AM" and a " UTC" suffix occur).
var verisClockLayouts = []string{"03:04:05 PM", "3:04:05 PM", "03:04 PM", "3:04 PM", "15:04:05", "15:04"}

// verisClock reads a time of day; zone is UTC when the text says so, else
// nil (the --tz zone).
func verisClock(s string) (time.Time, *time.Location, bool) {
	s = strings.TrimSpace(s)
	var zone *time.Location
	for _, suffix := range []string{" UTC", " GMT", "Z"} {
		if strings.HasSuffix(strings.ToUpper(s), suffix) {
			s, zone = strings.TrimSpace(s[:len(s)-len(suffix)]), time.UTC
		}
	}
	for _, layout := range verisClockLayouts {
		if t, err := time.Parse(layout, strings.ToUpper(s)); err == nil {
			return t, zone, true
		}
	}
	return time.Time{}, nil, false
}

// bucket reads one phase {unit, value}; nil when absent.
func (d verisDecoder) bucket(phase string, v any) (*TimelineBucket, *RecordError) {
	field := "timeline." + phase
	obj, err := d.obj(field, v)
	if err != nil || obj == nil {
		return nil, err
	}
	u, err := d.text(field+".unit", obj["unit"])
	if err != nil {
		return nil, err
	}
	if u == "" {
		return nil, d.fail(field+".unit", "required")
	}
	unit, ok := verisUnits[strings.ToLower(u)]
	if !ok {
		return nil, d.fail(field+".unit", "unknown unit %q (want Seconds, Minutes, Hours, Days, Weeks, Months, Years, Never, NA or Unknown)", truncate(u, 40))
	}
	b := &TimelineBucket{Phase: phase, Unit: unit}
	if raw := obj["value"]; raw != nil {
		n, ok := raw.(json.Number)
		if !ok {
			return nil, d.fail(field+".value", "want a number, got %s", jsonType(raw))
		}
		f, e := strconv.ParseFloat(n.String(), 64)
		if e != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return nil, d.fail(field+".value", "want a number ≥ 0, got %s", truncate(n.String(), 20))
		}
		b.Value = &f
		if per, ok := verisHours[unit]; ok {
			h := f * per
			b.Hours = &h
		}
	}
	return b, nil
}

// shift adds hours to t; implausible results (a value in the wrong unit)
// are errors.
func (d verisDecoder) shift(field string, t time.Time, hours float64) (time.Time, *RecordError) {
	const maxHours = 200 * 365.25 * 24
	if hours > maxHours {
		return time.Time{}, d.fail(field+".value", "implausible duration (%.0f hours)", hours)
	}
	out := t.Add(time.Duration(math.Round(hours * float64(time.Hour))))
	if _, err := plausible(out, out.Format(time.RFC3339)); err != nil {
		return time.Time{}, d.fail(field+".value", "%v", err)
	}
	return out, nil
}

// bucketText writes "2 Months; 1 month = 30.44 days" for the provenance.
func bucketText(b TimelineBucket) string {
	s := strconv.FormatFloat(*b.Value, 'f', -1, 64) + " " + b.Unit
	switch b.Unit {
	case "Months":
		s += "; 1 month = 30.44 days"
	case "Years":
		s += "; 1 year = 365.25 days"
	}
	return s
}

// actions reads action.<category>.{variety, vector}: the techniques (via
// the VERIS → ATT&CK mapping), the category and the root-cause category.
func (d verisDecoder) actions(c *Case, v any, extra map[string]any) *RecordError {
	act, err := d.obj("action", v)
	if err != nil {
		return err
	}
	type action struct{ variety, vector []string }
	found := map[string]action{}
	kept := map[string]any{}
	var ids []string
	defer func() { c.Techniques = appendUnique(c.Techniques, ids...) }()
	for _, cat := range sortedKeys(act) {
		field := "action." + cat
		ao, err := d.obj(field, act[cat])
		if err != nil {
			return err
		}
		var a action
		if a.variety, err = d.texts(field+".variety", ao["variety"]); err != nil {
			return err
		}
		if a.vector, err = d.texts(field+".vector", ao["vector"]); err != nil {
			return err
		}
		key := strings.ToLower(cat)
		found[key] = a
		kept[key] = map[string]any{"variety": a.variety, "vector": a.vector}
		c.Tags = append(c.Tags, "action:"+NormalizeCategory(cat))
		if d.mode == "none" {
			continue
		}
		for _, kind := range [][2]any{{"variety", a.variety}, {"vector", a.vector}} {
			for _, val := range kind[1].([]string) {
				for _, id := range d.attack["action."+key+"."+kind[0].(string)+"."+strings.ToLower(val)] {
					if d.mode == "parents" {
						id, _, _ = strings.Cut(id, ".")
					}
					ids = append(ids, id)
				}
			}
		}
	}
	extra["actions"] = kept
	for _, cat := range verisActionOrder {
		a, ok := found[cat]
		if !ok {
			continue
		}
		c.Category = cat
		for _, mal := range found["malware"].variety {
			if strings.EqualFold(mal, "Ransomware") {
				c.Category = "ransomware"
			}
		}
		c.RootCause.Category = cat
		for _, v := range a.variety {
			if w := strings.ToLower(v); w != "unknown" && w != "other" && w != "na" {
				c.RootCause.Category = NormalizeCategory(cat + " " + v)
				break
			}
		}
		break
	}
	return nil
}

// discoveryMethod reads both shapes: a 1.2 string ("Ext - actor
// disclosure") and the later object {external: {variety: [...]}, unknown:
// true}; the result is "external: Actor disclosure", …
func (d verisDecoder) discoveryMethod(v any) ([]string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		s := CleanText(x)
		if s == "" {
			return nil, nil
		}
		prefix, rest, ok := strings.Cut(s, " - ")
		if !ok {
			return []string{strings.ToLower(s)}, nil
		}
		kind := map[string]string{"ext": "external", "int": "internal", "prt": "partner", "partner": "partner"}[strings.ToLower(prefix)]
		if kind == "" {
			kind = strings.ToLower(prefix)
		}
		return []string{kind + ": " + rest}, nil
	case map[string]any:
		var out []string
		for _, k := range sortedKeys(x) {
			switch kv := x[k].(type) {
			case bool:
				if kv {
					out = append(out, k)
				}
			case map[string]any:
				vs, err := d.texts("discovery_method."+k+".variety", kv["variety"])
				if err != nil {
					return nil, err
				}
				for _, s := range vs {
					out = append(out, k+": "+s)
				}
				if len(vs) == 0 {
					out = append(out, k)
				}
			case nil:
			default:
				return nil, d.fail("discovery_method."+k, "want an object or true, got %s", jsonType(kv))
			}
		}
		return out, nil
	}
	return nil, d.fail("discovery_method", "want a string (schema 1.2) or an object, got %s", jsonType(v))
}
