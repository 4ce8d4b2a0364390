package sql

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
)

// AttackCatalogue lists the techniques of the embedded ATT&CK release with
// their tactics and deprecated/revoked flags.
//
//go:embed queries/attack_catalogue.sql
var AttackCatalogue string

// AttackTechnique is one row of AttackCatalogue.
type AttackTechnique struct {
	ID         string
	Tactics    []string // shortnames, e.g. "initial-access"
	Deprecated bool
	Revoked    bool
	Release    string // "v18.1"
	Domain     string // "enterprise-attack"
}

// AttackTechniques runs AttackCatalogue: what the ATT&CK Navigator knows of
// the release pir's layers are written for.
func (db *DB) AttackTechniques(ctx context.Context) ([]AttackTechnique, error) {
	rows, err := db.QueryContext(ctx, AttackCatalogue)
	if err != nil {
		return nil, fmt.Errorf("attack catalogue: %w", err)
	}
	defer rows.Close()
	var out []AttackTechnique
	for rows.Next() {
		var t AttackTechnique
		var tactics string
		if err := rows.Scan(&t.ID, &tactics, &t.Deprecated, &t.Revoked, &t.Release, &t.Domain); err != nil {
			return nil, fmt.Errorf("attack catalogue: %w", err)
		}
		if err := json.Unmarshal([]byte(tactics), &t.Tactics); err != nil {
			return nil, fmt.Errorf("attack catalogue: %s tactics: %w", t.ID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("attack catalogue: %w", err)
	}
	return out, nil
}
