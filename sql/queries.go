package sql

import _ "embed" // the analytics queries below are embedded files

// The analytics queries run by package analytics. Each file under queries/
// starts with a comment saying what one row is and its parameters ($1, $2,
// …); a missing file fails the build.

//go:generate go run ./internal/genattack -src ../../shared/data/attack -out attack/enterprise-attack.sql -license schema/LICENSE-ATTACK.txt

// MetricDefinitions lists the default metric definitions in display order.
//
//go:embed queries/metric_definitions.sql
var MetricDefinitions string

// MetricStats gives per-quarter duration statistics and exclusion counts for
// the metric definitions passed as JSON.
//
//go:embed queries/metric_stats.sql
var MetricStats string

// CaseVolume counts cases per quarter in total, by category, by severity and
// excluded from metrics.
//
//go:embed queries/case_volume.sql
var CaseVolume string

// OpenCaseAgeing counts the cases open at each quarter's end by age bucket.
//
//go:embed queries/open_case_ageing.sql
var OpenCaseAgeing string

// RootCauses gives cases, share, 5-Whys depth and recurrences per quarter
// and root-cause category.
//
//go:embed queries/root_causes.sql
var RootCauses string

// Techniques counts distinct cases per ATT&CK technique over a range of
// quarters, revoked IDs mapped to their replacement.
//
//go:embed queries/techniques.sql
var Techniques string

// ParentTechniques counts distinct cases per parent technique, sub-techniques
// rolled up.
//
//go:embed queries/parent_techniques.sql
var ParentTechniques string

// Tactics counts distinct cases per quarter and ATT&CK tactic.
//
//go:embed queries/tactics.sql
var Tactics string

// ActionItems summarises action-item follow-through per quarter.
//
//go:embed queries/action_items.sql
var ActionItems string

// OverdueItems lists the action items overdue at an instant.
//
//go:embed queries/overdue_items.sql
var OverdueItems string

// NotableCases lists a quarter's critical and high cases with their
// durations.
//
//go:embed queries/notable_cases.sql
var NotableCases string

// MilestoneCoverage gives the share of a quarter's cases that record each
// milestone.
//
//go:embed queries/milestone_coverage.sql
var MilestoneCoverage string

// DataQuality lists data-quality findings with the cases behind them.
//
//go:embed queries/data_quality.sql
var DataQuality string

// IngestedFiles lists the input files (latest ingest of each) for provenance.
//
//go:embed queries/ingested_files.sql
var IngestedFiles string

// AttackRelease describes the embedded ATT&CK catalogue.
//
//go:embed queries/attack_release.sql
var AttackRelease string
