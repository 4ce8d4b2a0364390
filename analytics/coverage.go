package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pirhq/pir/coverage"
	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// CoverageMatching states how rules are matched to incident techniques; the
// outputs print it so a reader knows what "covered" means.
const CoverageMatching = "A rule covers the ATT&CK technique or sub-technique it is tagged with (attack.tNNNN[.NNN]), " +
	"on the platforms of its logsource: a technique counts as covered when every case it was seen in has a rule for one of the case's platforms " +
	"(or for any platform, such as a web-server log); a case without platforms, or a rule whose logsource is not mapped, matches by the technique alone (platform unknown). " +
	"revoked IDs counted as MITRE's replacement. A rule tagged only with the parent technique does not cover " +
	"its sub-techniques, and a rule for one sub-technique does not cover the parent: such rules are listed " +
	"as related, not counted. Deprecated and unsupported rules never count."

// DRLNotice is the attribution the Detection Rule License asks for when
// SigmaHQ rules are shared or reported on.
const DRLNotice = "Sigma rules by their authors (each rule's author field), from the SigmaHQ project " +
	"(https://github.com/SigmaHQ/sigma) where they say so, under the Detection Rule License 1.1 " +
	"(https://github.com/SigmaHQ/Detection-Rule-License)."

// Coverage compares the ATT&CK techniques that a folder of Sigma rules
// detects with those seen in the report quarter's incidents: the detection
// gaps (ranked by cases), the covered techniques with their rules, the share
// covered and its trend over the trailing quarters (against the same rule
// set), plus the rule files that were inactive or invalid.
type Coverage struct {
	Quarter     string    `json:"quarter"`
	Quarters    []string  `json:"quarters"` // trailing, oldest first
	Cohort      string    `json:"cohort"`
	TimeZone    string    `json:"time_zone"`
	GeneratedAt time.Time `json:"generated_at"`
	Version     string    `json:"pir_version"`
	// RulesDir is the rules folder as given.
	RulesDir string `json:"rules_dir"`
	// RuleFiles counts the .yml/.yaml files read; Rules the usable rules;
	// RulesWithTechniques those with at least one technique tag;
	// RuleTechniques the distinct technique IDs they cover.
	RuleFiles           int `json:"rule_files"`
	Rules               int `json:"rules"`
	RulesWithTechniques int `json:"rules_with_techniques"`
	RuleTechniques      int `json:"rule_techniques"`

	// Techniques counts the distinct techniques of the report quarter's
	// incidents; Covered of them have a rule; Gaps have none (Related of
	// those have a rule for the parent or a sub-technique).
	Techniques int `json:"techniques"`
	Covered    int `json:"covered"`
	Gaps       int `json:"gaps"`
	Related    int `json:"related"`
	// Share is Covered / Techniques (nil without incident techniques).
	Share *float64 `json:"share"`
	// Trend has the share per trailing quarter, oldest first.
	Trend []CoverageShare `json:"trend"`
	// ByPlatform is the report quarter's coverage per platform of its
	// cases, most cases first ("" collects the cases without platforms,
	// matched by technique alone).
	ByPlatform []CoveragePlatform `json:"by_platform"`

	// GapList are the uncovered techniques, most cases first: the top
	// uncovered techniques by case count (Uncovered says how many of the
	// cases lack a rule for their platform).
	GapList []CoverageTechnique `json:"gap_list"`
	// CoveredList are the covered techniques, most cases first.
	CoveredList []CoverageTechnique `json:"covered_list"`

	// Inactive are rules with status deprecated or unsupported (not
	// counted); Invalid the files that are not Sigma rules (skipped).
	Inactive []coverage.Rule    `json:"inactive"`
	Invalid  []coverage.Problem `json:"invalid"`

	// Promised are the detection rules the trailing quarters' reviews
	// recorded that the folder does not have (missing, or marked deployed
	// but not found), newest quarter first; FollowThrough counts them all
	// (buildPromised).
	Promised      []PromisedRule    `json:"promised_not_found"`
	FollowThrough RuleFollowThrough `json:"rule_follow_through"`

	Matching string     `json:"matching"`
	License  string     `json:"license"`
	ATTACK   ATTACKInfo `json:"attack"`
}

