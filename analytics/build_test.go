package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// The fixture testdata/metrics/seed.sql, worked by hand (UTC unless said):
//
//	case  quarter  sev       category         excl  contain  notes
//	Y1    2023-Q1  high      web-compromise         30 h     year-ago quarter: one case
//	Z2    2023-Q2  -         malware                -        compromise 1970 (before 1990)
//	O1    2023-Q3  low       third-party            -        open, detected 30 d before Q3 ends
//	P1    2023-Q4  medium    phishing               4 h      action item done 2023-11-20
//	P2    2023-Q4  high      ransomware             8 h      one item done, one wont-do
//	C1    2024-Q1  critical  ransomware             10 h     every milestone
//	C2    2024-Q1  high      phishing               20 h     triage = detection (0 h)
//	C3    2024-Q1  medium    phishing               10 h     open; T1086 (revoked), T9999
//	C4    2024-Q1  low       insider-threat         -        containment before detection
//	C5    2024-Q1  medium    phishing         yes   (5 h)    tabletop exercise
//	C6    Q1 NY/Q2 UTC high  ransomware             2 h      detected 23:30 31 Mar New York
//	Z1    2031-Q1  low       malware                -        detection in the future
//
// Report 2024-Q1, 4 trailing quarters, now 2024-05-15 12:00 UTC, so AsOf is
// the end of Q1 and the as-of date 31 March 2024.
var fixedNow = time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)

