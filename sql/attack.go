package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed" // the ATT&CK queries are embedded files
	"fmt"
)

//go:generate go run ./internal/genattack -src ../../shared/data/attack -out attack/enterprise-attack.sql -license schema/LICENSE-ATTACK.txt

//go:embed queries/attack_release.sql
var attackReleaseSQL string

//go:embed queries/techniques.sql
var techniquesSQL string

//go:embed queries/parent_techniques.sql
var parentTechniquesSQL string

//go:embed queries/tactics.sql
var tacticsSQL string

// AttackReleaseRow describes the embedded ATT&CK catalogue.
type AttackReleaseRow struct {
	Version string // e.g. "v18.1"
	Domain  string
	Notice  string // MITRE's copyright notice
}

// AttackRelease runs queries/attack_release.sql (one row).
func AttackRelease(ctx context.Context, q Querier) ([]AttackReleaseRow, error) {
	return queryRows(ctx, q, "attack_release", attackReleaseSQL, nil, func(s scanner, r *AttackReleaseRow) error {
		return s.Scan(&r.Version, &r.Domain, &r.Notice)
	})
}

// TechniquesParams select the cases whose techniques are counted.
type TechniquesParams struct {
	Cohort   string
	From, To string // first and last quarter, inclusive
	Limit    int64  // how many case IDs to list per technique
}

// TechniqueRow is an ATT&CK technique (revoked IDs counted as their
// replacement) with its distinct cases.
type TechniqueRow struct {
	ID      string
	Name    string   // "" for an ID not in the catalogue
	Tactics []string // shortnames; empty when unknown
	Parent  string   // "" unless a sub-technique
	// Status is "active", "deprecated", "newer" or "unknown".
	Status  string
	Cases   int
	CaseIDs []string // the first Limit case references, in order
	// RevokedFrom are the revoked IDs in the data counted as this one.
	RevokedFrom []string
}

// Techniques runs queries/techniques.sql.
func Techniques(ctx context.Context, q Querier, p TechniquesParams) ([]TechniqueRow, error) {
	args := []any{p.Cohort, p.From, p.To, p.Limit}
	return queryRows(ctx, q, "techniques", techniquesSQL, args, func(s scanner, t *TechniqueRow) error {
		var name, parent, revoked stdsql.NullString
		var tactics, caseIDs string
		if err := s.Scan(&t.ID, &name, &tactics, &parent, &t.Status, &t.Cases, &caseIDs, &revoked); err != nil {
			return err
		}
		t.Name, t.Parent = name.String, parent.String
		if err := stringList(tactics, &t.Tactics); err != nil {
			return fmt.Errorf("technique %s: tactics: %w", t.ID, err)
		}
		if err := stringList(caseIDs, &t.CaseIDs); err != nil {
			return fmt.Errorf("technique %s: case ids: %w", t.ID, err)
		}
		if revoked.Valid {
			if err := stringList(revoked.String, &t.RevokedFrom); err != nil {
				return fmt.Errorf("technique %s: revoked ids: %w", t.ID, err)
			}
		}
		return nil
	})
}

// ParentTechniqueRow is a parent technique with its sub-techniques rolled
// up (a case with T1566.001 and T1566.002 counts once for T1566).
type ParentTechniqueRow struct {
	ID      string
	Name    string
	Tactics []string
	Status  string
	Cases   int
	CaseIDs []string
}

// ParentTechniques runs queries/parent_techniques.sql.
func ParentTechniques(ctx context.Context, q Querier, p TechniquesParams) ([]ParentTechniqueRow, error) {
	args := []any{p.Cohort, p.From, p.To, p.Limit}
	return queryRows(ctx, q, "parent_techniques", parentTechniquesSQL, args, func(s scanner, t *ParentTechniqueRow) error {
		var name stdsql.NullString
		var tactics, caseIDs string
		if err := s.Scan(&t.ID, &name, &tactics, &t.Status, &t.Cases, &caseIDs); err != nil {
			return err
		}
		t.Name = name.String
		if err := stringList(tactics, &t.Tactics); err != nil {
			return fmt.Errorf("technique %s: tactics: %w", t.ID, err)
		}
		if err := stringList(caseIDs, &t.CaseIDs); err != nil {
			return fmt.Errorf("technique %s: case ids: %w", t.ID, err)
		}
		return nil
	})
}

// TacticRow counts the distinct cases of one quarter with a tactic.
type TacticRow struct {
	Quarter string
	Tactic  string // shortname, e.g. "initial-access"
	Name    string // e.g. "Initial Access"
	Cases   int
}

// Tactics runs queries/tactics.sql for the cohort's quarters from through
// to, inclusive.
func Tactics(ctx context.Context, q Querier, cohort, from, to string) ([]TacticRow, error) {
	return queryRows(ctx, q, "tactics", tacticsSQL, []any{cohort, from, to}, func(s scanner, r *TacticRow) error {
		return s.Scan(&r.Quarter, &r.Tactic, &r.Name, &r.Cases)
	})
}
