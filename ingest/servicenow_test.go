package ingest

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

func snd(name string) string { return filepath.Join("testdata", "servicenow", name) }

var snAudit = map[string]string{"servicenow.history": "sys_audit.csv"}

func TestServiceNowCSVWithAudit(t *testing.T) {
	got := parseWith(t, ServiceNow{}, snd("sn_si_incident.csv"), "", snAudit)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.cases[0], want{
		ID: "SIR0010001", Source: "servicenow", Title: "Phishing campaign against finance", Severity: "high", Category: "phishing",
		Status: "closed", Tags: []string{"finance", "bec"}, Techniques: []string{"T1566.002", "T1078"},
		Timeline: map[string]*time.Time{
			"detection": tp("2024-01-08T09:15:00Z"), "triage": tp("2024-01-08T09:40:00Z"), "containment": tp("2024-01-09T10:00:00Z"),
			"eradication": tp("2024-01-10T16:00:00Z"), "recovery": tp("2024-01-11T09:00:00Z"), "closure": tp("2024-01-12T17:00:00Z"),
		},
		Sources: map[string]string{"detection": "opened_at", "triage": "state:Draft→Analysis", "containment": "state:Contain→Eradicate",
			"eradication": "state:Eradicate→Recover", "recovery": "state:Recover→Review", "closure": "closed_at"},
		Extra: map[string]any{"state": "Closed", "close_code": "Resolved", "sys_id": "a1b2c3d4e5f60718293a4b5c6d7e8f01", "subcategory": "Credential harvesting",
			"priority": "2 - High", "severity": "2 - Medium", "assigned_to": "Jane Roe", "assignment_group": "SOC L2"},
	})
	checkDims(t, got.cases[0], dims{Team: "SOC L2"})
	// Back from Contain to Analysis: containment is the first time it left
	// Contain; Review is still open.
	checkCase(t, got.cases[1], want{
		ID: "SIR0010002", Source: "servicenow", Title: "Ransomware on build server", Severity: "critical", Category: "malicious-code-activity",
		Status: "open", Techniques: []string{"T1486"},
		Timeline: map[string]*time.Time{
			"detection": tp("2024-02-03T22:40:00Z"), "triage": tp("2024-02-03T22:50:00Z"), "containment": tp("2024-02-04T03:00:00Z"),
			"eradication": tp("2024-02-07T09:00:00Z"), "recovery": tp("2024-02-09T18:00:00Z"),
		},
		Sources: map[string]string{"detection": "opened_at", "triage": "state:Draft→Analysis", "containment": "state:Contain→Analysis",
			"eradication": "state:Eradicate→Recover", "recovery": "state:Recover→Review"},
		Extra: map[string]any{"state": "Review", "subcategory": "Ransomware"},
	})
	checkCase(t, got.cases[2], want{
		ID: "SIR0010003", Source: "servicenow", Title: "Suspicious login burst", Severity: "low", Category: "unauthorized-access",
		Status: "closed", Excluded: true,
		Timeline: map[string]*time.Time{"detection": tp("2024-02-10T07:00:00Z"), "closure": tp("2024-02-10T08:00:00Z")},
		Sources:  map[string]string{"detection": "opened_at", "closure": "closed_at"},
		Extra:    map[string]any{"close_code": "False Positive"},
	})
	// An unknown state: open (no closure), kept verbatim; a transition into
	// it sets nothing.
	checkCase(t, got.cases[3], want{
		ID: "SIR0010004", Source: "servicenow", Title: "Vendor portal exposure", Severity: "medium", Category: "third-party",
		Status: "open", Tags: []string{"vendor"},
		Timeline: map[string]*time.Time{"detection": tp("2024-03-01T12:00:00Z"), "triage": tp("2024-03-01T12:30:00Z")},
		Sources:  map[string]string{"detection": "opened_at", "triage": "state:Draft→Analysis"},
		Extra:    map[string]any{"state": "Awaiting Vendor"},
	})
}

func TestServiceNowWithoutHistory(t *testing.T) {
	got := parseWith(t, ServiceNow{}, snd("sn_si_incident.csv"), "", nil)
	if len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
	}
	c := got.cases[0]
	if !reflect.DeepEqual(c.MilestoneSources, map[string]string{"detection": "opened_at", "closure": "closed_at"}) || c.Timeline.Containment != nil {
		t.Errorf("got sources %v", c.MilestoneSources)
	}
}