func openSeeded(t *testing.T, tz string) *pirsql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{TimeZone: tz})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed, err := os.ReadFile("../testdata/metrics/seed.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(seed)); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

func build(t *testing.T, db *pirsql.DB, opts Options) *Report {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	if opts.Quarter == "" {
		opts.Quarter = "2024-Q1"
	}
	if opts.Quarters == 0 {
		opts.Quarters = 4
	}
	r, err := Build(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func f(v float64) *float64 { return &v }

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

func series(r *Report, metric string) MetricSeries {
	for _, m := range r.Metrics {
		if m.Metric == metric {
			return m
		}
	}
	return MetricSeries{}
}

func kpi(r *Report, metric string) KPI {
	for _, k := range r.KPIs {
		if k.Metric == metric {
			return k
		}
	}
	return KPI{}
}

func TestBuildHeader(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{Version: "v1.2.3", Organisation: "Acme", Marking: "TLP:AMBER"})
	equal(t, "quarters", r.Quarters, []string{"2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"})
	if r.Quarter != "2024-Q1" || r.Cohort != "detection" || r.TimeZone != "UTC" || r.Version != "v1.2.3" ||
		r.Organisation != "Acme" || r.Marking != "TLP:AMBER" {
		t.Errorf("header: got %+v", r)
	}
	if !r.GeneratedAt.Equal(fixedNow) {
		t.Errorf("generated_at: got %v, want %v", r.GeneratedAt, fixedNow)
	}
	if want := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC); !r.AsOf.Equal(want) || r.AsOfDate != "2024-03-31" {
		t.Errorf("as_of: got %v %s, want %v 2024-03-31", r.AsOf, r.AsOfDate, want)
	}
	if len(r.Definitions) != 7 || r.Definitions[2] != (MetricDef{"contain", "Time to contain (MTTC)", "detection", "containment"}) {
		t.Errorf("definitions: got %+v", r.Definitions)
	}
	if r.ATTACK.Version != "v18.1" || !strings.HasPrefix(r.ATTACK.Notice, "© 2025 The MITRE Corporation.") {
		t.Errorf("attack: got %q %q", r.ATTACK.Version, r.ATTACK.Notice)
	}
}

func TestBuildMetrics(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	t.Run("contain", func(t *testing.T) {
		equal(t, "contain series", series(r, "contain"), MetricSeries{Metric: "contain", Label: "Time to contain (MTTC)", Stats: []Stat{
			// Z2 has no containment; the quarter has a case, so N = 0.
			{Quarter: "2023-Q2", N: 0, Excluded: Excluded{MissingEnd: 1}, SmallSample: true},
			// O1 is open without containment: censored at the snapshot (the
			// newest ingest, 10 May 2024), 252 d = 6048 h after detection.
			{Quarter: "2023-Q3", N: 0, Excluded: Excluded{MissingEnd: 1}, SmallSample: true,
				Survival: &Survival{N: 1, Censored: 1, Median: 6048, P90: 6048}},
			// 4 h and 8 h: median 6, p90 = 4 + 0.9 × (8 − 4) = 7.6.
			// Kaplan–Meier: S(4) = 1/2 exactly: (4 + 8)/2 = 6; S(8) = 0.
			{Quarter: "2023-Q4", N: 2, Mean: f(6), Median: f(6), P90: f(7.6), Min: f(4), Max: f(8), SmallSample: true,
				Survival: &Survival{N: 2, Events: 2, Median: 6, MedianReached: true, P90: 8, P90Reached: true}},
			// 10, 10 (a tie), 20: median 10, p90 at rank 1.8 = 10 + 0.8 × 10 = 18;
			// C4 out of order and C5 excluded are counted by reason.
			{Quarter: "2024-Q1", N: 3, Mean: f(13.3333), Median: f(10), P90: f(18), Min: f(10), Max: f(20),
				Excluded: Excluded{OutOfOrder: 1, ExcludedCase: 1}, SmallSample: true,
				Survival: &Survival{N: 3, Events: 3, Median: 10, MedianReached: true, P90: 20, P90Reached: true}},
		}})
	})
	t.Run("triage with a zero duration", func(t *testing.T) {
		// C1 2 h, C2 0 h: median 1, p90 = 0 + 0.9 × 2 = 1.8.
		equal(t, "triage 2024-Q1", series(r, "triage").Stats[3], Stat{Quarter: "2024-Q1", N: 2, Mean: f(1), Median: f(1), P90: f(1.8),
			Min: f(0), Max: f(2), Excluded: Excluded{MissingEnd: 2, ExcludedCase: 1}, SmallSample: true,
			// C3, open without triage, censored at 2040 h (statistics_test.go)
			Survival: &Survival{N: 3, Events: 2, Censored: 1, Median: 2, MedianReached: true, P90: 2040}})
	})
	t.Run("dwell one case", func(t *testing.T) {
		equal(t, "dwell 2024-Q1", series(r, "dwell").Stats[3], Stat{Quarter: "2024-Q1", N: 1, Mean: f(120), Median: f(120), P90: f(120),
			Min: f(120), Max: f(120), Excluded: Excluded{MissingStart: 3, ExcludedCase: 1}, SmallSample: true,
			Survival: &Survival{N: 1, Events: 1, Median: 120, MedianReached: true, P90: 120, P90Reached: true}})
	})
	t.Run("kpi", func(t *testing.T) {
		k := kpi(r, "contain")
		if k.Previous == nil || k.Previous.Quarter != "2023-Q4" || k.YearAgo == nil || k.YearAgo.Quarter != "2023-Q1" || *k.YearAgo.Median != 30 {
			t.Fatalf("kpi sides: got %+v", k)
		}
		// 2 and 3 cases, 1 and 3 a year apart: too few to call (neutral);
		// p-values: statistics_test.go works them out.
		equal(t, "qoq", k.QoQ, Change{From: f(6), To: f(10), Abs: f(4), Pct: f(66.6667), Direction: "neutral", PValue: f(0.138641)})
		equal(t, "yoy", k.YoY, Change{From: f(30), To: f(10), Abs: f(-20), Pct: f(-66.6667), Direction: "neutral", PValue: f(0.345779)})
		// 2023-Q4 had cases but no dwell: a Stat with N = 0, so no change.
		d := kpi(r, "dwell")
		if d.Previous == nil || d.Previous.N != 0 {
			t.Errorf("dwell previous: got %+v", d.Previous)
		}
		equal(t, "dwell qoq", d.QoQ, Change{To: f(120), Direction: "n/a"})
	})
	t.Run("change", func(t *testing.T) {
		equal(t, "same", change(&Stat{N: 9, Median: f(5)}, Stat{N: 9, Median: f(5)}), Change{From: f(5), To: f(5), Abs: f(0), Pct: f(0), Direction: "neutral"})
		equal(t, "from zero", change(&Stat{N: 9, Median: f(0)}, Stat{N: 9, Median: f(2)}), Change{From: f(0), To: f(2), Abs: f(2), Direction: "worse"})
		equal(t, "small sample", change(&Stat{N: 4, Median: f(0)}, Stat{N: 9, Median: f(2)}), Change{From: f(0), To: f(2), Abs: f(2), Direction: "neutral"})
		equal(t, "under 5%", change(&Stat{N: 9, Median: f(10)}, Stat{N: 9, Median: f(10.4)}), Change{From: f(10), To: f(10.4), Abs: f(0.4), Pct: f(4), Direction: "neutral"})
		equal(t, "no previous", change(nil, Stat{Median: f(2)}), Change{To: f(2), Direction: "n/a"})
	})
}

func TestBuildTimeZone(t *testing.T) {
	// In New York C6 (23:30 on 31 March) joins 2024-Q1: contain 2, 10, 10, 20.
	// median (10 + 10) / 2 = 10; p90 at rank 2.7 = 10 + 0.7 × 10 = 17.
	r := build(t, openSeeded(t, "America/New_York"), Options{})
	equal(t, "contain 2024-Q1", series(r, "contain").Stats[3], Stat{Quarter: "2024-Q1", N: 4, Mean: f(10.5), Median: f(10), P90: f(17),
		Min: f(2), Max: f(20), Excluded: Excluded{OutOfOrder: 1, ExcludedCase: 1}, SmallSample: true,
		// KM: S(2) = 3/4, S(10) = 1/4: median 10; S(20) = 0
		Survival: &Survival{N: 4, Events: 4, Median: 10, MedianReached: true, P90: 20, P90Reached: true}})
	if r.Cases != 6 {
		t.Errorf("cases: got %d, want 6", r.Cases)
	}
	// Q1 ends at 2024-04-01 04:00 UTC there; C6 (03:30 UTC) is open then, 0.5 h old.
	if want := time.Date(2024, 4, 1, 4, 0, 0, 0, time.UTC); !r.AsOf.Equal(want) {
		t.Errorf("as_of: got %v, want %v", r.AsOf, want)
	}
	var q1 []AgeBucket
	for _, b := range r.OpenAgeing {
		if b.Quarter == "2024-Q1" {
			q1 = append(q1, b)
		}
	}
	equal(t, "ageing 2024-Q1", q1, []AgeBucket{{"2024-Q1", "<7d", 1}, {"2024-Q1", "7-30d", 0}, {"2024-Q1", "30-90d", 1}, {"2024-Q1", ">90d", 1}})
	if r.Notable[1].CaseID != "C2" || r.Notable[2].CaseID != "C6" || r.Notable[2].Hours["contain"] != 2 {
		t.Errorf("notable: got %+v", r.Notable)
	}
	// UTC: C6 is in Q2.
	u := build(t, openSeeded(t, "UTC"), Options{})
	if u.Cases != 5 {
		t.Errorf("UTC cases: got %d, want 5", u.Cases)
	}
}

func TestBuildClosureCohort(t *testing.T) {
	// Closed in 2024-Q1: C1 (10 h), C2 (20 h), C4 (out of order), C5 (excluded).
	r := build(t, openSeeded(t, "UTC"), Options{Cohort: "closure"})
	equal(t, "contain 2024-Q1", series(r, "contain").Stats[3], Stat{Quarter: "2024-Q1", N: 2, Mean: f(15), Median: f(15), P90: f(19),
		Min: f(10), Max: f(20), Excluded: Excluded{OutOfOrder: 1, ExcludedCase: 1}, SmallSample: true,
		// KM: S(10) = 1/2 exactly: (10 + 20)/2 = 15 (open cases have no closure quarter)
		Survival: &Survival{N: 2, Events: 2, Median: 15, MedianReached: true, P90: 20, P90Reached: true}})
	if r.Cases != 4 || r.Cohort != "closure" {
		t.Errorf("cases: got %d %s, want 4 closure", r.Cases, r.Cohort)
	}
	if !strings.Contains(r.Summary[0], "4 incidents were closed in 2024-Q1") {
		t.Errorf("summary: got %q", r.Summary[0])
	}
	// Z1 (open, so in no closure quarter) still has its future detection
	// reported: the timestamp checks cover every case.
	if f := r.DataQuality.Findings[1]; f.Kind != "future_timestamp" || f.CaseIDs[0] != "Z1" {
		t.Errorf("findings: got %+v", r.DataQuality.Findings)
	}
}

func TestBuildCustomDefinitions(t *testing.T) {
	db := openSeeded(t, "UTC")
	defs, err := defaultDefinitions(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	// Redefine MTTR as detection → closure and add an untouched metric name.
	defs[4] = MetricDef{Name: "recover", Label: "MTTR (detection to closure)", Start: "detection", End: "closure"}
	defs = append(defs, MetricDef{Name: "comp_to_contain", Label: "comp_to_contain", Start: "compromise", End: "containment"})
	r := build(t, db, Options{Definitions: defs})
	if len(r.Definitions) != 8 || r.Definitions[4].Label != "MTTR (detection to closure)" || r.Definitions[7].Label != "comp_to_contain" {
		t.Fatalf("definitions: got %+v", r.Definitions)
	}
	// C1 528 h, C2 96 h, C4 216 h: median 216, p90 = 216 + 0.8 × 312 = 465.6.
	equal(t, "recover 2024-Q1", series(r, "recover").Stats[3], Stat{Quarter: "2024-Q1", N: 3, Mean: f(280), Median: f(216), P90: f(465.6),
		Min: f(96), Max: f(528), Excluded: Excluded{MissingEnd: 1, ExcludedCase: 1}, SmallSample: true,
		// KM with C3 (open, no closure) censored at 2040 h: S(96) = 3/4,
		// S(216) = 1/2 exactly: (216 + 528)/2 = 372, not the plain 216;
		// S(528) = 1/4 and no later event: p90 not reached (> 2040 h).
		Survival: &Survival{N: 4, Events: 3, Censored: 1, Median: 372, MedianReached: true, P90: 2040}})
	// C1: compromise 5 Jan → containment 10 Jan 10:00 = 130 h.
	equal(t, "comp_to_contain 2024-Q1", series(r, "comp_to_contain").Stats[3], Stat{Quarter: "2024-Q1", N: 1, Mean: f(130), Median: f(130), P90: f(130),
		Min: f(130), Max: f(130), Excluded: Excluded{MissingStart: 3, ExcludedCase: 1}, SmallSample: true,
		Survival: &Survival{N: 1, Events: 1, Median: 130, MedianReached: true, P90: 130, P90Reached: true}})
	if r.Notable[0].Hours["comp_to_contain"] != 130 || r.Notable[0].Hours["recover"] != 528 {
		t.Errorf("notable hours: got %v", r.Notable[0].Hours)
	}
}

func TestBuildVolumeAndAgeing(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	if r.Cases != 5 || r.ExcludedCases != 1 {
		t.Errorf("cases: got %d (%d excluded), want 5 (1)", r.Cases, r.ExcludedCases)
	}
	equal(t, "total", r.Volume.Total, []QuarterCount{{"2023-Q2", "all", 1}, {"2023-Q3", "all", 1}, {"2023-Q4", "all", 2}, {"2024-Q1", "all", 5}})
	var cat, sev []QuarterCount
	for _, c := range r.Volume.ByCategory {
		if c.Quarter == "2024-Q1" {
			cat = append(cat, c)
		}
	}
	for _, c := range r.Volume.BySeverity {
		if c.Quarter == "2024-Q1" || c.Quarter == "2023-Q2" {
			sev = append(sev, c)
		}
	}
	equal(t, "by category", cat, []QuarterCount{{"2024-Q1", "phishing", 3}, {"2024-Q1", "insider-threat", 1}, {"2024-Q1", "ransomware", 1}})
	equal(t, "by severity", sev, []QuarterCount{{"2023-Q2", "unspecified", 1},
		{"2024-Q1", "critical", 1}, {"2024-Q1", "high", 1}, {"2024-Q1", "medium", 2}, {"2024-Q1", "low", 1}})
	equal(t, "excluded", r.Volume.Excluded, []QuarterCount{{"2024-Q1", "excluded", 1}})
	// O1 is open from 2023-09-01: exactly 30 days old at the end of Q3
	// (30-90d), 122 days at the end of Q4; C3 is 46 days old at the end of Q1.
	equal(t, "ageing", r.OpenAgeing, []AgeBucket{
		{"2023-Q2", "<7d", 0}, {"2023-Q2", "7-30d", 0}, {"2023-Q2", "30-90d", 0}, {"2023-Q2", ">90d", 0},
		{"2023-Q3", "<7d", 0}, {"2023-Q3", "7-30d", 0}, {"2023-Q3", "30-90d", 1}, {"2023-Q3", ">90d", 0},
		{"2023-Q4", "<7d", 0}, {"2023-Q4", "7-30d", 0}, {"2023-Q4", "30-90d", 0}, {"2023-Q4", ">90d", 1},
		{"2024-Q1", "<7d", 0}, {"2024-Q1", "7-30d", 0}, {"2024-Q1", "30-90d", 1}, {"2024-Q1", ">90d", 1},
	})
}

func TestBuildRootCauses(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	// 2024-Q1, C5 excluded: phishing C2 (5 whys) and C3 (none), both after
	// P1 (phishing) had all its action items done on 2023-11-20: two
	// recurrences. C1 does not recur: P2 has a wont-do item.
	equal(t, "root causes", r.RootCauses, []RootCause{
		{Quarter: "2023-Q2", Category: "malware", Cases: 1, Share: 1, MeanWhys: 0},
		{Quarter: "2023-Q4", Category: "phishing", Cases: 1, Share: 0.5, MeanWhys: 2},
		{Quarter: "2023-Q4", Category: "unpatched-vulnerability", Cases: 1, Share: 0.5, MeanWhys: 4},
		{Quarter: "2024-Q1", Category: "phishing", Cases: 2, Share: 0.5, MeanWhys: 2.5, Recurrences: 2},
		{Quarter: "2024-Q1", Category: "insider", Cases: 1, Share: 0.25, MeanWhys: 1},
		{Quarter: "2024-Q1", Category: "unpatched-vulnerability", Cases: 1, Share: 0.25, MeanWhys: 3},
	})
}

func TestBuildAttack(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	equal(t, "techniques", r.Techniques, []Technique{
		{ID: "T1059.001", Name: "PowerShell", Tactics: []string{"execution"}, Parent: "T1059", Cases: 2, CaseIDs: []string{"C1", "C3"},
			Known: true, RevokedFrom: []string{"T1086"}, Status: "active"},
		{ID: "T1566.001", Name: "Spearphishing Attachment", Tactics: []string{"initial-access"}, Parent: "T1566", Cases: 2,
			CaseIDs: []string{"C2", "C3"}, Known: true, Status: "active"},
		{ID: "T1064", Name: "Scripting", Tactics: []string{"defense-evasion", "execution"}, Cases: 1, CaseIDs: []string{"C4"},
			Known: true, Status: "deprecated"},
		{ID: "T1078", Name: "Valid Accounts", Tactics: []string{"defense-evasion", "persistence", "privilege-escalation", "initial-access"},
			Cases: 1, CaseIDs: []string{"C2"}, Known: true, Status: "active"},
		{ID: "T1190", Name: "Exploit Public-Facing Application", Tactics: []string{"initial-access"}, Cases: 1, CaseIDs: []string{"C1"},
			Known: true, Status: "active"},
		{ID: "T1486", Name: "Data Encrypted for Impact", Tactics: []string{"impact"}, Cases: 1, CaseIDs: []string{"C1"},
			Known: true, Status: "active"},
		{ID: "T1566.002", Name: "Spearphishing Link", Tactics: []string{"initial-access"}, Parent: "T1566", Cases: 1,
			CaseIDs: []string{"C2"}, Known: true, Status: "active"},
		{ID: "T1685", Name: "Disable or Modify Tools", Tactics: []string{}, Cases: 1, CaseIDs: []string{"C4"}, Known: true, Status: "newer"},
		{ID: "T9999", Tactics: []string{}, Cases: 1, CaseIDs: []string{"C3"}, Status: "unknown"},
	})
	equal(t, "unknown", r.ATTACK.Unknown, []string{"T9999"})
	var roll []string
	for _, p := range r.ATTACK.ParentRollup {
		roll = append(roll, p.ID+"="+strings.Join(p.CaseIDs, "+")+"/"+p.Status)
	}
	equal(t, "parent rollup", roll, []string{"T1059=C1+C3/active", "T1566=C2+C3/active", "T1064=C4/deprecated", "T1078=C2/active",
		"T1190=C1/active", "T1486=C1/active", "T1685=C4/newer", "T9999=C3/unknown"})
	if p := r.ATTACK.ParentRollup[0]; p.Name != "Command and Scripting Interpreter" || p.Cases != 2 || !p.Known {
		t.Errorf("T1059 rollup: got %+v", p)
	}
	equal(t, "tactics", r.Tactics, []TacticCount{
		{"2023-Q4", "initial-access", "Initial Access", 1},
		{"2024-Q1", "initial-access", "Initial Access", 3},
		{"2024-Q1", "execution", "Execution", 3},
		{"2024-Q1", "persistence", "Persistence", 1},
		{"2024-Q1", "privilege-escalation", "Privilege Escalation", 1},
		{"2024-Q1", "defense-evasion", "Defense Evasion", 2},
		{"2024-Q1", "impact", "Impact", 1},
	})
}

func TestBuildActions(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	// 2023-Q4: D1 done (19 d), E1 done (14 d), E2 wont-do. 2024-Q1 at the end
	// of March: A1, A2, B1 done (10, 36, 2 days; A2 late), A3 overdue 30 d,
	// F1 due on the as-of date (not overdue), F2 done only in April (overdue
	// 16 d at AsOf), G1 of the excluded exercise overdue 11 d.
	equal(t, "actions", r.Actions, []ActionSummary{
		{Quarter: "2023-Q2"},
		{Quarter: "2023-Q3"},
		{Quarter: "2023-Q4", Created: 3, Completed: 2, CompletionRate: f(0.6667), OnTimeRate: f(1), MedianDays: f(16.5)},
		// On time of the 7 items due by 31 March (F1 due that day): A1, B1.
		{Quarter: "2024-Q1", Created: 7, Completed: 3, Overdue: 3, CompletionRate: f(0.4286), OnTimeRate: f(0.2857), MedianDays: f(10)},
	})
	equal(t, "overdue", r.Overdue, []OverdueItem{
		{CaseID: "C1", Source: "pir", ItemID: "A3", Summary: "Segment backups", Owner: "infra", Priority: "medium", Due: "2024-03-01", DaysOverdue: 30, Status: "open"},
		{CaseID: "C4", Source: "pir", ItemID: "F2", Summary: "Offboarding checklist", Owner: "hr", Priority: "medium", Due: "2024-03-15", DaysOverdue: 16, Status: "done"},
		{CaseID: "C5", Source: "pir", ItemID: "G1", Summary: "Update playbook", Owner: "soc", Priority: "low", Due: "2024-03-20", DaysOverdue: 11, Status: "open"},
	})
	if r.OverdueTotal != 3 {
		t.Errorf("overdue total: got %d, want 3", r.OverdueTotal)
	}
}

// TestBuildListLimit: the lists that grow with the case count stop at
// ListLimit, most important first, while every count stays complete.
func TestBuildListLimit(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{ListLimit: 1})
	if len(r.Overdue) != 1 || r.Overdue[0].CaseID != "C1" || r.Overdue[0].DaysOverdue != 30 || r.OverdueTotal != 3 {
		t.Errorf("overdue: got %+v of %d, want the 30-day C1 item of 3", r.Overdue, r.OverdueTotal)
	}
	if len(r.Notable) != 1 || r.Notable[0].CaseID != "C1" || r.NotableTotal != 2 || r.Notable[0].Hours["close"] != 528 {
		t.Errorf("notable: got %+v of %d, want C1 (with its hours) of 2", r.Notable, r.NotableTotal)
	}
	for _, tc := range r.Techniques {
		if len(tc.CaseIDs) != 1 {
			t.Errorf("technique %s: %d case IDs listed, want 1 (of %d)", tc.ID, len(tc.CaseIDs), tc.Cases)
		}
	}
	// The headline counts distinct cases per kind from SQL, not from the
	// capped lists; the summary counts every overdue item.
	full := build(t, openSeeded(t, "UTC"), Options{ListLimit: -1})
	if r.DataQuality.Headline != full.DataQuality.Headline {
		t.Errorf("headline with a list limit:\n%s\nwithout:\n%s", r.DataQuality.Headline, full.DataQuality.Headline)
	}
	equal(t, "summary", r.Summary, full.Summary)
	if !strings.Contains(strings.Join(r.Summary, " "), "3 action items were overdue") {
		t.Errorf("summary does not count all 3 overdue items: %q", r.Summary)
	}
	if len(full.Overdue) != 3 || len(full.Notable) != 2 {
		t.Errorf("ListLimit -1: %d overdue, %d notable listed; want 3 and 2", len(full.Overdue), len(full.Notable))
	}
}

func TestBuildNotable(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	equal(t, "notable", r.Notable, []NotableCase{
		{CaseID: "C1", Source: "pir", Title: "Ransomware via VPN", Severity: "critical", Category: "ransomware", Status: "closed",
			RootCause: "unpatched-vulnerability", Detected: time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC),
			Hours: map[string]float64{"dwell": 120, "triage": 2, "contain": 10, "eradicate": 48, "recover": 24, "resolve": 82, "close": 528}},
		{CaseID: "C2", Source: "pir", Title: "Spearphishing, account takeover", Severity: "high", Category: "phishing", Status: "closed",
			RootCause: "phishing", Detected: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
			Hours: map[string]float64{"triage": 0, "contain": 20, "close": 96}},
	})
	if r.NotableTotal != 2 {
		t.Errorf("notable total: got %d, want 2", r.NotableTotal)
	}
}

