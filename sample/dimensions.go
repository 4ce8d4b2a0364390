package sample

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pirhq/pir/ingest"
)

// The case's dimensions: who owned it, where it happened, what it hit, who
// noticed, what it cost, whether the review was held and what it changed.
// The figures are plausible, not measured: most incidents are detected
// internally (M-Trends reports roughly half of *investigated intrusions*
// found by outsiders, but a SOC's own caseload is dominated by phishing and
// malware it catches itself), reviews slip for low-severity cases, and a fix
// sometimes does not hold.

// slots are the values a title template was filled with; the case's assets
// name the same host, person or application.
type slots struct {
	host, person, app, bucket, vendor, site string
}

// sigmaRule is a rule of the SigmaHQ set bundled in examples/rules (its id,
// title and ATT&CK tags as published), and the platform its log source
// maps to ("" for any platform: web server logs).
type sigmaRule struct {
	id, title, platform string
	techniques          []string
}

// sigmaRules are the bundled SigmaHQ rules a review may cite, by the case
// technique they address. pir coverage finds them in examples/rules.
var sigmaRules = map[string][]sigmaRule{
	"T1558.003": {{"496a0e47-0a33-4dca-b009-9e6ca3591f39", "Suspicious Kerberos RC4 Ticket Encryption", "windows", []string{"T1558.003"}}},
	"T1003.001": {{"962fe167-e48d-4fd6-9974-11e5b9a5d6d1", "LSASS Access From Non System Account", "windows", []string{"T1003.001"}}},
	"T1059.001": {{"13acf386-b8c6-4fe0-9a6e-c4756b974698", "Remote PowerShell Sessions Network Connections (WinRM)", "windows", []string{"T1059.001"}}},
	"T1021.001": {{"5bed80b6-b3e8-428e-a3ae-d3c757589e41", "RDP over Reverse SSH Tunnel WFP", "windows", []string{"T1090.001", "T1090.002", "T1021.001"}}},
	"T1566.001": {{"0248a7bc-8a9a-4cd8-a57e-3ae8e073a073", "ISO Image Mounted", "windows", []string{"T1566.001"}}},
	"T1190": {
		{"5513deaf-f49a-46c2-a6c8-3f111b5cb453", "SQL Injection Strings In URI", "", []string{"T1190"}},
		{"f88e112a-21aa-44bd-9b01-6ee2a2bbbed1", "Failed Logon From Public IP", "windows", []string{"T1078", "T1190", "T1133"}},
	},
	"T1505.003": {{"7ff9db12-1b94-4a79-ba68-a2402c5d6729", "Windows Webshell Strings", "", []string{"T1505.003"}}},
	"T1078":     {{"f88e112a-21aa-44bd-9b01-6ee2a2bbbed1", "Failed Logon From Public IP", "windows", []string{"T1078", "T1190", "T1133"}}},
	"T1133":     {{"f88e112a-21aa-44bd-9b01-6ee2a2bbbed1", "Failed Logon From Public IP", "windows", []string{"T1078", "T1190", "T1133"}}},
	"T1078.004": {{"8ad1600d-e9dc-4251-b0ee-a65268f29add", "AWS Root Credentials", "aws", []string{"T1078.004"}}},
	"T1490":     {{"a136ac98-b2bc-4189-a14d-f0d0388e57a7", "AWS S3 Bucket Versioning Disable", "aws", []string{"T1490"}}},
}

