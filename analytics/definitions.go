package analytics

import (
	"context"
	"encoding/json"
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
	var defs []MetricDef
	err := each(ctx, q, "metric_definitions", pirsql.MetricDefinitions, nil, func(s scanner) error {
		var d MetricDef
		if err := s.Scan(&d.Name, &d.Label, &d.Start, &d.End); err != nil {
			return err
		}
		defs = append(defs, d)
		return nil
	})
	return defs, err
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

// definitionsJSON is the form the SQL macros take (metric_observations in
// schema 0001): a JSON array of {metric, start, end}.
func definitionsJSON(defs []MetricDef) string {
	type def struct {
		Metric string `json:"metric"`
		Start  string `json:"start"`
		End    string `json:"end"`
	}
	ds := make([]def, len(defs))
	for i, d := range defs {
		ds[i] = def{d.Name, d.Start, d.End}
	}
	b, _ := json.Marshal(ds) // strings only: cannot fail
	return string(b)
}
