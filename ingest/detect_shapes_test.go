package ingest

import (
	"os"
	"strings"
	"testing"
)

// TestDetectVendorAnswerShapes: --format auto recognises the shapes added
// for issue 18 from their documented examples, and says what it expected
// for an API's error answer.
func TestDetectVendorAnswerShapes(t *testing.T) {
	fs := DefaultFormats()
	for _, tc := range []struct{ path, format, by string }{
		{snd("sn_si_incident-table-api-record.json"), "servicenow", "record 1 result: keys number, opened_at, short_description"},
		{snd("sn_si_incident-table-api-record-all.json"), "servicenow", "record 1 result: keys number, opened_at, short_description"},
		{ird("iris-doc-manage_cases_list.x-examples-Example-1.json"), "iris", "record 1 data[0]: keys case_uuid"},
		{ird("iris-doc-manage_cases_close-post-Example-1.json"), "iris", "record 1 data: keys case_id, case_name, case_soc_id"},
		{ird("iris-doc-manage_cases_reopen-post-Example-1.json"), "iris", "record 1 data: keys case_id, case_name, case_soc_id"},
		{ird("iris-case-objects.jsonl"), "iris", "record 1 data: keys case_id, case_name, case_soc_id"},
		{thd("thehive5-reopened.json"), "thehive", `record 1: keys _type = "Case"`},
		{thd("thehive4-case_search-v0.json"), "thehive", `record 1: keys _type = "case"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			head, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fs.Detect(tc.path, head)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format.Name() != tc.format || got.By != tc.by {
				t.Errorf("got %s (%s), want %s (%s)", got.Format.Name(), got.By, tc.format, tc.by)
			}
		})
	}
	// The deprecated close answer has no case_uuid: the row for case
	// objects in "data" decides (iris-doc-src, GET example).
	got, err := fs.Detect("close.json", []byte(`{"data":{"case_customer":105,"case_description":"A super description","case_id":42,"case_name":"#42 - My case","case_soc_id":"SOC_142","close_date":"2022-01-20","open_date":"2022-01-20","user_id":1},"message":"Case closed successfully","status":"success"}`))
	if err != nil || got.Format.Name() != "iris" || got.By != "record 1 data: keys case_id, case_name, case_soc_id" {
		t.Errorf("got %v (%s), %v", got.Format, got.By, err)
	}
	for _, head := range []string{
		`{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}`,
		`{"data":[],"message":"Tried to close an non-existing case","status":"error"}`,
	} {
		_, err := fs.Detect("answer.json", []byte(head))
		if err == nil || !strings.Contains(err.Error(), "expected one of") || !strings.Contains(err.Error(), "servicenow: ") || !strings.Contains(err.Error(), "iris: ") {
			t.Errorf("%s: got %v", head, err)
		}
	}
}
