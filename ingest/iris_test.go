package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ird(name string) string { return filepath.Join("testdata", "iris", name) }

func TestIRISRealSamples(t *testing.T) {
	t.Run("OK/case export (full)", func(t *testing.T) {
		got := parseWith(t, IRIS{}, ird("iris-doc-case_export.x-examples-Example-1.json"), "", nil)
		if got.err != nil || len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
		}
		checkCase(t, got.cases[0], want{
			ID: "1", Source: "iris", Title: "#1 - Dummy name", Category: "other", Status: "open", Tags: []string{"tag1", "tag2"},
			Timeline: map[string]*time.Time{"detection": tp("2024-03-18T08:34:33.86292Z")},
			Sources:  map[string]string{"detection": "initial_date"},
			Extra: map[string]any{"state": "Open", "status": "unknown", "classification": "other:other", "owner": "administrator",
				"client": "irisinitialclient300", "soc_id": "soc_id_demo", "case_uuid": "932fe26f-50e0-472b-a4d6-e576578f9a18"},
		})
	})
	t.Run("OK/case export (short): date-only open_date", func(t *testing.T) {
		got := parseWith(t, IRIS{}, ird("iris-doc-case_export.examples-Example-1.json"), "", nil)
		if len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.cases[0], want{
			ID: "1", Source: "iris", Title: "#1 - Initial Demo", Status: "open",
			Timeline: map[string]*time.Time{"detection": tp("2023-11-29T00:00:00Z")},
			Sources:  map[string]string{"detection": "open_date (date only)"},
			Extra:    map[string]any{"owner": "administrator", "client": "IrisInitialClient", "status": "unknown"},
		})
	})
	t.Run("OK/case list with a closed case", func(t *testing.T) {
		got := parseWith(t, IRIS{}, ird("iris-doc-manage_cases_filter.x-examples-Example-1.json"), "", nil)
		if len(got.errs) != 0 || len(got.cases) != 7 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.byID(t, "278"), want{
			ID: "278", Source: "iris", Title: "#278 - [RANS] test 4", Severity: "medium", Category: "ransomware", Status: "closed",
			Tags: []string{"ransomware", "malware"},
			Timeline: map[string]*time.Time{
				"detection": tp("2023-05-13T06:19:14.292101Z"),
				// The history key 1684672442.640787 read exactly, not as a float.
				"closure": tp("2023-05-21T12:34:02.640787Z"),
			},
			Sources: map[string]string{"detection": "initial_date", "closure": `modification_history: "case closed"`},
			Extra:   map[string]any{"state": "Closed", "classification": "malicious-code:ransomware", "client": "Client 0"},
		})
		// A status change is not a state change.
		checkCase(t, got.byID(t, "111"), want{
			ID: "111", Source: "iris", Title: "#111 - Testcase53", Severity: "medium", Category: "other", Status: "open",
			Timeline: map[string]*time.Time{"detection": tp("2023-02-06T00:00:00Z")},
			Sources:  map[string]string{"detection": "initial_date"},
			Extra:    map[string]any{"status": "true_positive_with_impact", "state": "Unspecified"},
		})
	})
}

