package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// Layer is an ATT&CK Navigator layer, file format 4.5
// (mitre-attack/attack-navigator layers/spec/v4.5/layerformat.md).
type Layer struct {
	Name         string           `json:"name"`
	Versions     LayerVersions    `json:"versions"`
	Domain       string           `json:"domain"`
	Description  string           `json:"description"`
	Sorting      int              `json:"sorting"`
	Layout       LayerLayout      `json:"layout"`
	HideDisabled bool             `json:"hideDisabled"`
	Techniques   []LayerTechnique `json:"techniques"`
	Gradient     LayerGradient    `json:"gradient"`
	LegendItems  []LayerLegend    `json:"legendItems"`
	Metadata     []LayerMetadata  `json:"metadata"`
	// ShowTacticRowBackground and the select* switches keep Navigator's
	// defaults but are written out so the file is self-describing.
	ShowTacticRowBackground       bool `json:"showTacticRowBackground"`
	SelectTechniquesAcrossTactics bool `json:"selectTechniquesAcrossTactics"`
	SelectSubtechniquesWithParent bool `json:"selectSubtechniquesWithParent"`
	SelectVisibleTechniques       bool `json:"selectVisibleTechniques"`
	// NotDrawn are the IDs named in the "not drawn" metadata (deprecated,
	// revoked or not in the catalogue's release); not part of the file.
	NotDrawn []string `json:"-"`
}

// LayerVersions are the ATT&CK, Navigator and layer-format versions.
type LayerVersions struct {
	Attack    string `json:"attack"`
	Navigator string `json:"navigator"`
	Layer     string `json:"layer"`
}

// LayerLayout is how the Navigator draws the matrix.
type LayerLayout struct {
	Layout                string `json:"layout"`
	ShowID                bool   `json:"showID"`
	ShowName              bool   `json:"showName"`
	ShowAggregateScores   bool   `json:"showAggregateScores"`
	CountUnscored         bool   `json:"countUnscored"`
	AggregateFunction     string `json:"aggregateFunction"`
	ExpandedSubtechniques string `json:"expandedSubtechniques"`
}

// LayerTechnique is one scored technique or sub-technique.
type LayerTechnique struct {
	TechniqueID       string          `json:"techniqueID"`
	Score             int             `json:"score"`
	Comment           string          `json:"comment"`
	Enabled           bool            `json:"enabled"`
	Metadata          []LayerMetadata `json:"metadata"`
	ShowSubtechniques bool            `json:"showSubtechniques"`
}

// LayerGradient maps scores to colours.
type LayerGradient struct {
	Colors   []string `json:"colors"`
	MinValue int      `json:"minValue"`
	MaxValue int      `json:"maxValue"`
}

// LayerLegend is one legend entry.
type LayerLegend struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// LayerMetadata is a name/value pair shown in the Navigator's tooltip.
type LayerMetadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// LayerOptions say which quarters a layer covers.
type LayerOptions struct {
	// Quarter is the last quarter; empty means the last complete one.
	Quarter string
	// Quarters is how many quarters, ending with Quarter (default 1).
	Quarters int
	// Cohort is "detection" (default) or "closure".
	Cohort string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Version is pir's version, recorded in the layer's metadata.
	Version string
}

// navigatorVersion is the Navigator release the layer is written for (the
// 4.5 format needs at least 4.9.0).
const navigatorVersion = "5.2.0"

// BuildLayer counts distinct cases per ATT&CK technique over the quarters
// and returns them as a Navigator layer: score = cases, a white-to-red
// gradient, the case IDs in each technique's comment and metadata. IDs the
// Navigator does not draw (deprecated or revoked in ATT&CK v18.1, or not in
// it) are listed in the layer's metadata instead (see NavigatorLayer).
func BuildLayer(ctx context.Context, db *pirsql.DB, opts LayerOptions) (*Layer, error) {
	n := opts.Quarters
	if n <= 0 {
		n = 1
	}
	sp, err := newSpan(db.TimeZone, Options{Quarter: opts.Quarter, Quarters: n, Cohort: opts.Cohort, Now: opts.Now, Definitions: []MetricDef{}})
	if err != nil {
		return nil, err
	}
	info, err := attackRelease(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("attack layer: %w", err)
	}
	techs, err := techniques(ctx, db, sp.cohort, sp.first(), sp.last(), sp.limit)
	if err != nil {
		return nil, fmt.Errorf("attack layer: %w", err)
	}
	return NavigatorLayer(techs, info, LayerInfo{
		First: sp.first(), Last: sp.last(), Cohort: sp.cohort, TimeZone: sp.loc.String(),
		GeneratedAt: sp.now.In(sp.loc), Version: opts.Version,
	}), nil
}

// LayerInfo describes what a layer counts, for its name and metadata.
type LayerInfo struct {
	First, Last string // quarters, inclusive
	Cohort      string
	TimeZone    string
	GeneratedAt time.Time
	Version     string // pir's version
}

// drawn reports whether the Navigator draws a technique of this status.
// Its layer loader (mitre-attack/attack-navigator,
// nav-app/src/app/classes/view-model.ts, ViewModel.deserialize) matches each
// techniqueID against the domain's techniques and skips deprecated and
// revoked ones ("if (technique.deprecated || technique.revoked) break;"),
// and an ID its ATT&CK version lacks matches nothing: in both cases the
// technique silently vanishes. Revoked IDs never reach a layer (they are
// counted as their replacement), so only active IDs are drawn.
func drawn(status string) bool { return status == "active" }

// notDrawn collects, for a layer's metadata, the techniques the Navigator
// would skip, so their cases are shown rather than lost.
type notDrawn struct {
	ids        []string
	deprecated []string // deprecated in the catalogue's release: no replacement
	revoked    []string // revoked IDs and the replacement they are drawn as
	outside    []string // not in the catalogue's release (newer or unknown)
}

