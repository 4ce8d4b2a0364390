package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// TargetGoal is the share of cases within a severity target under which
// the decisions box asks for a decision.
const TargetGoal = 0.8

// TargetAttainment is one severity target ([[target]] in the config) in one
// quarter: of N counted cases of Severity in Metric, WithinTarget took at
// most TargetHours (Share; nil when N is 0). The target_attainment view.
type TargetAttainment struct {
	Quarter      string   `json:"quarter"`
	Severity     string   `json:"severity"`
	Metric       string   `json:"metric"`
	Label        string   `json:"label"`
	Within       string   `json:"within"` // as the config writes it, e.g. "4h"
	TargetHours  float64  `json:"target_hours"`
	N            int      `json:"n"`
	WithinTarget int      `json:"within_target"`
	Share        *float64 `json:"share"`
}

// SeverityMetric is one row of the "By severity" table: a severity and
// metric of the report quarter with its median, p90 and n, and the target
// when there is one.
type SeverityMetric struct {
	Severity     string   `json:"severity"`
	Metric       string   `json:"metric"`
	Label        string   `json:"label"`
	N            int      `json:"n"`
	Median       float64  `json:"median_hours"`
	P90          float64  `json:"p90_hours"`
	Within       string   `json:"within,omitempty"`
	TargetHours  *float64 `json:"target_hours"`
	WithinTarget *int     `json:"within_target"`
	Share        *float64 `json:"share"`
}

// OwnerOverdue is the action items of one owner and priority overdue at
// Report.AsOf: how many and the oldest days overdue.
type OwnerOverdue struct {
	Owner      string `json:"owner"`
	Priority   string `json:"priority"`
	Items      int    `json:"items"`
	OldestDays int    `json:"oldest_days_overdue"`
}

// buildTargets fills Targets (every trailing quarter) and BySeverity (the
// report quarter: the metrics with a target, else the first headline
// metric the definitions have).
func buildTargets(ctx context.Context, q querier, sp *span, r *Report) error {
	defs := sqlDefinitions(sp.defs)
	label := map[string]string{}
	for _, d := range sp.defs {
		label[d.Name] = d.Label
	}
	rows, err := pirsql.TargetAttainment(ctx, q, defs, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	r.Targets = make([]TargetAttainment, 0, len(rows))
	targeted := map[string]bool{}
	for _, t := range rows {
		r.Targets = append(r.Targets, TargetAttainment{Quarter: t.Quarter, Severity: t.Severity, Metric: t.Metric, Label: label[t.Metric],
			Within: t.Within, TargetHours: round(t.TargetHours), N: t.N, WithinTarget: t.WithinTarget, Share: roundPtr(t.Share)})
		targeted[t.Metric] = true
	}
	sev, err := pirsql.SeverityMetrics(ctx, q, defs, sp.cohort, sp.last())
	if err != nil {
		return err
	}
	if len(targeted) == 0 {
		for _, m := range headlineMetrics {
			if _, ok := label[m]; ok {
				targeted[m] = true
				break
			}
		}
	}
	r.BySeverity = []SeverityMetric{}
	for _, s := range sev {
		if !targeted[s.Metric] {
			continue
		}
		r.BySeverity = append(r.BySeverity, SeverityMetric{Severity: s.Severity, Metric: s.Metric, Label: label[s.Metric], N: s.N,
			Median: round(s.Median), P90: round(s.P90), Within: s.Within, TargetHours: roundPtr(s.TargetHours),
			WithinTarget: s.WithinTarget, Share: roundPtr(s.Share)})
	}
	return nil
}

// buildOverdueByOwner fills OverdueByOwner: the items overdue at AsOf by
// owner and priority, most items first.
func buildOverdueByOwner(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.OverdueByOwner(ctx, q, sp.asOfParam())
	if err != nil {
		return err
	}
	r.OverdueByOwner = make([]OwnerOverdue, 0, len(rows))
	for _, o := range rows {
		r.OverdueByOwner = append(r.OverdueByOwner, OwnerOverdue{Owner: o.Owner, Priority: o.Priority, Items: o.Items, OldestDays: o.Oldest})
	}
	return nil
}
