package display

// NotDrawn is a chart's note on the cases it leaves out: "12 cases in 12
// smaller categories are not drawn (each is in the table)."
func NotDrawn(cases, categories int) string {
	return Plural(cases, "case", "cases") + " in " + Plural(categories, "smaller category", "smaller categories") +
		" " + IsAre(cases) + " not drawn (each is in the table)."
}
