package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Canonical is the "pir case v1" format: a JSON array of cases, JSON Lines
// (one case per line), or CSV (one row per case, dotted column names).
type Canonical struct{}

// Name implements Format.
func (Canonical) Name() string { return "pir" }

// Parse implements Format.
func (Canonical) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) == 0 && len(head) == 64<<10:
		// Not empty: the records start beyond what was sniffed. Refuse
		// rather than read the file as empty.
		return &RecordError{File: p.File, Ref: "1", Reason: "more than 64 KiB of white space before the first record"}
	case len(trimmed) == 0:
		return nil // an empty file holds no cases
	case trimmed[0] == '[':
		return parseJSONArray(p, br, emit, decodeCanonicalRaw)
	case trimmed[0] == '{':
		// One core stays with the goroutine that loads the records (the
		// longer part), the others decode.
		return parseJSONLines(p, br, emit, decodeCanonicalRaw, max(1, runtime.GOMAXPROCS(0)-1))
	default:
		return parseCanonicalCSV(p, br, emit)
	}
}

// decodeCanonicalRaw decodes one canonical JSON record: in one pass when
// it can (fastCanonical), else through the generic map, which also writes
// every error message.
func decodeCanonicalRaw(p *ParseContext, raw []byte, ref string, lim Limits) Record {
	if c, ok := fastCanonical(p, raw, lim); ok {
		return Record{Case: c}
	}
	return decodeRaw(p, raw, ref, lim, decodeCanonical)
}

// decodeCanonical decodes one generic record of the canonical format.
func decodeCanonical(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
	return canonicalDecoder{newFieldDecoder(p, ref)}.decodeCase(rec)
}

// canonicalDecoder walks a generic record of the canonical format (JSON, or
// a CSV row made into nested objects) field by field into a Case.
type canonicalDecoder struct{ fieldDecoder }

// decodeCase is decode with the warnings noted on the case.
func (d canonicalDecoder) decodeCase(rec map[string]any) (*Case, *RecordError) {
	c, err := d.decode(rec)
	if err != nil {
		return nil, err
	}
	return d.warned(c), nil
}