// CoverageShare is the coverage of one quarter's incident techniques.
type CoverageShare struct {
	Quarter    string   `json:"quarter"`
	Techniques int      `json:"techniques"`
	Covered    int      `json:"covered"`
	Related    int      `json:"related"`
	Share      *float64 `json:"share"` // nil without incident techniques
}

// CoveragePlatform is the coverage of the techniques seen on one platform
// in the report quarter: a technique counts as covered on the platform
// when a rule tagged with it is for that platform, for any platform, or
// has an unmapped log source (technique alone).
type CoveragePlatform struct {
	// Platform is a platform of the vocabulary; "" for the cases that
	// record none.
	Platform string `json:"platform"`
	// Cases counts the quarter's cases with a technique on the platform;
	// Techniques the distinct techniques seen there, Covered of them with
	// a rule for it, Share = Covered / Techniques.
	Cases      int      `json:"cases"`
	Techniques int      `json:"techniques"`
	Covered    int      `json:"covered"`
	Share      *float64 `json:"share"`
	// TopGaps are the uncovered techniques on the platform, most cases
	// first (at most 3).
	TopGaps []string `json:"top_gaps"`
}

// CoverageTechnique is a technique seen in the quarter's incidents and the
// rules that cover it (Rules) or are related to it (Related).
type CoverageTechnique struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Tactics []string `json:"tactics"` // shortnames, e.g. "initial-access"
	Parent  string   `json:"parent,omitempty"`
	// Status is "active", "deprecated", "newer" or "unknown" (see
	// Technique.Status).
	Status  string            `json:"status"`
	Cases   int               `json:"cases"`
	CaseIDs []string          `json:"case_ids"`
	Rules   []CoverageRuleRef `json:"rules"`
	Related []CoverageRuleRef `json:"related"`
	// Platforms are the platforms its cases record (sorted, each once);
	// CasesCovered counts its cases a rule for one of the case's platforms
	// (or any platform) detects; PlatformUnknown those of them matched by
	// the technique alone (the case or the rule has no platform).
	Platforms       []string `json:"platforms"`
	CasesCovered    int      `json:"cases_covered"`
	PlatformUnknown int      `json:"platform_unknown"`
}

// Uncovered counts the technique's cases no rule for one of the case's
// platforms detects.
func (t CoverageTechnique) Uncovered() int { return t.Cases - t.CasesCovered }

// CoverageRuleRef names a rule and the technique tag that links it.
type CoverageRuleRef struct {
	Title  string `json:"title"`
	Path   string `json:"path"`
	ID     string `json:"id,omitempty"`
	Author string `json:"author,omitempty"`
	Status string `json:"status,omitempty"`
	// Technique is the rule's technique ID that matched (the technique
	// itself, its parent or a sub-technique).
	Technique string `json:"technique"`
	// Platform is the rule's platform from its logsource ("any"; "" when
	// not mapped).
	Platform string `json:"platform,omitempty"`
}

// CoverageOptions say which quarters to compare.
type CoverageOptions struct {
	// Quarter is the report quarter; empty means the last complete one.
	Quarter string
	// Quarters is how many trailing quarters the trend covers; 0 means 8.
	Quarters int
	// Cohort is "detection" (default) or "closure".
	Cohort string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// RulesDir is recorded in the result; Version is pir's version.
	RulesDir string
	Version  string
}

