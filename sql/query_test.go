package sql_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// TestTypedQueries runs every typed query outside ingest on the fixture
// (its cases are worked by hand in analytics/build_test.go) and checks the
// columns land in the right fields: a swapped or dropped column fails
// here, before any report.
func TestTypedQueries(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	ctx := context.Background()
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	asOf := pirsql.AsOf{At: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), Date: "2024-03-31"}
	f := func(v float64) *float64 { return &v }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	defs, err := pirsql.MetricDefinitions(ctx, db)
	must(err)
	if len(defs) != 7 || defs[2] != (pirsql.MetricDefinition{Name: "contain", Label: "Time to contain (MTTC)", Start: "detection", End: "containment"}) {
		t.Errorf("definitions: got %+v", defs)
	}

	stats, err := pirsql.MetricStats(ctx, db, pirsql.MetricStatsParams{Definitions: defs[2:3], Cohort: "detection", From: "2023-Q2", To: "2024-Q1"})
	must(err)
	// contain: 2023-Q2 has a case without containment (N 0, no median);
	// 2024-Q1 counts 10, 10 and 20 h, one out of order and one excluded.
	if len(stats) != 4 || stats[0].Quarter != "2023-Q2" || stats[0].N != 0 || stats[0].Median != nil || stats[0].MissingEnd != 1 {
		t.Errorf("metric_stats 2023-Q2: got %+v", stats[0])
	}
	q1 := stats[len(stats)-1]
	if q1.Quarter != "2024-Q1" || q1.Metric != "contain" || q1.N != 3 || *q1.Median != 10 || *q1.P90 != 18 || *q1.Min != 10 ||
		*q1.Max != 20 || q1.OutOfOrder != 1 || q1.ExcludedCase != 1 || q1.MissingStart != 0 {
		t.Errorf("metric_stats 2024-Q1: got %+v", q1)
	}

	vol, err := pirsql.CaseVolume(ctx, db, "detection", "2024-Q1", "2024-Q1")
	must(err)
	if !containsRow(vol, pirsql.CaseVolumeRow{Quarter: "2024-Q1", Dimension: "all", Key: "all", Cases: 5}) ||
		!containsRow(vol, pirsql.CaseVolumeRow{Quarter: "2024-Q1", Dimension: "category", Key: "phishing", Cases: 3}) {
		t.Errorf("case_volume: got %+v", vol)
	}
	age, err := pirsql.OpenCaseAgeing(ctx, db, []string{"2023-Q3"}, now)
	must(err)
	if !containsRow(age, pirsql.OpenCaseAgeingRow{Quarter: "2023-Q3", Bucket: "30-90d", Cases: 1}) {
		t.Errorf("open_case_ageing: O1 (open, detected 30 days before the end of 2023-Q3) missing: %+v", age)
	}
	notable, err := pirsql.NotableCases(ctx, db, pirsql.NotableCasesParams{Definitions: defs[2:3], Cohort: "detection", Quarter: "2024-Q1", Limit: 1})
	must(err)
	if len(notable) != 1 || notable[0].CaseID != "C1" || notable[0].Severity != "critical" || notable[0].Total != 2 ||
		!reflect.DeepEqual(notable[0].Hours, map[string]float64{"contain": 10}) {
		t.Errorf("notable_cases: got %+v", notable)
	}
	rcs, err := pirsql.RootCauses(ctx, db, "detection", "2023-Q2", "2023-Q2")
	must(err)
	if len(rcs) != 1 || rcs[0] != (pirsql.RootCauseRow{Quarter: "2023-Q2", Category: "malware", Cases: 1, Share: 1, MeanWhys: 0}) {
		t.Errorf("root_causes 2023-Q2: got %+v", rcs)
	}

	rel, err := pirsql.AttackRelease(ctx, db)
	must(err)
	if len(rel) != 1 || rel[0].Version != "v18.1" || rel[0].Notice == "" {
		t.Errorf("attack_release: got %+v", rel)
	}
	techs, err := pirsql.Techniques(ctx, db, pirsql.TechniquesParams{Cohort: "detection", From: "2024-Q1", To: "2024-Q1", Limit: 1})
	must(err)
	byID := map[string]pirsql.TechniqueRow{}
	for _, tr := range techs {
		byID[tr.ID] = tr
	}
	// T1086 (C3) is revoked in favour of T1059.001 (C1): two cases, the
	// first listed; T9999 is not in the catalogue.
	if ps := byID["T1059.001"]; ps.Cases != 2 || !reflect.DeepEqual(ps.CaseIDs, []string{"C1"}) || !reflect.DeepEqual(ps.RevokedFrom, []string{"T1086"}) ||
		ps.Name != "PowerShell" || ps.Parent != "T1059" || ps.Status != "active" || !reflect.DeepEqual(ps.Tactics, []string{"execution"}) {
		t.Errorf("techniques T1059.001: got %+v", ps)
	}
	if u := byID["T9999"]; u.Status != "unknown" || u.Name != "" || len(u.Tactics) != 0 || u.Tactics == nil {
		t.Errorf("techniques T9999: got %+v", u)
	}
	parents, err := pirsql.ParentTechniques(ctx, db, pirsql.TechniquesParams{Cohort: "detection", From: "2024-Q1", To: "2024-Q1", Limit: 5})
	must(err)
	if len(parents) == 0 || parents[0].ID != "T1059" || parents[0].Cases != 2 || !reflect.DeepEqual(parents[0].CaseIDs, []string{"C1", "C3"}) {
		t.Errorf("parent_techniques: got %+v", parents)
	}
	// execution: C1 and C3 (T1059.001) and C4 (T1064, deprecated).
	tactics, err := pirsql.Tactics(ctx, db, "detection", "2024-Q1", "2024-Q1")
	must(err)
	if !containsRow(tactics, pirsql.TacticRow{Quarter: "2024-Q1", Tactic: "execution", Name: "Execution", Cases: 3}) {
		t.Errorf("tactics: got %+v", tactics)
	}

	acts, err := pirsql.ActionItems(ctx, db, pirsql.ActionItemsParams{Cohort: "detection", AsOf: asOf, From: "2024-Q1", To: "2024-Q1"})
	must(err)
	if len(acts) != 1 || acts[0].Quarter != "2024-Q1" || acts[0].Created == 0 || acts[0].CompletionRate == nil {
		t.Errorf("action_items: got %+v", acts)
	}
	over, err := pirsql.OverdueItems(ctx, db, asOf, 1)
	must(err)
	if len(over) != 1 || over[0].CaseID != "C1" || over[0].ItemID != "A3" || over[0].Owner != "infra" || over[0].Due != "2024-03-01" ||
		over[0].DaysOverdue != 30 || over[0].Status != "open" || over[0].Total != 3 {
		t.Errorf("overdue_items: got %+v", over)
	}
	list, err := pirsql.ActionsList(ctx, db, pirsql.ActionsListParams{AsOf: asOf, Filter: "all", Quarter: "2024-Q1"})
	must(err)
	var a2, a3 *pirsql.ActionsListRow
	for i := range list {
		switch list[i].ID {
		case "A2":
			a2 = &list[i]
		case "A3":
			a3 = &list[i]
		}
	}
	if a2 == nil || !a2.Done || a2.Completed == nil || !a2.Completed.Equal(time.Date(2024, 2, 15, 0, 0, 0, 0, time.UTC)) || a2.DaysOverdue != nil {
		t.Errorf("actions_list A2: got %+v", a2)
	}
	if a3 == nil || !a3.Overdue || a3.DaysOverdue == nil || *a3.DaysOverdue != 30 || a3.Completed != nil || a3.Ref != "C1" || a3.Quarter != "2024-Q1" {
		t.Errorf("actions_list A3: got %+v", a3)
	}

	cov, err := pirsql.MilestoneCoverage(ctx, db, "detection", "2024-Q1")
	must(err)
	if len(cov) != 7 || cov[1] != (pirsql.MilestoneCoverageRow{Milestone: "detection", Cases: 4, Present: 4, Share: 1}) {
		t.Errorf("milestone_coverage: got %+v", cov)
	}
	dq, err := pirsql.DataQuality(ctx, db, pirsql.DataQualityParams{Cohort: "detection", Now: now, Quarter: "2024-Q1", Limit: 10})
	must(err)
	if len(dq) == 0 || dq[0].Kind != "out_of_order" || dq[0].Cases != 1 || !reflect.DeepEqual(dq[0].CaseIDs, []string{"C4"}) || dq[0].KindCases != 1 {
		t.Errorf("data_quality: got %+v", dq)
	}
	files, err := pirsql.IngestedFiles(ctx, db)
	must(err)
	if len(files) != 2 || files[0].Path != "a.jsonl" || files[0].SHA256 != "bbb" || files[0].Format != "jsonl" || files[0].Records != 5 ||
		!files[0].IngestedAt.Equal(time.Date(2024, 5, 10, 0, 0, 1, 0, time.UTC)) {
		t.Errorf("ingested_files: got %+v", files)
	}

	c1 := pirsql.CaseKey{Source: "pir", CaseID: "C1"}
	facts, err := pirsql.ReviewCase(ctx, db, pirsql.CaseKey{CaseID: "C1"})
	must(err)
	if len(facts) != 1 || facts[0].Source != "pir" || facts[0].Ref != "C1" || facts[0].Severity != "critical" || facts[0].Quarter != "2024-Q1" ||
		facts[0].QuarterCases != 5 || facts[0].Tags == nil || facts[0].Whys == nil || facts[0].WentWell == nil {
		t.Errorf("review_case: got %+v", facts)
	}
	ms, err := pirsql.ReviewMilestones(ctx, db, c1)
	must(err)
	if len(ms) < 2 || ms[0].Previous != "" || ms[0].SincePrevious != nil || ms[1].Previous != ms[0].Milestone || ms[1].SincePrevious == nil {
		t.Errorf("review_milestones: got %+v", ms)
	}
	rm, err := pirsql.ReviewMetrics(ctx, db, defs[2:3], c1)
	must(err)
	if len(rm) != 1 || rm[0].Metric != "contain" || rm[0].Hours == nil || *rm[0].Hours != 10 || rm[0].Exclusion != "" || rm[0].N != 3 ||
		!reflect.DeepEqual(rm[0].Median, f(10)) || rm[0].Others != 2 {
		t.Errorf("review_metrics: got %+v", rm)
	}
	ra, err := pirsql.ReviewActions(ctx, db, c1, asOf)
	must(err)
	if len(ra) != 3 || ra[2].ID != "A3" || !ra[2].Overdue || ra[2].DaysOverdue == nil || *ra[2].DaysOverdue != 30 || ra[0].Completed == nil {
		t.Errorf("review_actions: got %+v", ra)
	}
	rules, err := pirsql.ReviewRules(ctx, db, c1)
	must(err)
	if rules == nil {
		t.Error("review_rules: nil, want an empty list")
	}
	rt, err := pirsql.ReviewTechniques(ctx, db, pirsql.CaseKey{Source: "pir", CaseID: "C3"})
	must(err)
	if !containsRow(rt, pirsql.ReviewTechniqueRow{ID: "T1086", CountsAs: "T1059.001", Name: "PowerShell", Tactics: []string{"Execution"}, Parent: "T1059", Status: "revoked"}) {
		t.Errorf("review_techniques C3: got %+v", rt)
	}

	ct, err := pirsql.CoverageTechniques(ctx, db, "detection", "2024-Q1", "2024-Q1")
	must(err)
	if len(ct) == 0 || ct[0].Quarter != "2024-Q1" || ct[0].CaseIDs == nil || ct[0].Tactics == nil {
		t.Errorf("coverage_techniques: got %+v", ct)
	}
	rti, err := pirsql.CoverageRuleTechniques(ctx, db, []string{"T1086", "T9999"})
	must(err)
	if !containsRow(rti, pirsql.RuleTechniqueIDRow{ID: "T1086", CountsAs: "T1059.001", Name: "PowerShell", Known: true}) ||
		!containsRow(rti, pirsql.RuleTechniqueIDRow{ID: "T9999", CountsAs: "T9999", Name: "", Known: false}) {
		t.Errorf("coverage_rule_techniques: got %+v", rti)
	}
	rels, err := pirsql.ExportRelations(ctx, db)
	must(err)
	if !containsRow(rels, pirsql.ExportRelationRow{Schema: "store", Name: "cases", Type: "BASE TABLE", Column: "source", DataType: "VARCHAR", Position: 1}) {
		t.Errorf("export_relations: no store.cases.source column first: %+v", rels[:min(3, len(rels))])
	}
}

func containsRow[R any](rows []R, want R) bool {
	for _, r := range rows {
		if reflect.DeepEqual(r, want) {
			return true
		}
	}
	return false
}

// TestTypedQueryErrorsAndLog: a failing query names its file, and a logged
// querier writes one debug record per query with its rows.
func TestTypedQueryErrorsAndLog(t *testing.T) {
	db := openAnalyticsFixture(t, "UTC")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pirsql.MetricDefinitions(ctx, db); err == nil || !strings.Contains(err.Error(), "query metric_definitions") || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: got %v", err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := pirsql.MetricDefinitions(context.Background(), pirsql.Logged(db, log)); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "name=metric_definitions") || !strings.Contains(out, "rows=7") {
		t.Errorf("log: got %q", out)
	}
	if pirsql.Logged(db, nil) != pirsql.Querier(db) {
		t.Error("Logged with no logger must return the querier itself")
	}
}
