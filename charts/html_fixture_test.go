package charts

import (
	"fmt"
	"math"
	"time"

	"github.com/pirhq/pir/analytics"
)

// Hand-made report models for the dashboard tests: the page renders what
// the model says, so the fixtures need no database. The numbers are
// plausible for a mid-size SOC, not derived from any case data.

func f64(v float64) *float64 { return &v }

// dashQuarters are the trailing quarters of the fixture, oldest first.
func dashQuarters() []string {
	return []string{"2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"}
}

// dashReport is a complete report for 2024-Q1 with eight trailing quarters.
func dashReport() *analytics.Report {
	qs := dashQuarters()
	utc := time.UTC
	r := &analytics.Report{
		Quarter:       "2024-Q1",
		Quarters:      qs,
		TimeZone:      "Europe/Berlin",
		Cohort:        "detection",
		GeneratedAt:   time.Date(2024, 4, 2, 6, 30, 0, 0, utc),
		AsOf:          time.Date(2024, 3, 31, 22, 0, 0, 0, utc), // 2024-04-01 00:00 in Berlin
		AsOfDate:      "2024-03-31",
		Version:       "v0.4.0",
		Organisation:  "Example Bank SOC",
		Marking:       "TLP:AMBER",
		Cases:         41,
		ExcludedCases: 1,
	}
	r.Definitions = []analytics.MetricDef{
		{Name: "dwell", Label: "Dwell time (MTTD)", Start: "compromise", End: "detection"},
		{Name: "triage", Label: "Time to triage", Start: "detection", End: "triage"},
		{Name: "contain", Label: "Time to contain (MTTC)", Start: "detection", End: "containment"},
		{Name: "eradicate", Label: "Time to eradicate", Start: "containment", End: "eradication"},
		{Name: "recover", Label: "Time to recover (MTTR)", Start: "eradication", End: "recovery"},
		{Name: "resolve", Label: "Detection to recovery", Start: "detection", End: "recovery"},
		{Name: "close", Label: "Time to close", Start: "detection", End: "closure"},
	}
	medians := map[string][]float64{
		"dwell":     {310, 281, 264, 240, 221, 200, 185, 158},
		"triage":    {math.NaN(), 0.9, 1.5, 0.8, 0.7, 0.6, 0.75, 0.5},
		"contain":   {9.5, 8.2, 7.9, 10.1, 6.4, 5.8, 6.3, 7.1},
		"eradicate": {30, 28, 36, 26, 22, 25, 19, 21},
		"recover":   {60, 55, 48, 52, 40, 44, 38, 38},
		"resolve":   {110, 98, 95, 100, 80, 82, 70, 75},
		"close":     {402, 380, 351, 360, 300, 310, 290, 268},
	}
	ns := []int{24, 27, 31, 29, 35, 33, 38, 41}
	for _, d := range r.Definitions {
		s := analytics.MetricSeries{Metric: d.Name, Label: d.Label}
		for i, q := range qs {
			m := medians[d.Name][i]
			n := ns[i] - len(d.Name) // fewer counted than cases: some lack a milestone
			if d.Name == "eradicate" && q == "2024-Q1" {
				n = 4
			}
			st := analytics.Stat{Quarter: q, N: n, SmallSample: n < 5,
				Excluded: analytics.Excluded{MissingStart: len(d.Name) / 2, MissingEnd: len(d.Name) - len(d.Name)/2, OutOfOrder: i % 2, ExcludedCase: 1}}
			if math.IsNaN(m) {
				st.N, st.SmallSample = 0, false
			} else {
				st.Median, st.P90 = f64(m), f64(math.Round(m*3.2*10)/10)
				st.Mean, st.Min, st.Max = f64(m*1.4), f64(m/9), f64(m*6)
			}
			s.Stats = append(s.Stats, st)
		}
		r.Metrics = append(r.Metrics, s)
		cur, prev, year := s.Stats[7], s.Stats[6], s.Stats[3]
		r.KPIs = append(r.KPIs, analytics.KPI{
			Metric: d.Name, Label: d.Label, Current: cur, Previous: &prev, YearAgo: &year,
			QoQ: change(prev, cur), YoY: change(year, cur),
		})
	}

	cats := []string{"phishing", "malware", "account-compromise", "vulnerability-exploitation", "data-exfiltration", "denial-of-service", "insider"}
	base := []int{9, 7, 5, 4, 2, 2, 1}
	for i, q := range qs {
		total := 0
		for j, c := range cats {
			n := base[j] + (i*(j+3))%4
			if c == "insider" && i%3 != 0 {
				n = 0
			}
			if n == 0 {
				continue
			}
			total += n
			r.Volume.ByCategory = append(r.Volume.ByCategory, analytics.QuarterCount{Quarter: q, Key: c, Cases: n})
		}
		r.Volume.Total = append(r.Volume.Total, analytics.QuarterCount{Quarter: q, Key: "all", Cases: total})
		for j, b := range []string{"<7d", "7-30d", "30-90d", ">90d"} {
			r.OpenAgeing = append(r.OpenAgeing, analytics.AgeBucket{Quarter: q, Bucket: b, Cases: []int{6, 4, 3, 2}[j] + (i+j)%3})
		}
		rcs := []string{"phishing-susceptibility", "unpatched-vulnerability", "misconfiguration", "weak-credentials", "third-party", "unknown"}
		for j, c := range rcs {
			n := []int{8, 6, 5, 3, 2, 2}[j] - (i*j)%3
			r.RootCauses = append(r.RootCauses, analytics.RootCause{Quarter: q, Category: c, Cases: n,
				Share: float64(n) / 26, MeanWhys: 2.5 + float64(j)/4, Recurrences: (i + j) % 3})
		}
		created := 30 + i*3
		completed := 22 + i*3 - i%3
		overdue := 8 - i/2
		r.Actions = append(r.Actions, analytics.ActionSummary{Quarter: q, Created: created, Completed: completed, Overdue: overdue,
			CompletionRate: f64(float64(completed) / float64(created)), OnTimeRate: f64(0.6 + float64(i)/40), MedianDays: f64(18 - float64(i))})
		tactics := []struct{ short, name string }{
			{"initial-access", "Initial Access"}, {"execution", "Execution"}, {"persistence", "Persistence"},
			{"privilege-escalation", "Privilege Escalation"}, {"defense-evasion", "Defense Evasion"},
			{"credential-access", "Credential Access"}, {"discovery", "Discovery"}, {"lateral-movement", "Lateral Movement"},
			{"collection", "Collection"}, {"command-and-control", "Command and Control"}, {"exfiltration", "Exfiltration"}, {"impact", "Impact"},
		}
		for j, t := range tactics {
			n := (12 - j) + (i*7+j*3)%6 - 3
			if n <= 0 {
				continue
			}
			r.Tactics = append(r.Tactics, analytics.TacticCount{Quarter: q, Tactic: t.short, Name: t.name, Cases: n})
		}
	}
	r.Volume.BySeverity = []analytics.QuarterCount{{Quarter: "2024-Q1", Key: "critical", Cases: 3}, {Quarter: "2024-Q1", Key: "high", Cases: 9}}

	techs := []struct {
		id, name string
		tactics  []string
		cases    int
	}{
		{"T1566.001", "Spearphishing Attachment", []string{"initial-access"}, 14},
		{"T1078", "Valid Accounts", []string{"defense-evasion", "persistence", "privilege-escalation", "initial-access"}, 11},
		{"T1059.001", "PowerShell", []string{"execution"}, 9},
		{"T1204.002", "Malicious File", []string{"execution"}, 8},
		{"T1110.003", "Password Spraying", []string{"credential-access"}, 7},
		{"T1021.001", "Remote Desktop Protocol", []string{"lateral-movement"}, 6},
		{"T1190", "Exploit Public-Facing Application", []string{"initial-access"}, 6},
		{"T1003.001", "LSASS Memory", []string{"credential-access"}, 5},
		{"T1071.001", "Web Protocols", []string{"command-and-control"}, 5},
		{"T1486", "Data Encrypted for Impact", []string{"impact"}, 4},
		{"T1053.005", "Scheduled Task", []string{"execution", "persistence", "privilege-escalation"}, 4},
		{"T1105", "Ingress Tool Transfer", []string{"command-and-control"}, 3},
		{"T1567.002", "Exfiltration to Cloud Storage", []string{"exfiltration"}, 3},
		{"T1562.001", "Disable or Modify Tools", []string{"defense-evasion"}, 2},
		{"T9999", "", nil, 2},
		{"T1098", "Account Manipulation", []string{"persistence", "privilege-escalation"}, 2},
		{"T1136.003", "Cloud Account", []string{"persistence"}, 1},
		{"T1047", "Windows Management Instrumentation", []string{"execution"}, 1},
	}
	for i, t := range techs {
		tech := analytics.Technique{ID: t.id, Name: t.name, Tactics: t.tactics, Cases: t.cases, Known: t.id != "T9999", Status: "active"}
		if !tech.Known {
			tech.Status = "unknown"
		}
		for k := 0; k < t.cases && k < 6; k++ {
			tech.CaseIDs = append(tech.CaseIDs, caseID(i*3+k*7))
		}
		if t.id == "T1059.001" {
			tech.RevokedFrom = []string{"T1086"}
		}
		r.Techniques = append(r.Techniques, tech)
	}
	r.ATTACK = analytics.ATTACKInfo{
		Version: "v18.1",
		Notice:  "© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.",
		Unknown: []string{"T9999"},
	}
	r.Overdue = []analytics.OverdueItem{
		{CaseID: "IR-2023-0412", Source: "thehive", ItemID: "AI-3", Summary: "Enforce MFA on the legacy VPN gateway", Owner: "network-team", Priority: "high", Due: "2023-11-30", DaysOverdue: 122, Status: "in_progress"},
		{CaseID: "IR-2023-0530", Source: "servicenow", ItemID: "AI-1", Summary: "Rotate service-account credentials used by the backup job", Owner: "j.moreau", Priority: "critical", Due: "2024-01-15", DaysOverdue: 76, Status: "open"},
		{CaseID: "IR-2024-0031", Source: "thehive", ItemID: "AI-2", Summary: "Block macro execution from internet-origin Office files", Owner: "endpoint-eng", Priority: "high", Due: "2024-02-01", DaysOverdue: 59, Status: "open"},
		{CaseID: "IR-2024-0058", Source: "iris", ItemID: "AI-4", Summary: "Add alerting for new OAuth app consents", Owner: "a.nakamura", Priority: "medium", Due: "2024-03-01", DaysOverdue: 30, Status: "in_progress"},
		{CaseID: "IR-2024-0102", Source: "thehive", ItemID: "AI-1", Summary: "Patch Confluence Data Center to 8.5.4", Owner: "collab-ops", Priority: "critical", Due: "2024-03-20", DaysOverdue: 11, Status: "open"},
	}
	r.Notable = []analytics.NotableCase{
		{CaseID: "IR-2024-0102", Source: "thehive", Title: "Confluence exploitation leading to web shell on wiki-01", Severity: "critical", Category: "vulnerability-exploitation", Status: "closed", RootCause: "unpatched-vulnerability", Detected: time.Date(2024, 3, 18, 9, 12, 0, 0, utc),
			Hours: map[string]float64{"dwell": 52, "triage": 0.4, "contain": 3.5, "eradicate": 20, "recover": 31, "resolve": 54.5, "close": 190}},
		{CaseID: "IR-2024-0077", Source: "servicenow", Title: "Ransomware staged on two file servers (encryption stopped)", Severity: "critical", Category: "malware", Status: "closed", RootCause: "weak-credentials", Detected: time.Date(2024, 2, 27, 2, 40, 0, 0, utc),
			Hours: map[string]float64{"dwell": 410, "triage": 0.25, "contain": 6.2, "eradicate": 44, "recover": 96, "resolve": 146.2, "close": 420}},
		{CaseID: "IR-2024-0058", Source: "iris", Title: "OAuth consent phishing against finance mailboxes", Severity: "high", Category: "account-compromise", Status: "closed", RootCause: "phishing-susceptibility", Detected: time.Date(2024, 2, 8, 14, 5, 0, 0, utc),
			Hours: map[string]float64{"dwell": 30, "triage": 1.1, "contain": 2.0, "recover": 12, "close": 120}},
		{CaseID: "IR-2024-0031", Source: "thehive", Title: "Qakbot infection via invoice-themed attachment", Severity: "high", Category: "malware", Status: "closed", RootCause: "phishing-susceptibility", Detected: time.Date(2024, 1, 22, 8, 30, 0, 0, utc),
			Hours: map[string]float64{"dwell": 6, "triage": 0.3, "contain": 1.5, "eradicate": 8, "recover": 20, "resolve": 29.5, "close": 96}},
		{CaseID: "IR-2024-0119", Source: "thehive", Title: "Data staged to personal cloud storage by departing contractor", Severity: "high", Category: "insider", Status: "open", RootCause: "", Detected: time.Date(2024, 3, 25, 16, 45, 0, 0, utc),
			Hours: map[string]float64{"dwell": 700, "triage": 2.5, "contain": 26}},
	}
	r.OverdueTotal, r.NotableTotal = len(r.Overdue), len(r.Notable)
	r.DataQuality = analytics.DataQuality{
		Cases:    41,
		Headline: "37 of 41 cases (90%) have every milestone the default metrics need; 3 findings below.",
		Coverage: []analytics.MilestoneCoverage{
			{Milestone: "compromise", Present: 30, Share: 30.0 / 41}, {Milestone: "detection", Present: 41, Share: 1},
			{Milestone: "triage", Present: 40, Share: 40.0 / 41}, {Milestone: "containment", Present: 38, Share: 38.0 / 41},
			{Milestone: "eradication", Present: 33, Share: 33.0 / 41}, {Milestone: "recovery", Present: 31, Share: 31.0 / 41},
			{Milestone: "closure", Present: 36, Share: 36.0 / 41},
		},
		Findings: []analytics.Finding{
			{Kind: "out_of_order", Detail: "containment before detection", Count: 2, CaseIDs: []string{"IR-2024-0044", "IR-2024-0090"}},
			{Kind: "unknown_technique", Detail: "T9999 is not in ATT&CK v18.1", Count: 2, CaseIDs: []string{"IR-2024-0012", "IR-2024-0101"}},
			{Kind: "excluded", Detail: "exercise or false positive, flagged exclude_from_metrics", Count: 1, CaseIDs: []string{"IR-2024-0007"}},
		},
	}
	return r
}