// BuildCoverage compares the rule set with the incidents of opts.Quarter
// and its trailing quarters.
func BuildCoverage(ctx context.Context, db *pirsql.DB, set *coverage.RuleSet, opts CoverageOptions) (*Coverage, error) {
	if set == nil {
		set = &coverage.RuleSet{}
	}
	sp, err := newSpan(db.TimeZone, Options{Quarter: opts.Quarter, Quarters: opts.Quarters, Cohort: opts.Cohort, Now: opts.Now, Definitions: []MetricDef{}})
	if err != nil {
		return nil, err
	}
	c := &Coverage{
		Quarter: sp.last(), Cohort: sp.cohort, TimeZone: sp.loc.String(), GeneratedAt: sp.now.In(sp.loc),
		Version: opts.Version, RulesDir: opts.RulesDir, RuleFiles: set.Files, Rules: len(set.Rules),
		Trend: []CoverageShare{}, GapList: []CoverageTechnique{}, CoveredList: []CoverageTechnique{},
		Inactive: nonNilRules(set.Inactive), Invalid: nonNilProblems(set.Invalid),
		Matching: CoverageMatching, License: DRLNotice,
	}
	for _, q := range sp.quarters {
		c.Quarters = append(c.Quarters, q.String())
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	defer tx.Rollback() // read only
	if c.ATTACK, err = attackRelease(ctx, tx); err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	c.ATTACK.ParentRollup, c.ATTACK.Unknown = nil, nil

	current, err := resolveRuleTechniques(ctx, tx, set)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	ix := set.Index(func(id string) string {
		if cur, ok := current[id]; ok {
			return cur
		}
		return id
	})
	for _, r := range set.Rules {
		if len(r.Techniques) > 0 {
			c.RulesWithTechniques++
		}
	}
	c.RuleTechniques = len(ix.Techniques())

	perQuarter := map[string][]CoverageTechnique{}
	rows, err := pirsql.CoverageTechniques(ctx, tx, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	platforms := map[[2]string]map[string][]string{}
	for _, row := range rows {
		t := CoverageTechnique{ID: row.ID, Name: row.Name, Tactics: row.Tactics, Parent: row.Parent, Status: row.Status,
			Cases: row.Cases, CaseIDs: row.CaseIDs, Platforms: casePlatforms(row.Platforms)}
		perQuarter[row.Quarter] = append(perQuarter[row.Quarter], t)
		platforms[[2]string{row.Quarter, row.ID}] = row.Platforms
	}

	byPlatform := map[string]*platformTally{}
	for _, q := range c.Quarters {
		share := CoverageShare{Quarter: q}
		for _, t := range perQuarter[q] {
			m := ix.Match(t.ID)
			pm := matchPlatforms(ix, m.Exact, platforms[[2]string{q, t.ID}])
			t.CasesCovered, t.PlatformUnknown = pm.casesCovered, pm.unknown
			covered := len(pm.fit) > 0 && pm.casesCovered == t.Cases
			share.Techniques++
			switch {
			case covered:
				share.Covered++
			case m.Related() || len(m.Exact) > 0:
				share.Related++
			}
			if q != c.Quarter {
				continue
			}
			addPlatformCoverage(byPlatform, ix, t.ID, m.Exact, platforms[[2]string{q, t.ID}])
			t.Rules = ruleRefs(ix, pm.fit)
			for i := range t.Rules {
				t.Rules[i].Technique = matchedTag(ix.Rule(pm.fit[i]), current, t.ID)
			}
			// Rules tagged with the technique for another platform are
			// related, like the parent's and the sub-techniques' rules.
			other := ruleRefs(ix, pm.other)
			for i := range other {
				other[i].Technique = matchedTag(ix.Rule(pm.other[i]), current, t.ID)
			}
			t.Related = append(ruleRefs(ix, m.Parent), ruleRefs(ix, m.Sub)...)
			for i, ri := range append(append([]int{}, m.Parent...), m.Sub...) {
				t.Related[i].Technique = relatedTag(ix.Rule(ri), current, t.ID)
			}
			t.Related = append(other, t.Related...)
			if covered {
				c.CoveredList = append(c.CoveredList, t)
			} else {
				c.GapList = append(c.GapList, t)
			}
		}
		if share.Techniques > 0 {
			share.Share = ptr(round(float64(share.Covered) / float64(share.Techniques)))
		}
		c.Trend = append(c.Trend, share)
		if q == c.Quarter {
			c.Techniques, c.Covered, c.Related, c.Share = share.Techniques, share.Covered, share.Related, share.Share
			c.Gaps = share.Techniques - share.Covered
		}
	}
	c.ByPlatform = platformCoverage(byPlatform)
	if err := buildPromised(ctx, tx, sp, set, c); err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	for _, l := range [][]CoverageTechnique{c.GapList, c.CoveredList} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Cases != l[j].Cases {
				return l[i].Cases > l[j].Cases
			}
			return l[i].ID < l[j].ID
		})
	}
	return c, nil
}