func (d canonicalDecoder) decode(rec map[string]any) (*Case, *RecordError) {
	c := &Case{MilestoneSources: map[string]string{}}
	var err *RecordError
	extra := map[string]any{}
	for _, k := range sortedKeys(rec) {
		v := rec[k]
		switch k {
		case "id":
			switch x := v.(type) {
			case string:
				c.ID = CleanText(x)
			case nil:
			default:
				return nil, d.fail("id", "want a string, got %s", jsonType(v))
			}
		case "source":
			if c.Source, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "title":
			if c.Title, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "severity":
			var s string
			switch x := v.(type) {
			case json.Number:
				s = x.String()
			default:
				if s, err = d.str(k, v); err != nil {
					return nil, err
				}
			}
			sv, e := NormalizeSeverity(s)
			if e != nil {
				return nil, d.fail(k, "%v", e)
			}
			c.Severity = sv
		case "category":
			s, err := d.str(k, v)
			if err != nil {
				return nil, err
			}
			c.Category = NormalizeCategory(s)
		case "status":
			s, err := d.str(k, v)
			if err != nil {
				return nil, err
			}
			switch st := strings.ToLower(s); st {
			case "open", "closed", "":
				c.Status = st
			default:
				return nil, d.fail(k, "unknown status %q (want open or closed)", truncate(s, 40))
			}
		case "tags":
			if c.Tags, err = d.strList(k, v); err != nil {
				return nil, err
			}
		case "exclude_from_metrics":
			if c.Excluded, err = d.boolean(k, v); err != nil {
				return nil, err
			}
		case "timeline":
			if err = d.timeline(c, v); err != nil {
				return nil, err
			}
		case "techniques":
			ids, err := d.strList(k, v)
			if err != nil {
				return nil, err
			}
			for i, s := range ids {
				id, e := NormalizeTechnique(s)
				if e != nil {
					return nil, d.fail(fmt.Sprintf("techniques[%d]", i), "%v", e)
				}
				ids[i] = id
			}
			c.Techniques = appendUnique(c.Techniques, ids...)
		case "root_cause":
			if err = d.rootCause(c, v); err != nil {
				return nil, err
			}
		case "action_items":
			if err = d.actionItems(c, v); err != nil {
				return nil, err
			}
		case "lessons":
			m, err := d.obj(k, v)
			if err != nil {
				return nil, err
			}
			for _, lk := range sortedKeys(m) {
				lv := m[lk]
				switch lk {
				case "went_well":
					c.Lessons.WentWell, c.Lessons.WentWellThemes, err = d.lessonList("lessons.went_well", lv)
				case "needs_improvement":
					c.Lessons.NeedsImprovement, c.Lessons.NeedsImprovementThemes, err = d.lessonList("lessons.needs_improvement", lv)
				default:
					err = d.fail("lessons."+lk, "unknown field (want went_well or needs_improvement)")
				}
				if err != nil {
					return nil, err
				}
			}
		case "detection_rules":
			if err = d.detectionRules(c, v); err != nil {
				return nil, err
			}
		case "assets":
			names, err := d.strList(k, v)
			if err != nil {
				return nil, err
			}
			c.Assets = AddAssets(nil, names)
		case "platforms":
			names, err := d.strList(k, v)
			if err != nil {
				return nil, err
			}
			for i, s := range names {
				p, e := NormalizePlatform(s)
				if e != nil {
					return nil, d.fail(fmt.Sprintf("platforms[%d]", i), "%v", e)
				}
				c.Platforms = AddTechnique(c.Platforms, p) // at most len(Platforms) entries
			}
		case "team":
			if c.Team, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "business_unit":
			if c.BusinessUnit, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "tenant":
			if c.Tenant, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "detection_source":
			s, err := d.str(k, v)
			if err != nil {
				return nil, err
			}
			if c.DetectionSource, err = d.normalized(k, s, NormalizeDetectionSource); err != nil {
				return nil, err
			}
		case "impact":
			if err = d.impact(c, v); err != nil {
				return nil, err
			}
		case "review":
			if err = d.review(c, v); err != nil {
				return nil, err
			}
		case "playbook_updates":
			if err = d.playbookUpdates(c, v); err != nil {
				return nil, err
			}
		default:
			extra[k] = v
		}
	}
	if c.ID == "" {
		return nil, d.fail("id", "required")
	}
	if e := visibleID(c.ID); e != nil {
		return nil, d.fail("id", "%v", e)
	}
	if c.Source == "" {
		c.Source = "pir"
	}
	if c.Timeline.Detection == nil {
		return nil, d.fail("timeline.detection", "required")
	}
	if c.Status == "" {
		c.Status = "open"
		if c.Timeline.Closure != nil {
			c.Status = "closed"
		}
	}
	if len(extra) > 0 {
		b, e := json.Marshal(extra)
		if e != nil {
			return nil, d.fail("", "unknown fields: %v", e)
		}
		c.Extra = b
	}
	return c, nil
}

func (d canonicalDecoder) timeline(c *Case, v any) *RecordError {
	m, err := d.obj("timeline", v)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		tv := m[k]
		p := c.Timeline.Ptr(k)
		if p == nil {
			return d.fail("timeline."+k, "unknown milestone (want one of %s)", strings.Join(Milestones, ", "))
		}
		if tv == nil {
			continue
		}
		if s, ok := tv.(string); ok && strings.TrimSpace(s) == "" {
			continue
		}
		t, note, e := parseInstant(tv, d.p.Location)
		if e != nil {
			return d.fail("timeline."+k, "%v", e)
		}
		d.warn("timeline."+k, note)
		*p = &t
		c.MilestoneSources[k] = "timeline." + k
	}
	return nil
}

