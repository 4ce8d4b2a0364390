package analytics

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The review of C1 in testdata/metrics/seed.sql, worked by hand. 2024-Q1
// (UTC) has C1–C5; C5 is an excluded exercise and C4 has containment before
// detection, so the counted durations are:
//
//	metric   C1     others counted          quarter (with C1)
//	dwell    120 h  none                    n 1
//	triage   2 h    C2 0 h                  n 2, median 1 h, p90 1.8 h
//	contain  10 h   C2 20 h, C3 10 h        n 3, median 10 h, p90 18 h
//	close    528 h  C2 96 h, C4 216 h       n 3, median 216 h, p90 465.6 h
//
// Action item A3 (due 2024-03-01, open) is 75 days overdue on 2024-05-15.
func TestBuildReview(t *testing.T) {
	ctx := context.Background()
	db := openSeeded(t, "UTC")
	if _, err := db.ExecContext(ctx, `
		UPDATE store.cases SET went_well = ['Backups were intact'], needs_improvement = ['VPN patch SLA missed']
		WHERE case_id = 'C1';
		INSERT INTO store.detection_rules (source, case_id, rule_id, title, techniques) VALUES
		    ('pir', 'C1', 'r-2', 'VPN exploit attempt', ['T1190', 'T9998']),
		    ('pir', 'C1', 'r-1', 'Mass encryption', ['T1486']);
		INSERT INTO store.cases (source, case_id, title, status, excluded, detected_at, content_sha256,
		    source_file, source_sha256, source_format, ingested_at)
		VALUES ('thehive', 'C2', 'Same ID elsewhere', 'open', false, '2024-02-01 00:00:00Z', 'h', 'c.json', 'ddd', 'json', '2024-05-10 00:00:00Z');`); err != nil {
		t.Fatal(err)
	}
	opts := ReviewOptions{Now: func() time.Time { return fixedNow }, Version: "test"}

	t.Run("OK", func(t *testing.T) {
		rv, err := BuildReview(ctx, db, "C1", opts)
		if err != nil {
			t.Fatal(err)
		}
		if rv.Ref != "C1" || rv.Quarter != "2024-Q1" || rv.QuarterCases != 6 || rv.Severity != "critical" || rv.AsOfDate != "2024-05-15" {
			t.Errorf("facts: got %+v", rv)
		}
		// 6 cases: C1–C5 and thehive:C2, added above.
		wantLead := "A critical ransomware incident, detected 10 January 2024 00:00 UTC (2024-Q1) and closed 22.0 d after detection."
		if got := rv.Lead(); got != wantLead {
			t.Errorf("lead: got %q, want %q", got, wantLead)
		}
		var since []string
		for _, m := range rv.Timeline {
			s := "-"
			if m.SincePrevious != nil {
				s = strconv.FormatFloat(*m.SincePrevious, 'f', -1, 64)
			}
			since = append(since, m.Milestone+" "+s)
		}
		want := []string{"compromise -", "detection 120", "triage 2", "containment 8", "eradication 48", "recovery 24", "closure 446"}
		if !reflect.DeepEqual(since, want) {
			t.Errorf("timeline: got %v, want %v", since, want)
		}
		byMetric := map[string]ReviewMetric{}
		for _, m := range rv.Metrics {
			byMetric[m.Metric] = m
		}
		checks := []struct {
			metric                      string
			hours                       float64
			n, others, shorter, longer  int
			median, p90, slower, faster float64 // -1: nil
			sentence                    string
		}{
			{"dwell", 120, 1, 0, 0, 0, 120, 120, -1, -1, "Dwell time (MTTD) was 5.0 d, the only measured case of 2024-Q1, so there is nothing to compare it with."},
			{"triage", 2, 2, 1, 1, 0, 1, 1.8, 1, 0, "Time to triage was 2.0 h: slower than the only other measured case of 2024-Q1 (median 1.0 h, p90 1.8 h); too few cases to conclude."},
			{"contain", 10, 3, 2, 0, 1, 10, 18, 0, 0.5, "Time to contain (MTTC) was 10.0 h: faster than 50% of the other 2 measured cases of 2024-Q1 (median 10.0 h, p90 18.0 h); too few cases to conclude."},
			{"close", 528, 3, 2, 2, 0, 216, 465.6, 1, 0, "Time to close was 22.0 d: slower than 100% of the other 2 measured cases of 2024-Q1 (median 9.0 d, p90 19.4 d); too few cases to conclude."},
		}
		for _, c := range checks {
			m := byMetric[c.metric]
			if m.Hours == nil || *m.Hours != c.hours || m.N != c.n || m.Others != c.others || m.Shorter != c.shorter || m.Longer != c.longer {
				t.Errorf("%s: got %+v, want hours %v n %d others %d shorter %d longer %d", c.metric, m, c.hours, c.n, c.others, c.shorter, c.longer)
			}
			for _, f := range []struct {
				name string
				got  *float64
				want float64
			}{{"median", m.Median, c.median}, {"p90", m.P90, c.p90}, {"slower", m.SlowerThan, c.slower}, {"faster", m.FasterThan, c.faster}} {
				if (f.want == -1) != (f.got == nil) || (f.got != nil && *f.got != f.want) {
					t.Errorf("%s %s: got %v, want %v", c.metric, f.name, deref(f.got), f.want)
				}
			}
			if got := rv.Comparison(m); got != c.sentence {
				t.Errorf("%s sentence:\n got %q\nwant %q", c.metric, got, c.sentence)
			}
		}
		if len(rv.Actions) != 3 || rv.OverdueActions != 1 || !rv.Actions[2].Overdue || rv.Actions[2].DaysOverdue != 75 || rv.Actions[2].Owner != "infra" {
			t.Errorf("actions: got %+v", rv.Actions)
		}
		if rv.Actions[1].Overdue || !rv.Actions[1].Done || rv.Actions[1].Completed == nil {
			t.Errorf("done item: got %+v", rv.Actions[1])
		}
		wantRules := []ReviewRule{
			{ID: "r-1", Title: "Mass encryption", Techniques: []TechniqueRef{{"T1486", "Data Encrypted for Impact"}}},
			{ID: "r-2", Title: "VPN exploit attempt", Techniques: []TechniqueRef{{"T1190", "Exploit Public-Facing Application"}, {"T9998", ""}}},
		}
		if !reflect.DeepEqual(rv.DetectionRules, wantRules) {
			t.Errorf("rules: got %+v, want %+v", rv.DetectionRules, wantRules)
		}
		var techs []string
		for _, x := range rv.Techniques {
			techs = append(techs, x.ID+" "+x.Name+" "+strings.Join(x.Tactics, "/"))
		}
		wantTechs := []string{"T1059.001 PowerShell Execution", "T1190 Exploit Public-Facing Application Initial Access", "T1486 Data Encrypted for Impact Impact"}
		if !reflect.DeepEqual(techs, wantTechs) {
			t.Errorf("techniques: got %v, want %v", techs, wantTechs)
		}
		if !reflect.DeepEqual(rv.WentWell, []string{"Backups were intact"}) || len(rv.RootCause.Whys) != 3 || rv.RootCause.Category != "unpatched-vulnerability" {
			t.Errorf("lessons and root cause: got %v %+v", rv.WentWell, rv.RootCause)
		}
	})

	t.Run("RevokedAndUnknownTechniques", func(t *testing.T) {
		rv, err := BuildReview(ctx, db, "C3", opts)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, x := range rv.Techniques {
			got[x.ID] = x.Status + ">" + x.CountsAs
		}
		want := map[string]string{"T1086": "revoked>T1059.001", "T1566.001": "active>T1566.001", "T9999": "unknown>T9999"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got := rv.Lead(); !strings.Contains(got, "still open") {
			t.Errorf("lead: got %q", got)
		}
	})

	t.Run("OutOfOrder", func(t *testing.T) {
		rv, err := BuildReview(ctx, db, "C4", opts)
		if err != nil {
			t.Fatal(err)
		}
		var cont ReviewMilestone
		for _, m := range rv.Timeline {
			if m.Milestone == "containment" {
				cont = m
			}
		}
		if !cont.OutOfOrder || cont.SincePrevious == nil || *cont.SincePrevious != -48 || cont.Previous != "detection" {
			t.Errorf("containment: got %+v", cont)
		}
		for _, m := range rv.Metrics {
			if m.Metric == "contain" && (m.Hours != nil || m.Exclusion != "out_of_order" || rv.Comparison(m) != "Time to contain (MTTC): not measured, containment is recorded before detection.") {
				t.Errorf("contain: got %+v", m)
			}
		}
	})

	t.Run("ExcludedCase", func(t *testing.T) {
		rv, err := BuildReview(ctx, db, "C5", opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range rv.Metrics {
			if m.Metric == "contain" {
				// C5 took 5 h; the others are C1 10 h, C2 20 h, C3 10 h.
				if m.Hours == nil || *m.Hours != 5 || m.Exclusion != "excluded_case" || m.Others != 3 || m.Longer != 3 {
					t.Errorf("contain: got %+v", m)
				}
				if !strings.HasSuffix(rv.Comparison(m), "; the case itself is excluded from the quarter's metrics; too few cases to conclude.") {
					t.Errorf("sentence: got %q", rv.Comparison(m))
				}
			}
		}
		if !rv.Excluded || !strings.Contains(rv.Lead(), "excluded from quarterly metrics") {
			t.Errorf("excluded: got %v %q", rv.Excluded, rv.Lead())
		}
	})

	t.Run("ErrCaseNotFound", func(t *testing.T) {
		_, err := BuildReview(ctx, db, "NOPE", opts)
		if !errors.Is(err, ErrCaseNotFound) {
			t.Errorf("got %v, want ErrCaseNotFound", err)
		}
		_, err = BuildReview(ctx, db, "C1", ReviewOptions{Source: "thehive", Now: opts.Now})
		if !errors.Is(err, ErrCaseNotFound) {
			t.Errorf("other source: got %v, want ErrCaseNotFound", err)
		}
	})

	t.Run("ErrAmbiguousCase", func(t *testing.T) {
		_, err := BuildReview(ctx, db, "C2", opts)
		if !errors.Is(err, ErrAmbiguousCase) || !strings.Contains(err.Error(), "pir, thehive") {
			t.Errorf("got %v, want ErrAmbiguousCase naming both sources", err)
		}
		rv, err := BuildReview(ctx, db, "C2", ReviewOptions{Source: "thehive", Now: opts.Now})
		if err != nil || rv.Ref != "thehive:C2" || rv.Title != "Same ID elsewhere" {
			t.Errorf("with source: got %+v, %v", rv, err)
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
