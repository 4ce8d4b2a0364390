package ingest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/pirhq/pir/internal/testenv"
	pirsql "github.com/pirhq/pir/sql"
)

func vd(name string) string { return filepath.Join("testdata", "veris", name) }

const (
	hoursPerMonth = 30.44 * 24
	hoursPerYear  = 365.25 * 24
)

func TestVerisRealSamples(t *testing.T) {
	t.Run("OK/VCDB incident file (pretty-printed, one per file)", func(t *testing.T) {
		got := parseWith(t, Veris{}, vd("vcdb-002599D4-A872-433B-9980-BD9F257B283F.json"), "", nil)
		if got.err != nil || len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
		}
		// 2 Months = 60.88 days after 2011-12-08: 2012-02-06 21:07:12.
		checkCase(t, got.cases[0], want{
			ID: "002599D4-A872-433B-9980-BD9F257B283F", Source: "veris",
			Title:    "A group of patients filed a class-action lawsuit against Sutter Health this week, after it was revealed a laptop…",
			Category: "physical", RootCause: "physical-theft", Status: "closed",
			Tags:     []string{"action:physical", "actor:external", "discovery:unknown"},
			Timeline: map[string]*time.Time{"compromise": tp("2011-12-08T00:00:00Z"), "detection": tp("2012-02-06T21:07:12Z")},
			Sources: map[string]string{"compromise": "timeline.incident (precision: day)",
				"detection": "timeline.incident + timeline.discovery (2 Months; 1 month = 30.44 days)"},
			Buckets: []TimelineBucket{{Phase: "discovery", Unit: "Months", Value: f64(2), Hours: f64(2 * hoursPerMonth)}},
			Extra: map[string]any{"incident_date": map[string]any{"year": 2011, "month": 12, "day": 8, "precision": "day"},
				"schema_version": "1.3.6", "source_id": "vcdb", "victim_id": "Sutter Medical Foundation", "impact_rating": "Unknown",
				"discovery_method": []string{"unknown"}, "country": []string{"US"}},
		})
	})
	t.Run("OK/VCDB JSON Lines", func(t *testing.T) {
		got := parseWith(t, Veris{}, vd("vcdb-sample.jsonl"), "", nil)
		if got.err != nil || len(got.errs) != 0 || len(got.cases) != 14 {
			t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
		}
		checkCase(t, got.byID(t, "0221187d-bc77-4696-9883-b2cf4e395873"), want{
			ID: "0221187d-bc77-4696-9883-b2cf4e395873", Source: "veris", Title: "Spanish city gets nailed with ransomware",
			Category: "ransomware", RootCause: "malware-ransomware", Status: "closed",
			Tags:       []string{"action:malware", "actor:external", "discovery:external"},
			Techniques: []string{"T1486", "T1490"},
			Timeline:   map[string]*time.Time{"compromise": tp("2019-10-01T00:00:00Z")},
			Sources:    map[string]string{"compromise": "timeline.incident (precision: day)"},
			Extra:      map[string]any{"discovery_method": []string{"external: Actor disclosure"}, "incident_id": "b884eea0-ffd4-11e9-ad81-39b9e5fce51c"},
		})
		// Schema 1.4.0, month precision; "U.S." is not the end of the title.
		checkCase(t, got.byID(t, "9f7ce2fa-ba40-4889-9430-55819ac3fa00"), want{
			ID: "9f7ce2fa-ba40-4889-9430-55819ac3fa00", Source: "veris",
			Title:    "Multiple U.S. broadband providers, including Verizon, AT&T, and Lumen Technologies, have been breached by a Chinese…",
			Severity: "low", Category: "hacking", RootCause: "hacking-exploit-vuln", Status: "closed",
			Tags: []string{"action:hacking", "action:unknown", "actor:external", "discovery:external"},
			Techniques: []string{"T1687", "T1068", "T1212", "T1574.001", "T1574.004", "T1595.002",
				"T1008", "T1071", "T1090", "T1095", "T1102", "T1104", "T1105", "T1568", "T1571", "T1572", "T1573"},
			Timeline: map[string]*time.Time{"compromise": tp("2024-03-01T00:00:00Z")},
			Sources:  map[string]string{"compromise": "timeline.incident (precision: month)"},
			Extra:    map[string]any{"incident_date": map[string]any{"year": 2024, "month": 3, "precision": "month"}, "schema_version": "1.4.0", "impact_rating": "Distracting"},
		})
	})
	t.Run("OK/schema 1.2.1 (discovery_method a string)", func(t *testing.T) {
		got := parseWith(t, Veris{}, vd("vcdb-2013-schema-1.2.1.jsonl"), "", nil)
		if len(got.errs) != 0 || len(got.cases) != 2 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.cases[0], want{
			ID: "0012CC25-9167-40D8-8FE3-3D0DFD8FB6BB", Source: "veris",
			Title:    "Sensitive information belonging to jobseekers has been put at risk on the government's new Universal Jobmatch website…",
			Category: "hacking", RootCause: "hacking", Status: "closed",
			Tags:       []string{"action:hacking", "actor:external", "discovery:unknown"},
			Techniques: []string{"T1090.002"},
			Timeline:   map[string]*time.Time{"compromise": tp("2012-01-01T00:00:00Z")},
			Sources:    map[string]string{"compromise": "timeline.incident (precision: year)"},
			Extra:      map[string]any{"schema_version": "1.2.1", "discovery_method": []string{"unknown"}, "country": []string{"GB"}},
		})
		checkCase(t, got.cases[1], want{
			ID: "002599D4-A872-433B-9980-BD9F257B283F", Source: "veris", Title: "Sutter Medical Foundation",
			Category: "physical", RootCause: "physical-theft", Status: "closed",
			Tags:     []string{"action:physical", "actor:external", "discovery:unknown"},
			Timeline: map[string]*time.Time{"compromise": tp("2011-12-08T00:00:00Z"), "detection": tp("2012-02-06T21:07:12Z")},
			Sources: map[string]string{"compromise": "timeline.incident (precision: day)",
				"detection": "timeline.incident + timeline.discovery (2 Months; 1 month = 30.44 days)"},
			Buckets: []TimelineBucket{{Phase: "discovery", Unit: "Months", Value: f64(2), Hours: f64(2 * hoursPerMonth)}},
		})
	})
	t.Run("OK/VERIS 1.4.1 schema test incident", func(t *testing.T) {
		got := parseWith(t, Veris{}, vd("veris-schema-1_4_1-test1.JSON"), "", map[string]string{"veris.techniques": "none"})
		if len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.cases[0], want{
			ID: "f4a8591c-d9c8-4f78-887c-0f70dcfbd82b", Source: "veris", Title: "TEST",
			Category: "ransomware", RootCause: "hacking-use-of-stolen-creds", Status: "closed",
			Tags:     []string{"action:hacking", "action:malware", "actor:external", "discovery:external"},
			Timeline: map[string]*time.Time{"compromise": tp("2025-01-01T00:00:00Z")},
			Sources:  map[string]string{"compromise": "timeline.incident (precision: year)"},
			Extra:    map[string]any{"schema_version": "1.4.0", "actors": []string{"external"}, "industry": "92"},
		})
	})
}

