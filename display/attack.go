package display

// TechniqueCount names a technique with its case count for prose:
// "Valid Accounts (T1078, 19 cases)", or, when the count takes in the
// technique's sub-techniques (T1078.004 counted as T1078), "Valid Accounts
// (T1078 with its sub-techniques, 19 cases)" — so a reader who finds 10
// cases of T1078 and 9 of T1078.004 in the technique table knows where 19
// comes from.
func TechniqueCount(name, id string, cases int, withSubs bool) string {
	if withSubs {
		id += " with its sub-techniques"
	}
	if name == "" {
		return id + " (" + Plural(cases, "case", "cases") + ")"
	}
	return name + " (" + id + ", " + Plural(cases, "case", "cases") + ")"
}
