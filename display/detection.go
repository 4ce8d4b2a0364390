package display

// RuleTitle is a rule's title with the platform its logsource detects on
// when that is one platform: "AWS EC2 Disable EBS Encryption (aws)". A rule
// for any platform or an unmapped one shows its title alone.
func RuleTitle(title, platform string) string {
	if platform == "" || platform == "any" {
		return title
	}
	return title + " (" + platform + ")"
}

// PlatformList joins a technique's case platforms: "esxi, windows", or
// "platform unknown" when its cases record none.
func PlatformList(platforms []string) string {
	if len(platforms) == 0 {
		return "platform unknown"
	}
	s := ""
	for i, p := range platforms {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

// PromisedResult words a promised rule's reconciliation result.
func PromisedResult(result string) string {
	switch result {
	case "found":
		return "in the rules folder"
	case "missing":
		return "missing"
	case "deployed-not-found":
		return "marked deployed, not in the folder"
	case "retired":
		return "retired"
	}
	return result
}

// PlatformLabel names a platform row of the coverage-by-platform table:
// the platform, or "no platform recorded" for the cases without one.
func PlatformLabel(platform string) string {
	if platform == "" {
		return "no platform recorded"
	}
	return platform
}

// UncoveredCases is a gap's case count: "3", or "1 of 3" when a rule for
// the platform of some of its cases exists.
func UncoveredCases(uncovered, cases int) string {
	if uncovered == cases {
		return Count(cases)
	}
	return Count(uncovered) + " of " + Count(cases)
}