func TestBuildDataQuality(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	dq := r.DataQuality
	if dq.Cases != 4 {
		t.Errorf("cases: got %d, want 4 (C5 is excluded)", dq.Cases)
	}
	equal(t, "coverage", dq.Coverage, []MilestoneCoverage{
		{"compromise", 1, 0.25}, {"detection", 4, 1}, {"triage", 2, 0.5}, {"containment", 4, 1},
		{"eradication", 1, 0.25}, {"recovery", 1, 0.25}, {"closure", 3, 0.75},
	})
	equal(t, "findings", dq.Findings, []Finding{
		{Kind: "out_of_order", Detail: "containment before detection", Count: 1, CaseIDs: []string{"C4"}, KindCases: 1},
		{Kind: "future_timestamp", Detail: "detection in the future", Count: 1, CaseIDs: []string{"Z1"}, KindCases: 1},
		{Kind: "before_1990", Detail: "compromise before 1990", Count: 1, CaseIDs: []string{"Z2"}, KindCases: 1},
		{Kind: "unknown_technique", Detail: "T9999 is not in ATT&CK v18.1", Count: 1, CaseIDs: []string{"C3"}, KindCases: 1},
		{Kind: "newer_technique", Detail: "T1685 (Disable or Modify Tools) is from a later ATT&CK release than v18.1: named, tactics unknown", Count: 1, CaseIDs: []string{"C4"}, KindCases: 1},
		{Kind: "revoked_technique", Detail: "T1086 is revoked in ATT&CK; counted as T1059.001 (PowerShell)", Count: 1, CaseIDs: []string{"C3"}, KindCases: 1},
		{Kind: "deprecated_technique", Detail: "T1064 (Scripting) is deprecated in ATT&CK, with no replacement", Count: 1, CaseIDs: []string{"C4"}, KindCases: 1},
		{Kind: "excluded", Detail: "excluded from metrics", Count: 1, CaseIDs: []string{"C5"}, KindCases: 1},
		// C3 (no whys) and C4 (one) have a root-cause category (rca_findings).
		{Kind: "rca_shallow", Detail: "a root cause with fewer than 3 whys", Count: 2, CaseIDs: []string{"C3", "C4"}, KindCases: 2},
	})
	want := "4 cases in 2024-Q1: compromise recorded for 25% (the least complete milestone); 1 case with out-of-order milestones, " +
		"1 case (any quarter) with a timestamp in the future, 1 case (any quarter) with a timestamp before 1990 and 1 case with an unknown ATT&CK ID."
	if dq.Headline != want {
		t.Errorf("headline:\ngot  %s\nwant %s", dq.Headline, want)
	}
	// Q2 (UTC) holds only C6, closed without a root cause.
	q2 := build(t, openSeeded(t, "UTC"), Options{Quarter: "2024-Q2", Quarters: 1})
	var kinds []string
	for _, f := range q2.DataQuality.Findings {
		kinds = append(kinds, f.Kind+":"+strings.Join(f.CaseIDs, ","))
	}
	equal(t, "Q2 findings", kinds, []string{"future_timestamp:Z1", "before_1990:Z2", "missing_root_cause:C6"})
}

