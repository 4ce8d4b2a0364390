package ingest

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func eld(name string) string { return filepath.Join("testdata", "elastic", name) }

// TestElasticDocumentedExamples: the responses Kibana's API reference shows
// for find, get and push (testdata/elastic/SOURCE.md) load as open cases
// detected at created_at.
func TestElasticDocumentedExamples(t *testing.T) {
	for _, tc := range []struct {
		file  string
		want  want
		extra map[string]any
	}{
		{"find-cases-response.json", want{
			ID: "abed3a70-71bd-11ea-a0b2-c51ea50a58e2", Source: "elastic", Title: "Case title", Severity: "low", Status: "open",
			Tags:     []string{"tag-1"},
			Timeline: map[string]*time.Time{"detection": tp("2023-10-12T00:16:36.371Z")},
			Sources:  map[string]string{"detection": "created_at"},
			Extra: map[string]any{"status": "open", "owner_app": "cases", "updated_at": "2023-10-12T00:27:58.162Z", "created_by": "elastic",
				"custom_fields": map[string]any{"d312efda-ec2b-42ec-9e2c-84981795c581": "My field value"}},
		}, nil},
		{"get-case-response.json", want{
			ID: "31cdada0-02c1-11ed-85f2-4f7c222ca2fa", Source: "elastic", Title: "Case title 1", Severity: "low", Status: "open",
			Tags:     []string{"tag 1"},
			Timeline: map[string]*time.Time{"detection": tp("2023-10-13T15:33:50.604Z")},
			Sources:  map[string]string{"detection": "created_at"},
			Extra:    map[string]any{"assignees": []string{"u_mGBROF_q5bmFCATbLXAcCwKa0k8JvONAwSruelyKA5E_0"}},
		}, nil},
		{"push-case-response.json", want{
			ID: "b917f300-0ed9-11ed-bd18-65557fe66949", Source: "elastic", Title: "Case title 1", Severity: "low", Status: "open",
			Tags:     []string{"tag 1"},
			Timeline: map[string]*time.Time{"detection": tp("2022-07-29T00:59:39.444Z")},
			Sources:  map[string]string{"detection": "created_at"},
			Extra:    map[string]any{"external_connector": "My connector", "external_id": "71926", "external_url": "https://cases.jira.com"},
		}, nil},
	} {
		t.Run("OK/"+tc.file, func(t *testing.T) {
			got := parseWith(t, Elastic{}, eld(tc.file), "", nil)
			if got.err != nil || len(got.errs) != 0 || len(got.cases) != 1 {
				t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
			}
			checkCase(t, got.cases[0], tc.want)
			checkDims(t, got.cases[0], dims{})
		})
	}
}

// TestElasticSecurityCases: two _find pages as JSON Lines. A closed case
// has its closure at closed_at; in-progress is open; a reopened case (its
// closed_at reset to null by Kibana) is open without a closure; host-name
// observables are the assets, technique tags the techniques.
func TestElasticSecurityCases(t *testing.T) {
	got := parseWith(t, Elastic{}, eld("find-cases-securitysolution.jsonl"), "", nil)
	if got.err != nil || len(got.errs) != 0 || len(got.cases) != 3 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	checkCase(t, got.cases[0], want{
		ID: "5b8f2a60-da1e-11ee-9c5b-1b2d3c4e5f60", Source: "elastic", Title: "Phishing: credential harvest via fake SSO page",
		Severity: "high", Category: "phishing", Status: "closed",
		Tags:       []string{"phishing", "T1566.002", "attack.t1078"},
		Techniques: []string{"T1566.002", "T1078"},
		Timeline:   map[string]*time.Time{"detection": tp("2024-03-04T08:15:00Z"), "closure": tp("2024-03-05T16:45:30Z")},
		Sources:    map[string]string{"detection": "created_at", "closure": "closed_at"},
		Extra: map[string]any{"status": "closed", "owner_app": "securitySolution", "incremental_id": "12", "duration_seconds": "117030",
			"closed_by": "soc-lead", "external_connector": "SOC Jira", "external_id": "10088", "external_url": "https://jira.example.com/browse/SEC-88",
			"custom_fields": map[string]any{"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d": "2024-03-04T06:50:00Z", "9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f": true}},
	})
	// Two spellings of one host are one asset; the IPv4 indicator is not.
	checkDims(t, got.cases[0], dims{Assets: []string{"WS-FIN-042"}})
	if d := got.cases[0].Timeline.Closure.Sub(*got.cases[0].Timeline.Detection); d != 117030*time.Second {
		t.Errorf("closure - detection = %v, want Kibana's duration 117030 s", d)
	}
	checkCase(t, got.cases[1], want{
		ID: "7d1a4c80-e6f0-11ee-8a1b-2c3d4e5f6a70", Source: "elastic", Title: "Ransomware precursor: beacon on file server",
		Severity: "critical", Status: "open", Tags: []string{"ransomware", "T1059.001"}, Techniques: []string{"T1059.001"},
		Timeline: map[string]*time.Time{"detection": tp("2024-03-20T22:05:12.345Z")},
		Sources:  map[string]string{"detection": "created_at"},
		Extra:    map[string]any{"status": "in-progress"},
	})
	checkDims(t, got.cases[1], dims{Assets: []string{"FS-BER-001"}})
	checkCase(t, got.cases[2], want{
		ID: "8e2b5d90-c7f1-11ee-9b2c-3d4e5f6a7b80", Source: "elastic", Title: "Suspicious OAuth consent grant", Severity: "medium", Status: "open",
		Timeline: map[string]*time.Time{"detection": tp("2024-02-10T10:00:00Z")},
		Sources:  map[string]string{"detection": "created_at"},
	})
}