func (d canonicalDecoder) rootCause(c *Case, v any) *RecordError {
	m, err := d.obj("root_cause", v)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		rv := m[k]
		switch k {
		case "category":
			s, err := d.str("root_cause.category", rv)
			if err != nil {
				return err
			}
			c.RootCause.Category = NormalizeCategory(s)
		case "summary":
			if c.RootCause.Summary, err = d.str("root_cause.summary", rv); err != nil {
				return err
			}
		case "whys":
			if c.RootCause.Whys, err = d.strList("root_cause.whys", rv); err != nil {
				return err
			}
		default:
			return d.fail("root_cause."+k, "unknown field (want category, summary or whys)")
		}
	}
	return nil
}

func (d canonicalDecoder) actionItems(c *Case, v any) *RecordError {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		return d.fail("action_items", "want a list of objects, got %s", jsonType(v))
	}
	seen := map[string]bool{}
	for i, e := range list {
		field := fmt.Sprintf("action_items[%d]", i)
		m, err := d.obj(field, e)
		if err != nil {
			return err
		}
		if m == nil {
			return d.fail(field, "want an object, got null")
		}
		ai := ActionItem{}
		for _, k := range sortedKeys(m) {
			av := m[k]
			f := field + "." + k
			switch k {
			case "id":
				switch x := av.(type) {
				case string:
					ai.ID = CleanText(x)
				case json.Number:
					id, e := canonicalNumber(x.String())
					if e != nil {
						return d.fail(f, "%v", e)
					}
					ai.ID = id
				case nil:
				default:
					return d.fail(f, "want a string, got %s", jsonType(av))
				}
			case "summary":
				ai.Summary, err = d.str(f, av)
			case "owner":
				ai.Owner, err = d.str(f, av)
			case "priority":
				var s string
				if s, err = d.str(f, av); err == nil {
					ai.Priority = NormalizeCategory(s)
				}
			case "status":
				var s string
				if s, err = d.str(f, av); err == nil {
					st, e := NormalizeActionStatus(s)
					if e != nil {
						return d.fail(f, "%v", e)
					}
					ai.Status = st
				}
			case "due":
				if av == nil {
					continue
				}
				t, e := ParseDate(av, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				ai.Due = &Date{t}
			case "completed":
				if av == nil {
					continue
				}
				t, note, e := parseInstant(av, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				d.warn(f, note)
				ai.Completed = &t
			default:
				return d.fail(f, "unknown field (want id, summary, owner, priority, due, status, completed)")
			}
			if err != nil {
				return err
			}
		}
		if ai.ID == "" {
			ai.ID = fmt.Sprintf("%d", i+1)
		}
		if e := visibleID(ai.ID); e != nil {
			return d.fail(field+".id", "%v", e)
		}
		if seen[ai.ID] {
			return d.fail(field+".id", "duplicate action-item id %q in this case", truncate(ai.ID, 40))
		}
		seen[ai.ID] = true
		if ai.Status == "" {
			ai.Status = "open"
			if ai.Completed != nil {
				ai.Status = "done"
			}
		}
		c.ActionItems = append(c.ActionItems, ai)
	}
	return nil
}

func (d canonicalDecoder) detectionRules(c *Case, v any) *RecordError {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		return d.fail("detection_rules", "want a list of objects, got %s", jsonType(v))
	}
	for i, e := range list {
		field := fmt.Sprintf("detection_rules[%d]", i)
		m, err := d.obj(field, e)
		if err != nil {
			return err
		}
		if m == nil {
			return d.fail(field, "want an object, got null")
		}
		r := DetectionRule{}
		for _, k := range sortedKeys(m) {
			rv := m[k]
			f := field + "." + k
			switch k {
			case "id":
				r.ID, err = d.str(f, rv)
			case "title":
				r.Title, err = d.str(f, rv)
			case "techniques":
				var ids []string
				if ids, err = d.strList(f, rv); err == nil {
					for j, s := range ids {
						id, e := NormalizeTechnique(s)
						if e != nil {
							return d.fail(fmt.Sprintf("%s[%d]", f, j), "%v", e)
						}
						ids[j] = id
					}
					r.Techniques = appendUnique(r.Techniques, ids...)
				}
			case "status":
				var s string
				if s, err = d.str(f, rv); err == nil {
					r.Status, err = d.normalized(f, s, NormalizeRuleStatus)
				}
			case "sigma_id":
				var s string
				if s, err = d.str(f, rv); err == nil {
					r.SigmaID, err = d.normalized(f, s, NormalizeSigmaID)
				}
			default:
				return d.fail(f, "unknown field (want id, title, techniques, status, sigma_id)")
			}
			if err != nil {
				return err
			}
		}
		if r.ID == "" {
			return d.fail(field+".id", "required")
		}
		c.DetectionRules = append(c.DetectionRules, r)
	}
	return nil
}

