package analytics

import (
	"context"
	"fmt"
	"sort"

	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// BenchmarkOptions say which of the team's and the reference's cases a
// benchmark compares.
type BenchmarkOptions struct {
	// Reference names the reference database (shown, never opened here).
	Reference string
	// Industry is a NAICS code prefix ("52": finance and insurance);
	// OrgSize is "small" (up to 1,000 employees), "large" or a VERIS
	// employee_count. Empty means all.
	Industry, OrgSize string
	// Cohort and Definitions are the team's, as for Build.
	Cohort      string
	Definitions []MetricDef
}

// Benchmark places the team's yearly dwell and containment medians in the
// distribution of a public reference (a pir database loaded with VERIS
// data, such as the VCDB).
type Benchmark struct {
	Reference string         `json:"reference"`
	Industry  string         `json:"industry,omitempty"`
	OrgSize   string         `json:"org_size,omitempty"`
	Rows      []BenchmarkRow `json:"rows"`
	// Caveats say why the comparison is not like for like.
	Caveats []string `json:"caveats"`
}

// BenchmarkRow is one metric in one year, or in every year pooled (Year
// 0, after the years). PercentileRank is the share (in
// percent) of the reference's incidents that took less time than the
// team's median, ties counted half: 20 means the team's median is faster
// than 80 % of the reference. Nil where a side has no duration.
type BenchmarkRow struct {
	Year            int      `json:"year"` // 0: every year
	Metric          string   `json:"metric"`
	TeamN           int      `json:"team_n"`
	TeamMedian      *float64 `json:"team_median_hours"`
	ReferenceN      int      `json:"reference_n"`
	ReferenceMedian *float64 `json:"reference_median_hours"`
	PercentileRank  *float64 `json:"percentile_rank"`
}

// benchmarkCaveats are said with every benchmark.
var benchmarkCaveats = []string{
	"Public breach reports are biased toward long dwell: a breach is reported when it was found, often years later and by someone else.",
	"VERIS durations are often given only to the month or the year; a duration without a value is left out, so the reference n is smaller than its incidents.",
	"The reference year is the incident year; the team's year is the year of its cohort quarter.",
}

// BuildBenchmark compares the team's database with the reference's, per
// year in which the team has a dwell or containment duration, then over
// every year of each side pooled.
func BuildBenchmark(ctx context.Context, team, ref pirsql.Querier, o BenchmarkOptions) (*Benchmark, error) {
	cohort := o.Cohort
	if cohort == "" {
		cohort = "detection"
	}
	defs := o.Definitions
	if defs == nil {
		var err error
		if defs, err = defaultDefinitions(ctx, team); err != nil {
			return nil, err
		}
	}
	td, err := pirsql.BenchmarkTeam(ctx, team, sqlDefinitions(defs), cohort)
	if err != nil {
		return nil, fmt.Errorf("benchmark: team: %w", err)
	}
	rd, err := pirsql.BenchmarkReference(ctx, ref, pirsql.BenchmarkReferenceParams{Industry: o.Industry, OrgSize: o.OrgSize})
	if err != nil {
		return nil, fmt.Errorf("benchmark: reference %s: %w", o.Reference, err)
	}
	type key struct {
		year   int
		metric string
	}
	group := func(ds []pirsql.YearDuration) map[key][]float64 {
		m := map[key][]float64{}
		for _, d := range ds {
			k := key{d.Year, d.Metric}
			m[k] = append(m[k], d.Hours)
		}
		return m
	}
	tm, rm := group(td), group(rd)
	var keys []key
	for k := range tm {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].year != keys[j].year {
			return keys[i].year < keys[j].year
		}
		return metricOrder(keys[i].metric) < metricOrder(keys[j].metric)
	})
	b := &Benchmark{Reference: o.Reference, Industry: o.Industry, OrgSize: o.OrgSize, Rows: []BenchmarkRow{},
		Caveats: append([]string(nil), benchmarkCaveats...)}
	// then every year pooled, per metric: the reference's years need not
	// overlap the team's (the VCDB copy of 2020 ends that year)
	for _, m := range []string{"dwell", "contain"} {
		var t, r []float64
		for k, v := range tm {
			if k.metric == m {
				t = append(t, v...)
			}
		}
		for k, v := range rm {
			if k.metric == m {
				r = append(r, v...)
			}
		}
		if len(t) > 0 {
			sort.Float64s(t)
			sort.Float64s(r)
			tm[key{0, m}], rm[key{0, m}] = t, r
			keys = append(keys, key{0, m})
		}
	}
	for _, k := range keys {
		t, r := tm[k], rm[k]
		row := BenchmarkRow{Year: k.year, Metric: k.metric, TeamN: len(t), ReferenceN: len(r)}
		row.TeamMedian = medianOf(t)
		row.ReferenceMedian = medianOf(r)
		if row.TeamMedian != nil && len(r) > 0 {
			row.PercentileRank = ptr(round(percentileRank(r, *row.TeamMedian)))
		}
		row.TeamMedian, row.ReferenceMedian = roundPtr(row.TeamMedian), roundPtr(row.ReferenceMedian)
		b.Rows = append(b.Rows, row)
	}
	return b, nil
}

