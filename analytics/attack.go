package analytics

import (
	"context"

	pirsql "github.com/pirhq/pir/sql"
)

// buildAttack fills Techniques (report quarter), Tactics (every trailing
// quarter) and ATTACK (catalogue release, parent roll-up, unknown IDs).
func buildAttack(ctx context.Context, q querier, sp *span, r *Report) error {
	var err error
	if r.ATTACK, err = attackRelease(ctx, q); err != nil {
		return err
	}
	if r.Techniques, err = techniques(ctx, q, sp.cohort, sp.last(), sp.last(), sp.limit); err != nil {
		return err
	}
	r.ATTACK.Unknown = []string{}
	for _, t := range r.Techniques {
		if !t.Known {
			r.ATTACK.Unknown = append(r.ATTACK.Unknown, t.ID)
		}
	}
	if r.ATTACK.ParentRollup, err = parentTechniques(ctx, q, sp.cohort, sp.last(), sp.last(), sp.limit); err != nil {
		return err
	}
	rows, err := pirsql.Tactics(ctx, q, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	r.Tactics = make([]TacticCount, 0, len(rows))
	for _, t := range rows {
		r.Tactics = append(r.Tactics, TacticCount(t))
	}
	return nil
}

func attackRelease(ctx context.Context, q querier) (ATTACKInfo, error) {
	var info ATTACKInfo
	rows, err := pirsql.AttackRelease(ctx, q)
	for _, row := range rows {
		info.Version, info.Notice = row.Version, row.Notice
	}
	return info, err
}

// techniques counts distinct cases per technique over quarters first..last.
func techniques(ctx context.Context, q querier, cohort, first, last string, limit int64) ([]Technique, error) {
	rows, err := pirsql.Techniques(ctx, q, pirsql.TechniquesParams{Cohort: cohort, From: first, To: last, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Technique, 0, len(rows))
	for _, t := range rows {
		out = append(out, Technique{ID: t.ID, Name: t.Name, Tactics: t.Tactics, Parent: t.Parent, Cases: t.Cases,
			CaseIDs: t.CaseIDs, Known: t.Status != "unknown", RevokedFrom: t.RevokedFrom, Status: t.Status})
	}
	return out, nil
}

// parentTechniques counts distinct cases per parent technique, sub-techniques
// rolled up, over quarters first..last.
func parentTechniques(ctx context.Context, q querier, cohort, first, last string, limit int64) ([]Technique, error) {
	rows, err := pirsql.ParentTechniques(ctx, q, pirsql.TechniquesParams{Cohort: cohort, From: first, To: last, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Technique, 0, len(rows))
	for _, t := range rows {
		out = append(out, Technique{ID: t.ID, Name: t.Name, Tactics: t.Tactics, Cases: t.Cases,
			CaseIDs: t.CaseIDs, Known: t.Status != "unknown", Status: t.Status})
	}
	return out, nil
}

// WithSubTechniques reports whether the report quarter's count for the
// parent technique id (ATTACK.ParentRollup) takes in sub-techniques: a
// sub-technique of it was recorded in the quarter. The summary and the
// ATT&CK page say so next to such a count.
func (r *Report) WithSubTechniques(id string) bool {
	for _, t := range r.Techniques {
		if t.Parent == id && t.Cases > 0 {
			return true
		}
	}
	return false
}