// lessonList reads a list of lessons, each a string or {text, theme}:
// the texts, and the themes ("" where none; nil when no lesson has one).
// Empty strings are dropped as in strList.
func (d canonicalDecoder) lessonList(field string, v any) (texts, themes []string, rerr *RecordError) {
	list, ok := v.([]any)
	if v == nil {
		return nil, nil, nil
	}
	if !ok {
		return nil, nil, d.fail(field, "want a list of strings or {text, theme} objects, got %s", jsonType(v))
	}
	texts = make([]string, 0, len(list))
	var themed bool
	for i, e := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		var text, theme string
		switch x := e.(type) {
		case string:
			text = CleanText(x)
		case map[string]any:
			for _, k := range sortedKeys(x) {
				var err *RecordError
				switch k {
				case "text":
					text, err = d.str(f+".text", x[k])
				case "theme":
					theme, err = d.str(f+".theme", x[k])
				default:
					err = d.fail(f+"."+k, "unknown field (want text or theme)")
				}
				if err != nil {
					return nil, nil, err
				}
			}
			if text == "" {
				return nil, nil, d.fail(f+".text", "required")
			}
		default:
			return nil, nil, d.fail(f, "want a string or a {text, theme} object, got %s", jsonType(e))
		}
		if text == "" {
			continue
		}
		texts = append(texts, text)
		themes = append(themes, theme)
		themed = themed || theme != ""
	}
	if !themed {
		themes = nil
	}
	return texts, themes, nil
}

func (d canonicalDecoder) impact(c *Case, v any) *RecordError {
	m, err := d.obj("impact", v)
	if err != nil || m == nil {
		return err
	}
	im := Impact{}
	for _, k := range sortedKeys(m) {
		iv := m[k]
		f := "impact." + k
		if iv == nil {
			if impactKey(k) {
				continue // null: unknown
			}
		}
		switch k {
		case "records":
			s, err := d.number(f, iv)
			if err != nil {
				return err
			}
			n, e := parseCount(s)
			if e != nil {
				return d.fail(f, "%v", e)
			}
			im.Records = &n
		case "cost", "downtime_hours":
			s, err := d.number(f, iv)
			if err != nil {
				return err
			}
			x, e := parseAmount(s)
			if e != nil {
				return d.fail(f, "%v", e)
			}
			if k == "cost" {
				im.Cost = &x
			} else {
				im.DowntimeHours = &x
			}
		case "currency":
			s, err := d.str(f, iv)
			if err != nil {
				return err
			}
			if im.Currency, err = d.normalized(f, s, NormalizeCurrency); err != nil {
				return err
			}
		case "regulator_notified":
			if im.RegulatorNotified, err = d.optBool(f, iv); err != nil {
				return err
			}
		case "customers_notified":
			if im.CustomersNotified, err = d.optBool(f, iv); err != nil {
				return err
			}
		default:
			return d.fail(f, "unknown field (want records, cost, currency, downtime_hours, regulator_notified, customers_notified)")
		}
	}
	if im.Cost != nil && im.Currency == "" {
		return d.fail("impact.currency", "required with impact.cost (ISO 4217, e.g. EUR)")
	}
	if im != (Impact{}) {
		c.Impact = &im
	}
	return nil
}

