package analytics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// ErrCaseNotFound is returned by BuildReview when no case has the ID (in
// the source, when one is given).
var ErrCaseNotFound = errors.New("no such case")

// ErrAmbiguousCase is returned by BuildReview when the ID exists in several
// sources and none was chosen.
var ErrAmbiguousCase = errors.New("case ID exists in several sources")

// Review is the model of one case's blameless post-incident review: what
// `pir review` renders as Markdown, HTML and PDF. It follows the 90-minute
// review agenda (Agenda) and holds facts, durations and comparisons; the
// renderers add no numbers of their own. Blameless: people are named only
// as owners of action items, nowhere else.
type Review struct {
	CaseID string `json:"case_id"`
	Source string `json:"source"`
	// Ref is how lists name the case: the ID alone for source "pir", else
	// "source:id".
	Ref      string   `json:"ref"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Category string   `json:"category"`
	Status   string   `json:"status"`
	Excluded bool     `json:"excluded"` // left out of metrics (exercise, test, false positive)
	Tags     []string `json:"tags"`
	// Quarter is the detection-cohort quarter the case is compared with;
	// QuarterCases counts that quarter's cases.
	Quarter      string `json:"quarter"`
	QuarterCases int    `json:"quarter_cases"`

	TimeZone    string    `json:"time_zone"`
	GeneratedAt time.Time `json:"generated_at"`
	// AsOfDate is the day action items are measured against (the generation
	// date in TimeZone): an item due that day is not yet overdue.
	AsOfDate     string `json:"as_of_date"`
	Version      string `json:"pir_version"`
	Organisation string `json:"organisation,omitempty"`
	Marking      string `json:"marking,omitempty"`

	// Agenda is the review meeting's structure, in order.
	Agenda []AgendaItem `json:"agenda"`
	// Timeline lists the recorded milestones in lifecycle order.
	Timeline []ReviewMilestone `json:"timeline"`
	// Definitions are the metrics compared, in display order; Metrics holds
	// one comparison per definition, in the same order.
	Definitions []MetricDef    `json:"definitions"`
	Metrics     []ReviewMetric `json:"metrics"`

	WentWell         []string        `json:"went_well"`
	NeedsImprovement []string        `json:"needs_improvement"`
	RootCause        ReviewRootCause `json:"root_cause"`
	Actions          []ReviewAction  `json:"action_items"`
	// OverdueActions counts the Actions overdue at AsOfDate.
	OverdueActions int               `json:"overdue_action_items"`
	DetectionRules []ReviewRule      `json:"detection_rules"`
	Techniques     []ReviewTechnique `json:"techniques"`
	// ATTACK names the catalogue the technique names come from.
	ATTACK ATTACKInfo `json:"attack"`
	// Prompts are the facilitator's questions from the root-cause and
	// blameless-language checks; Playbooks the playbook updates agreed.
	Prompts   []ReviewPrompt   `json:"facilitator_prompts"`
	Playbooks []ReviewPlaybook `json:"playbook_updates"`
}

// AgendaItem is one part of the review meeting, with its time box.
type AgendaItem struct {
	Number  int    `json:"number"`
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
}

// ReviewAgenda is the standard 90-minute post-incident review agenda the
// review document follows, section by section.
func ReviewAgenda() []AgendaItem {
	return []AgendaItem{
		{1, "Incident summary", 10},
		{2, "Timeline walkthrough", 20},
		{3, "What worked well", 10},
		{4, "What needs improvement", 15},
		{5, "Root cause analysis", 15},
		{6, "Action items", 15},
		{7, "Playbook and detection updates", 5},
	}
}

// ReviewMilestone is one recorded lifecycle milestone.
type ReviewMilestone struct {
	// Milestone is the lifecycle name ("detection"); Label is for display
	// ("Detection").
	Milestone string    `json:"milestone"`
	Label     string    `json:"label"`
	At        time.Time `json:"at"` // in Review.TimeZone
	// Previous is the milestone recorded before this one in lifecycle
	// order ("" for the first) and SincePrevious the hours since it
	// (negative when out of order).
	Previous      string   `json:"previous,omitempty"`
	SincePrevious *float64 `json:"since_previous_hours"`
	// SinceDetection is the hours since detection (nil without one).
	SinceDetection *float64 `json:"since_detection_hours"`
	// OutOfOrder is true when this milestone is earlier than Previous.
	OutOfOrder bool `json:"out_of_order"`
}

// ReviewMetric compares one of the case's durations with its quarter.
type ReviewMetric struct {
	Metric string `json:"metric"`
	Label  string `json:"label"`
	// Hours is the case's duration (end − start when both are recorded and
	// in order), also for a case excluded from metrics; nil otherwise.
	Hours *float64 `json:"hours"`
	// Exclusion says why the case does not count in the quarter's metric:
	// "missing_start", "missing_end", "out_of_order", "excluded_case";
	// "" when it counts.
	Exclusion string `json:"exclusion,omitempty"`
	// N, Median and P90 are the quarter's statistics for the metric (as in
	// quarterly_metrics; this case included when it counts).
	N      int      `json:"quarter_n"`
	Median *float64 `json:"quarter_median_hours"`
	P90    *float64 `json:"quarter_p90_hours"`
	// Others counts the quarter's other counted cases; Shorter and Longer
	// how many of them took less and more time than this case.
	Others  int `json:"others"`
	Shorter int `json:"shorter"`
	Longer  int `json:"longer"`
	// SlowerThan is Shorter/Others and FasterThan Longer/Others (0..1), the
	// case's percentile rank among the quarter's other cases, computed in
	// SQL; nil without a duration or without other cases.
	SlowerThan *float64 `json:"slower_than"`
	FasterThan *float64 `json:"faster_than"`
	// SmallSample is true when the quarter has fewer than SmallSample
	// counted cases for the metric.
	SmallSample bool `json:"small_sample"`
	// Start and End are the metric's milestones.
	Start string `json:"start"`
	End   string `json:"end"`
}

// ReviewRootCause is the root-cause analysis: the category, a summary and
// the 5 Whys chain in order.
type ReviewRootCause struct {
	Category string   `json:"category"`
	Summary  string   `json:"summary"`
	Whys     []string `json:"whys"`
}

// ReviewAction is one action item with its state at Review.AsOfDate.
type ReviewAction struct {
	ID        string     `json:"id"`
	Summary   string     `json:"summary"`
	Owner     string     `json:"owner"`
	Priority  string     `json:"priority"`
	Due       string     `json:"due"` // YYYY-MM-DD or ""
	Status    string     `json:"status"`
	Completed *time.Time `json:"completed_at"`
	// Done is true when the item was completed by the as-of instant.
	Done        bool `json:"done"`
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"days_overdue"`
}