func TestVerisEdgeCases(t *testing.T) {
	got := parseWith(t, Veris{}, vd("veris-edge.jsonl"), "", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 7 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	e1 := want{
		ID: "E1", Source: "veris", Title: "Ransomware delivered by an email attachment encrypted the file servers.", Severity: "high",
		Category: "ransomware", RootCause: "malware-ransomware", Status: "closed",
		Tags:       []string{"action:malware", "actor:external", "discovery:internal"},
		Techniques: []string{"T1486", "T1490", "T1036", "T1071.001", "T1546.013", "T1203", "T1559.002", "T1566.001", "T1598.002"},
		Timeline: map[string]*time.Time{"compromise": tp("2023-03-10T17:45:00Z"), "detection": tp("2023-03-13T17:45:00Z"),
			"containment": tp("2023-03-14T05:45:00Z")},
		Sources: map[string]string{"compromise": "timeline.incident (precision: time)",
			"detection":   "timeline.incident + timeline.discovery (3 Days)",
			"containment": "timeline.incident + timeline.discovery + timeline.containment (3 Days + 12 Hours)"},
		Buckets: []TimelineBucket{
			{Phase: "compromise", Unit: "Minutes", Value: f64(20), Hours: f64(20.0 / 60)},
			{Phase: "discovery", Unit: "Days", Value: f64(3), Hours: f64(72)},
			{Phase: "containment", Unit: "Hours", Value: f64(12), Hours: f64(12)}},
		Extra: map[string]any{"incident_date": map[string]any{"year": 2023, "month": 3, "day": 10, "precision": "time"},
			"discovery_method": []string{"internal: Reported by employee"}, "impact_rating": "Damaging", "country": []string{"DE"}},
	}
	checkCase(t, got.cases[0], e1)
	// Unit-only values: buckets, no derived timestamps; no summary: the
	// victim is the title.
	checkCase(t, got.cases[1], want{
		ID: "E2", Source: "veris", Title: "Example Hospital", Category: "error", RootCause: "error-misconfiguration", Status: "closed",
		Tags:     []string{"action:error", "actor:internal", "discovery:external"},
		Timeline: map[string]*time.Time{"compromise": tp("2021-11-02T00:00:00Z")},
		Sources:  map[string]string{"compromise": "timeline.incident (precision: day)"},
		Buckets:  []TimelineBucket{{Phase: "discovery", Unit: "Months"}, {Phase: "containment", Unit: "Never"}},
		Extra:    map[string]any{"country": []string{"US"}},
	})
	// 1.5 Years = 547.875 days after 2019-06-01 (month precision).
	checkCase(t, got.cases[2], want{
		ID: "E3", Source: "veris", Title: "Web shop breached.", Category: "hacking", RootCause: "hacking", Status: "closed",
		Tags: []string{"action:hacking", "actor:external"}, Techniques: []string{"T1090.002"},
		Timeline: map[string]*time.Time{"compromise": tp("2019-06-01T00:00:00Z"), "detection": tp("2020-11-29T21:00:00Z")},
		Sources: map[string]string{"compromise": "timeline.incident (precision: month)",
			"detection": "timeline.incident + timeline.discovery (1.5 Years; 1 year = 365.25 days)"},
		Buckets: []TimelineBucket{{Phase: "discovery", Unit: "Years", Value: f64(1.5), Hours: f64(1.5 * hoursPerYear)}},
	})
	// 2018-02-29 does not exist: month precision, the day noted; a false
	// positive; schema 1.2 discovery_method.
	checkCase(t, got.cases[3], want{
		ID: "E4", Source: "veris", Title: "Laptop reported stolen, later found in a drawer.", Severity: "informational",
		Category: "physical", RootCause: "physical-theft", Status: "closed", Excluded: true,
		Tags:     []string{"action:physical", "actor:internal", "discovery:internal"},
		Timeline: map[string]*time.Time{"compromise": tp("2018-02-01T00:00:00Z")},
		Sources:  map[string]string{"compromise": "timeline.incident (precision: month)"},
		Extra: map[string]any{"incident_date": map[string]any{"year": 2018, "month": 2, "precision": "month", "invalid_day": 29},
			"discovery_method": []string{"internal: reported by user"}, "security_incident": "False positive"},
	})
	checkCase(t, got.cases[4], want{
		ID: "E5", Source: "veris", Category: "unknown", RootCause: "unknown", Status: "closed",
		Tags:     []string{"action:unknown", "discovery:unknown"},
		Timeline: map[string]*time.Time{"compromise": tp("2016-01-01T00:00:00Z")},
		Sources:  map[string]string{"compromise": "timeline.incident (precision: year)"},
		Buckets:  []TimelineBucket{{Phase: "discovery", Unit: "Unknown"}},
		Extra:    map[string]any{"schema_version": "1.3.4", "security_incident": "Suspected"},
	})
	// The byte-identical repeat and the changed repeat are emitted; the
	// loader keeps the last of each key (TestVerisLoad).
	checkCase(t, got.cases[5], e1)
	if c := got.cases[6]; c.ID != "E2" || c.Timeline.Detection == nil {
		t.Errorf("the second E2: got %s detection %v", c.ID, fmtTime(c.Timeline.Detection))
	}
}

func TestVerisTechniqueModes(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want []string
	}{
		{"parents", []string{"T1486", "T1490", "T1036", "T1071", "T1546", "T1203", "T1559", "T1566", "T1598"}},
		{"none", nil},
	} {
		got := parseWith(t, Veris{}, vd("veris-edge.jsonl"), "", map[string]string{"techniques": tc.mode})
		if !reflect.DeepEqual(got.cases[0].Techniques, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.mode, got.cases[0].Techniques, tc.want)
		}
	}
	got := parseWith(t, Veris{}, vd("veris-edge.jsonl"), "", map[string]string{"techniques": "some"})
	if got.err == nil || len(got.cases) != 0 {
		t.Errorf("an unknown mode: got %v", got.err)
	}
}