// lessonThemes group needs-improvement lessons that recur in other words.
var lessonThemes = map[string]string{
	"Triage waited for business hours":                                               "Out-of-hours coverage",
	"Asset ownership was unclear":                                                    "Asset ownership",
	"Runbook steps were out of date":                                                 "Playbooks",
	"Too many people joined the bridge call":                                         "Coordination",
	"Timeline reconstruction took longer than the fix":                               "Logging and forensics",
	"The lookalike domain was not blocked although it was registered a week earlier": "Email security",
	"Several recipients clicked before the purge completed":                          "Email security",
	"Local admin rights let the payload persist":                                     "Endpoint hardening",
	"Application allow-listing was in audit mode only":                               "Endpoint hardening",
	"Service account passwords had not been rotated in years":                        "Identity hygiene",
	"Number matching was not enforced for MFA pushes":                                "Identity hygiene",
	"Domain admin credentials were cached on workstations":                           "Identity hygiene",
	"Detection came only after encryption started":                                   "Detection gaps",
	"Restore of the ERP database took days longer than the RTO":                      "Backup and recovery",
	"The application was missing from the vulnerability scanning scope":              "Vulnerability management",
	"Web server logs were kept for only seven days":                                  "Logging and forensics",
	"Payment detail changes were accepted by email alone":                            "Business process",
	"Mailbox audit logs were not enabled for all users":                              "Logging and forensics",
	"The Terraform module had no policy-as-code guard":                               "Cloud guardrails",
	"The resource had no owner tag, so finding its team took days":                   "Asset ownership",
	"The loss was reported a day late":                                               "Reporting",
	"USB mass storage was not blocked on HR laptops":                                 "Endpoint hardening",
	"The vendor's standing access had never been reviewed":                           "Third-party access",
	"We learned of the breach from the news before the vendor told us":               "Third-party access",
	"Access was not revoked on the day notice was given":                             "Joiner-mover-leaver",
	"DLP alerts sat in a queue nobody owned":                                         "Detection gaps",
	"The origin IP was reachable directly, bypassing the CDN":                        "Network resilience",
}

// blameWhys and blameLessons are the wording a blameless review should
// catch ("careless", "should have", "failed to", "human error").
var (
	blameWhys = []string{
		"The user was careless and clicked the link anyway.",
		"The on-call engineer should have escalated sooner.",
		"The admin failed to follow the change process.",
		"Human error by the night-shift analyst.",
	}
	blameLessons = []string{
		"The analyst should have escalated sooner",
		"Staff were careless with the reporting process",
		"The service owner failed to apply the patch in time",
	}
)

// facilitators run reviews.
var facilitators = []string{"Aoife Ní Bhriain", "Kwame Mensah", "Sara Lindqvist", "Priya Raman", "Incident Manager", "SOC Lead"}

// slowOwners hold most of the overdue high-priority items, as in most
// organisations a couple of overloaded owners do.
var slowOwners = map[string]bool{"IAM Team": true, "Infrastructure Team": true}

// accounts are the directory accounts of people, in the order of people.
var accounts = []string{
	"zlukasz", "jnunez", "sodegaard", "amuller", "cdubois", "bakesson",
	"cyilmaz", "othorsson", "mwisniewska", "praman", "kmensah",
	"lobrien", "mtanaka", "dszoke", "anibhriain", "jweiss", "slindqvist",
	"tferreira", "nhaddad", "ipetrovic", "ecarter", "hsato", "fbenali",
}

var (
	serviceAccounts = []string{"svc_backup", "svc_sql", "svc_sharepoint", "svc_scanner", "svc_deploy"}
	cloudAccounts   = map[string][]string{
		"aws":   {"aws-prod-payments", "aws-data-lake", "aws-shared-services"},
		"azure": {"azure-sub-crm", "azure-sub-hr"},
		"gcp":   {"gcp-analytics"},
	}
	dataStores          = []string{"CRM", "HR records share", "git.internal", "Finance share"}
	edges               = []string{"VPN-EDGE-01", "VPN-EDGE-02"}
	businessUnitWeights = []weighted{{"Retail Banking", 30}, {"Corporate", 20}, {"Online Store", 15}, {"Manufacturing", 15}, {"Group IT", 12}, {"Subsidiary Nordics", 8}}
)

// campaign is the organisation's remediation of one root-cause category:
// the cases of the category detected in the months before at (the ones
// that prompted it) get all their action items completed by at; for a year
// after, the fix holds except with the category's pFail.
type campaign struct {
	at time.Time
}

// campaignLead is how long before the campaign its cases are detected, and
// campaignWindow how long after it the fix is expected to hold.
const (
	campaignLead   = 120 * 24 * time.Hour
	campaignSettle = 14 * 24 * time.Hour
	campaignWindow = 370 * 24 * time.Hour
)