// impactKey reports whether k is a field of impact.
func impactKey(k string) bool {
	switch k {
	case "records", "cost", "currency", "downtime_hours", "regulator_notified", "customers_notified":
		return true
	}
	return false
}

func (d canonicalDecoder) review(c *Case, v any) *RecordError {
	m, err := d.obj("review", v)
	if err != nil || m == nil {
		return err
	}
	rv := Review{}
	for _, k := range sortedKeys(m) {
		x := m[k]
		f := "review." + k
		switch k {
		case "status":
			s, err := d.str(f, x)
			if err != nil {
				return err
			}
			if rv.Status, err = d.normalized(f, s, NormalizeReviewStatus); err != nil {
				return err
			}
		case "held_at", "published_at":
			if x == nil {
				continue
			}
			if s, ok := x.(string); ok && strings.TrimSpace(s) == "" {
				continue
			}
			t, e := ParseTimestamp(x, d.p.Location)
			if e != nil {
				return d.fail(f, "%v", e)
			}
			if k == "held_at" {
				rv.HeldAt = &t
			} else {
				rv.PublishedAt = &t
			}
		case "facilitator":
			if rv.Facilitator, err = d.str(f, x); err != nil {
				return err
			}
		default:
			return d.fail(f, "unknown field (want status, held_at, published_at, facilitator)")
		}
	}
	if rv == (Review{}) {
		return nil
	}
	if rv.Status == "" {
		rv.Status = defaultReviewStatus(rv.HeldAt, rv.PublishedAt)
	}
	c.Review = &rv
	return nil
}

// defaultReviewStatus is a review's status when the input gives none:
// published when it was published, held when it was held, else scheduled.
func defaultReviewStatus(held, published *time.Time) string {
	switch {
	case published != nil:
		return "published"
	case held != nil:
		return "held"
	}
	return "scheduled"
}

func (d canonicalDecoder) playbookUpdates(c *Case, v any) *RecordError {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		return d.fail("playbook_updates", "want a list of objects, got %s", jsonType(v))
	}
	for i, e := range list {
		field := fmt.Sprintf("playbook_updates[%d]", i)
		m, err := d.obj(field, e)
		if err != nil {
			return err
		}
		if m == nil {
			return d.fail(field, "want an object, got null")
		}
		u := PlaybookUpdate{}
		for _, k := range sortedKeys(m) {
			x := m[k]
			f := field + "." + k
			switch k {
			case "playbook":
				u.Playbook, err = d.str(f, x)
			case "change":
				u.Change, err = d.str(f, x)
			case "owner":
				u.Owner, err = d.str(f, x)
			case "status":
				var s string
				if s, err = d.str(f, x); err == nil {
					st, e := NormalizeActionStatus(s)
					if e != nil {
						return d.fail(f, "%v", e)
					}
					u.Status = st
				}
			case "due":
				if x == nil {
					continue
				}
				t, e := ParseDate(x, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				u.Due = &Date{t}
			case "completed":
				if x == nil {
					continue
				}
				t, e := ParseTimestamp(x, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				u.Completed = &t
			default:
				return d.fail(f, "unknown field (want playbook, change, owner, due, status, completed)")
			}
			if err != nil {
				return err
			}
		}
		if u.Playbook == "" {
			return d.fail(field+".playbook", "required")
		}
		if u.Status == "" {
			u.Status = "open"
			if u.Completed != nil {
				u.Status = "done"
			}
		}
		c.PlaybookUpdates = append(c.PlaybookUpdates, u)
	}
	return nil
}

// sortedKeys makes error reporting deterministic when a record has several
// problems.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
