package ingest

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func sed(name string) string { return filepath.Join("testdata", "sentinel", name) }

var sentinelSources = map[string]string{"compromise": "FirstActivityTime", "detection": "CreatedTime", "triage": "FirstModifiedTime", "closure": "ClosedTime"}

func TestSentinelKQLExportCSV(t *testing.T) {
	got := parseWith(t, Sentinel{}, sed("SecurityIncident.csv"), "", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	// Three update rows, not in time order: the latest by TimeGenerated wins.
	checkCase(t, got.cases[0], want{
		ID: "101", Source: "sentinel", Title: "Suspicious sign-in followed by MFA change", Severity: "high", Status: "closed",
		Tags: []string{"identity", "mfa"}, Techniques: []string{"T1078", "T1098.001"},
		Timeline: map[string]*time.Time{
			"compromise": tp("2024-05-01T22:10:00Z"), "detection": tp("2024-05-02T08:00:00Z"),
			"triage": tp("2024-05-02T09:00:00Z"), "closure": tp("2024-05-03T17:30:00Z"),
		},
		Sources: sentinelSources,
		Extra: map[string]any{"status": "Closed", "classification": "TruePositive", "classification_reason": "SuspiciousActivity", "owner": "Ana Analyst",
			"tactics": []string{"InitialAccess", "Persistence"}, "alert_products": []string{"Azure Sentinel"},
			"incident_name": "aaaaaaaa-0000-4000-8000-000000000101", "provider_name": "Azure Sentinel", "provider_incident_id": "101"},
	})
	checkCase(t, got.cases[1], want{
		ID: "102", Source: "sentinel", Title: "Mass download", Severity: "medium", Status: "closed", Excluded: true,
		Timeline: map[string]*time.Time{
			"compromise": tp("2024-05-05T09:30:00Z"), "detection": tp("2024-05-05T10:00:00Z"),
			"triage": tp("2024-05-05T10:20:00Z"), "closure": tp("2024-05-05T11:00:00Z"),
		},
		Sources: sentinelSources,
		Extra:   map[string]any{"classification": "FalsePositive", "tactics": []string{"Exfiltration"}},
	})
	checkCase(t, got.cases[2], want{
		ID: "103", Source: "sentinel", Title: "Admin tool used", Severity: "low", Status: "closed", Excluded: true, Techniques: []string{"T1059.001"},
		Timeline: map[string]*time.Time{
			"compromise": tp("2024-06-01T10:00:00Z"), "detection": tp("2024-06-01T10:30:00Z"),
			"triage": tp("2024-06-01T11:00:00Z"), "closure": tp("2024-06-01T12:00:00Z"),
		},
		Sources: sentinelSources,
		Extra:   map[string]any{"classification": "BenignPositive"},
	})
	// Only the User label is a tag; the AutoAssigned "Redirected" is kept
	// apart. The owner is a group: the owning team.
	checkCase(t, got.cases[3], want{
		ID: "104", Source: "sentinel", Title: "Beaconing to rare domain", Severity: "informational", Status: "open", Techniques: []string{"T1071.001"},
		Tags:     []string{"beaconing"},
		Timeline: map[string]*time.Time{"compromise": tp("2024-06-30T20:00:00Z"), "detection": tp("2024-06-30T23:59:00Z")},
		Sources:  map[string]string{"compromise": "FirstActivityTime", "detection": "CreatedTime"},
		Extra:    map[string]any{"status": "New", "tactics": []string{"CommandAndControl"}, "auto_labels": []string{"Redirected"}, "owner": "SOC Tier 2"},
	})
	const workspace = "11111111-2222-3333-4444-555555555555"
	// 101 and 104 come from analytics rules of the workspace (internal
	// detections); 102 and 103 name no rule. "Azure Sentinel" is no platform.
	checkDims(t, got.cases[0], dims{Tenant: workspace, DetectionSource: "internal"})
	checkDims(t, got.cases[1], dims{Tenant: workspace})
	checkDims(t, got.cases[2], dims{Tenant: workspace})
	checkDims(t, got.cases[3], dims{Tenant: workspace, Team: "SOC Tier 2", DetectionSource: "internal"})
}

// TestSentinelLabelsAndOwner: a REST incident (api-version 2024-09-01)
// keeps only its User labels as tags, its AutoAssigned and other system
// labels in extra.auto_labels; a group owner is the team, the workspace of
// the resource id the tenant, and single-platform alert products the
// platforms.
func TestSentinelLabelsAndOwner(t *testing.T) {
	got := parseWith(t, Sentinel{}, sed("incident-labels-api-2024-09-01.json"), "", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 1 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	c := got.cases[0]
	checkCase(t, c, want{
		ID: "3177", Source: "sentinel", Title: "My incident", Severity: "high", Status: "open", Tags: []string{"phishing"},
		Timeline: map[string]*time.Time{"compromise": tp("2019-01-01T13:00:30Z"), "detection": tp("2019-01-01T13:15:30Z")},
		Sources:  map[string]string{"compromise": "FirstActivityTime", "detection": "CreatedTime"},
		Extra: map[string]any{"auto_labels": []string{"Redirected", "auto-enriched"}, "owner": "SOC Tier 2", "tactics": []string{"InitialAccess"},
			"alert_products": []string{"Azure Active Directory Identity Protection", "Office 365 Advanced Threat Protection", "Azure Sentinel"}},
	})
	checkDims(t, c, dims{Platforms: []string{"azure", "m365"}, Team: "SOC Tier 2", Tenant: "myWorkspace", DetectionSource: "internal"})

	t.Run("OK/the official example: no labels, a user owner, two related rules", func(t *testing.T) {
		got := parseWith(t, Sentinel{}, sed("incident-by-id-api-2024-09-01.json"), "", nil)
		if len(got.cases) != 1 {
			t.Fatalf("got %+v", got)
		}
		checkDims(t, got.cases[0], dims{Tenant: "myWorkspace", DetectionSource: "internal"})
	})
	t.Run("OK/mapping switches the tenant column off", func(t *testing.T) {
		got := parseWith(t, Sentinel{}, sed("SecurityIncident.csv"), "", map[string]string{"sentinel.tenant": ""})
		if len(got.cases) != 4 || got.cases[0].Tenant != "" {
			t.Fatalf("got %d cases, tenant %q", len(got.cases), got.cases[0].Tenant)
		}
	})
	t.Run("OK/mapping file dimensions", func(t *testing.T) {
		m := map[string]string{"sentinel.tenant": "=ACME", "business_unit": "=Retail", "assets": "Hosts", "platforms": "Platform"}
		got := parseWith(t, Sentinel{}, "si.csv", "IncidentNumber,CreatedTime,TenantId,Hosts,Platform\n"+
			"1,2024-01-01T00:00:00Z,ws-guid,\"[\"\"FS-1\"\",\"\"fs-1\"\",\"\"DC-2\"\"]\",Office 365\n", m)
		if len(got.cases) != 1 {
			t.Fatalf("got %+v", got)
		}
		checkDims(t, got.cases[0], dims{Tenant: "ACME", BusinessUnit: "Retail", Assets: []string{"FS-1", "DC-2"}, Platforms: []string{"m365"}})
	})
	t.Run("ErrLabelTypeNotText", func(t *testing.T) {
		got := parseWith(t, Sentinel{}, "l.json", `[{"IncidentNumber":1,"CreatedTime":"2024-01-01T00:00:00Z","Labels":[{"labelName":"a","labelType":[1]}]}]`, nil)
		checkErrs(t, got.errs, "l.json", []wantErr{{"record 1 (line 1)", "Labels[0].labelType", "want a string"}})
	})
}

func TestSentinelOtherShapes(t *testing.T) {
	t.Run("OK/az CLI JSON rows", func(t *testing.T) {
		got := parseWith(t, Sentinel{}, sed("SecurityIncident-az-cli.json"), "", nil)
		if len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.cases[0], want{
			ID: "101", Source: "sentinel", Title: "Suspicious sign-in followed by MFA change", Severity: "high", Status: "open",
			Tags: []string{"identity"}, Techniques: []string{"T1078", "T1098.001"},
			Timeline: map[string]*time.Time{"compromise": tp("2024-05-01T22:10:00Z"), "detection": tp("2024-05-02T08:00:00Z"), "triage": tp("2024-05-02T09:00:00Z")},
			Sources:  map[string]string{"compromise": "FirstActivityTime", "detection": "CreatedTime", "triage": "FirstModifiedTime"},
			Extra:    map[string]any{"status": "Active"},
		})
	})
	t.Run("OK/Log Analytics query API", func(t *testing.T) {
		got := parseWith(t, Sentinel{}, sed("SecurityIncident-query-api.json"), "", nil)
		if len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.cases[0], want{
			ID: "102", Source: "sentinel", Title: "Mass download", Severity: "medium", Status: "closed", Excluded: true,
			Timeline: map[string]*time.Time{
				"compromise": tp("2024-05-05T09:30:00Z"), "detection": tp("2024-05-05T10:00:00Z"),
				"triage": tp("2024-05-05T10:20:00Z"), "closure": tp("2024-05-05T11:00:00Z"),
			},
			Sources: sentinelSources,
		})
	})
	t.Run("OK/portal CSV date-times", func(t *testing.T) {
		got := parseWith(t, Sentinel{}, sed("SecurityIncident-portal.csv"), "", nil)
		if len(got.errs) != 0 || len(got.cases) != 1 {
			t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
		}
		checkCase(t, got.cases[0], want{
			ID: "105", Source: "sentinel", Title: "Password spray", Severity: "medium", Status: "closed", Techniques: []string{"T1110.003"},
			Timeline: map[string]*time.Time{
				"compromise": tp("2024-05-07T12:15:00Z"), "detection": tp("2024-05-07T13:00:00Z"),
				"triage": tp("2024-05-07T13:30:00Z"), "closure": tp("2024-05-07T15:04:00Z"),
			},
			Sources: sentinelSources,
			Extra:   map[string]any{"tactics": []string{"CredentialAccess"}},
		})
	})
	for _, f := range []string{"incidents-api-2024-09-01.json", "incident-by-id-api-2024-09-01.json"} {
		t.Run("OK/REST API "+f, func(t *testing.T) {
			got := parseWith(t, Sentinel{}, sed(f), "", nil)
			if len(got.errs) != 0 || len(got.cases) != 1 {
				t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
			}
			// The REST API has no ClosedTime nor FirstModifiedTime.
			checkCase(t, got.cases[0], want{
				ID: "3177", Source: "sentinel", Title: "My incident", Severity: "high", Status: "closed", Excluded: true,
				Timeline: map[string]*time.Time{"compromise": tp("2019-01-01T13:00:30Z"), "detection": tp("2019-01-01T13:15:30Z")},
				Sources:  map[string]string{"compromise": "FirstActivityTime", "detection": "CreatedTime"},
				Extra: map[string]any{"owner": "john doe", "classification": "FalsePositive",
					"incident_name": "73e01a99-5cd7-4139-a149-9f2736ff2ab5", "provider_incident_id": "3177"},
			})
		})
	}
}

