package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// PlaybookFollowThrough is the follow-through of the playbook updates the
// reviews agreed, counted beside the action items at the same as-of date
// (Report.AsOf) and shown as their own row of the follow-through section,
// never blended into the action-item rates (views playbook_update_state,
// playbook_update_stats, docs/metrics.md).
type PlaybookFollowThrough struct {
	// Quarters has one entry per trailing quarter (by the quarter of the
	// updates' cases, cohort as the report), zeros where none were agreed.
	Quarters []PlaybookQuarter `json:"quarters"`
	// Overdue are the updates of any case overdue at AsOf, most overdue
	// first, at most Options.ListLimit; OverdueTotal counts them all.
	Overdue      []OverduePlaybook `json:"overdue"`
	OverdueTotal int               `json:"overdue_total"`
}

// PlaybookQuarter counts the playbook updates of one quarter's cases at
// the as-of instant.
type PlaybookQuarter struct {
	Quarter string `json:"quarter"`
	// Updates were agreed; Due are due by the as-of date (wont-do left
	// out); Done completed by the as-of instant; Overdue open past their
	// due date then.
	Updates int `json:"updates"`
	Due     int `json:"due"`
	Done    int `json:"done"`
	Overdue int `json:"overdue"`
	// CompletionRate is Done / Updates (nil without updates); OnTimeRate
	// the share of the due ones done by their due date (nil before any is
	// due).
	CompletionRate *float64 `json:"completion_rate"`
	OnTimeRate     *float64 `json:"on_time_rate"`
}

// OverduePlaybook is a playbook update open past its due date at AsOf.
type OverduePlaybook struct {
	CaseID      string `json:"case_id"`
	Source      string `json:"source"`
	Playbook    string `json:"playbook"`
	Change      string `json:"change"`
	Owner       string `json:"owner"`
	Due         string `json:"due"` // YYYY-MM-DD
	DaysOverdue int    `json:"days_overdue"`
	Status      string `json:"status"` // current
}

// Current is the report quarter's row (zeros when it has none).
func (p *PlaybookFollowThrough) Current(quarter string) PlaybookQuarter {
	if p != nil {
		for _, q := range p.Quarters {
			if q.Quarter == quarter {
				return q
			}
		}
	}
	return PlaybookQuarter{Quarter: quarter}
}

// Any says whether there is anything to show: an update agreed in the
// trailing quarters, or one overdue at the as-of date.
func (p *PlaybookFollowThrough) Any() bool {
	if p == nil {
		return false
	}
	for _, q := range p.Quarters {
		if q.Updates > 0 {
			return true
		}
	}
	return p.OverdueTotal > 0
}

// buildPlaybooks fills PlaybookUpdates at the report's as-of instant and
// date, as buildActions and buildOverdue do for action items.
func buildPlaybooks(ctx context.Context, q querier, sp *span, r *Report) error {
	rows, err := pirsql.PlaybookUpdates(ctx, q, pirsql.ActionItemsParams{Cohort: sp.cohort, AsOf: sp.asOfParam(), From: sp.first(), To: sp.last()})
	if err != nil {
		return err
	}
	byQ := map[string]PlaybookQuarter{}
	for _, x := range rows {
		byQ[x.Quarter] = PlaybookQuarter{Quarter: x.Quarter, Updates: x.Updates, Due: x.Due, Done: x.Done, Overdue: x.Overdue,
			CompletionRate: roundPtr(x.CompletionRate), OnTimeRate: roundPtr(x.OnTimeRate)}
	}
	p := &PlaybookFollowThrough{Quarters: make([]PlaybookQuarter, 0, len(r.Quarters)), Overdue: []OverduePlaybook{}}
	for _, quarter := range r.Quarters {
		x, ok := byQ[quarter]
		if !ok {
			x = PlaybookQuarter{Quarter: quarter}
		}
		p.Quarters = append(p.Quarters, x)
	}
	od, err := pirsql.OverduePlaybooks(ctx, q, sp.asOfParam(), sp.limit)
	if err != nil {
		return err
	}
	for _, o := range od {
		p.Overdue = append(p.Overdue, OverduePlaybook{CaseID: o.CaseID, Source: o.Source, Playbook: o.Playbook, Change: o.Change,
			Owner: o.Owner, Due: o.Due, DaysOverdue: o.DaysOverdue, Status: o.Status})
		p.OverdueTotal = o.Total
	}
	r.PlaybookUpdates = p
	return nil
}
