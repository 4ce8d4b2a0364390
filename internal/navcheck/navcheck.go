// Package navcheck loads an ATT&CK Navigator layer (file format 4.5) the way
// the Navigator does, so tests can see what a layer pir writes would draw
// and what the Navigator would drop or complain about.
//
// It follows mitre-attack/attack-navigator at commit 5f3c6ad1 (v5.1.x):
//   - layers/spec/v4.5/layerformat.md: required fields, allowed values,
//     "versions.layer must be 4.5", "navigator must be at least 4.9.0",
//     technique IDs "T####" / "T####.###", gradient "at least two colors"
//     and "maxValue must be > minValue";
//   - nav-app/src/app/tabs/tabs.component.ts (readJSONFile,
//     versionMismatchWarning): a layer whose domain and ATT&CK version have
//     no data is refused; another layer format version is warned about;
//   - nav-app/src/app/classes/view-model.ts (deserializeDomainVersionID,
//     deserialize): the ATT&CK version is the first run of digits in
//     versions.attack; a technique with a tactic is stored under
//     techniqueID^tactic, one without is copied to every tactic of the
//     matching technique, and deprecated or revoked techniques are skipped
//     ("if (technique.deprecated || technique.revoked) break;"); an ID that
//     matches no technique is dropped without a word;
//   - nav-app/src/app/classes/stix/technique.ts: a tactic that is not one of
//     the technique's tactics is an error (get_technique_tactic_id);
//   - nav-app/src/app/classes/technique-vm.ts, metadata.ts, gradient.ts,
//     layout-options.ts: field types, metadata kept only when name and value
//     are non-empty (Metadata.valid), colours that tinycolor accepts, the
//     layout, aggregate function and sub-technique options.
//
// Everything the Navigator would drop, skip or log is a Problem: a layer
// pir writes must have none.
package navcheck

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	pirsql "github.com/pirhq/pir/sql"
)

// Technique is one technique or sub-technique of the Navigator's ATT&CK data.
type Technique struct {
	ID         string
	Tactics    []string // shortnames, e.g. "initial-access"
	Deprecated bool
	Revoked    bool
}

// Catalogue is the ATT&CK data the Navigator has loaded for one domain and
// version (e.g. enterprise-attack v18).
type Catalogue struct {
	Domain     string
	Version    string // major version, e.g. "18"
	Tactics    []string
	Techniques map[string]Technique
}

// NewCatalogue is the Navigator's data for the release pir's catalogue
// holds (sql.DB.AttackTechniques): domain, major version and techniques.
func NewCatalogue(ts []pirsql.AttackTechnique) *Catalogue {
	c := &Catalogue{Techniques: map[string]Technique{}}
	seen := map[string]bool{}
	for _, t := range ts {
		c.Domain = t.Domain
		c.Version = digits.FindString(t.Release)
		c.Techniques[t.ID] = Technique{ID: t.ID, Tactics: t.Tactics, Deprecated: t.Deprecated, Revoked: t.Revoked}
		for _, tac := range t.Tactics {
			if !seen[tac] {
				seen[tac] = true
				c.Tactics = append(c.Tactics, tac)
			}
		}
	}
	sort.Strings(c.Tactics)
	return c
}

// Cell is one technique drawn under one tactic.
type Cell struct {
	TechniqueID string
	Tactic      string
	Score       *float64 // nil: unscored
	Comment     string
	Enabled     bool
	Metadata    []Metadata
}

// Metadata is a name/value pair the Navigator shows.
type Metadata struct{ Name, Value string }

// Skipped is a technique entry the Navigator does not draw, and why.
type Skipped struct{ TechniqueID, Reason string }

// Layer is what the Navigator keeps of a layer file.
type Layer struct {
	Name, Domain, Description               string
	AttackVersion, LayerVersion, NavVersion string
	GradientColors                          []string
	GradientMin, GradientMax                float64
	Legend                                  []Metadata // label, colour
	Drawn                                   []Cell     // sorted by technique, tactic
	Skipped                                 []Skipped
	Metadata                                []Metadata
}

