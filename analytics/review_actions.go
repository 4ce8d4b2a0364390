package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// ActionStatuses are the filters ListActions takes: open (not done, not
// wont-do), overdue (open and past the due date) and all.
var ActionStatuses = []string{"open", "overdue", "all"}

// ErrBadActionFilter is returned for a filter other than ActionStatuses.
var ErrBadActionFilter = errors.New("status must be open, overdue or all")

// ActionList is the action items that came out of post-incident reviews,
// across cases, with their state on AsOfDate: what `pir actions` prints and
// exports to a tracker.
type ActionList struct {
	// Filter is "open", "overdue" or "all"; Quarter limits the items to the
	// cases of one detection quarter ("" for every quarter).
	Filter   string    `json:"filter"`
	Quarter  string    `json:"quarter,omitempty"`
	TimeZone string    `json:"time_zone"`
	AsOf     time.Time `json:"as_of"`
	// AsOfDate is the day in TimeZone that overdue is measured against: an
	// item due that day is not yet overdue.
	AsOfDate string       `json:"as_of_date"`
	Items    []ActionItem `json:"items"`
	// Overdue counts the overdue Items.
	Overdue int `json:"overdue"`
}

// ActionItem is one action item with the case it came from.
type ActionItem struct {
	Source    string `json:"source"`
	CaseID    string `json:"case_id"`
	Ref       string `json:"case"` // case_ref: the ID, or source:ID
	Quarter   string `json:"quarter"`
	CaseTitle string `json:"case_title"`
	Severity  string `json:"severity"`

	ID        string     `json:"item_id"`
	Summary   string     `json:"summary"`
	Owner     string     `json:"owner"`
	Priority  string     `json:"priority"`
	Due       string     `json:"due"` // YYYY-MM-DD or ""
	Status    string     `json:"status"`
	Completed *time.Time `json:"completed_at"`
	// Done is true when the item was completed by AsOf.
	Done        bool `json:"done"`
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"days_overdue"`
}

// ActionOptions say which action items to list.
type ActionOptions struct {
	// Filter is "open" (default when empty), "overdue" or "all".
	Filter string
	// Quarter limits to the cases detected in one quarter ("2024-Q1").
	Quarter string
	// Now is the clock (time.Now when nil): the instant and date overdue is
	// measured against.
	Now func() time.Time
	// AsOfDate (YYYY-MM-DD), when set, measures at the end of that day in
	// the time zone instead of now: the as-of date of a quarterly report
	// (its quarter's last day) gives the report's overdue count.
	AsOfDate string
}

// ErrBadAsOf is returned for an as-of date that is not YYYY-MM-DD.
var ErrBadAsOf = errors.New("want a date YYYY-MM-DD")

// ListActions lists action items across cases, most overdue first, then by
// due date.
func ListActions(ctx context.Context, db *pirsql.DB, opts ActionOptions) (*ActionList, error) {
	filter := opts.Filter
	if filter == "" {
		filter = "open"
	}
	if !contains(ActionStatuses, filter) {
		return nil, fmt.Errorf("%q: %w", opts.Filter, ErrBadActionFilter)
	}
	quarter := ""
	if opts.Quarter != "" {
		q, err := ParseQuarter(opts.Quarter)
		if err != nil {
			return nil, err
		}
		quarter = q.String()
	}
	loc := db.Location()
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	l := &ActionList{Filter: filter, Quarter: quarter, TimeZone: loc.String(), AsOf: now.In(loc),
		AsOfDate: now.In(loc).Format("2006-01-02"), Items: []ActionItem{}}
	if opts.AsOfDate != "" {
		d, err := time.ParseInLocation("2006-01-02", opts.AsOfDate, loc)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", opts.AsOfDate, ErrBadAsOf)
		}
		now = d.AddDate(0, 0, 1) // the end of that day, as a report's quarter end
		l.AsOf, l.AsOfDate = now, d.Format("2006-01-02")
	}
	rows, err := pirsql.ActionsList(ctx, db, pirsql.ActionsListParams{AsOf: pirsql.AsOf{At: now, Date: l.AsOfDate}, Filter: filter, Quarter: quarter})
	if err != nil {
		return nil, fmt.Errorf("action items: %w", err)
	}
	for _, row := range rows {
		a := ActionItem{Source: row.Source, CaseID: row.CaseID, Ref: row.Ref, Quarter: row.Quarter, CaseTitle: row.CaseTitle,
			Severity: row.Severity, ID: row.ID, Summary: row.Summary, Owner: row.Owner, Priority: row.Priority, Due: row.Due,
			Status: row.Status, Done: row.Done, Overdue: row.Overdue}
		if row.Completed != nil {
			t := row.Completed.In(loc)
			a.Completed = &t
		}
		if row.DaysOverdue != nil {
			a.DaysOverdue = *row.DaysOverdue
		}
		if a.Overdue {
			l.Overdue++
		}
		l.Items = append(l.Items, a)
	}
	return l, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
