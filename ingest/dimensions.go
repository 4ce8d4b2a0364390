package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// The vocabularies of the case dimensions and their normalisers. Each
// normaliser takes what an export may contain (any case, spaces or
// underscores for hyphens, the usual synonyms) and returns the canonical
// value or an error that lists the vocabulary. docs/format.md documents
// the same lists.

// Platforms is the platform vocabulary: where an incident happened, in the
// terms detection content is written for (Sigma logsource.product, ATT&CK
// platforms). docs/format.md maps Sigma products and services onto it.
var Platforms = []string{
	"windows", "linux", "macos", "android", "ios",
	"aws", "azure", "gcp", "m365", "google-workspace", "okta", "saas",
	"kubernetes", "esxi", "network",
}

// platformAliases are other spellings of a platform, after NormalizeCategory.
var platformAliases = map[string]string{
	"win": "windows", "microsoft-windows": "windows", "windows-server": "windows", "active-directory": "windows",
	"mac": "macos", "mac-os": "macos", "osx": "macos", "os-x": "macos", "macosx": "macos", "mac-os-x": "macos", "darwin": "macos",
	"iphone": "ios", "ipados": "ios", "ipad": "ios",
	"amazon": "aws", "amazon-web-services": "aws",
	"microsoft-azure": "azure", "entra": "azure", "entra-id": "azure", "microsoft-entra-id": "azure", "azure-ad": "azure", "aad": "azure",
	"google-cloud": "gcp", "google-cloud-platform": "gcp",
	"office365": "m365", "office-365": "m365", "o365": "m365", "microsoft-365": "m365", "microsoft365": "m365",
	"exchange-online": "m365", "sharepoint-online": "m365",
	"gsuite": "google-workspace", "g-suite": "google-workspace", "gworkspace": "google-workspace", "google-apps": "google-workspace",
	"k8s":    "kubernetes",
	"vmware": "esxi", "vmware-esxi": "esxi", "vsphere": "esxi", "vcenter": "esxi",
	"network-device": "network", "network-devices": "network", "firewall": "network", "router": "network", "switch": "network",
}

// NormalizePlatform maps a platform name (any case, an alias such as
// office365 or vmware) to one of Platforms.
func NormalizePlatform(s string) (string, error) {
	v := NormalizeCategory(s)
	for _, p := range Platforms {
		if v == p {
			return p, nil
		}
	}
	if p, ok := platformAliases[v]; ok {
		return p, nil
	}
	return "", fmt.Errorf("unknown platform %q (want one of %s)", truncate(s, 40), strings.Join(Platforms, ", "))
}

// DetectionSources is who detected the incident, M-Trends' split of
// internal and external detection with external parties, customers and the
// attacker (a ransom note, an extortion email) told apart.
var DetectionSources = []string{"internal", "external-party", "customer", "attacker"}

var detectionSourceAliases = map[string]string{
	"self": "internal", "self-detected": "internal", "internally-detected": "internal", "soc": "internal", "employee": "internal",
	"external": "external-party", "third-party": "external-party", "external-notification": "external-party",
	"law-enforcement": "external-party", "vendor": "external-party", "partner": "external-party", "researcher": "external-party",
	"client": "customer", "customer-report": "customer",
	"adversary": "attacker", "threat-actor": "attacker", "ransom-note": "attacker", "extortion": "attacker", "adversary-notification": "attacker",
}

// NormalizeDetectionSource maps a detection source (any case, an alias
// such as external or ransom note) to one of DetectionSources; "" stays "".
func NormalizeDetectionSource(s string) (string, error) {
	v := NormalizeCategory(s)
	if v == "" {
		return "", nil
	}
	for _, d := range DetectionSources {
		if v == d {
			return d, nil
		}
	}
	if d, ok := detectionSourceAliases[v]; ok {
		return d, nil
	}
	return "", fmt.Errorf("unknown detection source %q (want one of %s)", truncate(s, 40), strings.Join(DetectionSources, ", "))
}

// ReviewStatuses are the states of a post-incident review.
var ReviewStatuses = []string{"scheduled", "held", "published", "skipped"}

var reviewStatusAliases = map[string]string{
	"planned": "scheduled", "pending": "scheduled", "booked": "scheduled",
	"done": "held", "completed": "held", "complete": "held",
	"shared": "published", "issued": "published",
	"cancelled": "skipped", "canceled": "skipped", "waived": "skipped", "not-held": "skipped", "none": "skipped",
}

// NormalizeReviewStatus maps a review status (any case, an alias such as
// completed or cancelled) to one of ReviewStatuses; "" stays "".
func NormalizeReviewStatus(s string) (string, error) {
	v := NormalizeCategory(s)
	if v == "" {
		return "", nil
	}
	for _, r := range ReviewStatuses {
		if v == r {
			return r, nil
		}
	}
	if r, ok := reviewStatusAliases[v]; ok {
		return r, nil
	}
	return "", fmt.Errorf("unknown review status %q (want one of %s)", truncate(s, 40), strings.Join(ReviewStatuses, ", "))
}