func TestIRISStatesAndTimeline(t *testing.T) {
	got := parseWith(t, IRIS{}, ird("iris-case-exports.json"), "", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 3 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.cases[0], want{
		ID: "42", Source: "iris", Title: "#42 - Ransomware on file servers", Severity: "critical", Category: "ransomware", Status: "closed",
		Tags: []string{"ransomware", "T1486"}, Techniques: []string{"T1486", "T1566.001", "T1021.002"},
		Timeline: map[string]*time.Time{
			"compromise": tp("2024-06-01T21:10:00Z"), "detection": tp("2024-06-03T07:45:00Z"), "containment": tp("2024-06-04T12:00:00Z"),
			"eradication": tp("2024-06-07T12:00:00Z"), "recovery": tp("2024-06-13T10:00:00Z"), "closure": tp("2024-06-20T10:00:00.123456Z"),
		},
		Sources: map[string]string{
			"compromise":  `timeline[0] (category "Initial Access")`,
			"detection":   "initial_date",
			"containment": `modification_history: "state changed from Containment to Eradication"`,
			"eradication": `modification_history: "state changed to Recovery"`,
			"recovery":    `modification_history: "state changed to Post-Incident"`,
			"closure":     `modification_history: "case closed"`,
		},
		Extra: map[string]any{"state": "Closed", "status": "true_positive_with_impact", "owner": "Ada", "client": "ACME", "soc_id": "INC-2024-042"},
	})
	// The closing note is the root-cause summary by default; a case
	// closed without one (#43) has none.
	checkDims(t, got.cases[0], dims{Tenant: "ACME", RootCause: "Initial access through an unpatched VPN appliance that had no owner; backups were reachable from the domain"})
	if s := got.cases[1].RootCause.Summary; s != "" {
		t.Errorf("case 43: root-cause summary %q, want none", s)
	}
	checkCase(t, got.cases[1], want{
		ID: "43", Source: "iris", Title: "#43 - Phishing simulation", Severity: "low", Category: "spam", Status: "closed", Excluded: true,
		Tags:     []string{"phishing", "test"},
		Timeline: map[string]*time.Time{"detection": tp("2024-06-05T00:00:00Z"), "closure": tp("2024-06-05T00:00:00Z")},
		Sources:  map[string]string{"detection": "open_date (date only)", "closure": "close_date (date only)"},
		Extra:    map[string]any{"status": "false_positive", "classification": "abusive-content:spam"},
	})
	// Closed, then reopened: open, no closure; containment from an event tag.
	checkCase(t, got.cases[2], want{
		ID: "44", Source: "iris", Title: "#44 - Reopened after new evidence", Category: "exploit-known-vuln", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2024-06-09T16:00:00Z"), "containment": tp("2024-06-10T08:00:00Z")},
		Sources:  map[string]string{"detection": "initial_date", "containment": `timeline[0] (tag "containment")`},
		Extra:    map[string]any{"state": "In progress"},
	})
}

func TestIRISMapping(t *testing.T) {
	m := map[string]string{"iris.detection": "open_date", "containment": "event_tag:containment", "compromise": "event_category:Lateral Movement",
		"exclude_statuses": "", "id": "case_uuid|case_id"}
	got := parseWith(t, IRIS{}, ird("iris-case-exports.json"), "", m)
	c := got.cases[0]
	if c.ID != "5b0c6a0e-8d1b-4c35-9a52-0b8f2b6f4242" || !c.Timeline.Detection.Equal(*tp("2024-06-03T00:00:00Z")) ||
		!c.Timeline.Containment.Equal(*tp("2024-06-03T09:40:00Z")) || !c.Timeline.Compromise.Equal(*tp("2024-06-02T01:00:00Z")) {
		t.Errorf("got id %s, detection %v, containment %v, compromise %v", c.ID, fmtTime(c.Timeline.Detection), fmtTime(c.Timeline.Containment), fmtTime(c.Timeline.Compromise))
	}
	if got.cases[1].Excluded {
		t.Errorf("false_positive excluded with exclude_statuses empty")
	}
	bad := parseWith(t, IRIS{}, ird("iris-case-exports.json"), "", map[string]string{"containment": "tasks:Containment"})
	if len(bad.errs) != 3 || bad.errs[0].Reason != `mapping: unknown milestone source "tasks:Containment" (want a case field, history:, history_action:, history_left:, event_category: or event_tag:)` {
		t.Errorf("got %v", bad.errs)
	}
}

func TestIRISInvalid(t *testing.T) {
	path := ird("iris-invalid.jsonl")
	got := parseWith(t, IRIS{}, path, "", nil)
	if len(got.cases) != 0 || got.err != nil {
		t.Fatalf("got %d cases, %v", len(got.cases), got.err)
	}
	checkErrs(t, got.errs, path, []wantErr{
		{"1", "case.modification_history", "want an object {epoch seconds: {user, action}}, got a string"},
		{"2", `case.modification_history["yesterday"]`, "want epoch seconds as the key"},
		{"3", "timeline[0].event_tz", `want an offset like +01:00, got "CET"`},
		{"4", "timeline[0].event_date", `cannot parse "yesterday"`},
		{"5", "case.severity", `unknown severity "Extreme"`},
		{"6", "case.case_id or case_uuid", "required"},
		{"7", "timeline", "want a list of events, got an object"},
		{"8", "case.initial_date", `cannot parse "2024-13-01T00:00:00"`},
		{"9", "case", "want an object, got a string"},
	})
}