func TestSentinelMapping(t *testing.T) {
	m := map[string]string{"sentinel.id": "IncidentName", "triage": "", "exclude_classifications": "FalsePositive", "source": "sentinel-prod"}
	got := parseWith(t, Sentinel{}, sed("SecurityIncident.csv"), "", m)
	if len(got.cases) != 4 {
		t.Fatalf("got %d cases", len(got.cases))
	}
	c := got.cases[2]
	if c.ID != "aaaaaaaa-0000-4000-8000-000000000103" || c.Source != "sentinel-prod" || c.Excluded || c.Timeline.Triage != nil {
		t.Errorf("got %s/%s excluded=%v triage %v", c.Source, c.ID, c.Excluded, fmtTime(c.Timeline.Triage))
	}
}

func TestSentinelInvalid(t *testing.T) {
	path := sed("SecurityIncident-invalid.csv")
	got := parseWith(t, Sentinel{}, path, "", nil)
	if len(got.cases) != 0 || got.err != nil {
		t.Fatalf("got %d cases, %v", len(got.cases), got.err)
	}
	checkErrs(t, got.errs, path, []wantErr{
		{"2", "IncidentNumber", "required"},
		{"3", "CreatedTime", `cannot parse "01.05.2024" as a timestamp`},
		{"4", "AdditionalData", "invalid JSON in a dynamic column"},
		{"5", "AdditionalData.techniques[0]", `"TA0001" is not an ATT&CK technique ID`},
		{"6", "Severity", `unknown severity "Urgent"`},
		{"7", "AdditionalData", "want an object, got a list"},
	})
}

