package analytics

import "time"

// Report is the quarterly report model: every number the dashboard, the PDF
// and the email show comes from here. It is built by Build from the embedded
// SQL queries and serialised as-is by `pir metrics --format json`.
type Report struct {
	// Quarter is the report quarter, e.g. "2024-Q1".
	Quarter string `json:"quarter"`
	// Quarters are the trailing quarters, oldest first, ending with Quarter.
	Quarters    []string  `json:"quarters"`
	TimeZone    string    `json:"time_zone"`
	Cohort      string    `json:"cohort"` // "detection" or "closure"
	GeneratedAt time.Time `json:"generated_at"`
	// AsOf is the date overdue action items are measured against: the end of
	// the report quarter, or the generation time if that is earlier.
	AsOf time.Time `json:"as_of"`
	// AsOfDate is the last day AsOf covers (YYYY-MM-DD, in TimeZone): an
	// action item due that day is not yet overdue.
	AsOfDate string `json:"as_of_date"`
	Version  string `json:"pir_version"`

	// Organisation and Marking come from the config (PDF header, email).
	Organisation string `json:"organisation,omitempty"`
	Marking      string `json:"marking,omitempty"`

	// Definitions are the metric definitions in use, in display order.
	Definitions []MetricDef `json:"definitions"`
	// Metrics hold, per metric in definition order, one Stat per trailing
	// quarter (a Stat with N = 0 where a quarter had no counted case).
	Metrics []MetricSeries `json:"metrics"`
	// KPIs are the report quarter's figures per metric with changes.
	KPIs []KPI `json:"kpis"`

	// Cases counts the cases of the report quarter's cohort.
	Cases int `json:"cases"`
	// ExcludedCases counts those of Cases excluded from metrics (exercises,
	// tests, false positives).
	ExcludedCases int `json:"excluded_cases"`
	// Volume is case volume per quarter by category and by severity.
	Volume Volume `json:"volume"`
	// OpenAgeing counts cases open at each quarter's end by age bucket.
	OpenAgeing []AgeBucket `json:"open_ageing"`

	RootCauses []RootCause     `json:"root_causes"`
	Techniques []Technique     `json:"techniques"` // report quarter, most cases first
	Tactics    []TacticCount   `json:"tactics"`    // every trailing quarter
	ATTACK     ATTACKInfo      `json:"attack"`
	Actions    []ActionSummary `json:"action_items"` // every trailing quarter
	// Overdue are the action items overdue at AsOf, most overdue first, at
	// most Options.ListLimit of them; OverdueTotal counts them all.
	Overdue      []OverdueItem `json:"overdue"`
	OverdueTotal int           `json:"overdue_total"`
	// Notable are the critical and high cases of the quarter, most severe
	// and earliest first, at most Options.ListLimit of them; NotableTotal
	// counts them all.
	Notable      []NotableCase `json:"notable"`
	NotableTotal int           `json:"notable_total"`
	DataQuality  DataQuality   `json:"data_quality"`
	Inputs       []InputFile   `json:"inputs"`
	// Summary are the generated sentences of the executive summary.
	Summary []string `json:"summary"`
	// Statistics says how the survival estimates and tests were made.
	Statistics Statistics `json:"statistics"`
	// Yardstick sets the quarter's dwell median beside a published one;
	// nil without a dwell metric.
	Yardstick *Yardstick `json:"yardstick,omitempty"`
	// Benchmark places the team's yearly medians in a VERIS reference
	// (BuildBenchmark); nil unless a reference database is configured.
	Benchmark *Benchmark `json:"benchmark,omitempty"`
	// Coverage compares the quarter's incident techniques with a folder of
	// Sigma rules (BuildCoverage); nil unless rules are configured.
	Coverage *Coverage `json:"coverage,omitempty"`

	// Recurrences are the report quarter's cases that recurred after an
	// earlier case's fix, naming the fix that failed.
	Recurrences []Recurrence `json:"recurrences"`
	// RecurrenceWindow is how long after a fix a case counts as a
	// recurrence (setting recurrence_window, e.g. "365d").
	RecurrenceWindow string `json:"recurrence_window"`
	// Freshness says how fresh the database is (newest case, newest file).
	Freshness Freshness `json:"freshness"`
	// Targets is severity-target attainment per trailing quarter;
	// BySeverity the report quarter's metrics by severity (the metrics
	// with a target, else the headline metric).
	Targets    []TargetAttainment `json:"targets"`
	BySeverity []SeverityMetric   `json:"by_severity"`
	// OverdueByOwner rolls the items overdue at AsOf up by owner and
	// priority.
	OverdueByOwner []OwnerOverdue `json:"overdue_by_owner"`
	// P90Regressions are the metrics whose p90 rose ≥ 25% (n ≥ 5).
	P90Regressions []P90Regression `json:"p90_regressions"`
	// Decisions are the "Decisions needed" box: rule-based, never invented.
	Decisions []Decision `json:"decisions"`
	// Slices split the durations by severity, category, team, business
	// unit, tenant and detection source, with impact totals and detection
	// shares (analytics/slices.go).
	Slices *Slices `json:"slices,omitempty"`
	// Learning is the lessons that keep coming back and the quality of the
	// root-cause chains (buildLearning).
	Learning *Learning `json:"learning,omitempty"`
	// PlaybookUpdates is the follow-through of the playbook updates the
	// reviews agreed, at AsOf (buildPlaybooks).
	PlaybookUpdates *PlaybookFollowThrough `json:"playbook_updates,omitempty"`
}

