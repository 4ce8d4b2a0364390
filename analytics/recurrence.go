package analytics

import (
	"context"
	"slices"
	"time"

	"github.com/pirhq/pir/display"

	pirsql "github.com/pirhq/pir/sql"
)

// Recurrence is a case of the report quarter that recurred: an earlier case
// with the same root-cause category and a shared ATT&CK technique (at
// parent level) or affected asset had all its action items completed, and
// this case was detected within the recurrence window after that. The
// earlier case's fix did not hold (the recurrences view, docs/metrics.md).
type Recurrence struct {
	CaseID   string `json:"case_id"`
	Source   string `json:"source"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Category string `json:"root_cause"`
	// EarlierCaseID and EarlierSource name the case whose fix failed.
	EarlierCaseID string `json:"earlier_case_id"`
	EarlierSource string `json:"earlier_source"`
	EarlierTitle  string `json:"earlier_title"`
	// FixedAt is when the last of the earlier case's action items was
	// completed; DaysAfterFix the days from then to this case's detection.
	FixedAt      time.Time `json:"fixed_at"`
	DaysAfterFix float64   `json:"days_after_fix"`
	// FixItems are the earlier case's completed action items, in order.
	FixItems []string `json:"fix_items"`
	// FixOwners are the owners of those items.
	FixOwners []string `json:"fix_owners"`
}

// buildRecurrences fills Recurrences: every recurring case of the report
// quarter, most recent fix first.
func buildRecurrences(ctx context.Context, q querier, sp *span, r *Report) error {
	set, err := pirsql.Settings(ctx, q)
	if err != nil {
		return err
	}
	r.RecurrenceWindow = set["recurrence_window"]
	rows, err := pirsql.Recurrences(ctx, q, sp.cohort, sp.last())
	if err != nil {
		return err
	}
	r.Recurrences = make([]Recurrence, 0, len(rows))
	for _, x := range rows {
		r.Recurrences = append(r.Recurrences, Recurrence{CaseID: x.CaseID, Source: x.Source, Title: x.Title, Severity: x.Severity,
			Category: x.Category, EarlierCaseID: x.EarlierCaseID, EarlierSource: x.EarlierSource, EarlierTitle: x.EarlierTitle,
			FixedAt: x.FixedAt.In(sp.loc), DaysAfterFix: round(x.DaysAfterFix), FixItems: x.FixItems, FixOwners: x.FixOwners})
	}
	return nil
}

// FailedFix is an earlier case whose completed fix did not hold: the cases
// of the report quarter that recurred after it.
type FailedFix struct {
	Ref         string   // the earlier case (case_ref)
	Source      string   // its source
	CaseID      string   // its ID
	Title       string   // its title
	Category    string   // root-cause category
	Items       []string // its completed action items
	Owners      []string // their owners
	Recurrences int      // report-quarter cases that recurred after it
	CaseRefs    []string // those cases
}

// FailedFixes groups recurrences by the earlier case whose fix failed, most
// recurrences first, then in the order of rs (most recent fix first).
func FailedFixes(rs []Recurrence) []FailedFix {
	var out []FailedFix
	at := map[string]int{}
	for _, x := range rs {
		key := x.EarlierSource + "\x00" + x.EarlierCaseID
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, FailedFix{Ref: display.CaseRef(x.EarlierSource, x.EarlierCaseID), Source: x.EarlierSource, CaseID: x.EarlierCaseID,
				Title: x.EarlierTitle, Category: x.Category, Items: x.FixItems, Owners: x.FixOwners})
		}
		out[i].Recurrences++
		out[i].CaseRefs = append(out[i].CaseRefs, display.CaseRef(x.Source, x.CaseID))
	}
	slices.SortStableFunc(out, func(a, b FailedFix) int { return b.Recurrences - a.Recurrences })
	return out
}