func TestSentinelLatestRow(t *testing.T) {
	for _, tc := range []struct {
		name, text, wantTitle string
	}{
		{"OK/later TimeGenerated wins", "IncidentNumber,IncidentName,TimeGenerated,Title\n1,a,2024-01-02T00:00:00Z,new\n1,a,2024-01-01T00:00:00Z,old\n", "new"},
		{"OK/tie goes to the later row", "IncidentNumber,IncidentName,TimeGenerated,Title\n1,a,2024-01-01T00:00:00Z,first\n1,a,2024-01-01T00:00:00Z,second\n", "second"},
		{"OK/no TimeGenerated: LastModifiedTime", "IncidentNumber,IncidentName,LastModifiedTime,Title\n1,a,2024-01-03T00:00:00Z,newer\n1,a,2024-01-01T00:00:00Z,older\n", "newer"},
		{"OK/a row without a time does not replace a timed one", "IncidentNumber,IncidentName,TimeGenerated,Title\n1,a,2024-01-03T00:00:00Z,timed\n1,a,,untimed\n", "timed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseWith(t, Sentinel{}, "si.csv", tc.text, nil)
			if len(got.cases) != 1 || got.cases[0].Title != tc.wantTitle {
				t.Fatalf("got %+v %v", got.cases, got.errs)
			}
		})
	}
}