func (nd *notDrawn) add(t Technique, what string) {
	nd.ids = append(nd.ids, t.ID)
	name := t.ID
	if t.Name != "" {
		name += " " + t.Name
	}
	switch t.Status {
	case "deprecated":
		nd.deprecated = append(nd.deprecated, fmt.Sprintf("%s (no replacement; %s)", name, what))
	default:
		nd.outside = append(nd.outside, fmt.Sprintf("%s (%s)", name, what))
	}
}

// revokedFrom records the revoked IDs that were counted as t.
func (nd *notDrawn) revokedFrom(t Technique) {
	for _, r := range t.RevokedFrom {
		nd.ids = append(nd.ids, r)
		nd.revoked = append(nd.revoked, fmt.Sprintf("%s (drawn as its replacement %s %s)", r, t.ID, t.Name))
	}
}

// metadata is the layer metadata naming every technique not drawn, in the
// order deprecated, revoked, not in the release; nothing when all are drawn.
func (nd *notDrawn) metadata(release string) []LayerMetadata {
	var md []LayerMetadata
	if len(nd.deprecated) > 0 {
		md = append(md, LayerMetadata{Name: "not drawn: deprecated in ATT&CK " + release, Value: strings.Join(nd.deprecated, "; ")})
	}
	if len(nd.revoked) > 0 {
		sort.Strings(nd.revoked)
		md = append(md, LayerMetadata{Name: "not drawn: revoked in ATT&CK " + release, Value: strings.Join(nd.revoked, "; ")})
	}
	if len(nd.outside) > 0 {
		md = append(md, LayerMetadata{Name: "not in ATT&CK " + release + " (not drawn)", Value: strings.Join(nd.outside, "; ")})
	}
	return md
}

// NavigatorLayer turns technique counts into a layer (no database needed:
// the dashboard can embed one built from Report.Techniques). Only active
// techniques go into techniques[] and set the gradient's maximum; deprecated
// ones (with no replacement), the revoked IDs (with the replacement they are
// counted as) and IDs not in the catalogue's release are listed in the
// layer's "not drawn" metadata with their cases.
func NavigatorLayer(techs []Technique, attack ATTACKInfo, li LayerInfo) *Layer {
	period := li.Last
	if li.First != li.Last {
		period = li.First + " to " + li.Last
	}
	l := &Layer{
		Name:     "pir incidents " + period,
		Versions: LayerVersions{Attack: attackMajor(attack.Version), Navigator: navigatorVersion, Layer: "4.5"},
		Domain:   "enterprise-attack",
		Description: fmt.Sprintf("Distinct incidents per ATT&CK technique, %s (%s cohort, quarters in %s). "+
			"Score = number of incidents; revoked IDs counted as their replacement; deprecated and unknown IDs "+
			"listed in the metadata (the Navigator does not draw them); incidents excluded from metrics left out. %s",
			period, li.Cohort, li.TimeZone, attack.Notice),
		Sorting: 3, // by score, descending
		Layout: LayerLayout{Layout: "side", ShowID: true, ShowName: true, AggregateFunction: "max",
			ExpandedSubtechniques: "annotated"},
		Techniques:                    []LayerTechnique{},
		LegendItems:                   []LayerLegend{},
		SelectTechniquesAcrossTactics: true,
		SelectSubtechniquesWithParent: false,
		Metadata: []LayerMetadata{
			{Name: "generated by", Value: strings.TrimSpace("pir " + li.Version)},
			{Name: "generated at", Value: li.GeneratedAt.Format(time.RFC3339)},
			{Name: "quarters", Value: period},
			{Name: "cohort", Value: li.Cohort},
			{Name: "time zone", Value: li.TimeZone},
			{Name: "ATT&CK", Value: "Enterprise " + attack.Version},
		},
	}
	max := 0
	var nd notDrawn
	parents := map[string]bool{}
	for _, t := range techs {
		cases := display.JoinCases(t.CaseIDs, t.Cases, 0)
		if !drawn(t.Status) {
			nd.add(t, display.Plural(t.Cases, "case", "cases")+": "+cases)
			continue
		}
		nd.revokedFrom(t)
		lt := LayerTechnique{
			TechniqueID: t.ID,
			Score:       t.Cases,
			Comment:     fmt.Sprintf("%s: %s", display.Plural(t.Cases, "incident", "incidents"), cases),
			Enabled:     true,
			Metadata:    []LayerMetadata{{Name: "cases", Value: cases}},
		}
		if len(t.RevokedFrom) > 0 {
			lt.Metadata = append(lt.Metadata, LayerMetadata{Name: "recorded as (revoked)", Value: strings.Join(t.RevokedFrom, ", ")})
		}
		if t.Parent != "" {
			parents[t.Parent] = true
		}
		if t.Cases > max {
			max = t.Cases
		}
		l.Techniques = append(l.Techniques, lt)
	}
	// Open the parents of scored sub-techniques so the counts are visible.
	for i := range l.Techniques {
		l.Techniques[i].ShowSubtechniques = parents[l.Techniques[i].TechniqueID]
	}
	l.Metadata = append(l.Metadata, nd.metadata(attack.Version)...)
	l.NotDrawn = nd.ids
	if max < 1 {
		max = 1 // the format requires maxValue > minValue
	}
	l.Gradient = LayerGradient{Colors: []string{"#ffffff", "#ffb3b3", "#d62728"}, MinValue: 0, MaxValue: max}
	return l
}

// attackMajor turns "v18.1" into "18", the form the Navigator expects.
func attackMajor(v string) string {
	v = strings.TrimPrefix(v, "v")
	major, _, _ := strings.Cut(v, ".")
	return major
}