func TestElasticMapping(t *testing.T) {
	m := map[string]string{"elastic.id": "incremental_id", "compromise": "customFields.1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "source": "elastic-prod",
		"elastic.tenant": "=soc-eu-space", "team": "external_service.connector_name", "platforms": "nope|=m365"}
	got := parseWith(t, Elastic{}, eld("find-cases-securitysolution.jsonl"), "", m)
	if len(got.errs) != 0 || len(got.cases) != 3 {
		t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
	}
	c := got.cases[0]
	if c.ID != "12" || c.Source != "elastic-prod" || !reflect.DeepEqual(c.Timeline.Compromise, tp("2024-03-04T06:50:00Z")) ||
		c.MilestoneSources["compromise"] != "customFields.1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" {
		t.Errorf("got %s/%s compromise %v from %q", c.Source, c.ID, fmtTime(c.Timeline.Compromise), c.MilestoneSources["compromise"])
	}
	checkDims(t, c, dims{Tenant: "soc-eu-space", Team: "SOC Jira", Platforms: []string{"m365"}, Assets: []string{"WS-FIN-042"}})
	checkDims(t, got.cases[2], dims{Tenant: "soc-eu-space", Platforms: []string{"m365"}})
}

func TestElasticShapes(t *testing.T) {
	const one = `{"id":"c1","title":"t","owner":"securitySolution","status":"%s","severity":"high","created_at":"2024-01-01T00:00:00Z","closed_at":%s,"totalComment":0}`
	for _, tc := range []struct {
		name, text, status string
		closure            *time.Time
	}{
		{"OK/array of cases", `[` + fmt.Sprintf(one, "closed", `"2024-01-02T00:00:00Z"`) + `]`, "closed", tp("2024-01-02T00:00:00Z")},
		{"OK/a closed_at on an open case is no closure", fmt.Sprintf(one, "open", `"2024-01-02T00:00:00Z"`), "open", nil},
		{"OK/a closed case without closed_at is closed", fmt.Sprintf(one, "closed", `null`), "closed", nil},
		{"OK/array of find pages", `[{"page":1,"per_page":1,"total":1,"cases":[` + fmt.Sprintf(one, "in-progress", "null") + `]}]`, "open", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseWith(t, Elastic{}, "c.json", tc.text, nil)
			if len(got.errs) != 0 || len(got.cases) != 1 {
				t.Fatalf("got %d cases, errors %v", len(got.cases), got.errs)
			}
			c := got.cases[0]
			if c.Status != tc.status || !reflect.DeepEqual(c.Timeline.Closure, tc.closure) {
				t.Errorf("got %s closure %v, want %s %v", c.Status, fmtTime(c.Timeline.Closure), tc.status, fmtTime(tc.closure))
			}
			if tc.status == "open" && strings.Contains(tc.text, `"closed_at":"`) && !strings.Contains(string(c.Extra), `"closure_before_reopen":{"at":"2024-01-02T00:00:00Z","field":"closed_at"}`) {
				t.Errorf("extra %s does not keep the old closed_at", c.Extra)
			}
		})
	}
}

