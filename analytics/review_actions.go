package analytics

import (
	"context"
	"database/sql"
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
}

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
	err := each(ctx, db, "actions_list", pirsql.ActionsList, []any{ts(now), l.AsOfDate, filter, quarter}, func(s scanner) error {
		var a ActionItem
		var completed sql.NullTime
		var days sql.NullInt64
		if err := s.Scan(&a.Source, &a.CaseID, &a.Ref, &a.Quarter, &a.CaseTitle, &a.Severity, &a.ID, &a.Summary,
			&a.Owner, &a.Priority, &a.Due, &a.Status, &completed, &a.Done, &a.Overdue, &days); err != nil {
			return err
		}
		if completed.Valid {
			t := completed.Time.In(loc)
			a.Completed = &t
		}
		a.DaysOverdue = int(days.Int64)
		if a.Overdue {
			l.Overdue++
		}
		l.Items = append(l.Items, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("action items: %w", err)
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
