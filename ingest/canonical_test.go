package ingest

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// parseAll runs the canonical parser over text and returns cases and errors.
func parseAll(t testing.TB, name, text string, loc *time.Location) ([]*Case, []*RecordError) {
	t.Helper()
	var cases []*Case
	var errs []*RecordError
	p := &ParseContext{File: name, Location: loc, Now: time.Now}
	err := Canonical{}.Parse(p, strings.NewReader(text), func(r Record) error {
		if r.Err != nil {
			errs = append(errs, r.Err)
		} else {
			cases = append(cases, r.Case)
		}
		return nil
	})
	if err != nil {
		if re, ok := err.(*RecordError); ok {
			errs = append(errs, re)
		} else {
			t.Fatalf("Parse: %v", err)
		}
	}
	return cases, errs
}

// TestCanonicalEveryField checks every field of the format, in JSON, JSONL
// and CSV, against hand-written expectations.
func TestCanonicalEveryField(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	want := Timeline{
		Compromise:  utc("2024-02-01T08:00:00Z"),
		Detection:   utc("2024-02-03T08:30:00Z"), // naive 09:30 in Berlin (UTC+1)
		Triage:      utc("2024-02-03T09:00:00Z"), // 10:00+01:00
		Containment: utc("2024-02-03T11:00:00Z"), // epoch ms 1706958000000
		Eradication: utc("2024-02-04T12:00:00Z"),
		Recovery:    utc("2024-02-06T12:00:00Z"),
		Closure:     utc("2024-02-20T17:00:00Z"),
	}
	for _, file := range []string{"full.json", "full.jsonl", "full.csv"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/canonical/" + file)
			if err != nil {
				t.Fatal(err)
			}
			cases, errs := parseAll(t, file, string(b), berlin)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(cases) == 0 {
				t.Fatal("no cases")
			}
			c := cases[0]
			check := func(field string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: got %#v, want %#v", field, got, want)
				}
			}
			check("id", c.ID, "IR-2024-001")
			check("source", c.Source, "soc-eu")
			check("title", c.Title, "Ransomware on file server Zoë Łukasz ß Ω Ж")
			check("severity", c.Severity, "critical")
			check("category", c.Category, "ransomware-attack")
			check("status", c.Status, "closed")
			check("tags", c.Tags, []string{"crown-jewels", "weekend"})
			check("excluded", c.Excluded, false)
			for _, m := range Milestones {
				g, w := c.Timeline.Get(m), want.Get(m)
				if g == nil || !g.Equal(*w) {
					t.Errorf("timeline.%s: got %v, want %v", m, g, w)
				}
				if c.MilestoneSources[m] != "timeline."+m {
					t.Errorf("milestone source %s: got %q", m, c.MilestoneSources[m])
				}
			}
			check("techniques", c.Techniques, []string{"T1486", "T1190", "T1558.003"})
			check("root_cause.category", c.RootCause.Category, "unpatched-vulnerability")
			check("root_cause.summary", c.RootCause.Summary, "VPN appliance missed a critical patch")
			check("root_cause.whys", c.RootCause.Whys, []string{"VPN exploited", "patch not applied", "no owner for the appliance"})
			check("assets", c.Assets, []string{"FS-BER-001", "svc_backup"})
			check("platforms", c.Platforms, []string{"windows", "esxi"})
			check("team, business_unit, tenant", []string{c.Team, c.BusinessUnit, c.Tenant}, []string{"SOC EU", "Retail Banking", "acme"})
			check("detection_source", c.DetectionSource, "attacker")
			records, cost, downtime, yes, no := int64(1200), 250000.5, 36.0, true, false
			check("impact", c.Impact, &Impact{Records: &records, Cost: &cost, Currency: "EUR", DowntimeHours: &downtime, RegulatorNotified: &yes, CustomersNotified: &no})
			if rv := c.Review; rv == nil {
				t.Error("review: got nil")
			} else {
				check("review", []any{rv.Status, rv.HeldAt.UTC(), rv.PublishedAt.UTC(), rv.Facilitator},
					[]any{"held", *utc("2024-02-27T13:00:00Z"), *utc("2024-03-04T09:00:00Z"), "Aoife Ní Bhriain"}) // naive 14:00 in Berlin
			}
			if file == "full.csv" {
				check("extra", string(c.Extra), `{"ticket":"SEC-1"}`)
				return // action items, lessons, rules and playbook updates are JSON-only
			}
			check("extra", string(c.Extra), `{"ticket":{"key":"SEC-1","system":"jira"}}`)
			if len(c.ActionItems) != 2 {
				t.Fatalf("action items: got %d, want 2", len(c.ActionItems))
			}
			a := c.ActionItems[0]
			check("action_items[0]", []any{a.ID, a.Summary, a.Owner, a.Priority, a.Due.String(), a.Status, a.Completed.UTC().Format(time.RFC3339)},
				[]any{"AI-1", "Assign appliance owner", "Infra", "high", "2024-03-01", "done", "2024-02-25T10:00:00Z"})
			b2 := c.ActionItems[1]
			check("action_items[1]", []any{b2.ID, b2.Summary, b2.Status, b2.Completed == nil}, []any{"AI-2", `=HYPERLINK("x")`, "in-progress", true})
			check("lessons", c.Lessons, Lessons{WentWell: []string{"Backups restored", "Crisis team met within the hour"}, WentWellThemes: []string{"", "Coordination"},
				NeedsImprovement: []string{"Patch SLA"}})
			check("detection_rules", c.DetectionRules, []DetectionRule{{ID: "sigma-123", Title: "VPN exploit", Techniques: []string{"T1190"}},
				{ID: "DR-7", Title: "Suspicious Kerberos RC4 Ticket Encryption", Techniques: []string{"T1558.003"}, Status: "deployed", SigmaID: "496a0e47-0a33-4dca-b009-9e6ca3591f39"}})
			due := &Date{time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)}
			check("playbook_updates", c.PlaybookUpdates, []PlaybookUpdate{
				{Playbook: "Ransomware", Change: "Isolate ESXi management network first", Owner: "SOC", Due: due, Status: "in-progress"},
				{Playbook: "Backup restore", Status: "done", Completed: utc("2024-03-02T12:00:00Z")}})
			if file == "full.jsonl" {
				check("second case", []any{len(cases), cases[1].ID, cases[1].Source, cases[1].Status}, []any{2, "IR-2", "pir", "open"})
			}
		})
	}
}

