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

// defaultDefinitions reads the metric set from the metric_definitions
// table, in display order: the defaults, with a config's [[metric]] tables
// merged in when the session has them (pirsql.Session).
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
