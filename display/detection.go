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