// ReviewRule is a detection rule written because of the incident.
type ReviewRule struct {
	ID         string         `json:"id"`
	Title      string         `json:"title"`
	Techniques []TechniqueRef `json:"techniques"`
}

// TechniqueRef is an ATT&CK technique ID with its name ("" when the ID is
// not in the catalogue).
type TechniqueRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ReviewTechnique is an ATT&CK technique recorded on the case.
type ReviewTechnique struct {
	// ID is the recorded ID; CountsAs is MITRE's replacement when the ID is
	// revoked, else the ID itself.
	ID       string   `json:"id"`
	CountsAs string   `json:"counts_as"`
	Name     string   `json:"name"`
	Tactics  []string `json:"tactics"` // tactic names in matrix order
	Parent   string   `json:"parent,omitempty"`
	// Status is "active", "revoked", "deprecated", "newer" or "unknown".
	Status string `json:"status"`
}

// ReviewOptions say which case to review and how.
type ReviewOptions struct {
	// Source picks the case's source; empty means the only source that has
	// the ID (ErrAmbiguousCase when there are several).
	Source string
	// Definitions are the metrics to compare; nil means the default set.
	Definitions []MetricDef
	// Now is the clock (time.Now when nil): generation time and the date
	// action items are measured against.
	Now func() time.Time
	// Version, Organisation and Marking are copied into the review.
	Version      string
	Organisation string
	Marking      string
}

