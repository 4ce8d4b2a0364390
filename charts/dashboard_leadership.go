package charts

import (
	"fmt"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// leadershipView is the top of the dashboard (issue 15): data freshness,
// the decisions box, the "By severity" table, the overdue roll-up by owner
// and the fixes that did not hold.
type leadershipView struct {
	Quarter    string
	Freshness  string
	Stale      bool // the quarter is empty while the database has cases
	Decisions  []string
	BySeverity tableView
	Owners     tableView
	OwnersNote string
	Fixes      tableView
	FixesNote  string
}

// leadershipSection builds the leadership view from the model.
func leadershipSection(r *analytics.Report) leadershipView {
	f := r.Freshness
	v := leadershipView{Quarter: r.Quarter, Stale: r.Empty(),
		Freshness: display.Freshness(f.NewestDetected, f.NewestCase, f.NewestFile, f.NewestIngested)}
	for _, d := range r.Decisions {
		v.Decisions = append(v.Decisions, display.DecisionLine(d.Count, d.What, d.Owner, d.Proposal))
	}
	v.BySeverity = tableView{
		Head:  []headCell{th("Severity"), th("Metric"), thNum("Median"), thNum("p90"), thNum("n"), thNum("Target"), thNum("Within target")},
		Empty: "No counted case in " + r.Quarter + ".",
	}
	for _, s := range r.BySeverity {
		u := display.UnitFor(s.Median, s.P90)
		target, within := display.NoValue, display.NoValue
		if s.TargetHours != nil {
			target = "≤ " + display.Duration(*s.TargetHours)
		}
		if s.Share != nil && s.WithinTarget != nil {
			within = fmt.Sprintf("%s (%s of %s)", display.Share(*s.Share), display.Count(*s.WithinTarget), display.Count(s.N))
		}
		v.BySeverity.Keys = append(v.BySeverity.Keys, s.Severity)
		v.BySeverity.Rows = append(v.BySeverity.Rows, []cell{tdText(s.Severity), tdText(display.Or(s.Label, s.Metric)),
			tdNum(u.Format(s.Median)), tdNum(u.Format(s.P90)), tdCount(s.N), tdNum(target), tdNum(within)})
	}
	day := display.Day(r.AsOfDate)
	v.Owners = tableView{
		Head:  []headCell{th("Owner"), th("Priority"), thNum("Items overdue"), thNum("Oldest overdue")},
		Empty: "No action item was overdue on " + day + ".",
	}
	for i, o := range r.OverdueByOwner {
		if i == ownersShown {
			v.Owners.Caption = fmt.Sprintf("The %d owner and priority pairs with the most items; %s more in the overdue list below and in pir actions --as-of %s",
				ownersShown, display.Count(len(r.OverdueByOwner)-ownersShown), r.AsOfDate)
			break
		}
		v.Owners.Rows = append(v.Owners.Rows, []cell{tdText(display.Or(o.Owner, "unassigned")), tdText(display.OrNoValue(o.Priority)),
			tdCount(o.Items), tdNum(display.DayCount(o.OldestDays))})
	}
	v.OwnersNote = fmt.Sprintf("%s overdue on %s (the end of %s), by owner and priority", display.Plural(r.OverdueTotal, "action item", "action items"), day, r.Quarter)
	v.Fixes = tableView{
		Head:  []headCell{th("Earlier case (fixed)"), th("Root cause"), th("Its completed action items"), th("Recurred in " + r.Quarter)},
		Empty: fmt.Sprintf("No case of %s recurred within %s of an earlier case's completed fix.", r.Quarter, display.Window(r.RecurrenceWindow)),
	}
	for _, fx := range analytics.FailedFixes(r.Recurrences) {
		items := display.NoValue
		if len(fx.Items) > 0 {
			items = display.JoinAnd(fx.Items)
		}
		v.Fixes.Rows = append(v.Fixes.Rows, []cell{tdMono(fx.Ref), tdText(display.Words(fx.Category)), tdFree(items), tdMono(display.JoinAnd(fx.CaseRefs))})
	}
	v.FixesNote = fmt.Sprintf("Cases that recurred within %s of an earlier case's completed fix, with the same root cause and a shared ATT&CK technique (parent level) or asset",
		display.Window(r.RecurrenceWindow))
	return v
}

// ownersShown is how many owner × priority pairs the roll-up shows.
const ownersShown = 12

// dataFact is the masthead's freshness fact: the newest case and file.
func dataFact(r *analytics.Report) string {
	f := r.Freshness
	if f.NewestDetected == nil {
		return "no case in the database"
	}
	s := "newest case " + display.Or(f.NewestCase, display.NoValue) + " (" + f.NewestDetected.Format("2 Jan 2006") + ")"
	if f.NewestIngested != nil {
		s += ", ingested " + f.NewestIngested.Format("2 Jan 2006")
	}
	return s
}
