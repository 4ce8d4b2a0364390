package ingest

// Helpers shared by the importers of case managers' exports (thehive.go,
// servicenow.go, sentinel.go, iris.go, veris.go). Each importer maps one
// export onto Case with the canonical format's guarantees: a bad record
// becomes a *RecordError naming the file, the record and the field, and no
// input makes a parser panic.

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
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