func TestServiceNowTableAPIWithMetrics(t *testing.T) {
	got := parseWith(t, ServiceNow{}, snd("sn_si_incident-table-api.json"), "", map[string]string{"history": "metric_instance.json"})
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 2 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	// Date-times from {display_value, value}: the stored value is UTC.
	checkCase(t, got.cases[0], want{
		ID: "SIR0020001", Source: "servicenow", Title: "Cloud storage bucket made public", Severity: "high", Category: "policy-violation",
		Status: "closed", Techniques: []string{"T1530"},
		Timeline: map[string]*time.Time{
			"detection": tp("2024-04-01T10:00:00Z"), "triage": tp("2024-04-01T10:05:00Z"), "containment": tp("2024-04-01T15:00:00Z"),
			"eradication": tp("2024-04-02T09:00:00Z"), "recovery": tp("2024-04-03T09:00:00Z"), "closure": tp("2024-04-03T12:00:00Z"),
		},
		Sources: map[string]string{"detection": "opened_at", "triage": "state:?→Analysis", "containment": "state:Contain→Eradicate",
			"eradication": "state:Eradicate→Recover", "recovery": "state:Recover→Review", "closure": "closed_at"},
		Extra: map[string]any{"state": "Closed", "assigned_to": "Jane Roe", "subcategory": "Cloud misconfiguration", "sys_id": "b1b2c3d4e5f60718293a4b5c6d7e8f01"},
	})
	checkCase(t, got.cases[1], want{
		ID: "SIR0020002", Source: "servicenow", Title: "Test incident from tabletop", Severity: "informational",
		Status: "closed", Excluded: true,
		Timeline: map[string]*time.Time{"detection": tp("2024-04-05T09:00:00Z")},
		Sources:  map[string]string{"detection": "opened_at"},
		Extra:    map[string]any{"state": "Cancelled", "close_code": "False Positive"},
	})
}

func TestServiceNowMapping(t *testing.T) {
	m := map[string]string{"servicenow.history": "sys_audit.csv", "containment": "entered:Eradicate", "severity": "severity",
		"category": "subcategory", "exclude_close_codes": "Resolved", "source": "sir-prod"}
	got := parseWith(t, ServiceNow{}, snd("sn_si_incident.csv"), "", m)
	c := got.cases[0]
	if c.Source != "sir-prod" || c.Severity != "medium" || c.Category != "credential-harvesting" || !c.Excluded ||
		!c.Timeline.Containment.Equal(*tp("2024-01-09T10:00:00Z")) || c.MilestoneSources["containment"] != "state:Contain→Eradicate" {
		t.Errorf("got %s %s %s excluded=%v containment %v from %q", c.Source, c.Severity, c.Category, c.Excluded, fmtTime(c.Timeline.Containment), c.MilestoneSources["containment"])
	}
	if got.cases[1].Severity != "high" {
		t.Errorf("severity 1 - High: got %q", got.cases[1].Severity)
	}
}

func TestServiceNowInvalid(t *testing.T) {
	path := snd("sn_si_incident-invalid.csv")
	got := parseWith(t, ServiceNow{}, path, "", nil)
	if len(got.cases) != 0 || got.err != nil {
		t.Fatalf("got %d cases, %v", len(got.cases), got.err)
	}
	checkErrs(t, got.errs, path, []wantErr{
		{"2", "opened_at", `cannot parse "yesterday" as a timestamp`},
		{"3", "priority", `unknown priority "9 - Huge"`},
		{"4", "number or sys_id", "required"},
		{"5", "", "CSV: wrong number of fields"},
		{"6", "closed_at", "looks like epoch seconds"},
	})
}

func TestServiceNowHistoryErrors(t *testing.T) {
	t.Run("ErrBadHistoryRow", func(t *testing.T) {
		got := parseWith(t, ServiceNow{}, snd("sn_si_incident.csv"), "", map[string]string{"history": "sys_audit-invalid.csv"})
		var re *RecordError
		if !errors.As(got.err, &re) || re.File != snd("sys_audit-invalid.csv") || re.Ref != "3" || re.Field != "sys_created_on" {
			t.Fatalf("got %v", got.err)
		}
		if len(got.cases) != 0 {
			t.Errorf("cases emitted before the history was read")
		}
	})
	t.Run("ErrMissingHistory", func(t *testing.T) {
		got := parseWith(t, ServiceNow{}, snd("sn_si_incident.csv"), "", map[string]string{"history": "nope.csv"})
		if got.err == nil || !strings.Contains(got.err.Error(), "nope.csv") || !strings.Contains(got.err.Error(), "mapping key history") {
			t.Fatalf("got %v", got.err)
		}
	})
	t.Run("ErrHistoryAsInput", func(t *testing.T) {
		for _, f := range []string{"sys_audit.csv", "metric_instance.json"} {
			got := parseWith(t, ServiceNow{}, snd(f), "", nil)
			var re *RecordError
			if !errors.As(got.err, &re) || !strings.Contains(re.Reason, "servicenow.history") {
				t.Errorf("%s: got %v", f, got.err)
			}
		}
	})
	t.Run("ErrNotHistory", func(t *testing.T) {
		got := parseWith(t, ServiceNow{}, snd("sn_si_incident.csv"), "", map[string]string{"history": "sn_si_incident-invalid.csv"})
		var re *RecordError
		if !errors.As(got.err, &re) || !strings.Contains(re.Reason, "not a ServiceNow state-history export") {
			t.Fatalf("got %v", got.err)
		}
	})
}

