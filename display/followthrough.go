package display

import (
	"strconv"
	"strings"
)

// OverdueReviewsWhat is what the overdue-review decision counts, after
// the count: "critical or high cases closed in 2025-Q4 without a review
// within 14 days of closure, on 31 December 2025 (1 skipped; oldest 40
// days past due): IR-00350, IR-00361 and 1 more".
func OverdueReviewsWhat(n, skipped, oldestDays int, quarter string, withinDays float64, asOfDay string, ids []string) string {
	noun := "cases"
	if n == 1 {
		noun = "case"
	}
	var b strings.Builder
	b.WriteString("critical or high " + noun + " closed in " + quarter + " without a review within " +
		strconv.FormatFloat(withinDays, 'f', -1, 64) + " days of closure, on " + asOfDay + " (")
	if skipped > 0 {
		b.WriteString(Count(skipped) + " skipped; ")
	}
	b.WriteString("oldest " + Plural(oldestDays, "day", "days") + " past due)")
	if len(ids) > 0 {
		b.WriteString(": " + JoinCases(ids, n, 5))
	}
	return b.String()
}

// PlaybookRowLabel heads the playbook-update row of the follow-through
// tables, beside "Action items".
const PlaybookRowLabel = "Playbook updates"

// PlaybookFollowThroughSentence sums up the quarter's playbook updates for
// the follow-through section: "11 playbook updates agreed for 2025-Q4
// cases: 9 done and 2 overdue on 31 December 2025; of the 7 due by then,
// 43% were done on time. 20 updates of any quarter are overdue."
func PlaybookFollowThroughSentence(quarter string, updates, due, done, overdue int, onTime *float64, asOfDay string, overdueTotal int) string {
	if updates == 0 {
		s := "No playbook update was agreed for " + quarter + " cases."
		if overdueTotal > 0 {
			s += " " + Plural(overdueTotal, "update", "updates") + " from earlier cases " + IsAre(overdueTotal) + " overdue on " + asOfDay + "."
		}
		return s
	}
	s := Plural(updates, "playbook update", "playbook updates") + " agreed for " + quarter + " cases: " +
		Count(done) + " done and " + Count(overdue) + " overdue on " + asOfDay
	if onTime != nil {
		s += "; of the " + Count(due) + " due by then, " + Rate(onTime) + " " + WasWere(due) + " done on time"
	}
	s += "."
	if overdueTotal != overdue {
		s += " " + Plural(overdueTotal, "update", "updates") + " of any quarter " + IsAre(overdueTotal) + " overdue."
	}
	return s
}