func TestIRISLoad(t *testing.T) {
	db, sum := loadTwice(t, "iris", nil, ird("iris-case-exports.json"), ird("iris-doc-manage_cases_filter.x-examples-Example-1.json"))
	if sum.Inserted != 10 {
		t.Errorf("inserted %d, want 10", sum.Inserted)
	}
	got := queryRows(t, db, `SELECT milestone, source_field FROM milestone_sources WHERE source = 'iris' AND case_id = '42' ORDER BY milestone`)
	wantRows := []string{
		`closure | modification_history: "case closed"`,
		`compromise | timeline[0] (category "Initial Access")`,
		`containment | modification_history: "state changed from Containment to Eradication"`,
		`detection | initial_date`,
		`eradication | modification_history: "state changed to Recovery"`,
		`recovery | modification_history: "state changed to Post-Incident"`,
	}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("milestone_sources: got %q, want %q", got, wantRows)
	}
}

func FuzzParseIRIS(f *testing.F) {
	fuzzImporter(f, IRIS{}, []string{"testdata/iris/*.json", "testdata/iris/*.jsonl"}, []string{
		`{"case":{"case_id":1,"modification_history":{"1e400":{"action":"case closed"}}},"timeline":[{"event_date":"2024-01-01T00:00:00","event_tz":"+99:99"}]}`,
		`{"data":{"case":{"case_id":1,"close_date":"2024-02-30","state":{"state_name":"Closed"}}}}`,
		`{"message":{"cases":[{"case_id":1,"open_date":"x"},7]}}`,
		`{"case":{"case_id":1,"modification_history":{"99999999999999999999.1":{"action":"state changed to Closed"}}}}`,
		`{"status":"success","data":[{"case_id":1,"case_name":"x","case_open_date":"13/45/2023","case_close_date":"02/30/2023","state_id":{"x":1}}]}`,
		`{"data":{"case_id":2,"case_name":"y","state_id":9,"close_date":"2023-05-12","modification_history":{"1683900741.5":{"action":"created"}}},"status":"success","message":"m"}`,
		`{"case":{"case_id":1,"state":{"state_name":"In progress"},"close_date":"2024-01-01"},"assets":[{"asset_name":"h","type":"Windows - DC"},{"asset_name":7,"asset_type":{"asset_name":[]}}]}`,
		`{"status":"error","message":["x"],"data":[]}`,
	})
}

// parseInZone is parseWith with a --tz zone.
func parseInZone(t *testing.T, f Format, path, zone string, mapping map[string]string) parsed {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out parsed
	p := &ParseContext{File: path, Location: loc, Mapping: mapping, Now: fixedNow}
	out.err = f.Parse(p, bytes.NewReader(data), func(r Record) error {
		if r.Err != nil {
			out.errs = append(out.errs, r.Err)
		} else {
			out.cases = append(out.cases, r.Case)
		}
		return nil
	})
	return out
}

// /manage/cases/list, the iris-doc-src example: titles from case_name,
// open dates from case_open_date (MM/DD/YYYY, a UTC day, whatever --tz
// says), the client as tenant.
func TestIRISCaseList(t *testing.T) {
	got := parseInZone(t, IRIS{}, ird("iris-doc-manage_cases_list.x-examples-Example-1.json"), "Europe/Berlin", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.byID(t, "1"), want{
		ID: "1", Source: "iris", Title: "#1 - Initial Demo", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-11T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)"},
		Extra:    map[string]any{"owner": "administrator", "client": "IrisInitialClient", "soc_id": "soc_id_demo", "case_uuid": "507a5fab-358a-4946-82d0-625ef8a9fa0d"},
	})
	checkDims(t, got.byID(t, "1"), dims{Tenant: "IrisInitialClient"})
	checkCase(t, got.byID(t, "2"), want{
		ID: "2", Source: "iris", Title: "#2 -  [ALERT] Data Exfiltration 2208", Category: "virus", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-12T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)"},
		Extra:    map[string]any{"state": "Opened", "classification": "malicious-code:virus", "soc_id": "2209"},
	})
	checkCase(t, got.byID(t, "4"), want{
		ID: "4", Source: "iris", Title: "#4 - test", Category: "dialer", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-12T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)"},
		Extra:    map[string]any{"state": "In progress"},
	})
}

