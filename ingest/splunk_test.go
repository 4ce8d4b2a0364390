package ingest

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func spd(name string) string { return filepath.Join("testdata", "splunk", name) }

const (
	splunkE1 = "A265ED94-AE9E-428C-91D2-64BB956EB7CB@@notable@@62eaebb8c0dd2574fc0b3503a9586cd9"
	splunkE2 = "5C1F8D22-3B7A-4E19-9A0C-7E2D4B6F8A11@@notable@@9b1c7e0d4f3a2b6c8d9e0f1a2b3c4d5e"
	splunkE3 = "0D4E6F80-91A2-4B3C-8D5E-6F7081920A3B@@notable@@1f2e3d4c5b6a79880716253443526170"
	splunkE4 = "7E8F9A0B-1C2D-4E3F-8A5B-6C7D8E9F0A1B@@notable@@aa0b1c2d3e4f5061728394a5b6c7d8e9"
)

// splunkWant are the four notables of the fixtures without a history:
// detection at _time, status from status_end, severity from urgency.
func splunkWant() []want {
	return []want{
		{ID: splunkE1, Source: "splunk", Title: "Brute Force Access Behavior Detected From 203.0.113.9", Severity: "high", Status: "closed",
			Techniques: []string{"T1110.001", "T1078"},
			Timeline:   map[string]*time.Time{"detection": tp("2024-05-02T08:00:00Z")},
			Sources:    map[string]string{"detection": "_time"},
			Extra: map[string]any{"status": "5", "status_label": "Closed", "owner": "jdoe", "owner_realname": "Jane Doe", "security_domain": "access",
				"disposition": "disposition:1", "severity": "medium", "src": "203.0.113.9", "rule_name": "Access - Brute Force Access Behavior Detected - Rule"}},
		{ID: splunkE2, Source: "splunk", Title: "Suspicious PowerShell on WS-FIN-042", Severity: "critical", Status: "open",
			Techniques: []string{"T1059.001"},
			Timeline:   map[string]*time.Time{"detection": tp("2024-05-03T22:15:30Z")},
			Sources:    map[string]string{"detection": "_time"},
			Extra:      map[string]any{"status_label": "In Progress", "disposition_label": "Undetermined"}},
		// A false positive is closed and left out of the metrics.
		{ID: splunkE3, Source: "splunk", Title: "Threat Activity Detected (198.51.100.23)", Severity: "low", Status: "closed", Excluded: true,
			Timeline: map[string]*time.Time{"detection": tp("2024-05-06T08:00:00Z")},
			Sources:  map[string]string{"detection": "_time"},
			Extra:    map[string]any{"disposition": "disposition:3"}},
		// Resolved awaits verification: open.
		{ID: splunkE4, Source: "splunk", Title: "Unroutable Host Activity", Severity: "informational", Status: "open",
			Timeline: map[string]*time.Time{"detection": tp("2024-06-30T23:30:00Z")},
			Sources:  map[string]string{"detection": "_time"},
			Extra:    map[string]any{"status": "4", "status_label": "Resolved", "owner": "unassigned"}},
	}
}

var splunkAssets = [][]string{{"vpn-gw-01", "svc_backup"}, {"WS-FIN-042", "aoife"}, {"proxy-01"}, {"fw-edge-02"}}

// TestSplunkNotables: the CSV export, the REST API's results and its
// export stream are the same four notables.
func TestSplunkNotables(t *testing.T) {
	for _, f := range []string{"notables-incident-review.csv", "notables-results.json", "notables-export.jsonl"} {
		t.Run("OK/"+f, func(t *testing.T) {
			got := parseWith(t, Splunk{}, spd(f), "", nil)
			if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
				t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
			}
			for i, w := range splunkWant() {
				checkCase(t, got.cases[i], w)
				checkDims(t, got.cases[i], dims{Assets: splunkAssets[i]})
			}
		})
	}
}

