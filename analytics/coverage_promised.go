package analytics

import (
	"context"
	"sort"
	"strings"

	"github.com/pirhq/pir/coverage"
	pirsql "github.com/pirhq/pir/sql"
)

// PromisedRule is a detection rule a review recorded, reconciled with the
// rule repository: Result is "found" (a rule with its Sigma id, else its
// title, is in the folder), "missing" (not found; proposed or status
// unknown), "deployed-not-found" (marked deployed but not in the folder)
// or "retired" (not found and retired: nothing to do).
type PromisedRule struct {
	Quarter string `json:"quarter"`
	CaseID  string `json:"case_id"`
	RuleID  string `json:"rule_id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	SigmaID string `json:"sigma_id,omitempty"`
	Owner   string `json:"owner"`
	Result  string `json:"result"`
	// Path is the matching rule file when found.
	Path string `json:"path,omitempty"`
}

// RuleFollowThrough counts the promised rules of the report quarter and of
// all trailing quarters by status and result.
type RuleFollowThrough struct {
	// Written counts the rules the report quarter's reviews recorded;
	// Deployed, Proposed, Retired, Unknown by their status.
	Written  int `json:"written"`
	Deployed int `json:"deployed"`
	Proposed int `json:"proposed"`
	Retired  int `json:"retired"`
	Unknown  int `json:"unknown_status"`
	// Found, Missing, DeployedNotFound count the trailing quarters'
	// promised rules by Result.
	Found            int `json:"found"`
	Missing          int `json:"missing"`
	DeployedNotFound int `json:"deployed_not_found"`
}

// buildPromised reconciles the trailing quarters' promised rules with the
// rule set: c.Promised lists the missing and deployed-not-found ones
// (newest quarter first), c.FollowThrough counts them all.
func buildPromised(ctx context.Context, q querier, sp *span, set *coverage.RuleSet, c *Coverage) error {
	rows, err := pirsql.PromisedRules(ctx, q, sp.cohort, sp.first(), sp.last())
	if err != nil {
		return err
	}
	byID, byTitle := map[string]string{}, map[string]string{}
	for _, r := range append(append([]coverage.Rule{}, set.Rules...), set.Inactive...) {
		if id := strings.ToLower(strings.TrimSpace(r.ID)); id != "" {
			byID[id] = r.Path
		}
		if t := strings.ToLower(strings.TrimSpace(r.Title)); t != "" {
			byTitle[t] = r.Path
		}
	}
	c.Promised = []PromisedRule{}
	ft := &c.FollowThrough
	for _, row := range rows {
		p := PromisedRule{Quarter: row.Quarter, CaseID: row.CaseRef, RuleID: row.RuleID, Title: row.Title, Status: row.Status, SigmaID: row.SigmaID, Owner: row.Owner}
		if row.Quarter == sp.last() {
			ft.Written++
			switch row.Status {
			case "deployed":
				ft.Deployed++
			case "proposed":
				ft.Proposed++
			case "retired":
				ft.Retired++
			default:
				ft.Unknown++
			}
		}
		path, ok := byID[strings.ToLower(row.SigmaID)]
		if !ok || row.SigmaID == "" {
			path, ok = byTitle[strings.ToLower(strings.TrimSpace(row.Title))]
			ok = ok && strings.TrimSpace(row.Title) != ""
		}
		switch {
		case ok:
			p.Result, p.Path = "found", path
			ft.Found++
		case row.Status == "retired":
			p.Result = "retired"
		case row.Status == "deployed":
			p.Result = "deployed-not-found"
			ft.DeployedNotFound++
		default:
			p.Result = "missing"
			ft.Missing++
		}
		if p.Result == "missing" || p.Result == "deployed-not-found" {
			c.Promised = append(c.Promised, p)
		}
	}
	sort.SliceStable(c.Promised, func(i, j int) bool { return c.Promised[i].Quarter > c.Promised[j].Quarter })
	return nil
}
