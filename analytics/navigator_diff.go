package analytics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// ErrSameQuarter is returned when a diff layer compares a quarter with
// itself.
var ErrSameQuarter = errors.New("the two quarters must differ")

// DiffOptions say which two quarters a diff layer compares.
type DiffOptions struct {
	// From and To are the quarters compared ("2024-Q1"); scores are the
	// incidents in To minus those in From.
	From, To string
	// Cohort is "detection" (default) or "closure".
	Cohort string
	// Now is the clock (time.Now when nil); neither quarter may lie in
	// the future.
	Now func() time.Time
	// Version is pir's version, recorded in the layer's metadata.
	Version string
}

// Diff layer colours: fewer incidents blue, no change white, more red (a
// diverging gradient centred on 0).
const (
	diffFewer = "#2166ac"
	diffSame  = "#ffffff"
	diffMore  = "#d62728"
)

// BuildDiffLayer counts distinct incidents per ATT&CK technique in two
// quarters and returns a Navigator layer whose scores are the change (To
// minus From): techniques new in To score their count, those that went away
// score minus theirs, on a blue-white-red gradient symmetric around 0.
func BuildDiffLayer(ctx context.Context, db *pirsql.DB, opts DiffOptions) (*Layer, error) {
	var spans [2]*span
	for i, q := range []string{opts.From, opts.To} {
		sp, err := newSpan(db.TimeZone, Options{Quarter: q, Quarters: 1, Cohort: opts.Cohort, Now: opts.Now, Definitions: []MetricDef{}})
		if err != nil {
			return nil, err
		}
		spans[i] = sp
	}
	from, to := spans[0], spans[1]
	if from.last() == to.last() {
		return nil, fmt.Errorf("%s and %s: %w", from.last(), to.last(), ErrSameQuarter)
	}
	info, err := attackRelease(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("attack diff layer: %w", err)
	}
	var techs [2][]Technique
	for i, sp := range spans {
		if techs[i], err = techniques(ctx, db, sp.cohort, sp.last(), sp.last(), sp.limit); err != nil {
			return nil, fmt.Errorf("attack diff layer: %w", err)
		}
	}
	return DiffLayer(techs[0], techs[1], info, LayerInfo{
		First: from.last(), Last: to.last(), Cohort: to.cohort, TimeZone: to.loc.String(),
		GeneratedAt: to.now.In(to.loc), Version: opts.Version,
	}), nil
}

// TechniqueChange is one technique's incidents in two quarters.
type TechniqueChange struct {
	ID, Name, Parent, Status string
	From, To                 *Technique // nil: no incident that quarter
}

// Change is To's incidents minus From's.
func (c TechniqueChange) Change() int { return c.cases(c.To) - c.cases(c.From) }

func (TechniqueChange) cases(t *Technique) int {
	if t == nil {
		return 0
	}
	return t.Cases
}