// BuildReview runs the review queries for one case in one read transaction
// and returns the review model.
func BuildReview(ctx context.Context, db *pirsql.DB, caseID string, opts ReviewOptions) (*Review, error) {
	loc := db.Location()
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("review %s: %w", caseID, err)
	}
	defer tx.Rollback() // read only: nothing to commit

	rv, err := reviewCase(ctx, tx, caseID, opts.Source)
	if err != nil {
		return nil, err
	}
	rv.TimeZone = loc.String()
	rv.GeneratedAt = now.In(loc)
	rv.AsOfDate = now.In(loc).Format("2006-01-02")
	rv.Version, rv.Organisation, rv.Marking = opts.Version, opts.Organisation, opts.Marking
	rv.Agenda = ReviewAgenda()

	defs := opts.Definitions
	if defs == nil {
		if defs, err = defaultDefinitions(ctx, tx); err != nil {
			return nil, fmt.Errorf("review %s: %w", rv.Ref, err)
		}
	}
	if err := ValidateDefinitions(defs); err != nil {
		return nil, err
	}
	rv.Definitions = defs

	steps := []func(context.Context, querier, *Review, time.Time, *time.Location) error{
		reviewTimeline, reviewMetrics, reviewActions, reviewRules, reviewTechniques,
		reviewLearning,
	}
	for _, step := range steps {
		if err := step(ctx, tx, rv, now, loc); err != nil {
			return nil, fmt.Errorf("review %s: %w", rv.Ref, err)
		}
	}
	if rv.ATTACK, err = attackRelease(ctx, tx); err != nil {
		return nil, fmt.Errorf("review %s: %w", rv.Ref, err)
	}
	rv.ATTACK.ParentRollup, rv.ATTACK.Unknown = nil, nil
	return rv, nil
}

// reviewCase reads the case's facts, resolving the source.
func reviewCase(ctx context.Context, q querier, caseID, source string) (*Review, error) {
	rows, err := pirsql.ReviewCase(ctx, q, pirsql.CaseKey{Source: source, CaseID: caseID})
	if err != nil {
		return nil, fmt.Errorf("review %s: %w", caseID, err)
	}
	switch {
	case len(rows) == 0 && source != "":
		return nil, fmt.Errorf("review %s (source %s): %w", caseID, source, ErrCaseNotFound)
	case len(rows) == 0:
		return nil, fmt.Errorf("review %s: %w", caseID, ErrCaseNotFound)
	case len(rows) > 1:
		srcs := make([]string, len(rows))
		for i, f := range rows {
			srcs[i] = f.Source
		}
		return nil, fmt.Errorf("review %s: %w (%s): choose one with --source", caseID, ErrAmbiguousCase, strings.Join(srcs, ", "))
	}
	c := rows[0]
	return &Review{Source: c.Source, CaseID: c.CaseID, Ref: c.Ref, Title: c.Title, Severity: c.Severity, Category: c.Category,
		Status: c.Status, Excluded: c.Excluded, Quarter: c.Quarter, Tags: c.Tags, QuarterCases: c.QuarterCases,
		RootCause: ReviewRootCause{Category: c.RootCauseCategory, Summary: c.RootCauseSummary, Whys: c.Whys},
		WentWell:  c.WentWell, NeedsImprovement: c.NeedsImprovement}, nil
}

// key names the review's case for the review queries.
func (rv *Review) key() pirsql.CaseKey { return pirsql.CaseKey{Source: rv.Source, CaseID: rv.CaseID} }

func reviewTimeline(ctx context.Context, q querier, rv *Review, _ time.Time, loc *time.Location) error {
	rows, err := pirsql.ReviewMilestones(ctx, q, rv.key())
	if err != nil {
		return err
	}
	rv.Timeline = make([]ReviewMilestone, 0, len(rows))
	for _, row := range rows {
		rv.Timeline = append(rv.Timeline, ReviewMilestone{
			Milestone: row.Milestone, Label: display.MilestoneLabel(row.Milestone), At: row.At.In(loc),
			Previous: row.Previous, SincePrevious: roundPtr(row.SincePrevious), SinceDetection: roundPtr(row.SinceDetection),
			OutOfOrder: row.SincePrevious != nil && *row.SincePrevious < 0,
		})
	}
	return nil
}