// The same list shape with closures: the state decides, a close date
// decides only when no state says.
func TestIRISCaseListClosures(t *testing.T) {
	got := parseInZone(t, IRIS{}, ird("iris-manage_cases_list-closures.json"), "America/New_York", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.byID(t, "10"), want{
		ID: "10", Source: "iris", Title: "#10 - [RANS] File server encrypted", Category: "ransomware", Status: "closed",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-13T00:00:00Z"), "closure": tp("2023-05-21T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)", "closure": "case_close_date (date only)"},
		Extra:    map[string]any{"state": "Closed", "owner": "Ada Analyst", "soc_id": "INC-7710"},
	})
	checkDims(t, got.byID(t, "10"), dims{Tenant: "ACME Retail"})
	// Moved back to In progress: IRIS kept the close date.
	checkCase(t, got.byID(t, "11"), want{
		ID: "11", Source: "iris", Title: "#11 - Phishing wave, reopened", Category: "phishing", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-18T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)"},
		Extra: map[string]any{"state": "In progress",
			"closure_before_reopen": map[string]any{"field": "case_close_date (date only)", "at": "2023-05-20T00:00:00Z"}},
	})
	checkCase(t, got.byID(t, "12"), want{
		ID: "12", Source: "iris", Title: "#12 - VPN brute force", Category: "login-attempts", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-19T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)"},
	})
	checkCase(t, got.byID(t, "13"), want{
		ID: "13", Source: "iris", Title: "#13 - Case from before states", Status: "closed",
		Timeline: map[string]*time.Time{"detection": tp("2022-12-30T00:00:00Z"), "closure": tp("2023-01-02T00:00:00Z")},
		Sources:  map[string]string{"detection": "case_open_date (date only)", "closure": "case_close_date (date only)"},
	})
}

// The answers of /manage/cases/close/{id} and /reopen/{id} (iris-doc-src
// examples): the case object under "data", its title in case_name, its
// state as state_id only.
func TestIRISCloseAndReopenAnswers(t *testing.T) {
	closed := parseInZone(t, IRIS{}, ird("iris-doc-manage_cases_close-post-Example-1.json"), "Asia/Tokyo", nil)
	if closed.err != nil || len(closed.errs) != 0 || len(closed.cases) != 1 {
		t.Fatalf("got %d cases, errors %v, %v", len(closed.cases), closed.errs, closed.err)
	}
	checkCase(t, closed.cases[0], want{
		ID: "1", Source: "iris", Title: "#1 - Initial Demo", Status: "closed",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-11T00:00:00Z"), "closure": tp("2023-05-12T14:12:21.546554Z")},
		Sources:  map[string]string{"detection": "open_date (date only)", "closure": `modification_history: "case closed"`},
		Extra:    map[string]any{"state": "Closed", "soc_id": "soc_id_demo"},
	})
	reopened := parseInZone(t, IRIS{}, ird("iris-doc-manage_cases_reopen-post-Example-1.json"), "Asia/Tokyo", nil)
	if reopened.err != nil || len(reopened.errs) != 0 || len(reopened.cases) != 1 {
		t.Fatalf("got %d cases, errors %v, %v", len(reopened.cases), reopened.errs, reopened.err)
	}
	checkCase(t, reopened.cases[0], want{
		ID: "1", Source: "iris", Title: "#1 - Initial Demo", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-05-11T00:00:00Z")},
		Sources:  map[string]string{"detection": "open_date (date only)"},
		Extra:    map[string]any{"state": "Open"},
	})
	// Hand-made in the same shape: the history's "created" entry is the
	// detection (not midnight of open_date); an update answer whose state
	// went back to In progress with its close_date kept is open.
	objs := parseWith(t, IRIS{}, ird("iris-case-objects.jsonl"), "", nil)
	if objs.err != nil || len(objs.errs) != 0 || len(objs.cases) != 2 {
		t.Fatalf("got %d cases, errors %v, %v", len(objs.cases), objs.errs, objs.err)
	}
	checkCase(t, objs.cases[0], want{
		ID: "20", Source: "iris", Title: "#20 - Web shell on intranet", Status: "closed",
		Timeline: map[string]*time.Time{"detection": tp("2023-06-01T09:30:00.125Z"), "closure": tp("2023-06-03T12:00:00.5Z")},
		Sources:  map[string]string{"detection": `modification_history: "created"`, "closure": `modification_history: "case closed"`},
	})
	checkCase(t, objs.cases[1], want{
		ID: "21", Source: "iris", Title: "#21 - Data leak, investigation resumed", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2023-06-02T10:00:00Z")},
		Sources:  map[string]string{"detection": `modification_history: "created"`},
		Extra: map[string]any{"state": "In progress",
			"closure_before_reopen": map[string]any{"field": "close_date (date only)", "at": "2023-06-04T00:00:00Z"}},
	})
}