// MetricDef names a duration: end milestone minus start milestone, in hours.
type MetricDef struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// MetricSeries is one metric's statistics over the trailing quarters.
type MetricSeries struct {
	Metric string `json:"metric"`
	Label  string `json:"label"`
	Stats  []Stat `json:"stats"` // aligned with Report.Quarters
}

// Stat is one metric in one quarter. Durations are hours; nil when N = 0.
type Stat struct {
	Quarter     string   `json:"quarter"`
	N           int      `json:"n"`
	Mean        *float64 `json:"mean_hours"`
	Median      *float64 `json:"median_hours"`
	P90         *float64 `json:"p90_hours"`
	Min         *float64 `json:"min_hours"`
	Max         *float64 `json:"max_hours"`
	Excluded    Excluded `json:"excluded"`
	SmallSample bool     `json:"small_sample"` // N < 5
	// MedianCILow and MedianCIHigh bound the median with at least 95 %
	// confidence (order statistics); nil below 6 counted cases.
	MedianCILow  *float64 `json:"median_ci_low_hours"`
	MedianCIHigh *float64 `json:"median_ci_high_hours"`
	// Survival is the Kaplan–Meier estimate that also counts the open
	// cases (censored at Report.Statistics.Snapshot); nil when no case has
	// the start milestone.
	Survival *Survival `json:"survival,omitempty"`
}

// Excluded counts the cases left out of a metric, by reason.
type Excluded struct {
	MissingStart int `json:"missing_start"`
	MissingEnd   int `json:"missing_end"`
	OutOfOrder   int `json:"out_of_order"`
	ExcludedCase int `json:"excluded_case"`
}

// KPI is one metric for the report quarter, with the same metric in the
// previous quarter and in the same quarter a year earlier.
type KPI struct {
	Metric   string `json:"metric"`
	Label    string `json:"label"`
	Current  Stat   `json:"current"`
	Previous *Stat  `json:"previous"` // nil when that quarter is outside the data
	YearAgo  *Stat  `json:"year_ago"`
	QoQ      Change `json:"qoq"` // change of the median vs Previous
	YoY      Change `json:"yoy"` // change of the median vs YearAgo
}

// Change compares two medians. Lower durations are better.
type Change struct {
	From *float64 `json:"from_hours"`
	To   *float64 `json:"to_hours"`
	Abs  *float64 `json:"abs_hours"`
	Pct  *float64 `json:"pct"` // nil when From is nil or 0
	// Direction is "better", "worse", "neutral" (≈ no clear change: under
	// 5%, or fewer than 5 cases on a side) or "n/a" (a side is missing);
	// see verdict.
	Direction string `json:"direction"`
	// PValue is the two-sided Mann–Whitney U p-value of the two quarters'
	// durations (nil when a side has none): below 0.05 the change is
	// unlikely to be chance.
	PValue *float64 `json:"p_value"`
}

// Volume counts cases per quarter.
type Volume struct {
	ByCategory []QuarterCount `json:"by_category"`
	BySeverity []QuarterCount `json:"by_severity"`
	Total      []QuarterCount `json:"total"` // Key is "all"; every quarter
	// Excluded counts cases excluded from metrics; Key is "excluded".
	Excluded []QuarterCount `json:"excluded"`
}

// QuarterCount is a count of cases for one key in one quarter.
type QuarterCount struct {
	Quarter string `json:"quarter"`
	Key     string `json:"key"`
	Cases   int    `json:"cases"`
}

// AgeBucket counts cases open at the end of Quarter by age:
// "<7d", "7-30d", "30-90d", ">90d".
type AgeBucket struct {
	Quarter string `json:"quarter"`
	Bucket  string `json:"bucket"`
	Cases   int    `json:"cases"`
}

// RootCause is one root-cause category in one quarter.
type RootCause struct {
	Quarter  string  `json:"quarter"`
	Category string  `json:"category"`
	Cases    int     `json:"cases"`
	Share    float64 `json:"share"`     // of the quarter's cases with a root cause
	MeanWhys float64 `json:"mean_whys"` // mean 5-Whys depth
	// Recurrences counts cases that recurred (Report.Recurrences, the
	// recurrences view): same category and a shared technique or asset as
	// an earlier case whose action items were all done, within the
	// recurrence window before this case's detection.
	Recurrences int `json:"recurrences"`
}