func TestElasticInvalid(t *testing.T) {
	text := `{"title":"no id","created_at":"2024-01-01T00:00:00Z","owner":"securitySolution"}
{"id":"a","status":"resolved"}
{"id":"b","severity":"urgent"}
{"id":"c","created_at":"yesterday"}
{"id":"d","customFields":[{"type":"text","value":"x"}]}
{"id":"e","observables":"host"}
{"id":"f","tags":"T9"}
{"type":"cases","id":"g","attributes":{"title":"saved object"}}
{"cases":[1]}
`
	got := parseWith(t, Elastic{}, "bad.jsonl", text, nil)
	if len(got.cases) != 1 || got.cases[0].ID != "f" {
		t.Fatalf("got %d cases %+v", len(got.cases), got.cases)
	}
	checkErrs(t, got.errs, "bad.jsonl", []wantErr{
		{"1", "id", "required"},
		{"2", "status", `unknown status "resolved"`},
		{"3", "severity", `unknown severity "urgent"`},
		{"4", "created_at", `cannot parse "yesterday"`},
		{"5", "customFields[0].key", "required"},
		{"6", "observables", "want a list of observables"},
		{"8", "", "saved-objects export"},
		{"9 cases[0]", "", "want a JSON object"},
	})
}

// TestElasticNotJSON: another format's CSV given to --format elastic is
// refused saying what the importer reads.
func TestElasticNotJSON(t *testing.T) {
	got := parseWith(t, Elastic{}, spd("notables-incident-review.csv"), "", nil)
	if got.err == nil || !strings.Contains(got.err.Error(), "notables-incident-review.csv:1: not JSON: want the Kibana cases API's response") || len(got.cases) != 0 {
		t.Errorf("got %v, %d cases", got.err, len(got.cases))
	}
}

func TestElasticLoad(t *testing.T) {
	db, sum := loadTwice(t, "elastic", nil, eld("find-cases-securitysolution.jsonl"), eld("get-case-response.json"))
	if sum.Inserted != 4 {
		t.Errorf("inserted %d, want 4", sum.Inserted)
	}
	got := queryRows(t, db, `SELECT case_id, technique_id FROM case_techniques WHERE source = 'elastic' ORDER BY case_id, technique_id`)
	want := []string{"5b8f2a60-da1e-11ee-9c5b-1b2d3c4e5f60 | T1078", "5b8f2a60-da1e-11ee-9c5b-1b2d3c4e5f60 | T1566.002", "7d1a4c80-e6f0-11ee-8a1b-2c3d4e5f6a70 | T1059.001"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("case_techniques: got %q, want %q", got, want)
	}
}

func FuzzParseElastic(f *testing.F) {
	fuzzImporter(f, Elastic{}, []string{"testdata/elastic/*.json", "testdata/elastic/*.jsonl"}, []string{
		`{"cases":[{"id":"1","status":"closed","closed_at":"2024-01-01T00:00:00Z","observables":[{"typeKey":"observable-type-hostname","value":" h "}]}]}`,
		`{"id":"1","customFields":[{"key":"k","value":{"a":1}}],"tags":["attack.t1059.001"]}`,
		`{"type":"cases","attributes":{}}`,
		`[{"id":1e400}]`,
	})
}

// TestElasticDetect: --format auto recognises a case and a _find page by
// their keys, and still takes a canonical case for a canonical case.
func TestElasticDetect(t *testing.T) {
	fs := DefaultFormats()
	for _, tc := range []struct{ name, head, format, by string }{
		{"find.json", `{"page":1,"per_page":5,"total":1,"cases":[{"id":"x","title":"t","owner":"cases","created_at":"2023-10-12T00:16:36.371Z","totalComment":1}]}`,
			"elastic", "record 1 cases[0]: keys title, created_at, owner, totalComment"},
		{"case.json", `{"id":"x","title":"t","owner":"securitySolution","created_at":"2023-10-12T00:16:36.371Z","closed_at":null}`,
			"elastic", "record 1: keys title, created_at, owner, closed_at"},
		{"canonical.jsonl", `{"id":"A","title":"t","owner":"x","created_at":"y","closed_at":"z","timeline":{"detection":"2024-01-01T00:00:00Z"}}`,
			"pir", "record 1: keys id, timeline.detection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fs.Detect(tc.name, []byte(tc.head))
			if err != nil {
				t.Fatal(err)
			}
			if got.Format.Name() != tc.format || got.By != tc.by {
				t.Errorf("got %s (%s), want %s (%s)", got.Format.Name(), got.By, tc.format, tc.by)
			}
		})
	}
}
