package analytics

import (
	"context"
	"errors"
	"fmt"
	"slices"

	pirsql "github.com/pirhq/pir/sql"
)

// Milestones are the lifecycle milestones a metric may start or end at, in
// lifecycle order.
var Milestones = []string{"compromise", "detection", "triage", "containment", "eradication", "recovery", "closure"}

// ErrBadDefinition is returned for an invalid metric definition (the CLI
// reports it as a configuration error).
var ErrBadDefinition = errors.New("invalid metric definition")

// DefaultDefinitions reads the default metric set from the
// metric_definitions table, in display order.
func DefaultDefinitions(ctx context.Context, db *pirsql.DB) ([]MetricDef, error) {
	return defaultDefinitions(ctx, db)
}

func defaultDefinitions(ctx context.Context, q querier) ([]MetricDef, error) {
	rows, err := pirsql.MetricDefinitions(ctx, q)
	if err != nil {
		return nil, err
	}
	var defs []MetricDef
	for _, d := range rows {
		defs = append(defs, MetricDef(d))
	}
	return defs, nil
}

// MergeDefinitions applies overrides to base: an override with the name of
// a base metric replaces it in place, any other is appended. An override
// without a label keeps the base label (or uses its name).
func MergeDefinitions(base, overrides []MetricDef) []MetricDef {
	out := slices.Clone(base)
	for _, o := range overrides {
		i := slices.IndexFunc(out, func(d MetricDef) bool { return d.Name == o.Name })
		if o.Label == "" {
			if i >= 0 {
				o.Label = out[i].Label
			} else {
				o.Label = o.Name
			}
		}
		if i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return out
}

// ValidateDefinitions checks that every definition has a unique name and
// starts and ends at known milestones.
func ValidateDefinitions(defs []MetricDef) error {
	if len(defs) == 0 {
		return fmt.Errorf("%w: no metrics defined", ErrBadDefinition)
	}
	seen := map[string]bool{}
	for i, d := range defs {
		switch {
		case d.Name == "":
			return fmt.Errorf("%w: metric %d: name is required", ErrBadDefinition, i+1)
		case seen[d.Name]:
			return fmt.Errorf("%w: metric %q: defined twice", ErrBadDefinition, d.Name)
		case !slices.Contains(Milestones, d.Start):
			return fmt.Errorf("%w: metric %q: start %q: want one of %v", ErrBadDefinition, d.Name, d.Start, Milestones)
		case !slices.Contains(Milestones, d.End):
			return fmt.Errorf("%w: metric %q: end %q: want one of %v", ErrBadDefinition, d.Name, d.End, Milestones)
		case d.Start == d.End:
			return fmt.Errorf("%w: metric %q: start and end are both %q", ErrBadDefinition, d.Name, d.Start)
		}
		seen[d.Name] = true
	}
	return nil
}
