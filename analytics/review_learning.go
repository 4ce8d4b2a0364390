package analytics

import (
	"context"
	"time"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// ReviewPrompt is a question for the review's facilitator, raised by a
// root-cause quality or blameless-language finding (rca_findings).
type ReviewPrompt struct {
	// Finding is shallow, ends-at-person or blame-language; Label names it.
	Finding string `json:"finding"`
	Label   string `json:"label"`
	// Detail is what was found: "2 whys", "why 4: <the why that names a
	// person>", `"careless" in why 5`.
	Detail string `json:"detail"`
	// Prompt is what to ask.
	Prompt string `json:"prompt"`
}

// ReviewPlaybook is a playbook update agreed in the review.
type ReviewPlaybook struct {
	Playbook string `json:"playbook"`
	Change   string `json:"change"`
	Owner    string `json:"owner"`
	Due      string `json:"due"` // YYYY-MM-DD or ""
	Status   string `json:"status"`
	// Overdue is true when it is open past its due date on AsOfDate.
	Overdue bool `json:"overdue"`
}

// reviewLearning fills the review's facilitator prompts and playbook
// updates.
func reviewLearning(ctx context.Context, q querier, rv *Review, _ time.Time, _ *time.Location) error {
	fs, err := pirsql.ReviewFindings(ctx, q, rv.key())
	if err != nil {
		return err
	}
	rv.Prompts = make([]ReviewPrompt, 0, len(fs))
	for _, f := range fs {
		w := display.RCAFindingOf(f.Finding)
		rv.Prompts = append(rv.Prompts, ReviewPrompt{Finding: f.Finding, Label: w.Label, Detail: f.Detail, Prompt: w.Prompt})
	}
	ps, err := pirsql.ReviewPlaybooks(ctx, q, rv.key(), rv.AsOfDate)
	if err != nil {
		return err
	}
	rv.Playbooks = make([]ReviewPlaybook, 0, len(ps))
	for _, p := range ps {
		rv.Playbooks = append(rv.Playbooks, ReviewPlaybook(p))
	}
	return nil
}