// campaignCount is how many root-cause categories get a remediation
// campaign in the span; the others are never fully fixed.
const campaignCount = 6

// campaigns places the remediation campaigns in the span, from the seed
// alone, so every case can tell whether its category's fix should be
// holding without looking at other cases. Organisations fix what hurts
// most often: campaignCount categories are drawn without replacement with
// probability proportional to their expected share of cases, and placed
// in the order drawn at evenly spread times between 12 % and 80 % of the
// span, a little jittered, so a few fixes are holding at any time.
func campaigns(seed uint64, start time.Time, span float64) map[string]campaign {
	share := map[string]float64{}
	for _, sc := range scenarios {
		var t float64
		for _, w := range sc.rootCauses {
			t += w.w
		}
		for _, w := range sc.rootCauses {
			share[w.v] += sc.weight * w.w / t
		}
	}
	names := make([]string, 0, len(share))
	for name := range share {
		names = append(names, name)
	}
	slices.Sort(names)
	h := splitmix64(seed ^ 0xca3b419)
	unit := func() float64 {
		h = splitmix64(h)
		return float64(h>>11) / float64(1<<53)
	}
	out := map[string]campaign{}
	for k := range min(campaignCount, len(names)) {
		var total float64
		for _, n := range names {
			total += share[n]
		}
		x := unit() * total
		j := len(names) - 1
		for i, n := range names {
			if x < share[n] {
				j = i
				break
			}
			x -= share[n]
		}
		name := names[j]
		names = slices.Delete(names, j, j+1)
		u := 0.12 + 0.68*float64(k)/float64(campaignCount-1) + (unit()-0.5)*0.06
		out[name] = campaign{at: start.Add(time.Duration(u * span * float64(time.Second))).Truncate(time.Hour)}
	}
	return out
}

// fixHolding reports whether the campaign of category rc should have fixed
// it at instant t.
func (g *generator) fixHolding(rc string, t time.Time) bool {
	c, ok := g.campaigns[rc]
	return ok && !t.Before(c.at.Add(-campaignSettle)) && t.Before(c.at.Add(campaignWindow))
}

// inCampaign reports whether a case of category rc detected at t is one of
// those the campaign fixes.
func (g *generator) inCampaign(rc string, t time.Time) (time.Time, bool) {
	c, ok := g.campaigns[rc]
	if !ok || t.Before(c.at.Add(-campaignLead)) || !t.Before(c.at.Add(-campaignSettle)) {
		return time.Time{}, false
	}
	return c.at, true
}

// rootCauseFor draws the case's root-cause category. While a campaign's fix
// holds, a case of its category is usually another kind of failure; the
// rest are the recurrences a report should name.
func (g *generator) rootCauseFor(s *scenario, det time.Time) string {
	rc := g.pickWeighted(s.rootCauses)
	if !g.fixHolding(rc, det) || g.chance(rootCauses[rc].pFail) {
		return rc
	}
	var others []weighted
	for _, w := range s.rootCauses {
		if w.v != rc && !g.fixHolding(w.v, det) {
			others = append(others, w)
		}
	}
	if len(others) == 0 {
		return rc
	}
	return g.pickWeighted(others)
}