// platformTally gathers one platform's cases and techniques of the report
// quarter: the cases per technique, and whether a rule covers it there.
type platformTally struct {
	cases      map[string]bool
	techniques map[string]int // technique → cases on the platform
	covered    map[string]bool
}

// addPlatformCoverage adds technique id, seen in cases (case reference →
// platforms), to the tally of each platform of each case ("" for a case
// without platforms).
func addPlatformCoverage(tally map[string]*platformTally, ix *coverage.Index, id string, exact []int, cases map[string][]string) {
	for ref, plats := range cases {
		if len(plats) == 0 {
			plats = []string{""}
		}
		for _, p := range plats {
			t := tally[p]
			if t == nil {
				t = &platformTally{cases: map[string]bool{}, techniques: map[string]int{}, covered: map[string]bool{}}
				tally[p] = t
			}
			t.cases[ref] = true
			t.techniques[id]++
			if t.covered[id] {
				continue
			}
			var on []string
			if p != "" {
				on = []string{p}
			}
			for _, i := range exact {
				if coverage.ForPlatforms(ix.Rule(i).Platform, on) {
					t.covered[id] = true
					break
				}
			}
		}
	}
}

// platformCoverage turns the tallies into rows, most cases first, the
// cases without platforms last.
func platformCoverage(tally map[string]*platformTally) []CoveragePlatform {
	out := []CoveragePlatform{}
	for p, t := range tally {
		row := CoveragePlatform{Platform: p, Cases: len(t.cases), Techniques: len(t.techniques), TopGaps: []string{}}
		var gaps []string
		for id := range t.techniques {
			if t.covered[id] {
				row.Covered++
			} else {
				gaps = append(gaps, id)
			}
		}
		sort.Slice(gaps, func(i, j int) bool {
			if t.techniques[gaps[i]] != t.techniques[gaps[j]] {
				return t.techniques[gaps[i]] > t.techniques[gaps[j]]
			}
			return gaps[i] < gaps[j]
		})
		row.TopGaps = append(row.TopGaps, gaps[:min(3, len(gaps))]...)
		if row.Techniques > 0 {
			row.Share = ptr(round(float64(row.Covered) / float64(row.Techniques)))
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Platform == "") != (out[j].Platform == "") {
			return out[j].Platform == ""
		}
		if out[i].Cases != out[j].Cases {
			return out[i].Cases > out[j].Cases
		}
		return out[i].Platform < out[j].Platform
	})
	return out
}

// platformMatch is how a technique's exact rules meet its cases'
// platforms: fit are the rules for a platform of at least one case, other
// the rest; casesCovered counts the cases a fitting rule detects, unknown
// those matched by technique alone.
type platformMatch struct {
	fit, other            []int
	casesCovered, unknown int
}