func reviewMetrics(ctx context.Context, q querier, rv *Review, _ time.Time, _ *time.Location) error {
	rows, err := pirsql.ReviewMetrics(ctx, q, sqlDefinitions(rv.Definitions), rv.key())
	if err != nil {
		return err
	}
	byName := map[string]ReviewMetric{}
	for _, row := range rows {
		byName[row.Metric] = ReviewMetric{Metric: row.Metric, Hours: roundPtr(row.Hours), Exclusion: row.Exclusion,
			N: row.N, Median: roundPtr(row.Median), P90: roundPtr(row.P90), Others: row.Others, Shorter: row.Shorter, Longer: row.Longer,
			SlowerThan: roundPtr(row.SlowerThan), FasterThan: roundPtr(row.FasterThan), SmallSample: row.N < SmallSample}
	}
	rv.Metrics = make([]ReviewMetric, 0, len(rv.Definitions))
	for _, d := range rv.Definitions {
		m, ok := byName[d.Name]
		if !ok { // a case with no quarter: nothing to compare
			m = ReviewMetric{Metric: d.Name, SmallSample: true}
		}
		m.Label, m.Start, m.End = d.Label, d.Start, d.End
		rv.Metrics = append(rv.Metrics, m)
	}
	return nil
}

func reviewActions(ctx context.Context, q querier, rv *Review, now time.Time, loc *time.Location) error {
	rows, err := pirsql.ReviewActions(ctx, q, rv.key(), pirsql.AsOf{At: now, Date: rv.AsOfDate})
	if err != nil {
		return err
	}
	rv.Actions = make([]ReviewAction, 0, len(rows))
	for _, row := range rows {
		a := ReviewAction{ID: row.ID, Summary: row.Summary, Owner: row.Owner, Priority: row.Priority, Due: row.Due,
			Status: row.Status, Done: row.Done, Overdue: row.Overdue}
		if row.Completed != nil {
			t := row.Completed.In(loc)
			a.Completed = &t
		}
		if row.DaysOverdue != nil {
			a.DaysOverdue = *row.DaysOverdue
		}
		if a.Overdue {
			rv.OverdueActions++
		}
		rv.Actions = append(rv.Actions, a)
	}
	return nil
}

func reviewRules(ctx context.Context, q querier, rv *Review, _ time.Time, _ *time.Location) error {
	rows, err := pirsql.ReviewRules(ctx, q, rv.key())
	if err != nil {
		return err
	}
	rv.DetectionRules = make([]ReviewRule, 0, len(rows))
	for _, row := range rows {
		r := ReviewRule{ID: row.ID, Title: row.Title, Techniques: make([]TechniqueRef, 0, len(row.Techniques))}
		for _, t := range row.Techniques {
			r.Techniques = append(r.Techniques, TechniqueRef(t))
		}
		rv.DetectionRules = append(rv.DetectionRules, r)
	}
	return nil
}

func reviewTechniques(ctx context.Context, q querier, rv *Review, _ time.Time, _ *time.Location) error {
	rows, err := pirsql.ReviewTechniques(ctx, q, rv.key())
	if err != nil {
		return err
	}
	rv.Techniques = make([]ReviewTechnique, 0, len(rows))
	for _, t := range rows {
		rv.Techniques = append(rv.Techniques, ReviewTechnique(t))
	}
	return nil
}

// Comparison states the metric's duration against the case's quarter in
// one blameless sentence (it describes the timeline, never who did what),
// e.g. "Time to contain (MTTC) was 9.5 h: slower than 80% of the other 24
// measured cases of 2025-Q4 (median 4.1 h, p90 12.0 h)." Durations are
// written as in the comparison table (display.Duration).
func (rv *Review) Comparison(m ReviewMetric) string {
	label := m.Label
	if m.Hours == nil {
		switch m.Exclusion {
		case "missing_start":
			return fmt.Sprintf("%s: not measured, no %s time is recorded.", label, m.Start)
		case "missing_end":
			return fmt.Sprintf("%s: not measured, no %s time is recorded.", label, m.End)
		case "out_of_order":
			return fmt.Sprintf("%s: not measured, %s is recorded before %s.", label, m.End, m.Start)
		}
		return fmt.Sprintf("%s: not measured.", label)
	}
	x := *m.Hours
	var b strings.Builder
	fmt.Fprintf(&b, "%s was %s", label, display.Duration(x))
	quarter := rv.Quarter
	switch {
	case m.Others == 0:
		fmt.Fprintf(&b, ", the only measured case of %s, so there is nothing to compare it with", quarter)
	case m.Others == 1 && m.Shorter == 1:
		fmt.Fprintf(&b, ": slower than the only other measured case of %s", quarter)
	case m.Others == 1 && m.Longer == 1:
		fmt.Fprintf(&b, ": faster than the only other measured case of %s", quarter)
	case m.Others == 1:
		fmt.Fprintf(&b, ": the same as the only other measured case of %s", quarter)
	case m.SlowerThan != nil && m.Shorter > m.Longer:
		fmt.Fprintf(&b, ": slower than %s of the other %s of %s", display.Share(*m.SlowerThan), display.Plural(m.Others, "measured case", "measured cases"), quarter)
	case m.FasterThan != nil && m.Longer > m.Shorter:
		fmt.Fprintf(&b, ": faster than %s of the other %s of %s", display.Share(*m.FasterThan), display.Plural(m.Others, "measured case", "measured cases"), quarter)
	default:
		fmt.Fprintf(&b, ": in the middle of the other %s of %s", display.Plural(m.Others, "measured case", "measured cases"), quarter)
	}
	if m.Median != nil && m.Others > 0 {
		p90 := ""
		if m.P90 != nil {
			p90 = ", p90 " + display.Duration(*m.P90)
		}
		fmt.Fprintf(&b, " (median %s%s)", display.Duration(*m.Median), p90)
	}
	if m.Exclusion == "excluded_case" {
		b.WriteString("; the case itself is excluded from the quarter's metrics")
	}
	if m.Others > 0 && m.SmallSample {
		b.WriteString("; too few cases to conclude")
	}
	return b.String() + "."
}