// settle makes a case's action items agree with the campaigns: a campaign
// case has every item completed by the campaign; any other case keeps one
// item uncompleted (a long programme still in progress, or descoped), so
// only campaigns create "fixed" cases.
func (g *generator) settle(det time.Time, rc string, excluded bool) {
	items := g.c.ActionItems
	if len(items) == 0 {
		return
	}
	if at, ok := g.inCampaign(rc, det); ok && !excluded && !at.After(g.end) {
		last := 0
		for k := range items {
			it := &items[k]
			done := at.Add(-time.Duration(g.r.Float64()*10*24) * time.Hour).Truncate(time.Minute)
			if it.Completed != nil && it.Completed.Before(done) {
				done = *it.Completed
			}
			if !done.After(det) {
				done = det.Add(time.Hour)
			}
			it.Status, it.Completed = "done", &done
			if done.After(*items[last].Completed) {
				last = k
			}
		}
		// The programme closes its last item on the campaign day.
		t := at.Add(-time.Duration(g.r.IntN(48)) * time.Hour)
		items[last].Completed = &t
		return
	}
	last := -1
	for k, it := range items {
		if it.Status != "done" || it.Completed == nil {
			return // already not fixed
		}
		if last < 0 || it.Completed.After(*items[last].Completed) {
			last = k
		}
	}
	it := &items[last]
	it.Completed = nil
	if g.chance(0.35) {
		it.Status = "wont-do"
		return
	}
	// Re-planned as a longer programme: still in progress, due after the
	// data ends.
	it.Status = "in-progress"
	if it.Due.Time.Before(g.end) {
		d := g.end.AddDate(0, 0, 14+g.r.IntN(120))
		it.Due = &ingest.Date{Time: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
	}
}

// whysFor is the 5-Whys chain: usually a prefix of 2–5 steps of a chain
// that ends at a system cause; sometimes a short chain that stops at a
// person, and rarely one with blame in it.
func (g *generator) whysFor(k rootCause) []string {
	chain := pick(g.r, k.chains)
	switch x := g.r.Float64(); {
	case x < 0.12 && len(k.personal) > 0:
		n := 1 + g.r.IntN(2)
		whys := append([]string(nil), chain[:min(n, len(chain))]...)
		return append(whys, pick(g.r, k.personal))
	case x < 0.16:
		n := min(len(chain), 1+g.r.IntN(3))
		whys := append([]string(nil), chain[:n]...)
		return append(whys, pick(g.r, blameWhys))
	}
	n := min(len(chain), 2+g.r.IntN(4))
	return chain[:n]
}

// platformsFor picks the platforms a case's title implies, or the
// scenario's usual ones, and adds Windows when a technique only exists
// there (Kerberoasting, LSASS dumping, RDP, PsExec).
func (g *generator) platformsFor(s *scenario, t titleSpec) {
	c := &g.c
	set := t.platforms
	if set == "" {
		set = g.pickWeighted(s.platforms)
	}
	for _, p := range strings.FieldsFunc(set, func(r rune) bool { return r == ',' || r == ' ' }) {
		c.Platforms = ingest.AddTechnique(c.Platforms, p)
	}
	for _, id := range c.Techniques {
		switch strings.ToUpper(id) {
		case "T1558.003", "T1003.001", "T1021.001", "T1021.002", "T1047", "T1547.001":
			c.Platforms = ingest.AddTechnique(c.Platforms, "windows")
		}
	}
}

// account is the directory account of the person named in the title, or
// of someone.
func (g *generator) account(sl slots) string {
	for k, p := range people {
		if p == sl.person {
			return accounts[k]
		}
	}
	return pick(g.r, accounts)
}

// hostName is a host name; a few hosts of each kind are hit again and
// again (low numbers are far more likely), so the same asset recurs.
func (g *generator) hostName(prefix string) string {
	n := int(math.Pow(60, g.r.Float64())) // 1..59, log-uniform
	return fmt.Sprintf("%s-%s-%03d", prefix, pick(g.r, siteCodes), n)
}

var siteCodes = []string{"BER", "KRK", "LIS", "DUB", "TOR", "SIN"}

// siteCode names a site in device names (its airport code).
var siteCode = map[string]string{
	"Berlin": "ber", "Kraków": "krk", "Lisbon": "lis", "Dublin": "dub", "Toronto": "yyz",
	"Singapore": "sin", "Austin": "aus", "Malmö": "mmx", "Zürich": "zrh", "São Paulo": "gru",
}

// officeHours moves t to a working hour (9:00 to 16:00) of its day, in
// its zone: reviews are meetings.
func (g *generator) officeHours(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 9+g.r.IntN(8), 0, 0, 0, t.Location())
}