func metricOrder(m string) int {
	if m == "dwell" {
		return 0
	}
	return 1
}

// medianOf is the median of sorted values, the mean of the middle two for
// an even count (DuckDB's quantile_cont(x, 0.5)); nil when empty.
func medianOf(sorted []float64) *float64 {
	n := len(sorted)
	if n == 0 {
		return nil
	}
	if n%2 == 1 {
		return ptr(sorted[n/2])
	}
	return ptr((sorted[n/2-1] + sorted[n/2]) / 2)
}

// percentileRank is 100 · (count(x < v) + count(x = v)/2) / n over sorted x.
func percentileRank(sorted []float64, v float64) float64 {
	below := sort.SearchFloat64s(sorted, v)
	upTo := sort.Search(len(sorted), func(i int) bool { return sorted[i] > v })
	return 100 * (float64(below) + float64(upTo-below)/2) / float64(len(sorted))
}

// Sentence says where the team's median dwell time of the newest year
// with both sides sits in the reference, e.g. "In 2019 the team's median
// dwell time (3.0 days) sat at the 25th percentile of the 4 reference
// incidents of that year with a dwell time (their median 20.0 days); lower
// is faster."; "" when no year has both.
func (b *Benchmark) Sentence() string {
	best := -1
	for i, r := range b.Rows {
		if r.Metric == "dwell" && r.PercentileRank != nil && (best < 0 || b.Rows[best].Year == 0 || r.Year > b.Rows[best].Year) {
			best = i
		}
	}
	if best >= 0 {
		r := b.Rows[best]
		if r.Year == 0 {
			return fmt.Sprintf("Over every year, the team's median dwell time (%s) sat at the %s percentile of the %s with a dwell time (their median %s); lower is faster.",
				display.SentenceDuration(*r.TeamMedian, *r.ReferenceMedian), display.Ordinal(*r.PercentileRank),
				display.Plural(r.ReferenceN, "reference incident", "reference incidents"), display.SentenceDuration(*r.ReferenceMedian, *r.ReferenceMedian))
		}
		return fmt.Sprintf("In %d the team's median dwell time (%s) sat at the %s percentile of the %s of that year with a dwell time (their median %s); lower is faster.",
			r.Year, display.SentenceDuration(*r.TeamMedian, *r.ReferenceMedian), display.Ordinal(*r.PercentileRank),
			display.Plural(r.ReferenceN, "reference incident", "reference incidents"), display.SentenceDuration(*r.ReferenceMedian, *r.ReferenceMedian))
	}
	return ""
}
