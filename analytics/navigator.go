package analytics

import (
	"context"
	"fmt"
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
// Navigator cannot place (not in ATT&CK v18.1) are listed in the layer's
// metadata instead of being dropped.
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

// NavigatorLayer turns technique counts into a layer (no database needed:
// the dashboard can embed one built from Report.Techniques).
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
			"Score = number of incidents; revoked IDs counted as their replacement; incidents excluded from metrics left out. %s",
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
	var outside []string
	parents := map[string]bool{}
	for _, t := range techs {
		if t.Status == "unknown" || t.Status == "newer" {
			name := t.ID
			if t.Name != "" {
				name += " " + t.Name
			}
			outside = append(outside, fmt.Sprintf("%s (%s: %s)", name, display.Plural(t.Cases, "case", "cases"), display.JoinCases(t.CaseIDs, t.Cases, 0)))
			continue
		}
		lt := LayerTechnique{
			TechniqueID: t.ID,
			Score:       t.Cases,
			Comment:     fmt.Sprintf("%s: %s", display.Plural(t.Cases, "incident", "incidents"), display.JoinCases(t.CaseIDs, t.Cases, 0)),
			Enabled:     true,
			Metadata:    []LayerMetadata{{Name: "cases", Value: display.JoinCases(t.CaseIDs, t.Cases, 0)}},
		}
		if len(t.RevokedFrom) > 0 {
			lt.Metadata = append(lt.Metadata, LayerMetadata{Name: "recorded as (revoked)", Value: strings.Join(t.RevokedFrom, ", ")})
		}
		if t.Status == "deprecated" {
			lt.Metadata = append(lt.Metadata, LayerMetadata{Name: "note", Value: "deprecated in ATT&CK " + attack.Version})
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
	if len(outside) > 0 {
		l.Metadata = append(l.Metadata, LayerMetadata{
			Name:  "not in ATT&CK " + attack.Version + " (not drawn)",
			Value: strings.Join(outside, "; "),
		})
	}
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