// assetsFor records the affected assets: what the title names, and what
// the scenario's kind of incident usually touches.
func (g *generator) assetsFor(s *scenario, sl slots) {
	c := &g.c
	var out []string
	add := func(a string) {
		if a != "" {
			out = append(out, a)
		}
	}
	for _, a := range s.assets {
		if !g.chance(a.p) {
			continue
		}
		switch a.kind {
		case "account":
			add(g.account(sl))
		case "service-account":
			add(pick(g.r, serviceAccounts))
		case "workstation":
			add(g.hostName(pick(g.r, []string{"WS", "LT", "VDI"})))
		case "host":
			if sl.host != "" {
				add(sl.host)
			} else {
				add(g.hostName(pick(g.r, []string{"WS", "LT", "SRV", "FS"})))
			}
		case "dc":
			add(fmt.Sprintf("DC-%s-01", pick(g.r, siteCodes)))
		case "esxi":
			if g.hasPlatform("esxi") {
				add(g.hostName("ESX"))
			}
		case "edge":
			if g.hasTechnique("T1190") || g.hasTechnique("T1133") {
				add(pick(g.r, edges))
			}
		case "app":
			if sl.app != "" {
				add(sl.app)
			} else {
				add(pick(g.r, apps))
			}
		case "web":
			add(g.hostName("WEB"))
		case "finance-mailbox":
			add("finance-ap")
		case "cloud-account":
			if sl.bucket != "" {
				add("s3://" + sl.bucket)
			}
			for _, p := range c.Platforms {
				if list, ok := cloudAccounts[p]; ok {
					add(pick(g.r, list))
					break
				}
			}
		case "iam-role":
			add("ci-deploy-role")
		case "device":
			switch {
			case g.hasPlatform("ios"), g.hasPlatform("android"):
				add(fmt.Sprintf("MOB-%04d", 1+g.r.IntN(900)))
			default:
				add(fmt.Sprintf("LT-%s-%03d", pick(g.r, siteCodes), 1+g.r.IntN(400)))
			}
		case "vendor":
			if sl.vendor != "" {
				add(sl.vendor)
			} else {
				add(pick(g.r, vendors))
			}
		case "vendor-account":
			add("vendor-" + strings.ToLower(strings.Fields(pick(g.r, vendors))[0]))
		case "data-store":
			add(pick(g.r, dataStores))
		case "uplink":
			site := sl.site
			if site == "" {
				site = pick(g.r, sites)
			}
			add("uplink-" + siteCode[site])
		}
	}
	// Some case managers lower-case host names: the same asset in two
	// spellings, which pir treats as one.
	if len(out) > 0 && g.chance(0.05) {
		out[0] = strings.ToLower(out[0])
	}
	c.Assets = ingest.AddAssets(nil, out)
}

func (g *generator) hasPlatform(p string) bool {
	for _, x := range g.c.Platforms {
		if x == p {
			return true
		}
	}
	return false
}

func (g *generator) hasTechnique(id string) bool {
	for _, x := range g.c.Techniques {
		if strings.EqualFold(x, id) {
			return true
		}
	}
	return false
}

// detectionSourceFor says who noticed: the title's source when it names
// one, else the scenario's mix; exercises and false positives come from
// inside.
func (g *generator) detectionSourceFor(s *scenario, t titleSpec, notReal bool) string {
	switch {
	case notReal:
		return "internal"
	case t.source != "" && g.chance(0.75):
		return t.source
	}
	return g.pickWeighted(s.sources)
}

// businessUnitFor: web shops and finance fraud sit where you expect them.
func (g *generator) businessUnitFor(s *scenario) string {
	ws := businessUnitWeights
	switch s.category {
	case "web-app-exploitation", "ddos":
		ws = []weighted{{"Online Store", 50}, {"Retail Banking", 30}, {"Group IT", 20}}
	case "business-email-compromise":
		ws = []weighted{{"Corporate", 55}, {"Retail Banking", 25}, {"Subsidiary Nordics", 20}}
	}
	return g.pickWeighted(ws)
}

