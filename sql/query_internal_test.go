package sql

import (
	"strings"
	"testing"
)

// TestQueryFiles checks the house rules for every embedded query outside
// ingest: a leading comment saying what a row is, and an explicit ORDER BY.
func TestQueryFiles(t *testing.T) {
	for name, q := range map[string]string{
		"metric_definitions": metricDefinitionsSQL, "metric_stats": metricStatsSQL, "case_volume": caseVolumeSQL,
		"open_case_ageing": openCaseAgeingSQL, "root_causes": rootCausesSQL, "techniques": techniquesSQL,
		"parent_techniques": parentTechniquesSQL, "tactics": tacticsSQL, "action_items": actionItemsSQL,
		"overdue_items": overdueItemsSQL, "notable_cases": notableCasesSQL, "milestone_coverage": milestoneCoverageSQL,
		"data_quality": dataQualitySQL, "ingested_files": ingestedFilesSQL, "attack_release": attackReleaseSQL,
		"actions_list": actionsListSQL, "review_case": reviewCaseSQL, "review_milestones": reviewMilestonesSQL,
		"review_metrics": reviewMetricsSQL, "review_actions": reviewActionsSQL, "review_rules": reviewRulesSQL,
		"review_techniques": reviewTechniquesSQL, "coverage_techniques": coverageTechniquesSQL,
		"coverage_rule_techniques": coverageRuleTechniquesSQL, "export_relations": exportRelationsSQL,
		"mail_log_last": mailLogLast, "attack_catalogue": AttackCatalogue,
		"mail_outbox_select": mailOutboxSelect,
	} {
		if !strings.HasPrefix(q, "-- "+name+":") || !strings.Contains(q, "one row") {
			t.Errorf("%s: must start with a comment naming the file and saying what one row is", name)
		}
		if !strings.Contains(q, "ORDER BY") {
			t.Errorf("%s: must have an explicit ORDER BY", name)
		}
	}
}

func TestDefinitionsJSON(t *testing.T) {
	got := definitionsJSON([]MetricDefinition{{"contain", "Time to contain", "detection", "containment"}})
	if want := `[{"metric":"contain","start":"detection","end":"containment"}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := definitionsJSON(nil); got != "[]" {
		t.Errorf("no definitions: got %s, want []", got)
	}
}
