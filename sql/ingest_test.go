package sql

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIngestWriterColumns writes one case with a distinct value in every
// field, once straight to the store and once through the staging and the
// merge, and reads each column back by name: a value in the wrong column
// (a swapped or missing name in the writer's column lists) fails here.
func TestIngestWriterColumns(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "pir.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := func(day int) *time.Time {
		v := time.Date(2024, 1, day, 10, 0, 0, 0, time.UTC)
		return &v
	}
	i64, f1, f2, yes, no := int64(7), 1.5, 2.5, true, false
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	rowsFor := func(id, format string) *CaseRows {
		return &CaseRows{
			Case: CaseRow{Seq: 1, Source: "src", CaseID: id, Title: "title", Severity: "high", Category: "cat", Status: "closed",
				Excluded: true, Tags: []string{"t1", "t2"},
				Compromise: at(1), Detection: at(2), Triage: at(3), Containment: at(4), Eradication: at(5), Recovery: at(6), Closure: at(7),
				RootCauseCategory: "rcc", RootCauseSummary: "rcs", RootCauseWhys: []string{"w"}, WentWell: []string{"ww"},
				NeedsImprovement: []string{"ni"}, Extra: `{"x":1}`, ContentSHA256: "sha-" + id, SourceFile: "f.jsonl", SourceFormat: format,
				IngestedAt: now, Assets: []string{"a"}, Platforms: []string{"windows"}, Team: "team", BusinessUnit: "bu", Tenant: "tenant",
				DetectionSource: "internal", ImpactRecords: &i64, ImpactCost: &f1, ImpactCurrency: "EUR", ImpactDowntimeHours: &f2,
				ImpactRegulatorNotified: &yes, ImpactCustomersNotified: &no, ReviewStatus: "held", ReviewFacilitator: "fac",
				ReviewHeldAt: at(8), ReviewPublishedAt: at(9), WentWellThemes: []string{"th1"}, NeedsImprovementThemes: []string{""}},
			Techniques:  []string{"T1566"},
			ActionItems: []ActionItemRow{{Position: 1, ItemID: "ai", Summary: "sum", Owner: "own", Priority: "p1", Due: at(10), Status: "done", Completed: at(11)}},
			Rules:       []DetectionRuleRow{{RuleID: "r", Title: "rt", Techniques: []string{"T1059"}, Status: "deployed", SigmaID: "sid"}},
			Playbooks:   []PlaybookUpdateRow{{Position: 1, Playbook: "pb", Change: "ch", Owner: "po", Due: at(12), Status: "open", Completed: at(13)}},
			Sources:     []MilestoneSourceRow{{Milestone: "detection", SourceField: "createdAt"}},
			Veris:       []VerisRow{{Phase: "discovery", Unit: "Days", Value: &f1, Hours: &f2}},
		}
	}
	tx, err := BeginIngest(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if err := tx.Stage(ctx); err != nil {
		t.Fatal(err)
	}
	err = tx.Write(ctx, func(w *IngestWriter) error {
		if err := w.Case(ToStore, rowsFor("direct", "thehive")); err != nil {
			return err
		}
		derived := rowsFor("derived", "pir")
		derived.Sources = nil
		if err := w.Case(ToStore, derived); err != nil {
			return err
		}
		if err := w.Case(ToStage, rowsFor("staged", "thehive")); err != nil {
			return err
		}
		return w.File(FileRow{RunID: 1, Path: "f.jsonl", SHA256: "filesha", Format: "pir", Records: 3, IngestedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	counts, err := tx.Classify(ctx, IngestTally{Records: 3, Direct: 2, Staged: 1})
	if err != nil {
		t.Fatal(err)
	}
	if counts != (IngestCounts{Inserted: 3}) {
		t.Errorf("counts: got %+v, want 3 inserted", counts)
	}
	if err := tx.Merge(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Finish(ctx, IngestRun{RunID: 1, Started: now, Finished: now, Files: 1, Inserted: 3}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	get := func(q string) string {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var cells []string
			for i, v := range vals {
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format("01-02T15")
				}
				if p, ok := v.(*any); ok {
					v = *p
				}
				cells = append(cells, fmt.Sprintf("%s=%v", cols[i], v))
			}
			out = append(out, strings.Join(cells, " "))
		}
		return strings.Join(out, "\n")
	}
	for _, id := range []string{"direct", "derived", "staged"} {
		want := "source=src case_id=" + id + " title=title severity=high category=cat status=closed excluded=true tags=[t1 t2] " +
			"compromise_at=01-01T10 detected_at=01-02T10 triaged_at=01-03T10 contained_at=01-04T10 eradicated_at=01-05T10 " +
			"recovered_at=01-06T10 closed_at=01-07T10 root_cause_category=rcc root_cause_summary=rcs root_cause_whys=[w] " +
			"went_well=[ww] needs_improvement=[ni] extra={\"x\":1} content_sha256=sha-" + id + " source_file=f.jsonl " +
			"source_sha256=filesha source_format=" + map[string]string{"derived": "pir"}[id] + " ingested_at=06-01T12 assets=[a] platforms=[windows] " +
			"team=team business_unit=bu tenant=tenant detection_source=internal impact_records=7 impact_cost=1.5 " +
			"impact_currency=EUR impact_downtime_hours=2.5 impact_regulator_notified=true impact_customers_notified=false " +
			"review_status=held review_held_at=01-08T10 review_published_at=01-09T10 review_facilitator=fac " +
			"went_well_themes=[th1] needs_improvement_themes=[]"
		if id != "derived" {
			want = strings.Replace(want, "source_format= ", "source_format=thehive ", 1)
		}
		if got := get("SELECT * FROM store.cases WHERE case_id = '" + id + "'"); got != want {
			t.Errorf("%s case:\ngot  %s\nwant %s", id, got, want)
		}
		for q, want := range map[string]string{
			"SELECT * EXCLUDE (source, case_id) FROM store.case_techniques": "technique_id=T1566",
			"SELECT * EXCLUDE (source, case_id) FROM store.action_items": "position=1 item_id=ai summary=sum owner=own priority=p1 " +
				"due_date=01-10T00 status=done completed_at=01-11T10",
			"SELECT * EXCLUDE (source, case_id) FROM store.detection_rules":  "rule_id=r title=rt techniques=[T1059] status=deployed sigma_id=sid",
			"SELECT * EXCLUDE (source, case_id) FROM store.playbook_updates": "position=1 playbook=pb change=ch owner=po due_date=01-12T00 status=open completed_at=01-13T10",
			"SELECT * EXCLUDE (source, case_id) FROM store.veris_timeline":   "phase=discovery unit=Days value=1.5 hours=2.5",
		} {
			if got := get(q + " WHERE case_id = '" + id + "'"); got != want {
				t.Errorf("%s: %s:\ngot  %s\nwant %s", id, q, got, want)
			}
		}
	}
	// Sources as written, and for the canonical case derived from its
	// milestones (the view).
	got := get("SELECT case_id, milestone, source_field FROM milestone_sources ORDER BY case_id, milestone")
	var want []string
	for _, m := range []string{"closure", "compromise", "containment", "detection", "eradication", "recovery", "triage"} {
		want = append(want, "case_id=derived milestone="+m+" source_field=timeline."+m)
	}
	want = append(want, "case_id=direct milestone=detection source_field=createdAt", "case_id=staged milestone=detection source_field=createdAt")
	if got != strings.Join(want, "\n") {
		t.Errorf("milestone sources:\ngot  %s\nwant %s", got, strings.Join(want, "\n"))
	}
	if got := get("SELECT run_id, path, sha256, records FROM store.ingest_files"); got != "run_id=1 path=f.jsonl sha256=filesha records=3" {
		t.Errorf("ingest_files: %s", got)
	}
}

// TestDerivedMilestoneSources: the migration that derives the canonical
// cases' milestone sources drops the stored rows it can derive (and only
// those), and the view shows each source once, derived or stored.
func TestDerivedMilestoneSources(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "pir.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A store as an earlier pir wrote it: every source stored.
	for _, q := range []string{
		`INSERT INTO store.cases (source, case_id, status, excluded, detected_at, closed_at, content_sha256, source_file, source_sha256, source_format, ingested_at)
		 VALUES ('pir', 'C', 'closed', false, '2024-01-02', '2024-01-09', 'h', 'f', 's', 'pir', now()),
		        ('thehive', 'T', 'open', false, '2024-01-02', NULL, 'h', 'f', 's', 'thehive', now())`,
		`INSERT INTO store.milestone_sources VALUES ('pir', 'C', 'detection', 'timeline.detection'), ('pir', 'C', 'closure', 'timeline.closure'),
		 ('thehive', 'T', 'detection', '_createdAt'), ('thehive', 'T', 'closure', 'timeline.closure')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var sql string
	for _, m := range ms {
		if strings.HasSuffix(m.Name, "_derived_milestone_sources.sql") {
			sql = m.SQL
		}
	}
	if sql == "" {
		t.Fatal("no derived_milestone_sources migration")
	}
	if _, err := db.ExecContext(ctx, sql); err != nil {
		t.Fatal(err)
	}
	rows := func(q string) string {
		var s string
		if err := db.QueryRowContext(ctx, "SELECT string_agg(r, '; ' ORDER BY r) FROM ("+q+") t(r)").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got, want := rows(`SELECT case_id || ' ' || milestone || ' ' || source_field FROM store.milestone_sources`),
		"T closure timeline.closure; T detection _createdAt"; got != want {
		t.Errorf("stored: got %q, want %q", got, want)
	}
	if got, want := rows(`SELECT case_id || ' ' || milestone || ' ' || source_field FROM milestone_sources`),
		"C closure timeline.closure; C detection timeline.detection; T closure timeline.closure; T detection _createdAt"; got != want {
		t.Errorf("view: got %q, want %q", got, want)
	}
}