func TestServiceNowSeverity(t *testing.T) {
	for _, tc := range []struct{ field, in, want string }{
		{"priority", "1 - Critical", "critical"}, {"priority", "2", "high"}, {"priority", "3 - Moderate", "medium"},
		{"priority", "4 - Low", "low"}, {"priority", "5 - Planning", "informational"}, {"priority", "Moderate", "medium"},
		{"severity", "1 - High", "high"}, {"severity", "2 - Medium", "medium"}, {"severity", "3 - Low", "low"},
	} {
		if got, err := snSeverity(tc.field, tc.in); err != nil || got != tc.want {
			t.Errorf("%s %q: got %q, %v, want %q", tc.field, tc.in, got, err, tc.want)
		}
	}
	if _, err := snSeverity("severity", "4 - Extreme"); err == nil {
		t.Errorf("severity 4 accepted")
	}
}

func TestServiceNowLoad(t *testing.T) {
	db, sum := loadTwice(t, "servicenow", snAudit, snd("sn_si_incident.csv"))
	if sum.Inserted != 4 {
		t.Errorf("inserted %d, want 4", sum.Inserted)
	}
	got := queryRows(t, db, `SELECT milestone, source_field FROM milestone_sources WHERE case_id = 'SIR0010002' ORDER BY milestone`)
	wantRows := []string{"containment | state:Contain→Analysis", "detection | opened_at", "eradication | state:Eradicate→Recover",
		"recovery | state:Recover→Review", "triage | state:Draft→Analysis"}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("milestone_sources: got %q, want %q", got, wantRows)
	}
}

func FuzzParseServiceNow(f *testing.F) {
	fuzzImporter(f, ServiceNow{}, []string{"testdata/servicenow/sn_si_incident*"}, []string{
		"number,opened_at,state\nSIR1,2024-01-01 10:00:00,18\n",
		`{"result":[{"number":{"display_value":"SIR1","value":"SIR1"},"opened_at":{"value":"x"}}]}`,
		`{"records":[{"number":"SIR1","opened_at":5,"priority":{"display_value":[]}}]}`,
		"number,opened_at\n\"SIR1,2024\n", `[{"number":"SIR1","opened_at":"2024-01-01 10:00:00","mitre_technique":"T1059.001,t1566"}]`,
		`{"result":{"number":"SIR1","opened_at":"2024-03-31 02:30:00","closed_at":"x","state":"16","cmdb_ci":{"link":"l","value":"v"},"company":{"display_value":[1]}}}`,
		`{"error":{"message":5},"status":"failure"}`, `{"result":{"error":{"message":"m"}}}`, `{"result":{},"x":1,"y":2}`,
	})
}

// The Table API's single-record answer {"result": {…}} with stored values
// (sysparm_display_value=false, the default): read under --tz
// Europe/Berlin, its date-times stay the UTC instants ServiceNow stored
// (the night of the switch to summer time: read in Berlin, 01:30 would
// have been 00:30 UTC). References are {link, value}: a sys_id names no
// team, asset or company, so none is set.
func TestServiceNowSingleRecord(t *testing.T) {
	got := parseInZone(t, ServiceNow{}, snd("sn_si_incident-table-api-record.json"), "Europe/Berlin", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 1 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.cases[0], want{
		ID: "SIR0030001", Source: "servicenow", Title: "Web shell on customer portal", Severity: "critical", Category: "web-attack",
		Status: "closed", Techniques: []string{"T1505.003"},
		Timeline: map[string]*time.Time{"detection": tp("2024-03-31T01:30:00Z"), "closure": tp("2024-04-02T16:45:00Z")},
		Sources:  map[string]string{"detection": "opened_at", "closure": "closed_at"},
		Extra:    map[string]any{"state": "3", "close_code": "Resolved", "sys_id": "c1d2e3f4a5b60718293a4b5c6d7e8f01", "assignment_group": "8a4dde73c6112278017a6a4baf547aa7"},
	})
	checkDims(t, got.cases[0], dims{})

	// sysparm_display_value=all: the value (UTC) of each date-time, the
	// display value of each reference.
	all := parseInZone(t, ServiceNow{}, snd("sn_si_incident-table-api-record-all.json"), "Europe/Berlin", nil)
	if all.err != nil || len(all.errs) != 0 || len(all.cases) != 1 {
		t.Fatalf("got %d cases, errors %v, %v", len(all.cases), all.errs, all.err)
	}
	checkCase(t, all.cases[0], want{
		ID: "SIR0030002", Source: "servicenow", Title: "Ransomware on branch file server", Severity: "critical", Category: "malicious-code-activity",
		Status: "closed", Techniques: []string{"T1486"},
		Timeline: map[string]*time.Time{"detection": tp("2024-03-31T01:30:00Z"), "closure": tp("2024-04-03T08:00:00Z")},
		Sources:  map[string]string{"detection": "opened_at", "closure": "closed_at"},
		Extra:    map[string]any{"state": "Closed", "assignment_group": "SOC L2"},
	})
	checkDims(t, all.cases[0], dims{Assets: []string{"FS-BER-001"}, Team: "SOC L2", BusinessUnit: "Online Banking", Tenant: "ACME Retail"})
}