// TestSplunkHistory: with the incident review history, triage is the
// first move away from New, closure the last time the notable became
// Closed (notable 3 was closed, reopened and closed again); Resolved is
// not a closure.
func TestSplunkHistory(t *testing.T) {
	got := parseWith(t, Splunk{}, spd("notables-incident-review.csv"), "", map[string]string{"splunk.history": "incident_review_lookup.csv"})
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	w := splunkWant()
	w[0].Timeline = map[string]*time.Time{"detection": tp("2024-05-02T08:00:00Z"), "triage": tp("2024-05-02T08:15:00Z"), "closure": tp("2024-05-03T08:30:00.25Z")}
	w[0].Sources = map[string]string{"detection": "_time", "triage": "incident_review:New→In Progress", "closure": "incident_review:Resolved→Closed"}
	w[1].Timeline = map[string]*time.Time{"detection": tp("2024-05-03T22:15:30Z"), "triage": tp("2024-05-03T22:40:00Z")}
	w[1].Sources = map[string]string{"detection": "_time", "triage": "incident_review:New→In Progress"}
	w[2].Timeline = map[string]*time.Time{"detection": tp("2024-05-06T08:00:00Z"), "triage": tp("2024-05-06T09:00:00Z"), "closure": tp("2024-05-07T12:00:00Z")}
	w[2].Sources = map[string]string{"detection": "_time", "triage": "incident_review:New→Closed", "closure": "incident_review:In Progress→Closed"}
	for i := range w {
		checkCase(t, got.cases[i], w[i])
	}

	t.Run("OK/a site whose end status is Resolved", func(t *testing.T) {
		got := parseWith(t, Splunk{}, "n.csv", "_time,event_id,urgency,status\n1714636800,"+splunkE1+",high,4\n",
			map[string]string{"closed_statuses": "Resolved,Closed", "history": filepath.Join("testdata", "splunk", "incident_review_lookup.csv")})
		if len(got.cases) != 1 {
			t.Fatalf("got %+v", got)
		}
		c := got.cases[0]
		if c.Status != "closed" || !reflect.DeepEqual(c.Timeline.Closure, tp("2024-05-03T07:30:00Z")) || c.MilestoneSources["closure"] != "incident_review:In Progress→Resolved" {
			t.Errorf("got %s closure %v from %q", c.Status, fmtTime(c.Timeline.Closure), c.MilestoneSources["closure"])
		}
	})
	t.Run("ErrHistoryGivenAsInput", func(t *testing.T) {
		got := parseWith(t, Splunk{}, spd("incident_review_lookup.csv"), "", nil)
		if got.err == nil || !strings.Contains(got.err.Error(), `"splunk.history" = "PATH"`) {
			t.Errorf("got %v", got.err)
		}
	})
	t.Run("ErrHistoryNotAHistory", func(t *testing.T) {
		got := parseWith(t, Splunk{}, spd("notables-incident-review.csv"), "", map[string]string{"history": "notables-results.json"})
		if got.err == nil || !strings.Contains(got.err.Error(), "not a Splunk ES incident review history") {
			t.Errorf("got %v", got.err)
		}
	})
}

// TestSplunkMappingDimensions: a mapping file fills the optional fields
// ES has no field for (a literal team) and adds assets from other fields;
// asset_fields replaces the default asset fields.
func TestSplunkMappingDimensions(t *testing.T) {
	m := map[string]string{"splunk.team": "=SOC EU", "assets": "annotations.mitre_attack", "asset_fields": "dest"}
	got := parseWith(t, Splunk{}, spd("notables-incident-review.csv"), "", m)
	if len(got.errs) != 0 || len(got.cases) != 4 {
		t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
	}
	checkDims(t, got.cases[0], dims{Team: "SOC EU", Assets: []string{"vpn-gw-01", "T1110.001", "T1078"}})
	checkDims(t, got.cases[2], dims{Team: "SOC EU", Assets: []string{"proxy-01"}})
	t.Run("ErrUnknownPlatform", func(t *testing.T) {
		got := parseWith(t, Splunk{}, spd("notables-incident-review.csv"), "", map[string]string{"platforms": "security_domain"})
		// access, endpoint and threat are no platforms; network is one.
		if len(got.errs) != 3 || got.errs[0].Field != "security_domain" || !strings.Contains(got.errs[0].Reason, `unknown platform "access"`) ||
			len(got.cases) != 1 || !reflect.DeepEqual(got.cases[0].Platforms, []string{"network"}) {
			t.Errorf("got %v, %d cases", got.errs, len(got.cases))
		}
	})
}