var (
	techniqueID = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	hexColour   = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	digits      = regexp.MustCompile(`\d+`)
	domains     = []string{"enterprise-attack", "mobile-attack", "ics-attack"}
)

// Load reads a layer file as the Navigator would with cat loaded, and
// returns what it keeps and every problem: a required field missing, a value
// of the wrong type or outside the allowed set, and anything dropped.
func Load(b []byte, cat *Catalogue) (*Layer, []string) {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, []string{"not a JSON object: " + err.Error()}
	}
	l := &Layer{}
	str := func(m map[string]any, key, where string, required bool) string {
		v, ok := m[key]
		if !ok {
			if required {
				bad("%s%s: required", where, key)
			}
			return ""
		}
		s, ok := v.(string)
		if !ok {
			bad("%s%s: %v is not a string", where, key, v)
		}
		return s
	}
	boolean := func(m map[string]any, key, where string) bool {
		v, ok := m[key]
		if !ok {
			return false
		}
		b, ok := v.(bool)
		if !ok {
			bad("%s%s: %v is not a boolean", where, key, v)
		}
		return b
	}

	l.Name = str(obj, "name", "", true)
	if _, ok := obj["name"]; ok && l.Name == "" {
		bad("name: empty")
	}
	l.Description = str(obj, "description", "", false)
	l.Domain = str(obj, "domain", "", true)
	if l.Domain != "" && !contains(domains, l.Domain) {
		bad("domain %q: want one of %v", l.Domain, domains)
	}

	// versions: the Navigator takes the ATT&CK major version from the first
	// run of digits and looks up "<domain>-<version>".
	if v, ok := obj["versions"].(map[string]any); ok {
		l.AttackVersion = str(v, "attack", "versions.", false)
		l.NavVersion = str(v, "navigator", "versions.", true)
		l.LayerVersion = str(v, "layer", "versions.", true)
	} else {
		bad("versions: required (an object with layer and navigator)")
	}
	if l.LayerVersion != "" && l.LayerVersion != "4.5" {
		bad("versions.layer %q: must be \"4.5\"", l.LayerVersion)
	}
	if l.NavVersion != "" && !atLeast(l.NavVersion, "4.9.0") {
		bad("versions.navigator %q: must be at least 4.9.0", l.NavVersion)
	}
	attack := ""
	if m := digits.FindString(l.AttackVersion); m != "" {
		attack = m
	} else if l.AttackVersion != "" {
		bad("versions.attack %q: no version number", l.AttackVersion)
	}
	if cat != nil && (l.Domain != cat.Domain || (attack != "" && attack != cat.Version)) {
		bad("'%s' (v%s) is an invalid domain: the Navigator has %s v%s", l.Domain, attack, cat.Domain, cat.Version)
	}

	if v, ok := obj["sorting"]; ok {
		if n, ok := v.(float64); !ok || n != float64(int(n)) || n < 0 || n > 3 {
			bad("sorting: %v is not 0, 1, 2 or 3", v)
		}
	}
	for _, k := range []string{"hideDisabled", "showTacticRowBackground", "selectTechniquesAcrossTactics", "selectSubtechniquesWithParent", "selectVisibleTechniques"} {
		boolean(obj, k, "")
	}
	if v, ok := obj["tacticRowBackground"]; ok {
		if s, ok := v.(string); !ok || !colour(s) {
			bad("tacticRowBackground: %v is not a colour", v)
		}
	}
	if v, ok := obj["layout"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			bad("layout: not an object")
		}
		for key, allowed := range map[string][]string{
			"layout":                {"side", "flat", "mini"},
			"aggregateFunction":     {"average", "min", "max", "sum"},
			"expandedSubtechniques": {"none", "annotated", "all"},
		} {
			if s := str(m, key, "layout.", false); s != "" && !contains(allowed, s) {
				bad("layout.%s %q: want one of %v", key, s, allowed)
			}
		}
		for _, k := range []string{"showID", "showName", "showAggregateScores", "countUnscored"} {
			boolean(m, k, "layout.")
		}
	}

	// gradient: at least two colours, numeric bounds, maxValue > minValue.
	if v, ok := obj["gradient"]; ok {
		g, _ := v.(map[string]any)
		cs, _ := g["colors"].([]any)
		if len(cs) < 2 {
			bad("gradient.colors: %v: at least two colours", g["colors"])
		}
		for _, c := range cs {
			s, ok := c.(string)
			if !ok || !colour(s) {
				bad("gradient.colors: %v is not a colour", c)
			}
			l.GradientColors = append(l.GradientColors, s)
		}
		min, okMin := g["minValue"].(float64)
		max, okMax := g["maxValue"].(float64)
		if !okMin || !okMax {
			bad("gradient: minValue %v and maxValue %v must be numbers", g["minValue"], g["maxValue"])
		} else if max <= min {
			bad("gradient: maxValue %v must be > minValue %v", max, min)
		}
		l.GradientMin, l.GradientMax = min, max
	} else {
		l.GradientColors, l.GradientMin, l.GradientMax = []string{"#ff6666", "#ffe766", "#8ec843"}, 0, 100
	}

	if v, ok := obj["legendItems"]; ok {
		items, _ := v.([]any)
		for i, x := range items {
			m, _ := x.(map[string]any)
			where := fmt.Sprintf("legendItems[%d].", i)
			label, col := str(m, "label", where, true), str(m, "color", where, true)
			if !colour(col) {
				bad("%scolor %q: not a colour", where, col)
				continue
			}
			l.Legend = append(l.Legend, Metadata{label, col})
		}
	}

	l.Metadata = metadata(obj, "", bad)

	// techniques
	seen := map[string]bool{}
	techs, _ := obj["techniques"].([]any)
	if v, ok := obj["techniques"]; ok && techs == nil && v != nil {
		bad("techniques: not an array")
	}
	for i, x := range techs {
		m, ok := x.(map[string]any)
		where := fmt.Sprintf("techniques[%d].", i)
		if !ok {
			bad("%s: not an object", where)
			continue
		}
		id := str(m, "techniqueID", where, true)
		if !techniqueID.MatchString(id) {
			bad("%stechniqueID %q: want T#### or T####.###", where, id)
			continue
		}
		c := Cell{TechniqueID: id, Enabled: true, Comment: str(m, "comment", where, false)}
		if v, ok := m["score"]; ok {
			if n, ok := v.(float64); ok {
				c.Score = &n
			} else {
				bad("%sscore: %v is not a number", where, v)
			}
		}
		if _, ok := m["enabled"]; ok {
			c.Enabled = boolean(m, "enabled", where)
		}
		boolean(m, "showSubtechniques", where)
		if s := str(m, "color", where, false); s != "" && !colour(s) {
			bad("%scolor %q: not a colour", where, s)
		}
		c.Metadata = metadata(m, where, bad)
		if cat == nil {
			continue
		}
		t, known := cat.Techniques[id]
		var tactics []string
		switch {
		case !known:
			l.Skipped = append(l.Skipped, Skipped{id, "not in ATT&CK " + cat.Domain + " v" + cat.Version})
			bad("%s %s: not in ATT&CK v%s, dropped without a trace", where, id, cat.Version)
			continue
		case t.Deprecated || t.Revoked:
			reason := "deprecated"
			if t.Revoked {
				reason = "revoked"
			}
			l.Skipped = append(l.Skipped, Skipped{id, reason})
			bad("%s %s: %s in ATT&CK v%s, the Navigator skips it", where, id, reason, cat.Version)
			continue
		}
		if tac, ok := m["tactic"]; ok {
			s, _ := tac.(string)
			switch {
			case !contains(cat.Tactics, s):
				bad("%stactic %v: not a tactic shortname of %s", where, tac, cat.Domain)
				continue
			case !contains(t.Tactics, s):
				bad("%stactic %q is not a tactic of %s (%v)", where, s, id, t.Tactics)
				continue
			}
			tactics = []string{s}
		} else {
			tactics = t.Tactics
		}
		for _, tac := range tactics {
			key := id + "^" + tac
			if seen[key] {
				bad("%s %s: a second entry for %s replaces the first", where, id, key)
			}
			seen[key] = true
			cc := c
			cc.Tactic = tac
			l.Drawn = append(l.Drawn, cc)
		}
	}
	sort.SliceStable(l.Drawn, func(i, j int) bool {
		if l.Drawn[i].TechniqueID != l.Drawn[j].TechniqueID {
			return l.Drawn[i].TechniqueID < l.Drawn[j].TechniqueID
		}
		return l.Drawn[i].Tactic < l.Drawn[j].Tactic
	})
	return l, probs
}

