package analytics

import (
	"context"

	"github.com/pirhq/pir/display"

	pirsql "github.com/pirhq/pir/sql"
)

// LessonGroups is how many lesson groups per kind the report lists.
const LessonGroups = 10

// Learning is the learning loop of the report quarter: the lessons that
// keep coming back and the quality of the root-cause chains behind them
// (views lesson_frequency and rca_findings, docs/metrics.md).
type Learning struct {
	// NeedsImprovement and WentWell are the report quarter's lesson groups
	// (a theme, or one text however it was spelt), most cases first, at
	// most LessonGroups each.
	NeedsImprovement []Lesson `json:"needs_improvement"`
	WentWell         []Lesson `json:"went_well"`
	// RootCauseQuality counts the root-cause findings per trailing quarter
	// among the cases counted in metrics.
	RootCauseQuality []RCAQuarter `json:"root_cause_quality"`
	// MinWhys is the depth below which a chain is shallow (rca_min_whys).
	MinWhys int `json:"min_whys"`
	// Reviews say, per trailing quarter of closure, whether the closed
	// cases' reviews were held and how soon (view review_timeliness).
	Reviews []ReviewQuarter `json:"reviews"`
	// ReviewWithinDays is the target (config review_within).
	ReviewWithinDays float64 `json:"review_within_days"`
	// OverdueReviews are the report quarter's closed critical and high
	// cases whose review is overdue at the as-of date.
	OverdueReviews OverdueReviews `json:"overdue_reviews"`
}

// ReviewQuarter is review timeliness for the cases closed in one quarter.
type ReviewQuarter struct {
	Quarter       string   `json:"quarter"`
	ClosedCases   int      `json:"closed_cases"`
	Reviewed      int      `json:"reviewed"`
	WithinTarget  int      `json:"reviewed_within_target"`
	MedianDays    *float64 `json:"median_days_to_review"`
	ReviewedShare *float64 `json:"reviewed_share"`
	OnTimeShare   *float64 `json:"on_time_share"` // within target / closed cases
}

// Lesson is one lesson group of the report quarter.
type Lesson struct {
	// Lesson is the theme, or the text as most cases spell it.
	Lesson string `json:"lesson"`
	Themed bool   `json:"themed"`
	// Cases recorded it in the report quarter, Previous in the quarter
	// before.
	Cases    int `json:"cases"`
	Previous int `json:"previous"`
	// Quarters counts the trailing quarters it was recorded in (the report
	// quarter included); Since is the first quarter it ever was.
	Quarters int    `json:"quarters"`
	Since    string `json:"since"`
	// Texts are its spellings this quarter, most cases first (at most 3).
	Texts []string `json:"texts"`
	// CaseIDs are the first of its cases in ID order, at most
	// Options.ListLimit.
	CaseIDs []string `json:"case_ids"`
}

// RCAQuarter counts root-cause quality findings among one quarter's cases
// counted in metrics; RootCauses is how many of them have a root cause.
type RCAQuarter struct {
	Quarter       string `json:"quarter"`
	RootCauses    int    `json:"root_causes"`
	Shallow       int    `json:"shallow"`
	EndsAtPerson  int    `json:"ends_at_person"`
	BlameLanguage int    `json:"blame_language"`
}

// RCAFindingKinds are the rca_findings findings as data-quality finding
// kinds, in order.
var RCAFindingKinds = map[string]string{
	"shallow":        "rca_shallow",
	"ends-at-person": "rca_ends_at_person",
	"blame-language": "rca_blame_language",
}

// buildLearning fills Learning and adds the report quarter's root-cause
// findings to DataQuality.Findings (after buildDataQuality).
func buildLearning(ctx context.Context, q querier, sp *span, r *Report) error {
	l := &Learning{NeedsImprovement: []Lesson{}, WentWell: []Lesson{}, RootCauseQuality: []RCAQuarter{}, MinWhys: 3}
	prev := sp.quarter.Prev().String()
	rows, err := pirsql.Lessons(ctx, q, pirsql.LessonsParams{Cohort: sp.cohort, Quarter: sp.last(), Previous: prev, From: sp.first(), Groups: LessonGroups, Limit: sp.limit})
	if err != nil {
		return err
	}
	for _, row := range rows {
		les := Lesson{Lesson: row.Label, Themed: row.Themed, Cases: row.Cases, Previous: row.Previous, Quarters: row.QuartersSeen,
			Since: row.FirstQuarter, Texts: row.Texts, CaseIDs: row.CaseIDs}
		if row.Kind == "went_well" {
			l.WentWell = append(l.WentWell, les)
		} else {
			l.NeedsImprovement = append(l.NeedsImprovement, les)
		}
	}

	rca, err := pirsql.RCASummary(ctx, q, pirsql.RCASummaryParams{Cohort: sp.cohort, From: sp.first(), To: sp.last(), Limit: sp.limit})
	if err != nil {
		return err
	}
	byQ := map[string]*RCAQuarter{}
	for _, quarter := range r.Quarters {
		l.RootCauseQuality = append(l.RootCauseQuality, RCAQuarter{Quarter: quarter})
	}
	for i := range l.RootCauseQuality {
		byQ[l.RootCauseQuality[i].Quarter] = &l.RootCauseQuality[i]
	}
	for _, row := range rca {
		l.MinWhys = row.MinWhys
		rq := byQ[row.Quarter]
		if rq == nil {
			continue
		}
		rq.RootCauses = row.RootCauses
		switch row.Finding {
		case "shallow":
			rq.Shallow = row.Cases
		case "ends-at-person":
			rq.EndsAtPerson = row.Cases
		case "blame-language":
			rq.BlameLanguage = row.Cases
		}
		if row.Quarter == r.Quarter && row.Cases > 0 {
			kind := RCAFindingKinds[row.Finding]
			r.DataQuality.Findings = append(r.DataQuality.Findings, Finding{Kind: kind, Detail: display.RCADetail(row.Finding, row.MinWhys), Count: row.Cases, CaseIDs: row.CaseIDs, KindCases: row.Cases})
		}
	}
	rt, err := pirsql.ReviewTimeliness(ctx, q, sp.first(), sp.last())
	if err != nil {
		return err
	}
	byQuarter := map[string]pirsql.ReviewTimelinessRow{}
	l.ReviewWithinDays = 14
	for _, row := range rt {
		byQuarter[row.Quarter] = row
		l.ReviewWithinDays = row.WithinDays
	}
	l.Reviews = make([]ReviewQuarter, 0, len(r.Quarters))
	for _, quarter := range r.Quarters {
		row := byQuarter[quarter]
		rq := ReviewQuarter{Quarter: quarter, ClosedCases: row.ClosedCases, Reviewed: row.Reviewed, WithinTarget: row.ReviewedWithinTarget, MedianDays: roundPtr(row.MedianDays)}
		if row.ClosedCases > 0 {
			rq.ReviewedShare = ptr(round(float64(row.Reviewed) / float64(row.ClosedCases)))
			rq.OnTimeShare = ptr(round(float64(row.ReviewedWithinTarget) / float64(row.ClosedCases)))
		}
		l.Reviews = append(l.Reviews, rq)
	}
	if err := buildOverdueReviews(ctx, q, sp, l); err != nil {
		return err
	}
	r.Learning = l
	return nil
}

// Current is the report quarter's root-cause quality (zero counts when the
// quarter has no case).
func (l *Learning) Current(quarter string) RCAQuarter {
	if l != nil {
		for _, q := range l.RootCauseQuality {
			if q.Quarter == quarter {
				return q
			}
		}
	}
	return RCAQuarter{Quarter: quarter}
}