// matchPlatforms matches the rules exact (indexes into ix) with each case's
// platforms (by case reference).
func matchPlatforms(ix *coverage.Index, exact []int, cases map[string][]string) platformMatch {
	var pm platformMatch
	fits := map[int]bool{}
	for _, plats := range cases {
		ok, known := false, false
		for _, i := range exact {
			r := ix.Rule(i)
			if coverage.ForPlatforms(r.Platform, plats) {
				fits[i] = true
				ok = true
				if len(plats) > 0 && r.Platform != "" {
					known = true
				}
			}
		}
		if ok {
			pm.casesCovered++
			if !known {
				pm.unknown++
			}
		}
	}
	for _, i := range exact {
		if fits[i] {
			pm.fit = append(pm.fit, i)
		} else {
			pm.other = append(pm.other, i)
		}
	}
	return pm
}

// casePlatforms is the union of the cases' platforms, sorted.
func casePlatforms(cases map[string][]string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, ps := range cases {
		for _, p := range ps {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// resolveRuleTechniques maps each technique ID of the rules' tags to the ID
// it counts as in the ATT&CK catalogue.
func resolveRuleTechniques(ctx context.Context, q querier, set *coverage.RuleSet) (map[string]string, error) {
	seen := map[string]bool{}
	ids := []string{}
	for _, r := range set.Rules {
		for _, t := range r.Techniques {
			if !seen[t] {
				seen[t] = true
				ids = append(ids, t)
			}
		}
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := pirsql.CoverageRuleTechniques(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.CountsAs
	}
	return out, nil
}

func ruleRefs(ix *coverage.Index, idx []int) []CoverageRuleRef {
	out := make([]CoverageRuleRef, 0, len(idx))
	for _, i := range idx {
		r := ix.Rule(i)
		out = append(out, CoverageRuleRef{Title: r.Title, Path: r.Path, ID: r.ID, Author: r.Author, Status: r.Status, Platform: r.Platform})
	}
	return out
}

// matchedTag is the rule's own technique ID that counts as id.
func matchedTag(r coverage.Rule, current map[string]string, id string) string {
	for _, t := range r.Techniques {
		if countsAs(current, t) == id {
			return t
		}
	}
	return id
}

// relatedTag is the rule's technique ID that is id's parent or one of its
// sub-techniques.
func relatedTag(r coverage.Rule, current map[string]string, id string) string {
	var subs []string
	for _, t := range r.Techniques {
		cur := countsAs(current, t)
		if cur == coverage.Parent(id) {
			return t
		}
		if coverage.Parent(cur) == id {
			subs = append(subs, t)
		}
	}
	return strings.Join(subs, ", ")
}

func countsAs(current map[string]string, id string) string {
	if c, ok := current[id]; ok {
		return c
	}
	return id
}

func nonNilRules(rs []coverage.Rule) []coverage.Rule {
	if rs == nil {
		return []coverage.Rule{}
	}
	return rs
}

func nonNilProblems(ps []coverage.Problem) []coverage.Problem {
	if ps == nil {
		return []coverage.Problem{}
	}
	return ps
}

// Coverage layer scores: a gap, a gap with related rules, covered.
const (
	layerGap     = 0
	layerRelated = 1
	layerCovered = 2
)

// CoverageLayer is an ATT&CK Navigator layer (format 4.5, enterprise-attack)
// of the report quarter's incident techniques coloured by coverage: red for
// a gap, amber for a gap with related rules (parent or sub-technique), green
// for covered. Each technique's comment names its incidents and rules.
func CoverageLayer(c *Coverage) *Layer {
	l := &Layer{
		Name:     "pir detection coverage " + c.Quarter,
		Versions: LayerVersions{Attack: attackMajor(c.ATTACK.Version), Navigator: navigatorVersion, Layer: "4.5"},
		Domain:   "enterprise-attack",
		Description: fmt.Sprintf("ATT&CK techniques of the %s incidents (%s cohort, quarters in %s) against the Sigma rules in %s: "+
			"green covered, amber only related rules (parent or sub-technique), red no rule. Score 2 covered, 1 related, 0 gap. %s %s %s",
			c.Quarter, c.Cohort, c.TimeZone, c.RulesDir, CoverageMatching, DRLNotice, c.ATTACK.Notice),
		Sorting: 3,
		Layout: LayerLayout{Layout: "side", ShowID: true, ShowName: true, AggregateFunction: "max",
			ExpandedSubtechniques: "annotated"},
		Techniques: []LayerTechnique{},
		Gradient:   LayerGradient{Colors: []string{"#d62728", "#ffbf00", "#2ca02c"}, MinValue: layerGap, MaxValue: layerCovered},
		LegendItems: []LayerLegend{
			{Label: "covered by a rule", Color: "#2ca02c"},
			{Label: "gap, related rule (parent or sub-technique)", Color: "#ffbf00"},
			{Label: "gap: no rule", Color: "#d62728"},
		},
		SelectTechniquesAcrossTactics: true,
		Metadata: []LayerMetadata{
			{Name: "generated by", Value: strings.TrimSpace("pir " + c.Version)},
			{Name: "generated at", Value: c.GeneratedAt.Format(time.RFC3339)},
			{Name: "quarter", Value: c.Quarter},
			{Name: "rules", Value: fmt.Sprintf("%s: %d usable rules, %d techniques", c.RulesDir, c.Rules, c.RuleTechniques)},
			{Name: "ATT&CK", Value: "Enterprise " + c.ATTACK.Version},
		},
	}
	var nd notDrawn
	parents := map[string]bool{}
	add := func(t CoverageTechnique, score int) {
		if !drawn(t.Status) {
			nd.add(Technique{ID: t.ID, Name: t.Name, Status: t.Status},
				[]string{"gap", "related", "covered"}[score]+"; "+display.Plural(t.Cases, "case", "cases")+": "+strings.Join(t.CaseIDs, ", "))
			return
		}
		lt := LayerTechnique{
			TechniqueID: t.ID, Score: score, Enabled: true,
			Comment:  coverageComment(t),
			Metadata: []LayerMetadata{{Name: "cases", Value: strings.Join(t.CaseIDs, ", ")}},
		}
		for _, r := range t.Rules {
			lt.Metadata = append(lt.Metadata, LayerMetadata{Name: "rule", Value: ruleLabel(r)})
		}
		for _, r := range t.Related {
			lt.Metadata = append(lt.Metadata, LayerMetadata{Name: "related rule (" + r.Technique + ")", Value: ruleLabel(r)})
		}
		if t.Parent != "" {
			parents[t.Parent] = true
		}
		l.Techniques = append(l.Techniques, lt)
	}
	for _, t := range c.CoveredList {
		add(t, layerCovered)
	}
	for _, t := range c.GapList {
		if len(t.Related) > 0 {
			add(t, layerRelated)
		} else {
			add(t, layerGap)
		}
	}
	for i := range l.Techniques {
		l.Techniques[i].ShowSubtechniques = parents[l.Techniques[i].TechniqueID]
	}
	l.Metadata = append(l.Metadata, nd.metadata(c.ATTACK.Version)...)
	l.NotDrawn = nd.ids
	return l
}

func coverageComment(t CoverageTechnique) string {
	s := fmt.Sprintf("%s: %s. ", display.Plural(t.Cases, "incident", "incidents"), strings.Join(t.CaseIDs, ", "))
	switch {
	case len(t.Rules) > 0:
		s += fmt.Sprintf("Covered by %s.", display.Plural(len(t.Rules), "rule", "rules"))
	case len(t.Related) > 0:
		s += fmt.Sprintf("Gap: no rule for %s itself; %s for its parent or a sub-technique.", t.ID, display.Plural(len(t.Related), "related rule", "related rules"))
	default:
		s += "Gap: no rule."
	}
	return s
}

// ruleLabel is "title (author) path", crediting the author as the DRL asks.
func ruleLabel(r CoverageRuleRef) string {
	s := r.Title
	if r.Author != "" {
		s += " (" + r.Author + ")"
	}
	return s + " " + r.Path
}
