package ingest

import (
	"context"
	"strings"
	"testing"
)

// TestDetectValuesDoNotSteer: --format auto decides on the keys of the
// first records, never on their values. Titles and tags come from
// attackers' emails: a canonical case titled "caseId" (with a "tlp" tag)
// used to be imported as TheHive, one titled "case_uuid" as IRIS, and
// values naming Sentinel, ServiceNow or VERIS keys stole the file too.
func TestDetectValuesDoNotSteer(t *testing.T) {
	fs := DefaultFormats()
	const tl = `"timeline":{"detection":"2024-01-01T00:00:00Z"}`
	for _, tc := range []struct{ name, head string }{
		{"TheHiveTitle.jsonl", `{"id":"A","title":"caseId","tags":["tlp"],` + tl + `}`},
		{"TheHiveType.json", `[{"id":"A","title":"\"_type\": \"case\"",` + tl + `}]`},
		{"IRISTitle.jsonl", `{"id":"A","title":"case_uuid",` + tl + `}`},
		{"IRISTitle2.jsonl", `{"id":"A","title":"case_id soc_id open_date","tags":["case_id","soc_id"],` + tl + `}`},
		{"SentinelTags.jsonl", `{"id":"A","tags":["IncidentNumber","TimeGenerated","Microsoft.SecurityInsights/incidents"],` + tl + `}`},
		{"ServiceNowTags.jsonl", `{"id":"A","tags":["number","opened_at","short_description","sys_id"],` + tl + `}`},
		{"ServiceNowHistoryTags.jsonl", `{"id":"A","tags":["documentkey","fieldname"],` + tl + `}`},
		{"VerisTags.jsonl", `{"id":"A","tags":["schema_version","incident_id","action"],` + tl + `}`},
		// An unknown key holding another format's keys is still a canonical case.
		{"NestedKeys.jsonl", `{"id":"A","ticket":{"caseId":1,"tlp":2,"_type":"case"},` + tl + `}`},
		{"TitleCSV.csv", "id,title,tags,timeline.detection\nA,caseId,tlp;IncidentNumber,2024-01-01T00:00:00Z\n"},
		// The first case of a file is not special: a later one's title does
		// not steer either.
		{"SecondRecord.jsonl", `{"id":"A",` + tl + `}` + "\n" + `{"id":"B","title":"caseId tlp _type case_uuid",` + tl + `}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fs.Detect(tc.name, []byte(tc.head))
			if err != nil {
				t.Fatal(err)
			}
			if got.Format.Name() != "pir" {
				t.Errorf("detected %q (%s), want pir", got.Format.Name(), got.By)
			}
		})
	}
}

// TestDetectSaysWhy: the detection names the keys (or columns) that
// decided, where they were, and an undecided file lists the keys it found
// and what each format expects.
func TestDetectSaysWhy(t *testing.T) {
	fs := DefaultFormats()
	for _, tc := range []struct{ name, head, format, by string }{
		{"cases.jsonl", `{"id":"A","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, "pir", "record 1: keys id, timeline.detection"},
		{"cases.csv", "id,Title,timeline.detection\n", "pir", "header: columns id, timeline.detection"},
		{"hive.json", `[{"_id":"~1","_type":"Case","number":1}]`, "thehive", `record 1: keys _type = "Case"`},
		{"sn.json", `{"result":[{"number":"SIR1","opened_at":"2024-01-01 10:00:00","sys_id":"x"}]}`, "servicenow", "record 1 result[0]: keys number, opened_at, sys_id"},
		{"sn.csv", "NUMBER,Opened_At,State\n", "servicenow", "header: columns NUMBER, Opened_At, State"},
		{"audit.csv", "sys_id,documentkey,fieldname,newvalue\n", "servicenow", "header: columns documentkey, fieldname, newvalue"},
		{"si.json", `{"value":[{"id":"/x","name":"y","properties":{"incidentNumber":1}}]}`, "sentinel", "record 1 value[0]: keys properties.incidentNumber"},
		{"si-one.json", `{"id":"/x","name":"y","properties":{"incidentNumber":1}}`, "sentinel", "record 1: keys properties.incidentNumber"},
		{"si-query.json", `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TenantId"},{"name":"TimeGenerated"},{"name":"IncidentNumber"}],"rows":[]}]}`,
			"sentinel", "record 1 tables[0].columns: keys IncidentNumber, TimeGenerated"},
		{"iris.json", `{"data":{"case":{"case_id":1,"case_uuid":"u"}},"message":"","status":"success"}`, "iris", "record 1 data.case: keys case_uuid"},
		{"iris-list.json", `{"data":[{"case_id":1,"soc_id":"","name":"x"}]}`, "iris", "record 1 data[0]: keys case_id, soc_id"},
		{"vcdb.json", `{"schema_version":"1.3.4","incident_id":"x","plus":{"master_id":"m"},"timeline":{}}`, "veris", "record 1: keys schema_version, incident_id, timeline"},
		// A head cut off inside the first record still has its keys so far.
		{"cut.json", `[{"_type":"case","number":1,"description":"` + strings.Repeat("x", 70000), "thehive", `record 1: keys _type = "case"`},
		// A bad first line of JSON Lines does not hide the next ones.
		{"bad-first.jsonl", `{"number":1,` + "\n" + `{"_type":"case","number":1}` + "\n", "thehive", `record 2: keys _type = "case"`},
		{"pretty.json", "\n\n{\n  \"id\": \"A\",\n  \"timeline\": {\"detection\": \"2024-01-01T00:00:00Z\"}\n}\n", "pir", "record 1: keys id, timeline.detection"},
		// No records: the canonical format, which holds none.
		{"empty.jsonl", "", "pir", "no records"},
		{"space.json", " \n\t\r\n", "pir", "no records"},
		{"nan.jsonl", `{"id":"H-1","timeline":{"detection":NaN}}`, "pir", "record 1: keys id, timeline.detection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head := []byte(tc.head)
			if len(head) > 64<<10 {
				head = head[:64<<10]
			}
			got, err := fs.Detect(tc.name, head)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format.Name() != tc.format || got.By != tc.by {
				t.Errorf("got %s (%s), want %s (%s)", got.Format.Name(), got.By, tc.format, tc.by)
			}
		})
	}

	t.Run("ErrNothingMatches", func(t *testing.T) {
		_, err := fs.Detect("alerts.json", []byte(`[{"_type":"alert","_id":"~1","title":"x","tlp":2,"date":1700000000000}]`))
		if err == nil {
			t.Fatal("a TheHive alert export was taken for cases")
		}
		for _, want := range []string{
			"alerts.json: cannot tell the format from its content: record 1 has the keys _id, _type, date, title, tlp",
			`expected one of: pir: id+timeline.detection`,
			`thehive: _type="case" | caseId+tlp`,
			"servicenow: number+opened_at+short_description/sys_id/state (also in records[], result[])",
			"; pass --format",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("got %v\nwant it to contain %q", err, want)
			}
		}
	})
	t.Run("ErrCSVNothingMatches", func(t *testing.T) {
		_, err := fs.Detect("x.csv", []byte("a,b,c\n1,2,3\n"))
		if err == nil || !strings.Contains(err.Error(), "its CSV header has the columns a, b, c") {
			t.Errorf("got %v", err)
		}
	})
}

// TestLoadTitleDoesNotDuplicateCases: through the loader, a canonical file
// whose first case is titled "caseId" loads as canonical cases (source pir),
// not as a second copy of every case under source thehive.
func TestLoadTitleDoesNotDuplicateCases(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "cases.jsonl",
		`{"id":"T-1","title":"caseId","tags":["tlp"],"timeline":{"detection":"2024-01-01T00:00:00Z"}}`+"\n"+
			`{"id":"T-2","title":"case_uuid","timeline":{"detection":"2024-01-02T00:00:00Z"}}`+"\n")
	db := openTestDB(t)
	sum, err := Load(context.Background(), db, []Input{{Path: p, Format: "auto"}}, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Files[0]; f.Format != "pir" || f.DetectedBy != "record 1: keys id, timeline.detection" {
		t.Errorf("detected %s by %q", f.Format, f.DetectedBy)
	}
	if n := count(t, db, "SELECT count(*) FROM store.cases WHERE source = 'pir'"); n != 2 {
		t.Errorf("got %d canonical cases, want 2", n)
	}
}
