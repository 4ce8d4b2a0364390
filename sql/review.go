package sql

import (
	"context"
	_ "embed" // the review queries are embedded files
	"encoding/json"
	"fmt"
	"time"
)

// The queries behind `pir review`: one case's facts, timeline, durations
// against its quarter, action items, detection rules and techniques.

//go:embed queries/review_case.sql
var reviewCaseSQL string

//go:embed queries/review_milestones.sql
var reviewMilestonesSQL string

//go:embed queries/review_metrics.sql
var reviewMetricsSQL string

//go:embed queries/review_actions.sql
var reviewActionsSQL string

//go:embed queries/review_rules.sql
var reviewRulesSQL string

//go:embed queries/review_techniques.sql
var reviewTechniquesSQL string

// CaseKey names one case: its source and its ID there.
type CaseKey struct {
	Source string // "" in ReviewCase: any source
	CaseID string
}

// ReviewCaseRow holds the facts of a review's summary. Quarter is the
// detection-cohort quarter; QuarterCases counts every case of it.
type ReviewCaseRow struct {
	Source, CaseID, Ref                 string
	Title, Severity, Category, Status   string
	Excluded                            bool
	Quarter                             string
	Tags                                []string
	RootCauseCategory, RootCauseSummary string
	Whys, WentWell, NeedsImprovement    []string
	QuarterCases                        int
}

// ReviewCase runs queries/review_case.sql: one row per source that has the
// case ID (any source when k.Source is "").
func ReviewCase(ctx context.Context, q Querier, k CaseKey) ([]ReviewCaseRow, error) {
	return queryRows(ctx, q, "review_case", reviewCaseSQL, []any{k.Source, k.CaseID}, func(s scanner, r *ReviewCaseRow) error {
		var tags, whys, well, improve string
		if err := s.Scan(&r.Source, &r.CaseID, &r.Ref, &r.Title, &r.Severity, &r.Category,
			&r.Status, &r.Excluded, &r.Quarter, &tags, &r.RootCauseCategory, &r.RootCauseSummary,
			&whys, &well, &improve, &r.QuarterCases); err != nil {
			return err
		}
		for _, l := range []struct {
			name string
			src  string
			dst  *[]string
		}{{"tags", tags, &r.Tags}, {"whys", whys, &r.Whys}, {"went_well", well, &r.WentWell}, {"needs_improvement", improve, &r.NeedsImprovement}} {
			if err := stringList(l.src, l.dst); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
		}
		return nil
	})
}

// ReviewMilestoneRow is one recorded lifecycle milestone with the hours
// since the one recorded before it (nil for the first; negative when out
// of order) and since detection (nil without one).
type ReviewMilestoneRow struct {
	Milestone      string
	At             time.Time
	Previous       string // "" for the first
	SincePrevious  *float64
	SinceDetection *float64
}

// ReviewMilestones runs queries/review_milestones.sql.
func ReviewMilestones(ctx context.Context, q Querier, k CaseKey) ([]ReviewMilestoneRow, error) {
	return queryRows(ctx, q, "review_milestones", reviewMilestonesSQL, []any{k.Source, k.CaseID}, func(s scanner, r *ReviewMilestoneRow) error {
		var prev *string
		if err := s.Scan(&r.Milestone, &r.At, &prev, &r.SincePrevious, &r.SinceDetection); err != nil {
			return err
		}
		if prev != nil {
			r.Previous = *prev
		}
		return nil
	})
}

// ReviewMetricRow compares one of the case's durations with the counted
// cases of its quarter (see queries/review_metrics.sql).
type ReviewMetricRow struct {
	Metric string
	Hours  *float64 // the case's duration; nil when not measurable
	// Exclusion is why the case does not count ("missing_start", …); ""
	// when it counts.
	Exclusion               string
	N                       int
	Median, P90             *float64
	Others, Shorter, Longer int
	SlowerThan, FasterThan  *float64
}

// ReviewMetrics runs queries/review_metrics.sql for the definitions.
func ReviewMetrics(ctx context.Context, q Querier, defs []MetricDefinition, k CaseKey) ([]ReviewMetricRow, error) {
	args := []any{definitionsJSON(defs), k.Source, k.CaseID}
	return queryRows(ctx, q, "review_metrics", reviewMetricsSQL, args, func(s scanner, r *ReviewMetricRow) error {
		var excl *string
		if err := s.Scan(&r.Metric, &r.Hours, &excl, &r.N, &r.Median, &r.P90, &r.Others, &r.Shorter, &r.Longer, &r.SlowerThan, &r.FasterThan); err != nil {
			return err
		}
		if excl != nil {
			r.Exclusion = *excl
		}
		return nil
	})
}

// ReviewActionRow is one of the case's action items with its state at the
// as-of instant.
type ReviewActionRow struct {
	ID, Summary, Owner, Priority, Due, Status string
	Completed                                 *time.Time
	Done, Overdue                             bool
	DaysOverdue                               *int // nil unless overdue
}

// ReviewActions runs queries/review_actions.sql.
func ReviewActions(ctx context.Context, q Querier, k CaseKey, asOf AsOf) ([]ReviewActionRow, error) {
	args := []any{k.Source, k.CaseID, instant(asOf.At), asOf.Date}
	return queryRows(ctx, q, "review_actions", reviewActionsSQL, args, func(s scanner, a *ReviewActionRow) error {
		return s.Scan(&a.ID, &a.Summary, &a.Owner, &a.Priority, &a.Due, &a.Status, &a.Completed, &a.Done, &a.Overdue, &a.DaysOverdue)
	})
}

// RuleTechnique is an ATT&CK technique of a detection rule; Name is ""
// when the ID is not in the catalogue.
type RuleTechnique struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ReviewRuleRow is a detection rule written because of the case.
type ReviewRuleRow struct {
	ID, Title  string
	Techniques []RuleTechnique
}

// ReviewRules runs queries/review_rules.sql.
func ReviewRules(ctx context.Context, q Querier, k CaseKey) ([]ReviewRuleRow, error) {
	return queryRows(ctx, q, "review_rules", reviewRulesSQL, []any{k.Source, k.CaseID}, func(s scanner, r *ReviewRuleRow) error {
		var techs string
		if err := s.Scan(&r.ID, &r.Title, &techs); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(techs), &r.Techniques); err != nil {
			return fmt.Errorf("rule %s: techniques: %w", r.ID, err)
		}
		if r.Techniques == nil {
			r.Techniques = []RuleTechnique{}
		}
		return nil
	})
}

// ReviewTechniqueRow is an ATT&CK technique ID recorded on the case: the
// ID it counts as (MITRE's replacement for a revoked one), its name and
// tactic names, parent and status.
type ReviewTechniqueRow struct {
	ID, CountsAs, Name string
	Tactics            []string
	Parent             string
	Status             string // active, revoked, deprecated, newer, unknown
}

// ReviewTechniques runs queries/review_techniques.sql.
func ReviewTechniques(ctx context.Context, q Querier, k CaseKey) ([]ReviewTechniqueRow, error) {
	return queryRows(ctx, q, "review_techniques", reviewTechniquesSQL, []any{k.Source, k.CaseID}, func(s scanner, t *ReviewTechniqueRow) error {
		var tactics string
		if err := s.Scan(&t.ID, &t.CountsAs, &t.Name, &tactics, &t.Parent, &t.Status); err != nil {
			return err
		}
		if err := stringList(tactics, &t.Tactics); err != nil {
			return fmt.Errorf("technique %s: tactics: %w", t.ID, err)
		}
		return nil
	})
}