func TestIRISAPIErrorAnswer(t *testing.T) {
	// The 400 example of /manage/cases/close/{id} (iris-doc-src).
	got := parseWith(t, IRIS{}, "x.json", `{"data": [], "message": "Tried to close an non-existing case", "status": "error"}`, nil)
	if len(got.cases) != 0 || len(got.errs) != 1 || got.errs[0].Field != "status" || !strings.Contains(got.errs[0].Reason, `IRIS answered with an error ("Tried to close an non-existing case")`) {
		t.Fatalf("got %d cases, %v, %v", len(got.cases), got.errs, got.err)
	}
}

func TestIRISAssetsAndMapping(t *testing.T) {
	got := parseWith(t, IRIS{}, ird("iris-doc-case_export.x-examples-Example-1.json"), "", nil)
	if len(got.errs) != 0 || len(got.cases) != 1 {
		t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
	}
	checkDims(t, got.cases[0], dims{Assets: []string{"myasset"}, Platforms: []string{"linux"}, Tenant: "irisinitialclient300"})
	m := map[string]string{"iris.root_cause_summary": "description", "team": "=DFIR EU", "tenant": "soc_id", "platforms": ""}
	got = parseWith(t, IRIS{}, ird("iris-doc-case_export.x-examples-Example-1.json"), "", m)
	checkDims(t, got.cases[0], dims{Assets: []string{"myasset"}, Tenant: "soc_id_demo", Team: "DFIR EU", RootCause: "Dummy description"})
}

func TestIRISListAndAnswersLoad(t *testing.T) {
	db, sum := loadTwice(t, "iris", nil, ird("iris-doc-manage_cases_list.x-examples-Example-1.json"), ird("iris-manage_cases_list-closures.json"),
		ird("iris-doc-manage_cases_close-post-Example-1.json"), ird("iris-case-objects.jsonl"))
	// Case 1 is in the list and in the close answer: the later file wins.
	if sum.Inserted != 10 {
		t.Errorf("inserted %d, want 10", sum.Inserted)
	}
	got := queryRows(t, db, `SELECT case_id, title, status, quarter, closed_at, tenant FROM cases WHERE source = 'iris' AND case_id IN ('1', '10', '11', '20') ORDER BY case_id`)
	want := []string{
		"1 | #1 - Initial Demo | closed | 2023-Q2 | 2023-05-12T14:12:21Z | <nil>",
		"10 | #10 - [RANS] File server encrypted | closed | 2023-Q2 | 2023-05-21T00:00:00Z | ACME Retail",
		"11 | #11 - Phishing wave, reopened | open | 2023-Q2 | <nil> | ACME Retail",
		"20 | #20 - Web shell on intranet | closed | 2023-Q2 | 2023-06-03T12:00:00Z | <nil>",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cases: got %q, want %q", got, want)
	}
	got = queryRows(t, db, `SELECT case_id, round(hours, 6) FROM case_durations WHERE source = 'iris' AND metric = 'close' ORDER BY case_id`)
	// 1: 11 May 00:00 → 12 May 14:12:21.546554 (38 h 12 min 21.5 s);
	// 20: 1 June 09:30:00.125 → 3 June 12:00:00.5 (50 h 30 min 0.375 s);
	// 11, reopened, is not counted.
	want = []string{"1 | 38.205985", "10 | 192", "13 | 72", "20 | 50.500104"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("case_durations: got %q, want %q", got, want)
	}
}
