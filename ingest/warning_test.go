package ingest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestLoadWarnsDSTGap: a naive time in a DST gap of the --tz zone is
// accepted (shifted forward), and the ingest summary counts a warning
// naming the file, the record and the field, for the canonical format
// (JSON Lines, a JSON array, CSV, an action item's completion), an
// importer's column and a ServiceNow history row whose time is used.
// Before, it was accepted silently.
func TestLoadWarnsDSTGap(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	dir := t.TempDir()
	lines := writeFile(t, dir, "gap.jsonl",
		`{"id":"G-1","timeline":{"detection":"2024-03-31T01:00:00Z"}}`+"\n"+
			`{"id":"G-2","timeline":{"detection":"2024-03-31 02:30","closure":"2024-10-27 02:30"},"action_items":[{"id":"A","completed":"2024-03-31 02:45"}]}`+"\n")
	array := writeFile(t, dir, "gap.json", `[{"id":"G-3","timeline":{"detection":"2024-03-31 02:30"}}]`)
	csv := writeFile(t, dir, "gap.csv", "id,timeline.detection\nG-4,2024-03-31 02:30\n")
	history := writeFile(t, dir, "sys_audit.csv", "sys_id,tablename,documentkey,fieldname,oldvalue,newvalue,sys_created_on\n"+
		"a1,sn_si_incident,abc,state,Analysis,Contain,2024-03-31 01:00:00\n"+
		"a2,sn_si_incident,abc,state,Contain,Eradicate,2024-03-31 02:10:00\n"+
		"a3,sn_si_incident,zzz,state,Contain,Eradicate,2024-03-31 02:20:00\n") // another incident: its time is not used
	sn := writeFile(t, dir, "incidents.csv", "number,sys_id,opened_at,short_description,state\nSIR1,abc,2024-03-31 02:05:00,x,Eradicate\n")
	db := openTestDB(t)
	sum, err := Load(context.Background(), db, []Input{
		{Path: lines, Format: "auto"}, {Path: array, Format: "auto"}, {Path: csv, Format: "auto"},
		{Path: sn, Format: "servicenow", Mapping: map[string]string{"servicenow.history": history}},
	}, Options{Location: berlin, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range sum.Warnings {
		got = append(got, strings.TrimPrefix(w.String(), dir+"/"))
	}
	want := []string{ // in file order; within a record, in field order
		`gap.jsonl:2: action_items[0].completed: "2024-03-31 02:45" does not exist in Europe/Berlin`,
		`gap.jsonl:2: timeline.closure: "2024-10-27 02:30" happens twice in Europe/Berlin (the clocks went back): read as the second, 2024-10-27 02:30:00 CET (+01:00)`,
		`gap.jsonl:2: timeline.detection: "2024-03-31 02:30" does not exist in Europe/Berlin (the clocks went forward): read as 2024-03-31 03:30:00 CEST (+02:00), shifted forward by the gap`,
		`gap.json:record 1 (line 1): timeline.detection: "2024-03-31 02:30" does not exist in Europe/Berlin`,
		`gap.csv:2: timeline.detection: "2024-03-31 02:30" does not exist in Europe/Berlin`,
		`incidents.csv:2: opened_at: "2024-03-31 02:05:00" does not exist in Europe/Berlin`,
		`sys_audit.csv:3: sys_created_on: "2024-03-31 02:10:00" does not exist in Europe/Berlin`,
	}
	if sum.WarningCount != len(want) || len(got) != len(want) {
		t.Fatalf("got %d warnings:\n%s\nwant %d", sum.WarningCount, strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d:\ngot  %s\nwant %s…", i+1, got[i], want[i])
		}
	}
	var detected time.Time
	if err := db.QueryRow("SELECT detected_at FROM store.cases WHERE case_id = 'G-2'").Scan(&detected); err != nil || !detected.Equal(time.Date(2024, 3, 31, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("G-2 detected at %v (%v), want 01:30 UTC (03:30 CEST)", detected.UTC(), err)
	}
}