// reviewFor records the post-incident review: held for most closed cases,
// on time for most (within two weeks of closure; some before it), late for
// some (less so as the programme matures), skipped for some low-severity
// cases; planned or not yet recorded for open ones.
func (g *generator) reviewFor(sev int, tl *ingest.Timeline, falsePositive, exercise bool, x float64) {
	c := &g.c
	if falsePositive {
		return
	}
	fac := pick(g.r, facilitators)
	if tl.Closure == nil {
		switch y := g.r.Float64(); {
		case y < 0.4:
			planned := tl.Detection.Add(time.Duration(7+g.r.IntN(21)) * 24 * time.Hour)
			if planned.Before(g.end) {
				planned = g.end.Add(time.Duration(1+g.r.IntN(20)) * 24 * time.Hour)
			}
			planned = g.officeHours(planned)
			c.Review = &ingest.Review{Status: "scheduled", HeldAt: &planned, Facilitator: fac}
		case y < 0.48:
			held := g.officeHours(tl.Detection.Add(time.Duration(10+g.r.IntN(30)) * 24 * time.Hour))
			if held.Before(g.end) {
				c.Review = &ingest.Review{Status: "held", HeldAt: &held, Facilitator: fac}
			}
		}
		return
	}
	skip := [5]float64{0.02, 0.03, 0.07, 0.18, 0.3}[sev]
	none := [5]float64{0, 0.01, 0.03, 0.1, 0.2}[sev]
	if exercise {
		skip, none = 0.05, 0.1
	}
	switch y := g.r.Float64(); {
	case y < none:
		return
	case y < none+skip:
		c.Review = &ingest.Review{Status: "skipped"}
		return
	}
	closure := *tl.Closure
	var held time.Time
	late := 0.28 - 0.16*x
	switch y := g.r.Float64(); {
	case y < 0.3: // before the case was closed
		held = closure.Add(-time.Duration(g.r.Float64() * 5 * 24 * float64(time.Hour)))
	case y < 1-late:
		held = closure.Add(time.Duration((0.5 + g.r.Float64()*13.5) * 24 * float64(time.Hour)))
	default:
		held = closure.Add(time.Duration((15 + g.r.Float64()*60) * 24 * float64(time.Hour)))
	}
	held = g.officeHours(held)
	if held.Before(*tl.Detection) {
		held = g.officeHours(tl.Detection.Add(24 * time.Hour))
	}
	if held.After(g.end) {
		c.Review = &ingest.Review{Status: "scheduled", HeldAt: &held, Facilitator: fac}
		return
	}
	rv := &ingest.Review{Status: "held", HeldAt: &held, Facilitator: fac}
	if g.chance(0.45) {
		pub := g.officeHours(held.Add(g.lognormal(gap{72, 0.7}, 1)))
		if !pub.After(g.end) {
			rv.Status, rv.PublishedAt = "published", &pub
		}
	}
	c.Review = rv
}

// playbooksFor records the playbook changes a held review agreed, followed
// up like action items.
func (g *generator) playbooksFor(s *scenario, sev int) {
	c := &g.c
	rv := c.Review
	if rv == nil || rv.HeldAt == nil || (rv.Status != "held" && rv.Status != "published") || sev >= 3 || !g.chance(0.35) {
		return
	}
	n := 1
	if g.chance(0.3) && len(s.playbookChanges) > 1 {
		n = 2
	}
	off := g.r.IntN(len(s.playbookChanges))
	team := c.Team
	if team == "" {
		team = "SOC"
	}
	for k := range n {
		held := *rv.HeldAt
		dueT := held.AddDate(0, 0, 21+g.r.IntN(40))
		u := ingest.PlaybookUpdate{
			Playbook: s.playbook,
			Change:   s.playbookChanges[(off+k)%len(s.playbookChanges)],
			Owner:    team,
			Due:      &ingest.Date{Time: time.Date(dueT.Year(), dueT.Month(), dueT.Day(), 0, 0, 0, 0, time.UTC)},
		}
		done := held.Add(time.Duration((3 + g.r.Float64()*50) * 24 * float64(time.Hour))).Truncate(time.Minute)
		switch {
		case g.chance(0.08):
			u.Status = "wont-do"
		case done.After(g.end) || g.chance(0.15):
			u.Status = "open"
			if g.chance(0.5) {
				u.Status = "in-progress"
			}
		default:
			u.Status, u.Completed = "done", &done
		}
		c.PlaybookUpdates = append(c.PlaybookUpdates, u)
	}
}

