package sql

import _ "embed" // the review, coverage and action-item queries are embedded files

// The queries behind `pir review`, `pir coverage` and `pir actions`, run by
// package analytics. Each file starts with a comment saying what one row is
// and its parameters.

// ReviewCase gives the summary facts of one case (one row per matching
// source).
//
//go:embed queries/review_case.sql
var ReviewCase string

// ReviewMilestones lists one case's recorded milestones in lifecycle order
// with the hours since the previous one.
//
//go:embed queries/review_milestones.sql
var ReviewMilestones string

// ReviewMetrics compares one case's durations with its quarter: median, p90
// and its percentile rank among the quarter's other cases.
//
//go:embed queries/review_metrics.sql
var ReviewMetrics string

// ReviewActions lists one case's action items with their state at an
// instant.
//
//go:embed queries/review_actions.sql
var ReviewActions string

// ReviewRules lists the detection rules written because of one case, with
// their techniques' names.
//
//go:embed queries/review_rules.sql
var ReviewRules string

// ReviewTechniques lists one case's ATT&CK techniques with names and
// tactics.
//
//go:embed queries/review_techniques.sql
var ReviewTechniques string

// ActionsList lists action items across cases with their state at an
// instant, filtered by state and quarter.
//
//go:embed queries/actions_list.sql
var ActionsList string

// CoverageTechniques counts distinct incidents per quarter and ATT&CK
// technique over a range of quarters.
//
//go:embed queries/coverage_techniques.sql
var CoverageTechniques string

// CoverageRuleTechniques resolves the technique IDs of detection-rule tags
// against the ATT&CK catalogue (revoked IDs to their replacement).
//
//go:embed queries/coverage_rule_techniques.sql
var CoverageRuleTechniques string