// Plain display values (sysparm_display_value=true) are in the user's
// zone: with display_values = "true" they are read in --tz. A reopened
// incident (state Analysis, closed_at still set) has no closure.
func TestServiceNowDisplayValues(t *testing.T) {
	m := map[string]string{"servicenow.display_values": "true"}
	got := parseInZone(t, ServiceNow{}, snd("sn_si_incident-table-api-display.json"), "Europe/Berlin", m)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 2 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.cases[0], want{
		ID: "SIR0030003", Source: "servicenow", Title: "Credential phishing, reopened", Severity: "high", Category: "phishing", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2024-03-31T01:30:00Z")},
		Sources:  map[string]string{"detection": "opened_at"},
		Extra:    map[string]any{"state": "Analysis", "closure_before_reopen": map[string]any{"field": "closed_at", "at": "2024-04-01T10:00:00Z"}},
	})
	checkDims(t, got.cases[0], dims{Team: "SOC L1", BusinessUnit: "Payments", Tenant: "ACME Bank"})
	// 02:30 happens twice in Berlin on 27 October 2024: the second, CET.
	checkCase(t, got.cases[1], want{
		ID: "SIR0030004", Source: "servicenow", Title: "Lost laptop", Severity: "low", Category: "lost-equipment", Status: "closed",
		Timeline: map[string]*time.Time{"detection": tp("2024-10-27T01:30:00Z"), "closure": tp("2024-10-28T08:00:00Z")},
		Sources:  map[string]string{"detection": "opened_at", "closure": "closed_at"},
	})
	checkDims(t, got.cases[1], dims{Assets: []string{"LT-0042"}, Team: "SOC L1", Tenant: "ACME Bank"})
	if w := got.cases[1].warnings; len(w) != 1 || w[0].Field != "opened_at" {
		t.Errorf("warnings: got %v, want one for the repeated hour", w)
	}
	// Without the key the same values are stored values: UTC.
	stored := parseInZone(t, ServiceNow{}, snd("sn_si_incident-table-api-display.json"), "Europe/Berlin", nil)
	if d := stored.cases[0].Timeline.Detection; d == nil || !d.Equal(*tp("2024-03-31T03:30:00Z")) {
		t.Errorf("stored: detection %v, want 03:30 UTC", fmtTime(d))
	}
}

func TestServiceNowSingleRecordLoad(t *testing.T) {
	ctx := context.Background()
	db, err := pirsql.Open(ctx, ":memory:", pirsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Load(ctx, db, []Input{{Path: snd("sn_si_incident-table-api-record.json"), Format: "auto"}}, Options{Now: fixedNow, Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Inserted != 1 || sum.Files[0].Format != "servicenow" {
		t.Fatalf("got %+v", sum)
	}
	got := queryRows(t, db, `SELECT case_id, status, detected_at, closed_at, quarter FROM cases`)
	if want := []string{"SIR0030001 | closed | 2024-03-31T01:30:00Z | 2024-04-02T16:45:00Z | 2024-Q1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cases: got %q, want %q", got, want)
	}
}

func TestServiceNowAPIErrorAnswer(t *testing.T) {
	// The Table API's answer for a sys_id it does not find.
	got := parseWith(t, ServiceNow{}, "x.json", `{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}`, nil)
	if len(got.cases) != 0 || len(got.errs) != 1 || got.errs[0].Field != "error" || !strings.Contains(got.errs[0].Reason, `ServiceNow answered with an error ("No Record found"`) {
		t.Fatalf("got %v, %v", got.errs, got.err)
	}
	// An empty single record is not a record without a number either.
	got = parseWith(t, ServiceNow{}, "x.json", `{"result":{}}`, nil)
	if len(got.errs) != 1 || got.errs[0].Field != "number or sys_id" {
		t.Fatalf("got %v, %v", got.errs, got.err)
	}
}