// TestCanonicalInvalid covers each kind of invalid record: the message
// names the file, the line (or record) and the field.
func TestCanonicalInvalid(t *testing.T) {
	tests := []struct {
		name, file, text, want string
	}{
		{"ErrBadJSON", "c.jsonl", `{"id":"a","timeline":{"detection":"2024-01-01T00:00:00Z"}}` + "\n" + `{"id": "b", "timeline": {`,
			`c.jsonl:2: invalid JSON: unexpected end of input (truncated?)`},
		{"ErrMissingID", "c.jsonl", `{"timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.jsonl:1: id: required`},
		{"ErrMissingDetection", "c.jsonl", "\n" + `{"id":"x","timeline":{"closure":"2024-01-01T00:00:00Z"}}`, `c.jsonl:2: timeline.detection: required`},
		{"ErrUnparsableTimestamp", "cases.jsonl", `{"id":"x","timeline":{"detection":"yesterday"}}`,
			`cases.jsonl:1: timeline.detection: cannot parse "yesterday" as a timestamp`},
		{"ErrBadTechnique", "c.json", `[{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}},` + "\n" + `{"id":"y","timeline":{"detection":"2024-01-01T00:00:00Z"},"techniques":["T1059","TA0001"]}]`,
			`c.json:record 2 (line 2): techniques[1]: "TA0001" is not an ATT&CK technique ID`},
		{"ErrWrongType", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"tags":"a,b"}`, `c.jsonl:1: tags: want a list of strings, got a string`},
		{"ErrIDNumber", "c.jsonl", `{"id":7,"timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.jsonl:1: id: want a string, got a number`},
		{"ErrBoolAsString", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"exclude_from_metrics":"yes"}`, `c.jsonl:1: exclude_from_metrics: want true or false`},
		{"ErrSeverity", "c.jsonl", `{"id":"x","severity":"urgent","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.jsonl:1: severity: unknown severity "urgent"`},
		{"ErrUnknownMilestone", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z","contaiment":"2024-01-02T00:00:00Z"}}`, `c.jsonl:1: timeline.contaiment: unknown milestone`},
		{"ErrEpochSeconds", "c.jsonl", `{"id":"x","timeline":{"detection":1704067200}}`, `c.jsonl:1: timeline.detection: implausible epoch milliseconds 1704067200 (looks like epoch seconds`},
		{"ErrYear9999", "c.jsonl", `{"id":"x","timeline":{"detection":"9999-01-01T00:00:00Z"}}`, `c.jsonl:1: timeline.detection: implausible timestamp`},
		{"ErrYear0", "c.jsonl", `{"id":"x","timeline":{"detection":"0000-01-01T00:00:00Z"}}`, `c.jsonl:1: timeline.detection: implausible timestamp`},
		{"ErrActionStatus", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"id":"1","status":"maybe"}]}`, `c.jsonl:1: action_items[0].status: unknown action-item status "maybe"`},
		{"ErrDueDate", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"action_items":[{"id":"1","due":"soon"}]}`, `c.jsonl:1: action_items[0].due: want a date YYYY-MM-DD`},
		{"ErrNotObject", "c.jsonl", `["x"]`, `c.jsonl:record 1 (line 1): want a JSON object, got a string`},
		{"ErrCSVBadTimestamp", "c.csv", "id,timeline.detection\nok,2024-01-01T00:00:00Z\nbad,31/12/2024\n", `c.csv:3: timeline.detection: cannot parse "31/12/2024" as a timestamp`},
		{"ErrCSVRagged", "c.csv", "id,timeline.detection\nx,2024-01-01T00:00:00Z,extra\n", `c.csv:2: CSV: wrong number of fields`},
		{"ErrCSVQuote", "c.csv", "id,timeline.detection\n\"x,2024-01-01T00:00:00Z\n", `c.csv:2: CSV: extraneous or missing " in quoted-field`},
		{"ErrCSVActionItems", "c.csv", "id,timeline.detection,action_items\nx,2024-01-01T00:00:00Z,[]\n", `c.csv:1: action_items: action items, lessons, detection rules and playbook updates are JSON-only`},
		{"ErrInvalidUTF8", "c.jsonl", "{\"id\":\"x\xff\",\"timeline\":{\"detection\":\"2024-01-01T00:00:00Z\"}}", `c.jsonl:1: invalid UTF-8`},
		{"ErrDeepNesting", "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, `c.jsonl:1: JSON nested 101 levels deep (limit 64)`},
		{"ErrTruncatedArray", "c.json", `[{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, `c.json:line 1: invalid JSON`},
	}
	// The fields added for dimensions, reviews, playbooks and rules: one
	// record each, with only that field wrong.
	for _, tc := range []struct{ name, field, want string }{
		{"ErrAssetsNotList", `"assets":"FS-1"`, `assets: want a list of strings, got a string`},
		{"ErrAssetNumber", `"assets":["FS-1",7]`, `assets[1]: want a string, got a number`},
		{"ErrPlatformUnknown", `"platforms":["windows","amiga"]`, `platforms[1]: unknown platform "amiga" (want one of windows, linux, macos, android, ios, aws, azure, gcp, m365, google-workspace, okta, saas, kubernetes, esxi, network)`},
		{"ErrPlatformsNotList", `"platforms":"windows"`, `platforms: want a list of strings, got a string`},
		{"ErrTeamNotString", `"team":["a"]`, `team: want a string, got a list`},
		{"ErrBusinessUnitNotString", `"business_unit":1`, `business_unit: want a string, got a number`},
		{"ErrTenantNotString", `"tenant":{"a":1}`, `tenant: want a string, got an object`},
		{"ErrDetectionSource", `"detection_source":"magic"`, `detection_source: unknown detection source "magic" (want one of internal, external-party, customer, attacker)`},
		{"ErrImpactNotObject", `"impact":5`, `impact: want an object, got a number`},
		{"ErrImpactUnknownKey", `"impact":{"records":1,"recrods":2}`, `impact.recrods: unknown field (want records, cost, currency, downtime_hours, regulator_notified, customers_notified)`},
		{"ErrImpactRecordsNegative", `"impact":{"records":-1}`, `impact.records: "-1" is not a whole number ≥ 0`},
		{"ErrImpactRecordsFraction", `"impact":{"records":1.5}`, `impact.records: "1.5" is not a whole number ≥ 0`},
		{"ErrImpactRecordsString", `"impact":{"records":"12"}`, `impact.records: want a number, got a string`},
		{"ErrImpactCostNegative", `"impact":{"cost":-5,"currency":"EUR"}`, `impact.cost: "-5" is not a number ≥ 0`},
		{"ErrImpactCostWithoutCurrency", `"impact":{"cost":100}`, `impact.currency: required with impact.cost`},
		{"ErrImpactCurrency", `"impact":{"cost":100,"currency":"EURO"}`, `impact.currency: "EURO" is not an ISO 4217 currency code`},
		{"ErrImpactDowntime", `"impact":{"downtime_hours":-1}`, `impact.downtime_hours: "-1" is not a number ≥ 0`},
		{"ErrImpactNotifiedString", `"impact":{"regulator_notified":"yes"}`, `impact.regulator_notified: want true or false, got a string`},
		{"ErrReviewNotObject", `"review":"held"`, `review: want an object, got a string`},
		{"ErrReviewStatus", `"review":{"status":"maybe"}`, `review.status: unknown review status "maybe" (want one of scheduled, held, published, skipped)`},
		{"ErrReviewHeldAt", `"review":{"held_at":"last week"}`, `review.held_at: cannot parse "last week" as a timestamp`},
		{"ErrReviewPublishedAt", `"review":{"published_at":1704067200}`, `review.published_at: implausible epoch milliseconds`},
		{"ErrReviewUnknownKey", `"review":{"status":"held","when":"x"}`, `review.when: unknown field (want status, held_at, published_at, facilitator)`},
		{"ErrPlaybookUpdatesNotList", `"playbook_updates":{}`, `playbook_updates: want a list of objects, got an object`},
		{"ErrPlaybookNull", `"playbook_updates":[null]`, `playbook_updates[0]: want an object, got null`},
		{"ErrPlaybookMissing", `"playbook_updates":[{"change":"x"}]`, `playbook_updates[0].playbook: required`},
		{"ErrPlaybookStatus", `"playbook_updates":[{"playbook":"p","status":"later"}]`, `playbook_updates[0].status: unknown action-item status "later"`},
		{"ErrPlaybookDue", `"playbook_updates":[{"playbook":"p"},{"playbook":"q","due":"soon"}]`, `playbook_updates[1].due: want a date YYYY-MM-DD`},
		{"ErrPlaybookCompleted", `"playbook_updates":[{"playbook":"p","completed":"soon"}]`, `playbook_updates[0].completed: cannot parse "soon" as a timestamp`},
		{"ErrPlaybookUnknownKey", `"playbook_updates":[{"playbook":"p","deadline":"2024-01-01"}]`, `playbook_updates[0].deadline: unknown field (want playbook, change, owner, due, status, completed)`},
		{"ErrRuleStatus", `"detection_rules":[{"id":"r","status":"stable"}]`, `detection_rules[0].status: unknown rule status "stable" (want one of proposed, deployed, retired)`},
		{"ErrRuleSigmaID", `"detection_rules":[{"id":"r","sigma_id":"not-a-uuid"}]`, `detection_rules[0].sigma_id: "not-a-uuid" is not a Sigma rule id`},
		{"ErrRuleSigmaIDShort", `"detection_rules":[{"id":"r","sigma_id":"496a0e47-0a33-4dca-b009-9e6ca3591f3"}]`, `detection_rules[0].sigma_id: "496a0e47-0a33-4dca-b009-9e6ca3591f3" is not a Sigma rule id`},
		{"ErrRuleUnknownKey", `"detection_rules":[{"id":"r","sigma":"x"}]`, `detection_rules[0].sigma: unknown field (want id, title, techniques, status, sigma_id)`},
		{"ErrLessonObjectUnknownKey", `"lessons":{"went_well":[{"text":"a","topic":"b"}]}`, `lessons.went_well[0].topic: unknown field (want text or theme)`},
		{"ErrLessonObjectNoText", `"lessons":{"needs_improvement":["a",{"theme":"b"}]}`, `lessons.needs_improvement[1].text: required`},
		{"ErrLessonNumber", `"lessons":{"needs_improvement":[3]}`, `lessons.needs_improvement[0]: want a string or a {text, theme} object, got a number`},
		{"ErrLessonThemeNumber", `"lessons":{"went_well":[{"text":"a","theme":2}]}`, `lessons.went_well[0].theme: want a string, got a number`},
		{"ErrLessonsNotList", `"lessons":{"went_well":"a"}`, `lessons.went_well: want a list of strings or {text, theme} objects, got a string`},
	} {
		tests = append(tests, struct{ name, file, text, want string }{tc.name, "c.jsonl",
			`{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},` + tc.field + `}`, "c.jsonl:1: " + tc.want})
	}
	for _, tc := range []struct{ name, header, row, want string }{
		{"ErrCSVPlatform", "platforms", "windows;beos", `platforms[1]: unknown platform "beos"`},
		{"ErrCSVDetectionSource", "detection_source", "psychic", `detection_source: unknown detection source "psychic"`},
		{"ErrCSVImpactRecords", "impact.records", "many", `impact.records: "many" is not a whole number ≥ 0`},
		{"ErrCSVImpactCostHex", "impact.cost,impact.currency", "0x10p0,EUR", `impact.cost: "0x10p0" is not a number ≥ 0`},
		{"ErrCSVImpactCostInf", "impact.cost,impact.currency", "Inf,EUR", `impact.cost: "Inf" is not a number ≥ 0`},
		{"ErrCSVImpactCostNoCurrency", "impact.cost", "12.5", `impact.currency: required with impact.cost`},
		{"ErrCSVImpactBool", "impact.customers_notified", "perhaps", `impact.customers_notified: want true or false`},
		{"ErrCSVImpactUnknownColumn", "impact.fines", "3", `impact.fines: unknown field`},
		{"ErrCSVReviewStatus", "review.status", "someday", `review.status: unknown review status "someday"`},
		{"ErrCSVReviewHeldAt", "review.held_at", "31/12/2024", `review.held_at: cannot parse "31/12/2024" as a timestamp`},
		{"ErrCSVReviewUnknownColumn", "review.attendees", "5", `review.attendees: unknown field`},
		{"ErrCSVPlaybookUpdates", "playbook_updates", "x", `playbook_updates: action items, lessons, detection rules and playbook updates are JSON-only`},
	} {
		line := "2"
		if tc.name == "ErrCSVPlaybookUpdates" {
			line = "1"
		}
		tests = append(tests, struct{ name, file, text, want string }{tc.name, "c.csv",
			"id,timeline.detection," + tc.header + "\nx,2024-01-01T00:00:00Z," + tc.row + "\n", "c.csv:" + line + ": " + tc.want})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parseAll(t, tc.file, tc.text, time.UTC)
			if len(errs) == 0 {
				t.Fatalf("got no error, want %q", tc.want)
			}
			if got := errs[0].Error(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want prefix %q", got, tc.want)
			}
		})
	}
}

func TestCanonicalNaiveTimeZone(t *testing.T) {
	text := `{"id":"x","timeline":{"detection":"2024-03-31 23:30"}}`
	ny := mustLoc(t, "America/New_York")
	cases, errs := parseAll(t, "c.jsonl", text, ny)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got, want := cases[0].Timeline.Detection.UTC(), *utc("2024-04-01T03:30:00Z"); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	cases, _ = parseAll(t, "c.jsonl", text, time.UTC)
	if got, want := cases[0].Timeline.Detection.UTC(), *utc("2024-03-31T23:30:00Z"); !got.Equal(want) {
		t.Errorf("UTC: got %v, want %v", got, want)
	}
}

func TestCanonicalDefaults(t *testing.T) {
	cases, errs := parseAll(t, "c.jsonl", `{"id":"x","severity":"3","timeline":{"detection":"2024-01-01T00:00:00Z","closure":"2024-01-02T00:00:00Z"},"action_items":[{"summary":"a"},{"summary":"b","completed":"2024-01-03T00:00:00Z"}]}`, time.UTC)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := cases[0]
	if c.Source != "pir" || c.Status != "closed" || c.Severity != "high" {
		t.Errorf("got source %q status %q severity %q, want pir closed high", c.Source, c.Status, c.Severity)
	}
	if c.ActionItems[0].ID != "1" || c.ActionItems[0].Status != "open" || c.ActionItems[1].ID != "2" || c.ActionItems[1].Status != "done" {
		t.Errorf("action item defaults: got %+v", c.ActionItems)
	}
}

// TestCanonicalDimensionDefaults: what an absent or partial new field
// becomes.
func TestCanonicalDimensionDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, fields string
		check        func(c *Case) string
	}{
		{"ReviewHeldFromHeldAt", `"review":{"held_at":"2024-01-09T10:00:00Z"}`, func(c *Case) string { return c.Review.Status }},
		{"ReviewPublishedFromPublishedAt", `"review":{"held_at":"2024-01-09T10:00:00Z","published_at":"2024-01-10T10:00:00Z"}`, func(c *Case) string { return c.Review.Status }},
		{"ReviewScheduledWithFacilitatorOnly", `"review":{"facilitator":"SOC Lead"}`, func(c *Case) string { return c.Review.Status }},
		{"ReviewEmptyIsNone", `"review":{"status":null,"held_at":" "}`, func(c *Case) string { return fmt.Sprint(c.Review == nil) }},
		{"ReviewStatusAlias", `"review":{"status":"Cancelled"}`, func(c *Case) string { return c.Review.Status }},
		{"ImpactEmptyIsNone", `"impact":{"records":null,"currency":""}`, func(c *Case) string { return fmt.Sprint(c.Impact == nil) }},
		{"ImpactRecordsExponent", `"impact":{"records":1.2e3,"downtime_hours":0.5}`, func(c *Case) string { return fmt.Sprint(*c.Impact.Records, *c.Impact.DowntimeHours) }},
		{"ImpactCurrencyWithoutCost", `"impact":{"currency":"usd"}`, func(c *Case) string { return c.Impact.Currency }},
		{"PlaybookOpen", `"playbook_updates":[{"playbook":"Phishing"}]`, func(c *Case) string { return c.PlaybookUpdates[0].Status }},
		{"PlaybookDoneWhenCompleted", `"playbook_updates":[{"playbook":"Phishing","completed":"2024-01-03T00:00:00Z"}]`, func(c *Case) string { return c.PlaybookUpdates[0].Status }},
		{"DetectionSourceAlias", `"detection_source":"Law enforcement"`, func(c *Case) string { return c.DetectionSource }},
		{"DetectionSourceEmpty", `"detection_source":""`, func(c *Case) string { return "[" + c.DetectionSource + "]" }},
		{"PlatformAliases", `"platforms":["Office 365","o365","Entra ID","k8s","macOS"]`, func(c *Case) string { return strings.Join(c.Platforms, ",") }},
		{"AssetsFoldCase", `"assets":["DC-01","dc-01"," svc-Backup ","SVC-BACKUP","Straße"]`, func(c *Case) string { return strings.Join(c.Assets, ",") }},
		{"RuleStatusUnknown", `"detection_rules":[{"id":"r","status":null}]`, func(c *Case) string { return "[" + c.DetectionRules[0].Status + "]" }},
		{"RuleStatusAlias", `"detection_rules":[{"id":"r","status":"Enabled"}]`, func(c *Case) string { return c.DetectionRules[0].Status }},
		{"LessonsWithoutThemes", `"lessons":{"went_well":["a",{"text":"b"}]}`, func(c *Case) string {
			return fmt.Sprint(c.Lessons.WentWell, c.Lessons.WentWellThemes == nil, c.hasDimensions())
		}},
		{"LessonThemeBlank", `"lessons":{"needs_improvement":[{"text":"b","theme":"  "},""]}`, func(c *Case) string {
			return fmt.Sprint(c.Lessons.NeedsImprovement, c.Lessons.NeedsImprovementThemes == nil)
		}},
		{"NoDimensions", `"tags":["x"]`, func(c *Case) string { return fmt.Sprint(c.hasDimensions()) }},
	} {
		want := map[string]string{
			"ReviewHeldFromHeldAt": "held", "ReviewPublishedFromPublishedAt": "published", "ReviewScheduledWithFacilitatorOnly": "scheduled",
			"ReviewEmptyIsNone": "true", "ReviewStatusAlias": "skipped", "ImpactEmptyIsNone": "true", "ImpactRecordsExponent": "1200 0.5",
			"ImpactCurrencyWithoutCost": "USD", "PlaybookOpen": "open", "PlaybookDoneWhenCompleted": "done",
			"DetectionSourceAlias": "external-party", "DetectionSourceEmpty": "[]", "PlatformAliases": "m365,azure,kubernetes,macos",
			"AssetsFoldCase": "DC-01,svc-Backup,Straße", "RuleStatusUnknown": "[]", "RuleStatusAlias": "deployed",
			"LessonsWithoutThemes": "[a b] true false", "LessonThemeBlank": "[b] true", "NoDimensions": "false",
		}[tc.name]
		t.Run(tc.name, func(t *testing.T) {
			cases, errs := parseAll(t, "c.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"},`+tc.fields+`}`, time.UTC)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got := tc.check(cases[0]); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestCanonicalPrettyObjectAndEmpty(t *testing.T) {
	cases, errs := parseAll(t, "one.json", "{\n  \"id\": \"x\",\n  \"timeline\": {\"detection\": \"2024-01-01T00:00:00Z\"}\n}\n", time.UTC)
	if len(errs) > 0 || len(cases) != 1 || cases[0].ID != "x" {
		t.Fatalf("pretty object: got %v %v", cases, errs)
	}
	cases, errs = parseAll(t, "empty.jsonl", "", time.UTC)
	if len(cases)+len(errs) != 0 {
		t.Fatalf("empty file: got %v %v", cases, errs)
	}
}

func TestContentHashStableAcrossOffsets(t *testing.T) {
	a, _ := parseAll(t, "a.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T01:00:00+01:00"}}`, time.UTC)
	b, _ := parseAll(t, "b.jsonl", `{"id":"x","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, time.UTC)
	if a[0].ContentHash() != b[0].ContentHash() {
		t.Error("same instant with another offset hashes differently")
	}
	c, _ := parseAll(t, "c.jsonl", `{"id":"x","title":"t","timeline":{"detection":"2024-01-01T00:00:00Z"}}`, time.UTC)
	if c[0].ContentHash() == b[0].ContentHash() {
		t.Error("a changed title hashes the same")
	}
}

// TestContentHashDimensions: every field added after the first version of
// the digest is part of it, so a change to any of them makes the case
// "updated".
func TestContentHashDimensions(t *testing.T) {
	b, err := os.ReadFile("testdata/canonical/full.json")
	if err != nil {
		t.Fatal(err)
	}
	cases, errs := parseAll(t, "full.json", string(b), time.UTC)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	base := cases[0]
	n, f, yes := int64(1), 2.0, true
	later := base.Review.HeldAt.Add(time.Hour)
	mutations := map[string]func(c *Case){
		"assets":                func(c *Case) { c.Assets = append(c.Assets[:1:1], "other") },
		"assets order":          func(c *Case) { c.Assets = []string{c.Assets[1], c.Assets[0]} },
		"platforms":             func(c *Case) { c.Platforms = c.Platforms[:1] },
		"team":                  func(c *Case) { c.Team = "other" },
		"business_unit":         func(c *Case) { c.BusinessUnit = "other" },
		"tenant":                func(c *Case) { c.Tenant = "" },
		"team↔business_unit":    func(c *Case) { c.Team, c.BusinessUnit = c.BusinessUnit, c.Team },
		"detection_source":      func(c *Case) { c.DetectionSource = "internal" },
		"impact":                func(c *Case) { c.Impact = nil },
		"impact.records":        func(c *Case) { im := *c.Impact; im.Records = &n; c.Impact = &im },
		"impact.cost":           func(c *Case) { im := *c.Impact; im.Cost = &f; c.Impact = &im },
		"impact.currency":       func(c *Case) { im := *c.Impact; im.Currency = "USD"; c.Impact = &im },
		"impact.downtime_hours": func(c *Case) { im := *c.Impact; im.DowntimeHours = nil; c.Impact = &im },
		"impact.customers":      func(c *Case) { im := *c.Impact; im.CustomersNotified = &yes; c.Impact = &im },
		"impact.regulator":      func(c *Case) { im := *c.Impact; im.RegulatorNotified = nil; c.Impact = &im },
		"review":                func(c *Case) { c.Review = nil },
		"review.status":         func(c *Case) { rv := *c.Review; rv.Status = "published"; c.Review = &rv },
		"review.held_at":        func(c *Case) { rv := *c.Review; rv.HeldAt = &later; c.Review = &rv },
		"review.published_at":   func(c *Case) { rv := *c.Review; rv.PublishedAt = nil; c.Review = &rv },
		"review.facilitator":    func(c *Case) { rv := *c.Review; rv.Facilitator = "x"; c.Review = &rv },
		"playbook_updates":      func(c *Case) { c.PlaybookUpdates = c.PlaybookUpdates[:1] },
		"playbook status":       func(c *Case) { u := slices.Clone(c.PlaybookUpdates); u[0].Status = "done"; c.PlaybookUpdates = u },
		"playbook due":          func(c *Case) { u := slices.Clone(c.PlaybookUpdates); u[0].Due = nil; c.PlaybookUpdates = u },
		"rule status":           func(c *Case) { r := slices.Clone(c.DetectionRules); r[1].Status = "retired"; c.DetectionRules = r },
		"rule sigma_id":         func(c *Case) { r := slices.Clone(c.DetectionRules); r[1].SigmaID = ""; c.DetectionRules = r },
		"lesson theme":          func(c *Case) { c.Lessons.WentWellThemes = []string{"", "Other"} },
		"lesson theme moved":    func(c *Case) { c.Lessons.WentWellThemes = []string{"Coordination", ""} },
	}
	seen := map[string]string{base.ContentHash(): "base"}
	for name, mutate := range mutations {
		c := *base
		mutate(&c)
		h := c.ContentHash()
		if other, dup := seen[h]; dup {
			t.Errorf("%s: same digest as %s", name, other)
		}
		seen[h] = name
	}
}

// TestFormatDocExamples parses the examples of docs/format.md, so the
// documentation stays valid input: the complete JSON example sets every
// field, and each CSV example reads.
func TestFormatDocExamples(t *testing.T) {
	b, err := os.ReadFile("../docs/format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	blocks := func(lang string) []string {
		var out []string
		for _, part := range strings.Split(doc, "```"+lang+"\n")[1:] {
			body, _, _ := strings.Cut(part, "```")
			out = append(out, body)
		}
		return out
	}
	js := blocks("json")
	if len(js) != 1 {
		t.Fatalf("got %d JSON examples, want 1", len(js))
	}
	cases, errs := parseAll(t, "format.md", js[0], time.UTC)
	if len(errs) > 0 || len(cases) != 1 {
		t.Fatalf("JSON example: %d cases, errors %v", len(cases), errs)
	}
	c := cases[0]
	if len(c.Assets) == 0 || len(c.Platforms) == 0 || c.Team == "" || c.BusinessUnit == "" || c.Tenant == "" || c.DetectionSource == "" ||
		c.Impact == nil || c.Impact.Records == nil || c.Impact.Cost == nil || c.Impact.DowntimeHours == nil || c.Impact.RegulatorNotified == nil || c.Impact.CustomersNotified == nil ||
		c.Review == nil || c.Review.HeldAt == nil || c.Review.PublishedAt == nil || c.Review.Facilitator == "" ||
		len(c.PlaybookUpdates) == 0 || c.Lessons.WentWellThemes == nil || c.Lessons.NeedsImprovementThemes == nil ||
		len(c.ActionItems) == 0 || len(c.DetectionRules) < 2 || c.DetectionRules[1].SigmaID == "" || c.DetectionRules[1].Status == "" {
		t.Errorf("the JSON example does not set every field: %+v", c)
	}
	csvs := blocks("csv")
	if len(csvs) < 2 {
		t.Fatalf("got %d CSV examples, want 2", len(csvs))
	}
	for i, text := range csvs {
		cases, errs := parseAll(t, "format.csv", text, time.UTC)
		if len(errs) > 0 || len(cases) != 1 {
			t.Errorf("CSV example %d: %d cases, errors %v", i+1, len(cases), errs)
		}
	}
}