func TestVerisAttackMapping(t *testing.T) {
	m, err := verisAttack()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ids := range m {
		n += len(ids)
	}
	if n != 937 {
		t.Errorf("%d mapping rows, want 937 (ingest/data/README.md)", n)
	}
	for k, want := range map[string][]string{
		"action.malware.variety.ransomware":      {"T1486", "T1490"},
		"action.hacking.variety.unknown":         nil,
		"action.social.variety.other":            nil,
		"action.hacking.vector.web application":  {"T1090.002"},
		"action.hacking.variety.csrf":            {"T1203"},
		"action.malware.vector.email attachment": {"T1036", "T1071.001", "T1546.013", "T1203", "T1559.002", "T1566.001", "T1598.002"},
	} {
		if got := m[k]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
}

func TestVerisInvalid(t *testing.T) {
	path := vd("veris-invalid.jsonl")
	got := parseWith(t, Veris{}, path, "", nil)
	if len(got.cases) != 0 || got.err != nil {
		t.Fatalf("got %d cases, %v", len(got.cases), got.err)
	}
	checkErrs(t, got.errs, path, []wantErr{
		{"1", "plus.master_id", "required (VERIS records are keyed on plus.master_id"},
		{"2", "timeline.incident.year", "required"},
		{"3", "timeline.incident.year", "want a whole number, got a string"},
		{"4", "timeline.incident.month", "month 13 is not 1–12"},
		{"5", "timeline.discovery.unit", `unknown unit "Fortnights"`},
		{"6", "timeline.discovery.value", "want a number ≥ 0, got -3"},
		{"7", "timeline.discovery.value", "want a number, got a string"},
		{"8", "action", "want an object, got a string"},
		{"9", "discovery_method", "want a string (schema 1.2) or an object, got a number"},
		{"10", "timeline.discovery.value", "implausible duration"},
		{"11", "timeline.incident.time", `want a time like "05:45:00 PM", got "noon"`},
		{"12", "timeline.incident.year", "implausible timestamp"},
	})
}

func TestVerisLoad(t *testing.T) {
	db, sum := loadTwice(t, "veris", nil, vd("veris-edge.jsonl"), vd("vcdb-2020-duplicate-pair.jsonl"))
	// 9 records: E1 twice (byte-identical), E2 twice (changed), the VCDB
	// pair (byte-identical copies of one incident).
	if sum.Records != 9 || sum.Inserted != 6 || sum.Duplicates != 3 {
		t.Errorf("records %d, inserted %d, duplicates %d; want 9, 6, 3", sum.Records, sum.Inserted, sum.Duplicates)
	}
	got := queryRows(t, db, `SELECT case_id, phase, unit, value, round(hours, 2) FROM veris_timeline WHERE case_id LIKE 'E%' ORDER BY case_id, phase`)
	wantRows := []string{
		"E1 | compromise | Minutes | 20 | 0.33", "E1 | containment | Hours | 12 | 12", "E1 | discovery | Days | 3 | 72",
		"E2 | containment | Never | <nil> | <nil>", "E2 | discovery | Months | 2 | 1461.12",
		"E3 | discovery | Years | 1.5 | 13149", "E5 | discovery | Unknown | <nil> | <nil>",
	}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("veris_timeline: got %q, want %q", got, wantRows)
	}
	got = queryRows(t, db, `SELECT case_id, precision, cohort, incident_year FROM veris_incidents ORDER BY case_id`)
	wantRows = []string{"00163384-B4D7-46D5-9E6F-543DFB00F598 | day | 2014-Q1 | 2014", "E1 | time | 2023-Q1 | 2023", "E2 | day | 2021-Q4 | 2021",
		"E3 | month | 2019-Q2 | 2019", "E4 | month | 2018-Q1 | 2018", "E5 | year | 2016 | 2016"}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("veris_incidents: got %q, want %q", got, wantRows)
	}
	// A case without detection is still a case, in its compromise quarter.
	got = queryRows(t, db, `SELECT case_id, quarter, detected_at IS NULL FROM cases WHERE case_id IN ('E2', 'E5') ORDER BY case_id`)
	wantRows = []string{"E2 | 2022-Q1 | false", "E5 | 2016-Q1 | true"}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("cases: got %q, want %q", got, wantRows)
	}
	got = queryRows(t, db, `SELECT phase, incident_year, unit, cases, share, cumulative_share FROM veris_timeline_shares WHERE phase = 'discovery' ORDER BY incident_year, unit_rank`)
	wantRows = []string{"discovery | 2019 | Years | 1 | 1 | 1", "discovery | 2021 | Months | 1 | 1 | 1", "discovery | 2023 | Days | 1 | 1 | 1"}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("veris_timeline_shares: got %q, want %q", got, wantRows)
	}
}