// Technique is an ATT&CK technique seen in the report quarter.
type Technique struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Tactics []string `json:"tactics"`
	Parent  string   `json:"parent,omitempty"` // for sub-techniques
	Cases   int      `json:"cases"`            // distinct cases
	// CaseIDs are the first of the cases in ID order, at most
	// Options.ListLimit: fewer than Cases when the list is capped.
	CaseIDs []string `json:"case_ids"`
	// Known is false for IDs not in the embedded ATT&CK list.
	Known bool `json:"known"`
	// RevokedFrom lists the revoked IDs in the data that map to this one.
	RevokedFrom []string `json:"revoked_from,omitempty"`
	// Status is "active", "deprecated" (no replacement), "newer" (an ID
	// from a later ATT&CK release than the embedded one: named, tactics
	// unknown) or "unknown" (not in the list; Known is false).
	Status string `json:"status"`
}

// TacticCount counts distinct cases per tactic per quarter.
type TacticCount struct {
	Quarter string `json:"quarter"`
	Tactic  string `json:"tactic"` // shortname, e.g. "initial-access"
	Name    string `json:"name"`   // e.g. "Initial Access"
	Cases   int    `json:"cases"`
}

// ATTACKInfo says which ATT&CK release the names come from.
type ATTACKInfo struct {
	Version string `json:"version"`
	Notice  string `json:"notice"`
	// ParentRollup counts distinct cases per parent technique in the report
	// quarter (sub-techniques rolled up), most cases first.
	ParentRollup []Technique `json:"parent_rollup"`
	// Unknown counts technique IDs in the quarter not in the list.
	Unknown []string `json:"unknown"`
}

// ActionSummary is action-item follow-through for the items of the cases in
// one quarter.
type ActionSummary struct {
	Quarter        string   `json:"quarter"`
	Created        int      `json:"created"`
	Completed      int      `json:"completed"`
	Overdue        int      `json:"overdue"`
	CompletionRate *float64 `json:"completion_rate"` // 0..1, nil when Created = 0
	OnTimeRate     *float64 `json:"on_time_rate"`    // completed by due date / completed with a due date
	MedianDays     *float64 `json:"median_days_to_complete"`
}

// OverdueItem is an open action item past its due date at Report.AsOf.
type OverdueItem struct {
	CaseID      string `json:"case_id"`
	Source      string `json:"source"`
	ItemID      string `json:"item_id"`
	Summary     string `json:"summary"`
	Owner       string `json:"owner"`
	Priority    string `json:"priority"`
	Due         string `json:"due"` // YYYY-MM-DD
	DaysOverdue int    `json:"days_overdue"`
	Status      string `json:"status"`
}

// NotableCase is a critical or high case of the report quarter.
type NotableCase struct {
	CaseID    string `json:"case_id"`
	Source    string `json:"source"`
	Title     string `json:"title"`
	Severity  string `json:"severity"`
	Category  string `json:"category"`
	Status    string `json:"status"`
	RootCause string `json:"root_cause"`
	// Detected is the detection instant (compromise when there is none).
	Detected time.Time `json:"detected_at"`
	// Hours per metric name; a metric the case does not count in is absent.
	Hours map[string]float64 `json:"hours"`
}

// DataQuality describes how complete and plausible the quarter's data is.
type DataQuality struct {
	Cases    int                 `json:"cases"`
	Coverage []MilestoneCoverage `json:"coverage"`
	Findings []Finding           `json:"findings"`
	// Headline is one sentence for the dashboard header.
	Headline string `json:"headline"`
}

// MilestoneCoverage is the share of the quarter's cases with a milestone.
type MilestoneCoverage struct {
	Milestone string  `json:"milestone"`
	Present   int     `json:"present"`
	Share     float64 `json:"share"`
}

// Finding is one data-quality problem with the cases behind it.
// Kind is "out_of_order", "future_timestamp", "before_1990",
// "unknown_technique", "newer_technique", "revoked_technique",
// "deprecated_technique", "missing_root_cause" or "excluded";
// future_timestamp and before_1990 cover every case in the database, the
// others the report quarter's cases (docs/metrics.md).
type Finding struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Count  int    `json:"count"`
	// CaseIDs are the first of the cases in ID order, at most
	// Options.ListLimit: fewer than Count when the list is capped.
	CaseIDs []string `json:"case_ids"`
	// KindCases counts the distinct cases with any finding of this Kind
	// (a case can have several details of one kind).
	KindCases int `json:"kind_cases"`
}

// InputFile is a file that was ingested, for provenance.
type InputFile struct {
	Path       string    `json:"path"`
	SHA256     string    `json:"sha256"`
	Format     string    `json:"format"`
	Records    int       `json:"records"`
	IngestedAt time.Time `json:"ingested_at"`
}