// TestSentinelReopened: ClosedTime is the last closure. A reopened
// incident's latest row (Active, with the old ClosedTime) is open without a
// closure; closed again, its closure is the new ClosedTime.
func TestSentinelReopened(t *testing.T) {
	const head = "IncidentNumber,TimeGenerated,Status,CreatedTime,ClosedTime\n"
	const rows = "7,2024-01-01T10:00:00Z,New,2024-01-01T10:00:00Z,\n" +
		"7,2024-01-02T10:00:00Z,Closed,2024-01-01T10:00:00Z,2024-01-02T10:00:00Z\n" +
		"7,2024-01-03T10:00:00Z,Active,2024-01-01T10:00:00Z,2024-01-02T10:00:00Z\n"
	got := parseWith(t, Sentinel{}, "si.csv", head+rows, nil)
	if len(got.cases) != 1 {
		t.Fatalf("got %+v", got)
	}
	if c := got.cases[0]; c.Status != "open" || c.Timeline.Closure != nil || c.MilestoneSources["closure"] != "" {
		t.Errorf("reopened: got %s, closure %v from %q", c.Status, fmtTime(c.Timeline.Closure), c.MilestoneSources["closure"])
	}
	checkCase(t, got.cases[0], want{ID: "7", Source: "sentinel", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2024-01-01T10:00:00Z")},
		Sources:  map[string]string{"detection": "CreatedTime"},
		Extra:    map[string]any{"closure_before_reopen": map[string]any{"field": "ClosedTime", "at": "2024-01-02T10:00:00Z"}}})
	got = parseWith(t, Sentinel{}, "si.csv", head+rows+"7,2024-01-04T10:00:00Z,Closed,2024-01-01T10:00:00Z,2024-01-04T09:00:00Z\n", nil)
	if c := got.cases[0]; c.Status != "closed" || !c.Timeline.Closure.Equal(*tp("2024-01-04T09:00:00Z")) {
		t.Errorf("closed again: got %s, closure %v", c.Status, fmtTime(c.Timeline.Closure))
	}
}

func TestSentinelLoad(t *testing.T) {
	db, sum := loadTwice(t, "sentinel", nil, sed("SecurityIncident.csv"), sed("SecurityIncident-portal.csv"), sed("incidents-api-2024-09-01.json"))
	if sum.Inserted != 6 || sum.Records != 6 {
		t.Errorf("inserted %d of %d records, want 6 of 6 (update rows are merged by the parser)", sum.Inserted, sum.Records)
	}
	got := queryRows(t, db, `SELECT case_id, technique_id FROM case_techniques WHERE source = 'sentinel' ORDER BY case_id, technique_id`)
	wantRows := []string{"101 | T1078", "101 | T1098.001", "103 | T1059.001", "104 | T1071.001", "105 | T1110.003"}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("case_techniques: got %q, want %q", got, wantRows)
	}
}

func FuzzParseSentinel(f *testing.F) {
	fuzzImporter(f, Sentinel{}, []string{"testdata/sentinel/*.csv", "testdata/sentinel/*.json"}, []string{
		"IncidentNumber,TimeGenerated,AdditionalData\n1,2024-01-01T00:00:00Z,\"{\"\"techniques\"\":[\"\"T1078\"\"]}\"\n1,x,\n",
		`{"tables":[{"columns":[{"name":"IncidentNumber"}],"rows":[[1],[2,3],"x"]}]}`,
		`{"value":[{"properties":{"incidentNumber":1,"labels":[{"labelName":5}]}}]}`,
		`[{"IncidentNumber":1,"AdditionalData":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]`,
	})
}
