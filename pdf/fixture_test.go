package pdf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pirhq/pir/analytics"
)

func ptr(v float64) *float64 { return &v }

// unicodeTitle is a case title that must come back out of the PDF intact.
const unicodeTitle = "Phishing gegen Zürich-Büro: é ü ł ß Ω Ж"

// longTitle is 300 characters with one 60-character word, which must wrap
// inside its cell.
var longTitle = func() string {
	s := "Ransomware precursor on the payments cluster: " + strings.Repeat("x", 60) + " "
	for len([]rune(s)) < 300 {
		s += "lateral movement via remote services "
	}
	return string([]rune(s)[:300])
}()

// hostile are strings from case exports that must print as literal text.
var hostile = []string{
	`<script>alert("pir")</script><b>bold</b>`,
	`\input{/etc/passwd} \def\x{1}`,
	`=cmd|' /C calc'!A0`,
}

// fixture is a hand-made report shaped like a real quarter: eight trailing
// quarters, the default metrics, 38 cases, many techniques and a long
// overdue list. Numbers are invented, not computed from cases; the PDF only
// lays them out.
func fixture() *analytics.Report {
	rng := rand.New(rand.NewPCG(7, 11))
	quarters := []string{"2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"}
	defs := []analytics.MetricDef{
		{Name: "dwell", Label: "Dwell time (MTTD)", Start: "compromise", End: "detection"},
		{Name: "triage", Label: "Time to triage", Start: "detection", End: "triage"},
		{Name: "contain", Label: "Time to contain (MTTC)", Start: "detection", End: "containment"},
		{Name: "eradicate", Label: "Time to eradicate", Start: "containment", End: "eradication"},
		{Name: "recover", Label: "Time to recover (MTTR)", Start: "eradication", End: "recovery"},
		{Name: "resolve", Label: "Detection to recovery", Start: "detection", End: "recovery"},
		{Name: "close", Label: "Time to close", Start: "detection", End: "closure"},
	}
	base := map[string]float64{"dwell": 260, "triage": 1.6, "contain": 9.2, "eradicate": 30, "recover": 20, "resolve": 70, "close": 400}
	r := &analytics.Report{
		Quarter:       "2025-Q1",
		Quarters:      quarters,
		TimeZone:      "Europe/Berlin",
		Cohort:        "detection",
		GeneratedAt:   time.Date(2025, 4, 3, 7, 30, 0, 0, time.UTC),
		AsOf:          time.Date(2025, 3, 31, 23, 59, 59, 0, time.UTC),
		Version:       "v0.9.0-12-gabc1234",
		Organisation:  "Nordwind Versicherung AG — CSIRT",
		Definitions:   defs,
		Cases:         38,
		ExcludedCases: 3,
		AsOfDate:      "2025-03-31",
	}
	for _, d := range defs {
		s := analytics.MetricSeries{Metric: d.Name, Label: d.Label}
		for qi, q := range quarters {
			n := 20 + rng.IntN(20)
			if d.Name == "eradicate" && qi == 2 {
				n = 0
			}
			if d.Name == "triage" && qi == len(quarters)-1 {
				n = 3
			}
			st := analytics.Stat{Quarter: q, N: n, SmallSample: n < 5,
				Excluded: analytics.Excluded{MissingStart: rng.IntN(4), MissingEnd: rng.IntN(3), OutOfOrder: rng.IntN(2), ExcludedCase: rng.IntN(2)}}
			if n > 0 {
				trend := 1 - 0.05*float64(qi)
				med := base[d.Name] * trend * (0.8 + 0.4*rng.Float64())
				p90 := med * (2 + rng.Float64()*2)
				mean := med * 1.4
				st.Median, st.P90, st.Mean = ptr(round1(med)), ptr(round1(p90)), ptr(round1(mean))
				st.Min, st.Max = ptr(round1(med/10)), ptr(round1(p90*1.5))
			}
			s.Stats = append(s.Stats, st)
		}
		r.Metrics = append(r.Metrics, s)
		cur, prev, ago := s.Stats[7], s.Stats[6], s.Stats[3]
		r.KPIs = append(r.KPIs, analytics.KPI{
			Metric: d.Name, Label: d.Label, Current: cur, Previous: &prev, YearAgo: &ago,
			QoQ: change(prev.Median, cur.Median), YoY: change(ago.Median, cur.Median),
		})
	}
	for qi, q := range quarters {
		r.Volume.Total = append(r.Volume.Total, analytics.QuarterCount{Quarter: q, Key: "all", Cases: 25 + qi*2 + rng.IntN(8)})
	}
	cats := []string{"phishing", "credential compromise", "unpatched vulnerability", "misconfiguration", "insider", "third party", "lost device", "malware"}
	for _, q := range quarters {
		total := 0
		var rcs []analytics.RootCause
		for ci, c := range cats {
			n := rng.IntN(8 - ci/2)
			if n == 0 {
				continue
			}
			total += n
			rcs = append(rcs, analytics.RootCause{Quarter: q, Category: c, Cases: n, MeanWhys: round1(1.5 + 3*rng.Float64()), Recurrences: rng.IntN(3)})
		}
		for i := range rcs {
			rcs[i].Share = float64(rcs[i].Cases) / float64(total)
		}
		sortRootCauses(rcs)
		r.RootCauses = append(r.RootCauses, rcs...)
	}
	techs := []struct{ id, name, tactic string }{
		{"T1566.001", "Spearphishing Attachment", "initial-access"},
		{"T1566.002", "Spearphishing Link", "initial-access"},
		{"T1078", "Valid Accounts", "initial-access"},
		{"T1059.001", "PowerShell", "execution"},
		{"T1204.002", "Malicious File", "execution"},
		{"T1053.005", "Scheduled Task", "persistence"},
		{"T1547.001", "Registry Run Keys / Startup Folder", "persistence"},
		{"T1055", "Process Injection", "privilege-escalation"},
		{"T1027", "Obfuscated Files or Information", "defense-evasion"},
		{"T1562.001", "Disable or Modify Tools", "defense-evasion"},
		{"T1003.001", "LSASS Memory", "credential-access"},
		{"T1110.003", "Password Spraying", "credential-access"},
		{"T1087.002", "Domain Account", "discovery"},
		{"T1021.001", "Remote Desktop Protocol", "lateral-movement"},
		{"T1021.002", "SMB/Windows Admin Shares", "lateral-movement"},
		{"T1114.002", "Remote Email Collection", "collection"},
		{"T1071.001", "Web Protocols", "command-and-control"},
		{"T1567.002", "Exfiltration to Cloud Storage", "exfiltration"},
		{"T1486", "Data Encrypted for Impact", "impact"},
		{"T1490", "Inhibit System Recovery", "impact"},
	}
	for i, t := range techs {
		n := max(1, 12-i/2-rng.IntN(3))
		tt := analytics.Technique{ID: t.id, Name: t.name, Tactics: []string{t.tactic}, Cases: n, Known: true}
		if t.id == "T1059.001" {
			tt.RevokedFrom = []string{"T1086"}
		}
		for c := 0; c < n; c++ {
			tt.CaseIDs = append(tt.CaseIDs, fmt.Sprintf("IR-2025-%03d", rng.IntN(200)))
		}
		r.Techniques = append(r.Techniques, tt)
	}
	slices.SortStableFunc(r.Techniques, func(a, b analytics.Technique) int { return b.Cases - a.Cases })
	r.Techniques = append(r.Techniques, analytics.Technique{ID: "T9999.999", Cases: 1, CaseIDs: []string{"IR-2025-017"}})
	r.ATTACK = analytics.ATTACKInfo{Version: "v18.1", Notice: "© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.", Unknown: []string{"T9999.999"}}
	tactics := []struct{ short, name string }{
		{"initial-access", "Initial Access"}, {"execution", "Execution"}, {"persistence", "Persistence"},
		{"privilege-escalation", "Privilege Escalation"}, {"defense-evasion", "Defense Evasion"},
		{"credential-access", "Credential Access"}, {"discovery", "Discovery"}, {"lateral-movement", "Lateral Movement"},
		{"collection", "Collection"}, {"command-and-control", "Command and Control"}, {"exfiltration", "Exfiltration"}, {"impact", "Impact"},
	}
	for _, q := range quarters {
		for _, t := range tactics {
			r.Tactics = append(r.Tactics, analytics.TacticCount{Quarter: q, Tactic: t.short, Name: t.name, Cases: 1 + rng.IntN(14)})
		}
	}
	for qi, q := range quarters {
		created := 30 + rng.IntN(20)
		done := created * (95 - 8*qi) / 100
		a := analytics.ActionSummary{Quarter: q, Created: created, Completed: done, Overdue: (created - done) / 2,
			CompletionRate: ptr(float64(done) / float64(created)), OnTimeRate: ptr(0.55 + 0.4*rng.Float64()), MedianDays: ptr(round1(10 + 30*rng.Float64()))}
		r.Actions = append(r.Actions, a)
	}
	owners := []string{"J. Kowalski (IT Ops)", "Łukasz Wróbel", "Network team", "", "Dr. Ingrid Müller-Lüdenscheidt", "SecOps"}
	for i := 0; i < 31; i++ {
		due := r.AsOf.AddDate(0, 0, -(180 - i*5))
		it := analytics.OverdueItem{
			CaseID: fmt.Sprintf("IR-2024-%03d", 40+i), Source: "thehive", ItemID: fmt.Sprintf("AI-%d", 300+i),
			Summary:  []string{"Enforce phishing-resistant MFA for all VPN users", "Patch Exchange servers to the current CU", "Rotate service account credentials on the payments cluster", "Block legacy authentication in the tenant", "Deploy EDR to the remaining 40 OT jump hosts"}[i%5],
			Owner:    owners[i%len(owners)],
			Priority: []string{"high", "medium", "low"}[i%3],
			Due:      due.Format("2006-01-02"), DaysOverdue: 180 - i*5, Status: "open",
		}
		if i < len(hostile) {
			it.Summary = hostile[i]
		}
		r.Overdue = append(r.Overdue, it)
	}
	notable := []struct{ title, sev, cat, rc string }{
		{unicodeTitle, "critical", "phishing", "phishing"},
		{longTitle, "critical", "ransomware", "unpatched vulnerability"},
		{"Business email compromise at subsidiary, invoice fraud attempt", "high", "bec", "credential compromise"},
		{hostile[0], "high", "malware", "malware"},
		{hostile[1], "high", "web", "misconfiguration"},
		{hostile[2], "high", "insider", "insider"},
		{"Stolen laptop with unencrypted backup of HR data", "high", "lost device", "lost device"},
		{"Supplier VPN account used from unusual country", "high", "third party", "third party"},
	}
	for i, n := range notable {
		c := analytics.NotableCase{CaseID: fmt.Sprintf("IR-2025-%03d", 10+i), Source: "thehive", Title: n.title, Severity: n.sev,
			Category: n.cat, Status: "closed", RootCause: n.rc, Hours: map[string]float64{"contain": round1(2 + 20*rng.Float64()), "resolve": round1(30 + 200*rng.Float64())}}
		if i%3 != 1 {
			c.Hours["dwell"] = round1(24 + 600*rng.Float64())
		}
		r.Notable = append(r.Notable, c)
	}
	r.OverdueTotal, r.NotableTotal = len(r.Overdue), len(r.Notable)
	r.DataQuality = analytics.DataQuality{
		Cases: 38,
		Coverage: []analytics.MilestoneCoverage{
			{Milestone: "compromise", Present: 24, Share: 24.0 / 38}, {Milestone: "detection", Present: 38, Share: 1},
			{Milestone: "triage", Present: 35, Share: 35.0 / 38}, {Milestone: "containment", Present: 33, Share: 33.0 / 38},
			{Milestone: "eradication", Present: 29, Share: 29.0 / 38}, {Milestone: "recovery", Present: 30, Share: 30.0 / 38},
			{Milestone: "closure", Present: 31, Share: 31.0 / 38},
		},
		Findings: []analytics.Finding{
			{Kind: "out_of_order", Detail: "containment before detection", Count: 2, CaseIDs: []string{"IR-2025-003", "IR-2025-019"}},
			{Kind: "unknown_technique", Detail: "technique ID not in ATT&CK v18.1", Count: 1, CaseIDs: []string{"IR-2025-017"}},
			{Kind: "excluded", Detail: "exercise (tabletop), excluded_from_metrics", Count: 3, CaseIDs: []string{"IR-2025-001", "IR-2025-002", "IR-2025-030"}},
			{Kind: "future_timestamp", Detail: "closed_at after the generation time", Count: 14, CaseIDs: strings.Split("IR-2025-040 IR-2025-041 IR-2025-042 IR-2025-043 IR-2025-044 IR-2025-045 IR-2025-046 IR-2025-047 IR-2025-048 IR-2025-049 IR-2025-050 IR-2025-051 IR-2025-052 IR-2025-053", " ")},
		},
		Headline: "63% of cases have a compromise time; 2 cases have containment before detection.",
	}
	r.Inputs = []analytics.InputFile{
		{Path: "exports/thehive/2025-q1/cases.jsonl", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Format: "thehive", Records: 212, IngestedAt: time.Date(2025, 4, 2, 18, 0, 0, 0, time.UTC)},
		{Path: "exports/sentinel/incidents-" + strings.Repeat("very-long-name-", 8) + ".csv", SHA256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", Format: "sentinel", Records: 1534, IngestedAt: time.Date(2025, 4, 2, 18, 1, 0, 0, time.UTC)},
		{Path: "manual/pir-reviews.csv", SHA256: "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13", Format: "canonical", Records: 38, IngestedAt: time.Date(2025, 4, 2, 18, 2, 0, 0, time.UTC)},
	}
	r.Summary = []string{
		"Median time to contain fell from 9.2 h to 4.1 h (−55%) against 2024-Q4 across 34 incidents; the gain came from the new isolation playbook.",
		"Dwell time rose to 11 days, driven by 3 phishing cases found through user reports rather than detection rules.",
		"Phishing remained the leading root cause (9 of 38 cases); 2 cases recurred after their fixes were marked done.",
		"31 action items are overdue, 12 of them by more than 90 days; MFA for VPN users has been open since October.",
		"Time to triage is based on 3 cases this quarter, too few to conclude.",
	}
	return r
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func change(from, to *float64) analytics.Change {
	if from == nil || to == nil {
		return analytics.Change{From: from, To: to, Direction: "n/a"}
	}
	c := analytics.Change{From: from, To: to, Abs: ptr(round1(*to - *from))}
	if *from != 0 {
		c.Pct = ptr(round1((*to - *from) / *from * 100))
	}
	switch {
	case *to < *from:
		c.Direction = "better"
	case *to > *from:
		c.Direction = "worse"
	default:
		c.Direction = "same"
	}
	return c
}

func sortRootCauses(rcs []analytics.RootCause) {
	for i := 1; i < len(rcs); i++ {
		for j := i; j > 0 && (rcs[j].Cases > rcs[j-1].Cases || rcs[j].Cases == rcs[j-1].Cases && rcs[j].Category < rcs[j-1].Category); j-- {
			rcs[j], rcs[j-1] = rcs[j-1], rcs[j]
		}
	}
}

// withCoverage adds a detection-coverage comparison to the fixture.
func withCoverage(r *analytics.Report) *analytics.Report {
	share := func(c, n int) *float64 { return ptr(float64(c) / float64(n)) }
	c := &analytics.Coverage{
		Quarter: r.Quarter, Quarters: r.Quarters, RulesDir: "rules/sigma",
		RuleFiles: 14, Rules: 13, RulesWithTechniques: 12, RuleTechniques: 17,
		Techniques: 21, Covered: 8, Gaps: 13, Related: 4, Share: share(8, 21),
		Matching: "A rule tagged attack.t1059 covers T1059; sub-techniques and parents count as related.",
		License:  "Sigma rules from SigmaHQ under the Detection Rule License (DRL) 1.1; authors are credited in the rule files.",
	}
	for i, q := range r.Quarters {
		c.Trend = append(c.Trend, analytics.CoverageShare{Quarter: q, Techniques: 15 + i, Covered: 4 + i/2, Related: 2, Share: share(4+i/2, 15+i)})
	}
	for i, t := range r.Techniques {
		ct := analytics.CoverageTechnique{ID: t.ID, Name: t.Name, Tactics: t.Tactics, Status: "active", Cases: t.Cases, CaseIDs: t.CaseIDs}
		if i%3 == 0 {
			ct.Rules = []analytics.CoverageRuleRef{{Title: "Suspicious " + t.Name + " Activity", Path: "rules/x.yml", Technique: t.ID}, {Title: hostile[i%3], Path: "rules/y.yml", Technique: t.ID}}
			c.CoveredList = append(c.CoveredList, ct)
			continue
		}
		if i%2 == 0 {
			ct.Related = []analytics.CoverageRuleRef{{Title: "Parent technique rule", Path: "rules/p.yml", Technique: t.Parent}}
		}
		c.GapList = append(c.GapList, ct)
	}
	c.Covered, c.Gaps = len(c.CoveredList), len(c.GapList)
	c.Share = share(c.Covered, c.Techniques)
	if len(c.GapList) > 0 {
		c.GapList[0].CasesCovered = c.GapList[0].Cases - 1 // one case on a platform without a rule
	}
	c.ByPlatform = []analytics.CoveragePlatform{
		{Platform: "windows", Cases: 20, Techniques: 14, Covered: 7, Share: share(7, 14), TopGaps: []string{"T1021.002", "T1047"}},
		{Platform: "esxi", Cases: 3, Techniques: 3, Covered: 0, Share: share(0, 3), TopGaps: []string{"T1486", "T1490", "T1059.004"}},
		{Platform: "", Cases: 2, Techniques: 2, Covered: 1, Share: share(1, 2), TopGaps: []string{"T1566.002"}},
	}
	r.Coverage = c
	return r
}

// withPlaybooks adds playbook-update follow-through to the fixture: the
// report quarter's 6 updates (4 due, 3 done, 1 overdue) and 3 overdue in
// all, one with a hostile change text.
func withPlaybooks(r *analytics.Report) *analytics.Report {
	p := &analytics.PlaybookFollowThrough{OverdueTotal: 3}
	for i, q := range r.Quarters {
		pq := analytics.PlaybookQuarter{Quarter: q}
		if i%2 == 1 || q == r.Quarter {
			pq = analytics.PlaybookQuarter{Quarter: q, Updates: 6, Due: 4, Done: 3, Overdue: 1, CompletionRate: ptr(0.5), OnTimeRate: ptr(0.75)}
		}
		p.Quarters = append(p.Quarters, pq)
	}
	p.Overdue = []analytics.OverduePlaybook{
		{CaseID: "IR-2024-031", Source: "pir", Playbook: "Ransomware", Change: "Isolate the ESXi management network first", Owner: "SOC", Due: "2024-11-30", DaysOverdue: 121, Status: "open"},
		{CaseID: "42", Source: "thehive", Playbook: "Phishing", Change: hostile[0], Owner: "", Due: "2025-02-01", DaysOverdue: 58, Status: "in-progress"},
		{CaseID: "IR-2025-007", Source: "pir", Playbook: "Cloud exposure", Change: "Query access logs for the whole exposure window", Owner: "Cloud Security", Due: "2025-03-01", DaysOverdue: 30, Status: "open"},
	}
	r.PlaybookUpdates = p
	return r
}