// TestVerisVCDB2020 ingests the whole 2020 VCDB copy (8,589 records) from
// ../shared/data. It is skipped only when ../shared is absent, and never in
// CI.
func TestVerisVCDB2020(t *testing.T) {
	shared := filepath.Join("..", "..", "shared")
	path := filepath.Join(shared, "data", "vcdb", "vcdb-2020-validated.jsonl.gz")
	if _, err := os.Stat(shared); os.IsNotExist(err) {
		testenv.Missing(t, "%s is absent (CI has it: the VCDB test must run there)", shared)
	}
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	sum, err := Load(ctx, db, []Input{{Path: path, Format: "auto"}}, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if len(sum.Files) != 1 || sum.Files[0].Format != "veris" {
		t.Fatalf("files %+v", sum.Files)
	}
	// 8,589 records, 8,587 master_ids: two records repeat a master_id, both
	// byte-identical copies (a Finder "… 2.json" copy and VCDB's own
	// 001A011B duplicate of 00163384).
	if sum.Records != 8589 || sum.Rejected != 0 || sum.Inserted != 8587 || sum.Duplicates != 2 {
		t.Errorf("records %d, rejected %d, inserted %d, duplicates %d; want 8589, 0, 8587, 2", sum.Records, sum.Rejected, sum.Inserted, sum.Duplicates)
	}
	counts := queryRows(t, db, `SELECT count(*), count(detected_at), count(contained_at),
		count(*) FILTER (WHERE quarter IS NULL) FROM cases WHERE source = 'veris'`)
	// Derived only where timeline.discovery has a value (1,269), and
	// containment where both discovery and containment have one (87).
	if want := []string{"8587 | 1269 | 87 | 0"}; !reflect.DeepEqual(counts, want) {
		t.Errorf("cases, detections, containments, without quarter: got %q, want %q", counts, want)
	}
	prec := queryRows(t, db, `SELECT precision, count(*) FROM veris_incidents GROUP BY precision ORDER BY precision`)
	if want := []string{"day | 4059", "month | 1813", "time | 10", "year | 2705"}; !reflect.DeepEqual(prec, want) {
		t.Errorf("incident date precision: got %q, want %q", prec, want)
	}
	buckets := queryRows(t, db, `SELECT count(*) FILTER (WHERE phase = 'discovery'), count(value) FILTER (WHERE phase = 'discovery') FROM veris_timeline`)
	if want := []string{"2483 | 1269"}; !reflect.DeepEqual(buckets, want) {
		t.Errorf("discovery buckets, with a value: got %q, want %q", buckets, want)
	}
	t.Logf("VCDB 2020: %d records, %d cases, %d keyed duplicates; cases | derived detections | derived containments | without quarter = %s; ingested in %s",
		sum.Records, sum.Inserted, sum.Duplicates, counts[0], elapsed.Round(time.Millisecond))
}

func FuzzParseVeris(f *testing.F) {
	fuzzImporter(f, Veris{}, []string{"testdata/veris/*.json", "testdata/veris/*.jsonl", "testdata/veris/*.JSON"}, []string{
		`{"plus":{"master_id":"x"},"timeline":{"incident":{"year":2020,"month":2,"day":30,"time":"25:99 PM"},"discovery":{"unit":"Years","value":1e308}}}`,
		`{"plus":{"master_id":"x"},"timeline":{"incident":{"year":2020},"containment":{"unit":"Days","value":1}},"action":{"malware":{"variety":"Ransomware"}}}`,
		`{"plus":{"master_id":"x"},"timeline":{"incident":{"year":2.5e9}}}`,
		`[{"plus":{"master_id":["x"]}}]`,
	})
}
