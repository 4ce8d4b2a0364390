package coverage

import "strings"

// AnyPlatform is the platform of a rule whose log source exists wherever an
// application runs (a web server, an antivirus, an application log): it
// counts for every platform.
const AnyPlatform = "any"

// PlatformOf maps a Sigma logsource (product, service, category) onto pir's
// platform vocabulary (docs/format.md, Platforms): "windows", "aws", …,
// AnyPlatform, or "" when it is not mapped (the rule then matches by
// technique alone and is marked "platform unknown").
func PlatformOf(product, service, category string) string {
	p := strings.ToLower(strings.TrimSpace(product))
	s := strings.ToLower(strings.TrimSpace(service))
	c := strings.ToLower(strings.TrimSpace(category))
	switch p {
	case "windows", "linux", "macos", "aws", "azure", "okta", "kubernetes", "m365":
		return p
	case "gcp":
		if strings.HasPrefix(s, "google_workspace") {
			return "google-workspace"
		}
		return "gcp"
	case "google_workspace":
		return "google-workspace"
	case "github", "bitbucket", "onelogin":
		return "saas"
	case "cisco":
		if s == "duo" {
			return "saas"
		}
		return "network"
	case "huawei", "juniper", "zeek", "fortios", "paloalto":
		return "network"
	case "esxi", "vmware":
		return "esxi"
	case "":
		switch c {
		case "firewall", "proxy", "dns":
			return "network"
		case "webserver", "antivirus", "database", "application":
			return AnyPlatform
		}
	}
	if c == "application" {
		return AnyPlatform
	}
	return ""
}

// ForPlatforms reports whether a rule of platform rp detects on a case of
// the given platforms: a rule for one of them, or for any platform; a rule
// whose platform is unknown ("") matches too (technique alone), as does
// any rule when the case has no platforms.
func ForPlatforms(rp string, platforms []string) bool {
	if rp == "" || rp == AnyPlatform || len(platforms) == 0 {
		return true
	}
	for _, p := range platforms {
		if p == rp {
			return true
		}
	}
	return false
}