// costMedian is the median cost estimate by severity, in euros.
var costMedian = [5]float64{180_000, 35_000, 6_000, 1_000, 300}

// impactFor records what some incidents cost: records exposed, a cost
// estimate, downtime, and whether the regulator and customers were told
// (the tag gdpr-notifiable means the regulator was).
func (g *generator) impactFor(s *scenario, sev int, notReal bool) {
	c := &g.c
	p := s.impact.p * [5]float64{1.2, 1.1, 0.8, 0.5, 0.3}[sev]
	notifiable := false
	for _, t := range c.Tags {
		notifiable = notifiable || t == "gdpr-notifiable"
	}
	if notReal || !(notifiable || g.chance(p)) {
		return
	}
	im := &ingest.Impact{}
	if s.impact.records > 0 && g.chance(0.8) {
		n := int64(math.Round(s.impact.records * math.Exp(1.3*g.r.NormFloat64())))
		im.Records = &n
	}
	if g.chance(0.75) {
		scale := s.impact.costScale
		if scale == 0 {
			scale = 1
		}
		cost := math.Round(costMedian[sev]*scale*math.Exp(1.0*g.r.NormFloat64())/100) * 100
		im.Cost = &cost
		im.Currency = "EUR"
		if g.chance(0.15) {
			im.Currency = "USD"
		}
	}
	if s.impact.downtime > 0 && g.chance(0.85) {
		h := math.Round(s.impact.downtime*math.Exp(0.9*g.r.NormFloat64())*2) / 2
		im.DowntimeHours = &h
	}
	personal := im.Records != nil && *im.Records >= 100
	if notifiable || personal || g.chance(0.6) {
		reg := notifiable || (personal && *im.Records >= 500 && g.chance(0.8))
		im.RegulatorNotified = &reg
		cust := personal && (*im.Records >= 1000 || g.chance(0.3))
		im.CustomersNotified = &cust
	}
	if *im == (ingest.Impact{}) {
		return
	}
	c.Impact = im
}

// lesson writes a needs-improvement lesson, sometimes in another spelling
// (case, trailing full stop), the variation real reviews have, and with a
// theme as the team took up tagging lessons (rarely at first, often by the
// end of the span: x is the progress through it).
func (g *generator) lesson(text string, x float64) (string, string) {
	th := lessonThemes[text]
	switch y := g.r.Float64(); {
	case y < 0.05:
		text = strings.ToLower(text[:1]) + text[1:]
	case y < 0.1:
		text += "."
	}
	if th != "" && g.chance(0.05+0.4*x) {
		return text, th
	}
	return text, ""
}

// ruleStatusFor: a rule is usually deployed some weeks after the review;
// rules of recent cases are still proposed, a few promised rules never
// ship, a few are retired, and some reviews do not say.
func (g *generator) ruleStatusFor(det time.Time) string {
	y := g.r.Float64()
	if g.end.Sub(det) < 60*24*time.Hour {
		switch {
		case y < 0.55:
			return "proposed"
		case y < 0.9:
			return "deployed"
		}
		return ""
	}
	switch {
	case y < 0.7:
		return "deployed"
	case y < 0.82:
		return "proposed"
	case y < 0.9:
		return "retired"
	}
	return ""
}

// tenantFor spreads cases over the tenants, the first the largest
// (weights 1, 1/2, 1/3, …), from a stream of its own so the rest of each
// case is the same with or without tenants.
func (g *generator) tenantFor(i int) string {
	ts := g.o.Tenants
	if len(ts) == 0 {
		return ""
	}
	var total float64
	for k := range ts {
		total += 1 / float64(k+1)
	}
	u := float64(splitmix64(g.seed^splitmix64(uint64(i)^0x7e4a47))>>11) / float64(1<<53) * total
	for k, t := range ts {
		if u < 1/float64(k+1) {
			return t
		}
		u -= 1 / float64(k+1)
	}
	return ts[len(ts)-1]
}