// metadata reads a metadata list; an entry the Navigator would drop
// (Metadata.valid: name and value non-empty strings, or a divider) is a
// problem.
func metadata(m map[string]any, where string, bad func(string, ...any)) []Metadata {
	v, ok := m["metadata"]
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		bad("%smetadata: not an array", where)
		return nil
	}
	var out []Metadata
	for i, x := range list {
		e, _ := x.(map[string]any)
		if _, ok := e["divider"]; ok {
			if _, ok := e["divider"].(bool); !ok {
				bad("%smetadata[%d].divider: not a boolean", where, i)
			}
			continue
		}
		name, okN := e["name"].(string)
		value, okV := e["value"].(string)
		if !okN || !okV || name == "" || value == "" {
			bad("%smetadata[%d] %v: name and value must be non-empty strings (the Navigator drops it)", where, i, x)
			continue
		}
		out = append(out, Metadata{name, value})
	}
	return out
}

// colour accepts what pir writes and tinycolor parses: hex colours and a few
// CSS names.
func colour(s string) bool {
	switch strings.ToLower(s) {
	case "red", "green", "blue", "white", "black", "transparent":
		return true
	}
	return hexColour.MatchString(s)
}

// atLeast compares dotted versions numerically.
func atLeast(v, min string) bool {
	a, b := strings.Split(v, "."), strings.Split(min, ".")
	for i := range b {
		x := 0
		if i < len(a) {
			n, err := strconv.Atoi(a[i])
			if err != nil {
				return false
			}
			x = n
		}
		y, _ := strconv.Atoi(b[i])
		if x != y {
			return x > y
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Summary prints what the Navigator keeps, for a reader: the header, the
// gradient, each drawn technique with its tactics and score, the legend and
// the layer metadata.
func (l *Layer) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "layer %q: domain %s, ATT&CK %s, format %s, Navigator %s\n", l.Name, l.Domain, l.AttackVersion, l.LayerVersion, l.NavVersion)
	fmt.Fprintf(&b, "gradient %v from %g to %g\n", l.GradientColors, l.GradientMin, l.GradientMax)
	type row struct {
		score   string
		tactics []string
		comment string
	}
	var order []string
	rows := map[string]*row{}
	for _, c := range l.Drawn {
		r := rows[c.TechniqueID]
		if r == nil {
			s := "unscored"
			if c.Score != nil {
				s = strconv.FormatFloat(*c.Score, 'f', -1, 64)
			}
			r = &row{score: s, comment: c.Comment}
			rows[c.TechniqueID] = r
			order = append(order, c.TechniqueID)
		}
		r.tactics = append(r.tactics, c.Tactic)
	}
	fmt.Fprintf(&b, "drawn: %d techniques in %d cells\n", len(order), len(l.Drawn))
	for _, id := range order {
		r := rows[id]
		fmt.Fprintf(&b, "  %-10s score %-4s %s — %s\n", id, r.score, strings.Join(r.tactics, ","), r.comment)
	}
	for _, s := range l.Skipped {
		fmt.Fprintf(&b, "skipped: %s (%s)\n", s.TechniqueID, s.Reason)
	}
	for _, lg := range l.Legend {
		fmt.Fprintf(&b, "legend: %s %s\n", lg.Value, lg.Name)
	}
	for _, m := range l.Metadata {
		fmt.Fprintf(&b, "metadata: %s = %s\n", m.Name, m.Value)
	}
	return b.String()
}
