package sql

import (
	"context"
	_ "embed" // the coverage queries are embedded files
	"encoding/json"
	"fmt"
)

// The queries behind `pir coverage`: the incidents' techniques per quarter
// and the rules' technique tags resolved against the ATT&CK catalogue.

//go:embed queries/coverage_techniques.sql
var coverageTechniquesSQL string

//go:embed queries/coverage_rule_techniques.sql
var coverageRuleTechniquesSQL string

// CoverageTechniqueRow is an ATT&CK technique seen in one quarter's
// incidents (revoked IDs counted as their replacement).
type CoverageTechniqueRow struct {
	Quarter string
	ID      string
	Name    string   // "" when unknown
	Tactics []string // shortnames
	Parent  string   // "" unless a sub-technique
	Status  string   // active, deprecated, newer, unknown
	Cases   int
	CaseIDs []string
	// Platforms are each case's platforms, by case reference.
	Platforms map[string][]string
}

// CoverageTechniques runs queries/coverage_techniques.sql for the cohort's
// quarters from through to, inclusive.
func CoverageTechniques(ctx context.Context, q Querier, cohort, from, to string) ([]CoverageTechniqueRow, error) {
	return queryRows(ctx, q, "coverage_techniques", coverageTechniquesSQL, []any{cohort, from, to}, func(s scanner, t *CoverageTechniqueRow) error {
		var tactics, caseIDs, platforms string
		if err := s.Scan(&t.Quarter, &t.ID, &t.Name, &tactics, &t.Parent, &t.Status, &t.Cases, &caseIDs, &platforms); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(platforms), &t.Platforms); err != nil {
			return fmt.Errorf("technique %s: platforms: %w", t.ID, err)
		}
		if err := stringList(tactics, &t.Tactics); err != nil {
			return fmt.Errorf("technique %s: tactics: %w", t.ID, err)
		}
		if err := stringList(caseIDs, &t.CaseIDs); err != nil {
			return fmt.Errorf("technique %s: case ids: %w", t.ID, err)
		}
		return nil
	})
}

// RuleTechniqueIDRow resolves one technique ID of the rules' tags: the ID
// it counts as (MITRE's replacement when revoked, else itself), its name
// ("" when unknown) and whether the catalogue knows it.
type RuleTechniqueIDRow struct {
	ID, CountsAs, Name string
	Known              bool
}

// CoverageRuleTechniques runs queries/coverage_rule_techniques.sql for the
// upper-case technique IDs.
func CoverageRuleTechniques(ctx context.Context, q Querier, ids []string) ([]RuleTechniqueIDRow, error) {
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	return queryRows(ctx, q, "coverage_rule_techniques", coverageRuleTechniquesSQL, []any{string(b)}, func(s scanner, r *RuleTechniqueIDRow) error {
		return s.Scan(&r.ID, &r.CountsAs, &r.Name, &r.Known)
	})
}

//go:embed queries/promised_rules.sql
var promisedRulesSQL string

// PromisedRuleRow is a detection rule a case's review recorded.
type PromisedRuleRow struct {
	Quarter, CaseRef, RuleID, Title, Status, SigmaID, Owner string
}

// PromisedRules runs queries/promised_rules.sql for the cohort's quarters
// from through to, inclusive.
func PromisedRules(ctx context.Context, q Querier, cohort, from, to string) ([]PromisedRuleRow, error) {
	return queryRows(ctx, q, "promised_rules", promisedRulesSQL, []any{cohort, from, to}, func(s scanner, r *PromisedRuleRow) error {
		return s.Scan(&r.Quarter, &r.CaseRef, &r.RuleID, &r.Title, &r.Status, &r.SigmaID, &r.Owner)
	})
}