// CompareTechniques pairs the techniques of two quarters by ID, biggest
// rise first, then biggest fall last, ties by ID.
func CompareTechniques(from, to []Technique) []TechniqueChange {
	by := map[string]*TechniqueChange{}
	var ids []string
	get := func(t Technique) *TechniqueChange {
		c := by[t.ID]
		if c == nil {
			c = &TechniqueChange{ID: t.ID, Name: t.Name, Parent: t.Parent, Status: t.Status}
			by[t.ID] = c
			ids = append(ids, t.ID)
		}
		return c
	}
	for i := range from {
		get(from[i]).From = &from[i]
	}
	for i := range to {
		get(to[i]).To = &to[i]
	}
	out := make([]TechniqueChange, len(ids))
	for i, id := range ids {
		out[i] = *by[id]
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].Change(), out[j].Change(); a != b {
			return a > b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// DiffLayer is the layer of the change in incidents per technique from
// li.First to li.Last. As in NavigatorLayer, only active techniques are
// drawn; the others are named in the metadata with both quarters' cases.
func DiffLayer(from, to []Technique, attack ATTACKInfo, li LayerInfo) *Layer {
	q1, q2 := li.First, li.Last
	l := &Layer{
		Name:     fmt.Sprintf("pir change in incidents %s to %s", q1, q2),
		Versions: LayerVersions{Attack: attackMajor(attack.Version), Navigator: navigatorVersion, Layer: "4.5"},
		Domain:   "enterprise-attack",
		Description: fmt.Sprintf("Change in distinct incidents per ATT&CK technique from %[1]s to %[2]s (%[3]s cohort, quarters in %[4]s). "+
			"Score = incidents in %[2]s minus incidents in %[1]s: red more, blue fewer, white unchanged; "+
			"a technique new in %[2]s scores its incidents, one that went away minus its former incidents. "+
			"Revoked IDs counted as their replacement; deprecated and unknown IDs listed in the metadata "+
			"(the Navigator does not draw them); incidents excluded from metrics left out. %[5]s",
			q1, q2, li.Cohort, li.TimeZone, attack.Notice),
		Sorting: 3, // by score, descending: biggest rise first
		Layout: LayerLayout{Layout: "side", ShowID: true, ShowName: true, AggregateFunction: "max",
			ExpandedSubtechniques: "annotated"},
		Techniques:                    []LayerTechnique{},
		SelectTechniquesAcrossTactics: true,
		Metadata: []LayerMetadata{
			{Name: "generated by", Value: strings.TrimSpace("pir " + li.Version)},
			{Name: "generated at", Value: li.GeneratedAt.Format(time.RFC3339)},
			{Name: "compares", Value: q1 + " to " + q2},
			{Name: "score", Value: fmt.Sprintf("incidents in %s minus incidents in %s", q2, q1)},
			{Name: "cohort", Value: li.Cohort},
			{Name: "time zone", Value: li.TimeZone},
			{Name: "ATT&CK", Value: "Enterprise " + attack.Version},
		},
	}
	quarterCases := func(t *Technique) string {
		if t == nil {
			return "none"
		}
		return display.Plural(t.Cases, "incident", "incidents") + ": " + display.JoinCases(t.CaseIDs, t.Cases, 0)
	}
	var nd notDrawn
	var added, gone, up, down, same []string
	parents := map[string]bool{}
	revoked := map[string]bool{}
	max := 0
	for _, c := range CompareTechniques(from, to) {
		d := c.Change()
		label := signed(d)
		switch {
		case c.From == nil:
			label += " (new in " + q2 + ")"
		case c.To == nil:
			label += " (gone in " + q2 + ")"
		case d == 0:
			label += " (unchanged)"
		}
		t := Technique{ID: c.ID, Name: c.Name, Status: c.Status}
		if !drawn(c.Status) {
			nd.add(t, fmt.Sprintf("%s %s; %s %s; change %s", q1, quarterCases(c.From), q2, quarterCases(c.To), label))
			continue
		}
		for _, x := range []*Technique{c.From, c.To} {
			if x == nil {
				continue
			}
			for _, r := range x.RevokedFrom {
				if !revoked[r] {
					revoked[r] = true
					nd.revokedFrom(Technique{ID: c.ID, Name: c.Name, RevokedFrom: []string{r}})
				}
			}
		}
		switch {
		case c.From == nil:
			added = append(added, c.ID)
		case c.To == nil:
			gone = append(gone, c.ID)
		case d > 0:
			up = append(up, c.ID)
		case d < 0:
			down = append(down, c.ID)
		default:
			same = append(same, c.ID)
		}
		if abs(d) > max {
			max = abs(d)
		}
		if c.Parent != "" {
			parents[c.Parent] = true
		}
		l.Techniques = append(l.Techniques, LayerTechnique{
			TechniqueID: c.ID,
			Score:       d,
			Comment:     fmt.Sprintf("%s: %s; %s: %s; change %s", q1, quarterCases(c.From), q2, quarterCases(c.To), label),
			Enabled:     true,
			Metadata: []LayerMetadata{
				{Name: q1, Value: quarterCases(c.From)},
				{Name: q2, Value: quarterCases(c.To)},
				{Name: "change", Value: label},
			},
		})
	}
	for i := range l.Techniques {
		l.Techniques[i].ShowSubtechniques = parents[l.Techniques[i].TechniqueID]
	}
	for _, g := range []struct {
		name string
		ids  []string
	}{
		{"new in " + q2, added}, {"gone in " + q2, gone}, {"more incidents", up}, {"fewer incidents", down}, {"unchanged", same},
	} {
		if len(g.ids) > 0 {
			l.Metadata = append(l.Metadata, LayerMetadata{Name: g.name, Value: strings.Join(g.ids, ", ")})
		}
	}
	l.Metadata = append(l.Metadata, nd.metadata(attack.Version)...)
	l.NotDrawn = nd.ids
	if max < 1 {
		max = 1 // the format requires maxValue > minValue
	}
	// Symmetric bounds keep 0 (no change) white in the middle.
	l.Gradient = LayerGradient{Colors: []string{diffFewer, diffSame, diffMore}, MinValue: -max, MaxValue: max}
	l.LegendItems = []LayerLegend{
		{Label: fmt.Sprintf("more incidents in %s than in %s (up to +%d)", q2, q1, max), Color: diffMore},
		{Label: "no change", Color: diffSame},
		{Label: fmt.Sprintf("fewer incidents in %s than in %s (down to -%d)", q2, q1, max), Color: diffFewer},
	}
	return l
}

// signed writes a change with its sign: +2, 0, -1.
func signed(n int) string {
	if n > 0 {
		return "+" + display.Count(n)
	}
	return display.Count(n)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
