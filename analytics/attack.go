package analytics

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

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
	r.Tactics = []TacticCount{}
	return each(ctx, q, "tactics", pirsql.Tactics, []any{sp.cohort, sp.first(), sp.last()}, func(s scanner) error {
		var t TacticCount
		if err := s.Scan(&t.Quarter, &t.Tactic, &t.Name, &t.Cases); err != nil {
			return err
		}
		r.Tactics = append(r.Tactics, t)
		return nil
	})
}

func attackRelease(ctx context.Context, q querier) (ATTACKInfo, error) {
	var info ATTACKInfo
	err := each(ctx, q, "attack_release", pirsql.AttackRelease, nil, func(s scanner) error {
		var domain string
		return s.Scan(&info.Version, &domain, &info.Notice)
	})
	return info, err
}

// techniques counts distinct cases per technique over quarters first..last.
func techniques(ctx context.Context, q querier, cohort, first, last string, limit int64) ([]Technique, error) {
	out := []Technique{}
	err := each(ctx, q, "techniques", pirsql.Techniques, []any{cohort, first, last, limit}, func(s scanner) error {
		var t Technique
		var name, parent, revoked sql.NullString
		var tactics, caseIDs string
		if err := s.Scan(&t.ID, &name, &tactics, &parent, &t.Status, &t.Cases, &caseIDs, &revoked); err != nil {
			return err
		}
		t.Name, t.Parent, t.Known = name.String, parent.String, t.Status != "unknown"
		if err := unmarshalList(tactics, &t.Tactics); err != nil {
			return fmt.Errorf("technique %s: tactics: %w", t.ID, err)
		}
		if err := unmarshalList(caseIDs, &t.CaseIDs); err != nil {
			return fmt.Errorf("technique %s: case ids: %w", t.ID, err)
		}
		if revoked.Valid {
			if err := unmarshalList(revoked.String, &t.RevokedFrom); err != nil {
				return fmt.Errorf("technique %s: revoked ids: %w", t.ID, err)
			}
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// parentTechniques counts distinct cases per parent technique, sub-techniques
// rolled up, over quarters first..last.
func parentTechniques(ctx context.Context, q querier, cohort, first, last string, limit int64) ([]Technique, error) {
	out := []Technique{}
	err := each(ctx, q, "parent_techniques", pirsql.ParentTechniques, []any{cohort, first, last, limit}, func(s scanner) error {
		var t Technique
		var name sql.NullString
		var tactics, caseIDs string
		if err := s.Scan(&t.ID, &name, &tactics, &t.Status, &t.Cases, &caseIDs); err != nil {
			return err
		}
		t.Name, t.Known = name.String, t.Status != "unknown"
		if err := unmarshalList(tactics, &t.Tactics); err != nil {
			return fmt.Errorf("technique %s: tactics: %w", t.ID, err)
		}
		if err := unmarshalList(caseIDs, &t.CaseIDs); err != nil {
			return fmt.Errorf("technique %s: case ids: %w", t.ID, err)
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// unmarshalList reads a JSON array of strings; null gives an empty list.
func unmarshalList(s string, dst *[]string) error {
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return err
	}
	if *dst == nil {
		*dst = []string{}
	}
	return nil
}