func TestBuildInputs(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	at := time.Date(2024, 5, 10, 0, 0, 1, 0, time.UTC)
	equal(t, "inputs", r.Inputs, []InputFile{
		{Path: "a.jsonl", SHA256: "bbb", Format: "jsonl", Records: 5, IngestedAt: at},
		{Path: "b.csv", SHA256: "ccc", Format: "csv", Records: 7, IngestedAt: at},
	})
}

func TestBuildSummary(t *testing.T) {
	r := build(t, openSeeded(t, "UTC"), Options{})
	equal(t, "summary", r.Summary, []string{
		"5 incidents were detected in 2024-Q1 (1 excluded from metrics as exercises, tests or false positives), against 2 in 2023-Q4.",
		"Median time to contain was 10.0 h across 3 incidents, against 6.0 h across 2 in 2023-Q4: too few incidents (fewer than 5) to call a trend.",
		"Median dwell time was 5.0 days across 1 incident in 2024-Q1 (90th percentile 5.0 days); there is no earlier quarter with data to compare against.",
		"Of 4 incidents with a root cause, the most common were phishing (2, 50%) and insider (1, 25%); 2 recurred within 365 days of an earlier incident's completed fix (same root cause and a shared ATT&CK technique or asset): the fixes of C2 and P1 did not hold.",
		// Both counts take in sub-techniques (T1059.001; T1566.001 and .002),
		// and the sentence says so: the technique table lists them apart.
		"The most frequent ATT&CK techniques were Command and Scripting Interpreter (T1059 with its sub-techniques, 2 cases) and Phishing (T1566 with its sub-techniques, 2 cases); 1 recorded ID is not in ATT&CK v18.1.",
		"3 action items were overdue on 31 March 2024 (the oldest by 30 days, owner infra); 43% of the 7 action items from 2024-Q1 incidents are complete.",
		// The yardstick and its population: the newest M-Trends median
		// published by the generation time (2024-05-10) for a year up to 2024.
		"Yardstick: the median dwell time of 5.0 days in 2024-Q1 sits against a global median dwell time of 10.0 days in Mandiant M-Trends 2024 (2023 data), measured over intrusions investigated by Mandiant incident responders worldwide: a different population, so a reference, not a target.",
	})
}