// Lead is the one-sentence incident summary, e.g. "A critical ransomware
// incident, detected 3 October 2025 11:30 UTC (2025-Q4) and closed 14.0 d
// after detection." Durations are written as in the tables
// (display.Duration).
func (rv *Review) Lead() string {
	var b strings.Builder
	kind := "incident"
	if rv.Category != "" {
		kind = display.Words(rv.Category) + " incident"
	}
	if rv.Severity != "" {
		kind = rv.Severity + " " + kind
	}
	fmt.Fprintf(&b, "%s %s", article(kind), kind)
	var det, closed *ReviewMilestone
	for i := range rv.Timeline {
		switch rv.Timeline[i].Milestone {
		case "detection":
			det = &rv.Timeline[i]
		case "closure":
			closed = &rv.Timeline[i]
		}
	}
	if det != nil {
		fmt.Fprintf(&b, ", detected %s", det.At.Format("2 January 2006 15:04 MST"))
		if rv.Quarter != "" {
			fmt.Fprintf(&b, " (%s)", rv.Quarter)
		}
	}
	switch {
	case closed != nil && closed.SinceDetection != nil:
		fmt.Fprintf(&b, " and closed %s after detection", display.Duration(*closed.SinceDetection))
	case rv.Status == "open":
		b.WriteString("; the case is still open")
	case rv.Status != "":
		fmt.Fprintf(&b, "; status %s", rv.Status)
	}
	b.WriteString(".")
	if rv.Excluded {
		b.WriteString(" The case is excluded from quarterly metrics (an exercise, test or false positive).")
	}
	return b.String()
}

// article is "an" before a vowel sound (by its first letter), else "A".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "An"
	}
	return "A"
}

// Rank is the comparison in a few words, for a table column: "slower than
// 80%", "faster than 60%", "middle", "only case", or "" when the case has no
// duration.
func (m ReviewMetric) Rank() string {
	switch {
	case m.Hours == nil:
		return ""
	case m.Others == 0:
		return "only case"
	case m.Shorter > m.Longer && m.SlowerThan != nil:
		return "slower than " + display.Share(*m.SlowerThan)
	case m.Longer > m.Shorter && m.FasterThan != nil:
		return "faster than " + display.Share(*m.FasterThan)
	default:
		return "middle"
	}
}

// State describes an action item's state for display: "done 2024-02-21",
// "open, 12 days overdue", "in-progress", "wont-do".
func (a ReviewAction) State() string {
	switch {
	case a.Done && a.Completed != nil:
		return "done " + a.Completed.Format("2006-01-02")
	case a.Overdue:
		return fmt.Sprintf("%s, %s overdue", a.Status, display.Plural(a.DaysOverdue, "day", "days"))
	default:
		return a.Status
	}
}

// Note explains a technique that is not simply active in the catalogue:
// "revoked; counts as T1059.001", "not in ATT&CK v18.1", and so on; "" for an
// active technique.
func (t ReviewTechnique) Note(attackVersion string) string {
	if t.Status == "revoked" {
		return display.RevokedNote(t.CountsAs)
	}
	return display.TechniqueNote(t.Status, attackVersion)
}
