package analytics

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pirhq/pir/display"
)

// Decision is one item of the "Decisions needed" box on page 1, in the
// email and on the dashboard: a number, who owns it and what leadership is
// asked to decide. Every decision comes from a rule over the report model;
// an empty list is shown as "No decisions needed", never filled in.
type Decision struct {
	// Rule names the rule that raised it, e.g. "overdue_critical_high".
	Rule string `json:"rule"`
	// Count is the number the decision is about (items, cases, %).
	Count int `json:"count"`
	// What says what the number counts, e.g. "critical or high action
	// items overdue on 31 December 2025".
	What string `json:"what"`
	// Owner is who is to act; "unassigned" when the data names nobody.
	Owner string `json:"owner"`
	// Proposal is the proposed decision.
	Proposal string `json:"proposal"`
}

// decisionRule is one rule: it reads the finished model (everything but
// Decisions) and returns its decisions, most important first.
type decisionRule func(r *Report) []Decision

// decisionRules are the rules in the order the box lists them. Adding a
// rule is one function and one line here.
var decisionRules = []decisionRule{
	decideOverdueCriticalHigh,
	decideTargetsMissed,
	decideP90Regressions,
	decideFailedFixes,
	decideOverdueReviews,
	decideRisingRootCauses,
}

// MaxDecisions caps the box: it must be read in two minutes.
const MaxDecisions = 6

// decide runs every rule over r.
func decide(r *Report) []Decision {
	out := []Decision{}
	for _, rule := range decisionRules {
		out = append(out, rule(r)...)
	}
	if len(out) > MaxDecisions {
		out = out[:MaxDecisions]
	}
	return out
}

// decideOverdueCriticalHigh: the owners with critical or high action items
// overdue at the as-of date, most items first (at most 2 owners).
func decideOverdueCriticalHigh(r *Report) []Decision {
	type agg struct {
		owner  string
		n, age int
	}
	by := map[string]*agg{}
	for _, o := range r.OverdueByOwner {
		if o.Priority != "critical" && o.Priority != "high" {
			continue
		}
		a := by[o.Owner]
		if a == nil {
			a = &agg{owner: o.Owner}
			by[o.Owner] = a
		}
		a.n += o.Items
		a.age = max(a.age, o.OldestDays)
	}
	var aggs []*agg
	for _, a := range by {
		aggs = append(aggs, a)
	}
	slices.SortFunc(aggs, func(a, b *agg) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.owner, b.owner)
	})
	var out []Decision
	for i, a := range aggs {
		if i == 2 {
			break
		}
		out = append(out, Decision{Rule: "overdue_critical_high", Count: a.n,
			What:     fmt.Sprintf("critical or high action %s overdue on %s (oldest %s)", plural(a.n, "item", "items"), r.asOfDay(), display.Plural(a.age, "day", "days")),
			Owner:    display.Or(a.owner, "unassigned"),
			Proposal: "commit to new due dates this month, or accept the risk in writing"})
	}
	return out
}

// decideTargetsMissed: the severity targets under 80% attainment in the
// report quarter (n ≥ SmallSample).
func decideTargetsMissed(r *Report) []Decision {
	var out []Decision
	for _, t := range r.Targets {
		if t.Quarter != r.Quarter || t.Share == nil || t.N < SmallSample || *t.Share >= TargetGoal {
			continue
		}
		out = append(out, Decision{Rule: "target_missed", Count: t.N - t.WithinTarget,
			What: fmt.Sprintf("of %s %s cases missed the %s target of %s (%s within)", display.Count(t.N), t.Severity,
				display.LowerLabel(t.Label), display.Duration(t.TargetHours), display.Share(*t.Share)),
			Owner:    "IR lead",
			Proposal: "fund the fix for the slowest step, or reset the target knowingly"})
	}
	return out
}

// decideP90Regressions: metrics whose slowest cases got markedly slower.
func decideP90Regressions(r *Report) []Decision {
	var out []Decision
	for _, g := range p90Regressions(r) {
		out = append(out, Decision{Rule: "p90_regression", Count: int(g.Pct + 0.5),
			What: fmt.Sprintf("%% rise of the p90 %s (%s → %s vs %s)", display.LowerLabel(g.Label),
				display.SentenceDuration(g.From, g.To), display.SentenceDuration(g.To, g.From), g.Vs),
			Owner:    "IR lead",
			Proposal: "review the slowest cases of the quarter and decide what removes the delay"})
	}
	return out
}

// decideFailedFixes: the earlier fixes that did not hold, most recurrences
// first (at most 2).
func decideFailedFixes(r *Report) []Decision {
	var out []Decision
	for i, f := range FailedFixes(r.Recurrences) {
		if i == 2 {
			break
		}
		out = append(out, Decision{Rule: "failed_fix", Count: f.Recurrences,
			What: fmt.Sprintf("%s after the completed fix of %s (%s): %s", plural(f.Recurrences, "recurrence", "recurrences"),
				f.Ref, display.Words(f.Category), strings.Join(f.CaseRefs, ", ")),
			Owner:    display.Or(strings.Join(f.Owners, ", "), "unassigned"),
			Proposal: "reopen the fix: decide what must change beyond its action items"})
	}
	return out
}

// decideOverdueReviews: the critical and high cases closed in the report
// quarter whose review was due (review_within after closure) before the
// as-of date and not held by then (Learning.OverdueReviews). One decision.
func decideOverdueReviews(r *Report) []Decision {
	if r.Learning == nil || r.Learning.OverdueReviews.Cases == 0 {
		return nil
	}
	o := r.Learning.OverdueReviews
	return []Decision{{Rule: "overdue_review", Count: o.Cases,
		What:     display.OverdueReviewsWhat(o.Cases, o.Skipped, o.OldestDays, r.Quarter, r.Learning.ReviewWithinDays, r.asOfDay(), o.CaseIDs),
		Owner:    "IR lead",
		Proposal: "hold these reviews within two weeks, or record why each is skipped"}}
}

// decideRisingRootCauses: root-cause categories whose case count rose in
// each of the last two quarters (to at least SmallSample cases).
func decideRisingRootCauses(r *Report) []Decision {
	n := len(r.Quarters)
	if n < 3 {
		return nil
	}
	q0, q1, q2 := r.Quarters[n-3], r.Quarters[n-2], r.Quarters[n-1]
	count := map[[2]string]int{}
	var cats []string
	for _, rc := range r.RootCauses {
		count[[2]string{rc.Quarter, rc.Category}] = rc.Cases
		if rc.Quarter == q2 {
			cats = append(cats, rc.Category)
		}
	}
	var out []Decision
	for _, c := range cats {
		a, b, x := count[[2]string{q0, c}], count[[2]string{q1, c}], count[[2]string{q2, c}]
		if a < b && b < x && x >= SmallSample {
			out = append(out, Decision{Rule: "rising_root_cause", Count: x,
				What:     fmt.Sprintf("cases caused by %s in %s, rising two quarters running (%d → %d → %d)", display.Words(c), q2, a, b, x),
				Owner:    "CISO",
				Proposal: "name an owner and fund a programme against " + display.Words(c)})
		}
	}
	return out
}

// plural is display.Plural without the count ("item" / "items").
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// asOfDay is the as-of date as a sentence writes it ("31 December 2025").
func (r *Report) asOfDay() string { return display.Day(r.AsOfDate) }