func TestSplunkInvalid(t *testing.T) {
	text := "_time,event_id,urgency,status,status_end,annotations.mitre_attack\n" +
		"2024-05-02T08:00:00.000+0000,,high,5,true,\n" +
		"yesterday,e2,high,5,true,\n" +
		"2024-05-02T08:00:00.000+0000,e3,urgent,5,true,\n" +
		"2024-05-02T08:00:00.000+0000,e4,high,5,maybe,\n" +
		"99999999999,e5,high,5,true,\n" +
		"2024-05-02T08:00:00.000+0000,e6,unknown,,,TA0001 then T1059.001\n"
	got := parseWith(t, Splunk{}, "n.csv", text, nil)
	if len(got.cases) != 1 {
		t.Fatalf("got %d cases", len(got.cases))
	}
	checkErrs(t, got.errs, "n.csv", []wantErr{
		{"2", "event_id", "required"},
		{"3", "_time", `cannot parse "yesterday"`},
		{"4", "urgency", `unknown severity "urgent"`},
		{"5", "status_end", `want true or false, got "maybe"`},
		{"6", "_time", "implausible timestamp"},
	})
	// urgency "unknown" is no severity; techniques are found in the text.
	c := got.cases[0]
	if c.Severity != "" || !reflect.DeepEqual(c.Techniques, []string{"T1059.001"}) || c.Status != "open" {
		t.Errorf("got severity %q techniques %v status %s", c.Severity, c.Techniques, c.Status)
	}
}

func TestSplunkLoad(t *testing.T) {
	db, sum := loadTwice(t, "splunk", map[string]string{"splunk.history": "incident_review_lookup.csv"}, spd("notables-incident-review.csv"))
	if sum.Inserted != 4 {
		t.Errorf("inserted %d, want 4", sum.Inserted)
	}
	got := queryRows(t, db, `SELECT milestone, source_field FROM milestone_sources WHERE source = 'splunk' AND case_id = '`+splunkE3+`' ORDER BY milestone`)
	want := []string{"closure | incident_review:In Progress→Closed", "detection | _time", "triage | incident_review:New→Closed"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("milestone_sources: got %q, want %q", got, want)
	}
}

// TestSplunkDetect: --format auto tells notables from review histories.
func TestSplunkDetect(t *testing.T) {
	fs := DefaultFormats()
	for _, tc := range []struct{ name, head, by string }{
		{"n.csv", "_time,event_id,rule_name,urgency,status\n", "header: columns event_id, urgency, rule_name"},
		{"n.json", `{"preview":false,"results":[{"_time":"x","event_id":"e","security_domain":"access"}]}`, "record 1 results[0]: keys event_id, security_domain, _time"},
		{"n.jsonl", `{"preview":false,"offset":0,"result":{"event_id":"e","status_label":"New","rule_title":"t"}}`, "record 1 result: keys event_id, status_label, rule_title"},
		{"ir.csv", "rule_id,time,status,owner,urgency,comment\n", "header: columns rule_id, time, status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fs.Detect(tc.name, []byte(tc.head))
			if err != nil {
				t.Fatal(err)
			}
			if got.Format.Name() != "splunk" || got.By != tc.by {
				t.Errorf("got %s (%s), want splunk (%s)", got.Format.Name(), got.By, tc.by)
			}
		})
	}
}

func FuzzParseSplunk(f *testing.F) {
	fuzzImporter(f, Splunk{}, []string{"testdata/splunk/*.csv", "testdata/splunk/*.json", "testdata/splunk/*.jsonl"}, []string{
		"_time,event_id,urgency,status_end,dest\n1e3,a,high,true,\"h\n H \n\"\n",
		"_time,event_id,urgency\n1714636800.9999999,a,informational\n",
		`{"results":[{"event_id":["a","b"],"_time":[1]}]}`,
		`{"result":{"event_id":"x","status":5,"annotations.mitre_attack":["t1059.001",7]}}`,
	})
}