// RuleStatuses are the deployment states of a detection rule. Sigma's own
// rule status (stable, test, experimental) is about the rule's maturity,
// not whether this team runs it, and is not accepted here.
var RuleStatuses = []string{"proposed", "deployed", "retired"}

var ruleStatusAliases = map[string]string{
	"planned": "proposed", "draft": "proposed", "todo": "proposed", "in-development": "proposed",
	"active": "deployed", "enabled": "deployed", "production": "deployed", "live": "deployed",
	"disabled": "retired", "removed": "retired", "deprecated": "retired", "decommissioned": "retired",
}

// NormalizeRuleStatus maps a detection-rule status to one of RuleStatuses;
// "" stays "" (unknown).
func NormalizeRuleStatus(s string) (string, error) {
	v := NormalizeCategory(s)
	if v == "" {
		return "", nil
	}
	for _, r := range RuleStatuses {
		if v == r {
			return r, nil
		}
	}
	if r, ok := ruleStatusAliases[v]; ok {
		return r, nil
	}
	return "", fmt.Errorf("unknown rule status %q (want one of %s)", truncate(s, 40), strings.Join(RuleStatuses, ", "))
}

// NormalizeSigmaID checks a Sigma rule id, a UUID
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex), and returns it in lower
// case; "" stays "".
func NormalizeSigmaID(s string) (string, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", nil
	}
	ok := len(v) == 36
	for i := 0; ok && i < len(v); i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			ok = c == '-'
		default:
			ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
		}
	}
	if !ok {
		return "", fmt.Errorf("%q is not a Sigma rule id (want a UUID like 0f06a3a5-6a09-413f-8743-e6cf35561297)", truncate(s, 40))
	}
	return strings.ToLower(v), nil
}

// NormalizeCurrency checks an ISO 4217 code (three letters) and returns it
// in upper case; "" stays "".
func NormalizeCurrency(s string) (string, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", nil
	}
	ok := len(v) == 3
	for i := 0; ok && i < len(v); i++ {
		c := v[i] | 0x20
		ok = c >= 'a' && c <= 'z'
	}
	if !ok {
		return "", fmt.Errorf("%q is not an ISO 4217 currency code (want three letters, e.g. EUR, USD)", truncate(s, 40))
	}
	return strings.ToUpper(v), nil
}

// AddAsset appends s to list unless the list already holds it ignoring
// case; the first spelling is kept.
func AddAsset(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

// AddAssets is AddAsset for each of ss (empty ones dropped), without the
// quadratic scan when the lists are long.
func AddAssets(list, ss []string) []string {
	if len(list)+len(ss) <= 16 {
		for _, s := range ss {
			if s != "" {
				list = AddAsset(list, s)
			}
		}
		return list
	}
	seen := make(map[string]bool, len(list)+len(ss))
	for _, x := range list {
		seen[assetKey(x)] = true
	}
	for _, s := range ss {
		if k := assetKey(s); s != "" && !seen[k] {
			seen[k] = true
			list = append(list, s)
		}
	}
	return list
}

// assetKey is the key two asset names compare equal by when strings.EqualFold
// says so: the simple case folding of each rune.
func assetKey(s string) string {
	return strings.Map(foldRune, s)
}

// foldRune is the smallest rune of r's case-folding orbit, so that r and
// every rune EqualFold matches with it map to the same rune.
func foldRune(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < m {
			m = f
		}
	}
	return m
}

// parseCount reads a whole number ≥ 0 written in decimal (a JSON number
// or, from CSV, a string): "1200", "1.2e3".
func parseCount(s string) (int64, error) {
	v := strings.TrimSpace(s)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return n, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if !decimalText(v) || err != nil || f < 0 || f != math.Trunc(f) || f > 1<<53 {
		return 0, fmt.Errorf("%q is not a whole number ≥ 0", truncate(s, 40))
	}
	return int64(f), nil
}

// parseAmount reads a finite number ≥ 0 written in decimal (a JSON number
// or, from CSV, a string).
func parseAmount(s string) (float64, error) {
	v := strings.TrimSpace(s)
	f, err := strconv.ParseFloat(v, 64)
	if !decimalText(v) || err != nil || f < 0 || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number ≥ 0", truncate(s, 40))
	}
	return f + 0, nil // -0 → 0
}

// decimalText reports whether s has only the characters of a decimal
// number (strconv also reads "Inf", "NaN", hex floats and underscores).
func decimalText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return false
		}
	}
	return s != ""
}