func caseID(n int) string { return fmt.Sprintf("IR-2024-%04d", n) }

// change is what analytics computes for two medians; the fixture needs it.
func change(from, to analytics.Stat) analytics.Change {
	c := analytics.Change{From: from.Median, To: to.Median, Direction: "n/a"}
	if from.Median == nil || to.Median == nil {
		return c
	}
	abs := math.Round((*to.Median-*from.Median)*1e4) / 1e4
	c.Abs = &abs
	if *from.Median != 0 {
		c.Pct = f64(math.Round(abs / *from.Median * 100 * 1e4) / 1e4)
	}
	switch {
	case abs < 0:
		c.Direction = "better"
	case abs > 0:
		c.Direction = "worse"
	default:
		c.Direction = "same"
	}
	return c
}

// Attack strings from the issue: they must show as text and run nothing.
const (
	xssScript = `</script><script>alert(1)</script>`
	xssImg    = `<img src=x onerror=alert(1)>`
	// xssMarker is go-echarts' function marker: its page template would
	// turn "__f__…__f__" in data into bare JavaScript.
	xssMarker = `__f__alert(1)__f__`
)

// xssReport is dashReport with attacker-controlled text in every string
// that comes from case data or the config.
func xssReport() *analytics.Report {
	r := dashReport()
	r.Organisation = `ACME <b>SOC</b> & "Partners"` + xssImg
	r.Marking = "TLP:AMBER" + xssScript
	r.DataQuality.Headline = "Headline " + xssScript + " " + xssMarker
	r.Notable[0].Title = xssScript
	r.Notable[1].Title = xssImg
	r.Notable[2].Title = xssMarker
	r.Notable[0].CaseID = `IR-"><svg onload=alert(1)>`
	r.Notable[1].Category = xssImg
	r.Notable[1].RootCause = xssScript
	r.Overdue[0].Owner = xssImg
	r.Overdue[1].Owner = xssScript
	r.Overdue[0].Summary = xssScript + " rotate keys"
	r.Overdue[2].Summary = xssMarker
	// Category and root-cause names end up in chart legends, axis labels,
	// tooltips and the option JSON.
	for i := range r.Volume.ByCategory {
		switch r.Volume.ByCategory[i].Key {
		case "phishing":
			r.Volume.ByCategory[i].Key = xssScript
		case "malware":
			r.Volume.ByCategory[i].Key = xssImg
		case "insider":
			r.Volume.ByCategory[i].Key = xssMarker
		}
	}
	for i := range r.RootCauses {
		switch r.RootCauses[i].Category {
		case "unknown":
			r.RootCauses[i].Category = xssScript
		case "third-party":
			r.RootCauses[i].Category = xssMarker
		}
	}
	r.Techniques[0].CaseIDs = append(r.Techniques[0].CaseIDs, xssImg)
	r.Techniques[14].ID = xssScript // an unknown technique ID from case data
	r.ATTACK.Unknown = []string{xssScript}
	r.DataQuality.Findings[0].CaseIDs = []string{xssScript, xssImg}
	r.DataQuality.Findings[1].Detail = xssMarker + " " + xssImg
	r.Definitions[2].Label = "Contain " + xssScript
	r.Metrics[2].Label = "Contain " + xssScript
	r.KPIs[2].Label = "Contain " + xssImg
	r.Metrics[3].Metric = `"><script>alert(1)</script>`
	return r
}