func TestMetricSentence(t *testing.T) {
	r := &Report{Quarter: "2025-Q1"}
	big := func(q string, n int, median float64) *Stat {
		return &Stat{Quarter: q, N: n, Median: f(median), P90: f(median * 2)}
	}
	k := KPI{Label: "Time to contain (MTTC)", Current: *big("2025-Q1", 14, 4.1), Previous: big("2024-Q4", 9, 9.2)}
	k.QoQ = change(k.Previous, k.Current)
	if got, want := metricSentence(r, k), "Median time to contain fell from 9.2 h to 4.1 h (−55%) against 2024-Q4 across 14 incidents."; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	k = KPI{Label: "MTTR", Current: *big("2025-Q1", 6, 36), Previous: big("2024-Q4", 7, 90)}
	k.QoQ = change(k.Previous, k.Current)
	if got, want := metricSentence(r, k), "Median MTTR fell from 3.8 days to 1.5 days (−60%) against 2024-Q4 across 6 incidents."; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Previous quarter empty: compare with a year ago.
	k = KPI{Label: "Time to close", Current: *big("2025-Q1", 5, 0.5), Previous: &Stat{Quarter: "2024-Q4"}, YearAgo: big("2024-Q1", 5, 0.5)}
	k.QoQ, k.YoY = change(k.Previous, k.Current), change(k.YearAgo, k.Current)
	if got, want := metricSentence(r, k), "Median time to close was 30 min against 30 min in 2024-Q1 across 5 incidents: ≈ no clear change (under 5%)."; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestBuildEmpty(t *testing.T) {
	db, err := pirsql.Open(context.Background(), ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := build(t, db, Options{Quarters: 2})
	if r.Cases != 0 || len(r.Metrics) != 7 || len(r.Metrics[0].Stats) != 2 || len(r.OpenAgeing) != 8 || len(r.Actions) != 2 {
		t.Fatalf("empty report: got %+v", r)
	}
	equal(t, "summary", r.Summary, []string{
		"No incidents were detected in 2024-Q1, against 0 in 2023-Q4.",
		"No incident in 2024-Q1 had the milestones to compute time to contain, so durations cannot be reported.",
		"No incident in 2024-Q1 recorded a root cause.",
		"No action items were overdue on 31 March 2024.",
	})
	if r.DataQuality.Headline != "No cases counted in metrics in 2024-Q1." {
		t.Errorf("headline: got %q", r.DataQuality.Headline)
	}
	// Every list is [] rather than null in JSON.
	b, _ := json.Marshal(r)
	for _, key := range []string{`"techniques":[]`, `"overdue":[]`, `"findings":[]`, `"inputs":[]`, `"by_category":[]`, `"unknown":[]`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("json: want %s in %s", key, b)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	db := openSeeded(t, "UTC")
	ctx := context.Background()
	now := func() time.Time { return fixedNow }
	for _, tc := range []struct {
		name string
		opts Options
		want error
	}{
		{"ErrBadQuarter", Options{Quarter: "2024-Q5", Now: now}, ErrBadQuarter},
		{"ErrBadCohort", Options{Cohort: "resolution", Now: now}, ErrBadCohort},
		{"ErrFutureQuarter", Options{Quarter: "2024-Q3", Now: now}, ErrFutureQuarter},
		{"ErrBadDefinition", Options{Now: now, Definitions: []MetricDef{{Name: "x", Start: "detection", End: "lunch"}}}, ErrBadDefinition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Build(ctx, db, tc.opts); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("OK default quarter", func(t *testing.T) {
		r, err := Build(ctx, db, Options{Now: now})
		if err != nil || r.Quarter != "2024-Q1" || len(r.Quarters) != 8 {
			t.Errorf("got %v %v, want the last complete quarter 2024-Q1 and 8 quarters", r, err)
		}
	})
	t.Run("OK current quarter", func(t *testing.T) {
		r, err := Build(ctx, db, Options{Now: now, Quarter: "2024-Q2"})
		if err != nil || !r.AsOf.Equal(fixedNow) || r.AsOfDate != "2024-05-15" {
			t.Errorf("got %v %v, want AsOf = now", r, err)
		}
	})
}

func TestDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		defs []MetricDef
	}{
		{"empty", nil},
		{"no name", []MetricDef{{Start: "detection", End: "closure"}}},
		{"twice", []MetricDef{{Name: "a", Start: "detection", End: "closure"}, {Name: "a", Start: "detection", End: "triage"}}},
		{"bad start", []MetricDef{{Name: "a", Start: "Detection", End: "closure"}}},
		{"same", []MetricDef{{Name: "a", Start: "closure", End: "closure"}}},
	} {
		t.Run("ErrBadDefinition/"+tc.name, func(t *testing.T) {
			if err := ValidateDefinitions(tc.defs); !errors.Is(err, ErrBadDefinition) {
				t.Errorf("got %v, want ErrBadDefinition", err)
			}
		})
	}
}

// update rewrites the golden files: go test ./analytics -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestBuildGolden keeps the whole report of the hand-checked fixture (New
// York, where every section has content) as JSON: the tests above check its
// numbers; this catches any other change, and renderers can use the file as
// a complete example of the model.
func TestBuildGolden(t *testing.T) {
	r := build(t, openSeeded(t, "America/New_York"), Options{Version: "test", Organisation: "Acme", Marking: "TLP:AMBER"})
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	golden := "../testdata/metrics/fixture-2024-Q1.golden.json"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./analytics -run Golden -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("report differs from %s (if intended: go test ./analytics -run Golden -update):\n%s", golden, b.String())
	}
}
