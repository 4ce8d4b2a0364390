package charts

import (
	"sort"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// What each chart plots is prepared here once, from the report model, for
// both renderers: the dashboard's ECharts options (html_charts.go) and the
// PDF's PNGs (png.go). So the HTML and the PNG version of a chart show the
// same categories in the same order under the same names, the same
// "Other", the same unit and the same numbers; the renderers only draw
// (and clip labels to the room they have).

// otherName and otherColor are the summed rest of a capped stack (the
// root-cause chart's categories that are not drawn on their own).
const (
	otherName  = "Other"
	otherColor = "#bab0ac"
)

// stack is a stacked bar chart's data: one series per key, one value per
// quarter.
type stack struct {
	quarters []string
	keys     []string // model keys in legend order; "" for Other when other
	names    []string // display names, aligned with keys
	colors   []string // hex colours, aligned with keys
	values   [][]int  // values[k][q]: key k in quarter q
	other    bool     // the last series sums the keys beyond the cap
	// dropped counts the cases of the droppedKeys categories that are not
	// drawn at all (a chart names them in a note).
	dropped, droppedKeys int
}

// count is one quarter's number for one key.
type count struct {
	quarter, key string
	n            int
}

// empty reports whether the stack has nothing to draw.
func (s stack) empty() bool {
	for _, v := range s.values {
		for _, n := range v {
			if n > 0 {
				return false
			}
		}
	}
	return true
}

// max is the largest column total.
func (s stack) max() int {
	m := 0
	for q := range s.quarters {
		sum := 0
		for _, v := range s.values {
			sum += v[q]
		}
		m = max(m, sum)
	}
	return m
}

// rankedStack stacks counts per quarter by key, the keys with most cases
// over all quarters first (then by key). With maxKeys > 0 and more keys than
// that, the first maxKeys-1 keep their own series and the rest are summed
// as "Other". name gives a key's display name; colours cycle through
// Palette.
func rankedStack(quarters []string, counts []count, maxKeys int, name func(string) string) stack {
	totals := map[string]int{}
	for _, c := range counts {
		totals[c.key] += c.n
	}
	keys := make([]string, 0, len(totals))
	for k := range totals {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if totals[keys[i]] != totals[keys[j]] {
			return totals[keys[i]] > totals[keys[j]]
		}
		return keys[i] < keys[j]
	})
	other := maxKeys > 0 && len(keys) > maxKeys
	if other {
		keys = keys[:maxKeys-1]
	}
	palette := Palette()
	s := stack{quarters: quarters, other: other}
	for i, k := range keys {
		s.keys = append(s.keys, k)
		s.names = append(s.names, name(k))
		s.colors = append(s.colors, palette[i%len(palette)])
	}
	if other {
		s.keys = append(s.keys, "")
		s.names = append(s.names, otherName)
		s.colors = append(s.colors, otherColor)
	}
	s.fill(counts)
	return s
}

// fill adds counts into values; a key without a series goes to Other (or
// is dropped when there is none), a quarter outside quarters is dropped.
func (s *stack) fill(counts []count) {
	qi := make(map[string]int, len(s.quarters))
	for i, q := range s.quarters {
		qi[q] = i
	}
	ki := make(map[string]int, len(s.keys))
	for i, k := range s.keys {
		if !(s.other && i == len(s.keys)-1) {
			ki[k] = i
		}
	}
	s.values = make([][]int, len(s.keys))
	for i := range s.values {
		s.values[i] = make([]int, len(s.quarters))
	}
	for _, c := range counts {
		q, ok := qi[c.quarter]
		if !ok {
			continue
		}
		k, ok := ki[c.key]
		if !ok {
			if !s.other {
				continue
			}
			k = len(s.keys) - 1
		}
		s.values[k][q] += c.n
	}
}

// categoryName is a case or root-cause category in words; "(none)" for a
// blank one.
func categoryName(slug string) string { return display.Or(display.Words(slug), "(none)") }

// rootCauseStack is cases per root-cause category and quarter: the
// categories that lead any quarter and those that rose into the report
// quarter keep their own colour, the rest are summed as Other — which is
// never the largest segment of a quarter's bar, so the chart cannot tell a
// reader that "Other" is the main root cause.
func rootCauseStack(r *analytics.Report) stack {
	counts := rootCauseCounts(r)
	keep := rootCauseKeys(r.Quarters, r.Quarter, counts)
	all := rankedStack(r.Quarters, counts, 0, categoryName)
	if len(all.keys)-len(keep) == 1 {
		// A single category left over is named, not called Other.
		for _, k := range all.keys {
			keep[k] = true
		}
	}
	s := stack{quarters: all.quarters}
	palette := Palette()
	for i, k := range all.keys {
		if !keep[k] {
			continue
		}
		s.keys = append(s.keys, k)
		s.names = append(s.names, all.names[i])
		// The grey of Other is in the palette; a named series skips it.
		c := palette[len(s.colors)%len(palette)]
		if c == otherColor {
			c = palette[(len(s.colors)+1)%len(palette)]
		}
		s.colors = append(s.colors, c)
	}
	if len(s.keys) < len(all.keys) {
		s.other = true
		s.keys = append(s.keys, "")
		s.names = append(s.names, otherName)
		s.colors = append(s.colors, otherColor)
	}
	s.fill(counts)
	if s.other && !s.otherSmaller() {
		// More small categories than colours: the sum would still be the
		// largest segment, so it is left out and counted in a note.
		last := len(s.keys) - 1
		for _, n := range s.values[last] {
			s.dropped += n
		}
		s.droppedKeys = len(all.keys) - last
		s.keys, s.names, s.colors, s.values = s.keys[:last], s.names[:last], s.colors[:last], s.values[:last]
		s.other = false
	}
	return s
}

// otherSmaller reports whether the Other series is, in every quarter,
// smaller than the largest named segment of that quarter.
func (s stack) otherSmaller() bool {
	if !s.other {
		return true
	}
	last := len(s.values) - 1
	for q := range s.quarters {
		largest := 0
		for k := 0; k < last; k++ {
			largest = max(largest, s.values[k][q])
		}
		if s.values[last][q] > 0 && s.values[last][q] >= largest {
			return false
		}
	}
	return true
}

// RootCauseNote is what a caption says about the root-cause chart's
// categories that are not drawn (neither on their own nor as Other); ""
// when every case is drawn.
func RootCauseNote(r *analytics.Report) string {
	s := rootCauseStack(r)
	if s.dropped == 0 {
		return ""
	}
	return display.NotDrawn(s.dropped, s.droppedKeys)
}

// Root-cause chart: how many leading categories of each quarter keep
// their own colour, and the most named series the palette tells apart.
const (
	rootCauseTopPerQuarter = 2
	maxRootCauseKeys       = 11
)

// rootCauseKeys picks the root-cause categories drawn on their own: the
// rootCauseTopPerQuarter largest of every quarter, every category with
// more cases in the report quarter than in the one before (it rose), and
// then, while the rest summed would still be at least as large as the
// largest named category of some quarter, that quarter's largest remaining
// category (up to maxRootCauseKeys).
func rootCauseKeys(quarters []string, quarter string, counts []count) map[string]bool {
	by := map[string]map[string]int{} // quarter → key → cases
	for _, c := range counts {
		if by[c.quarter] == nil {
			by[c.quarter] = map[string]int{}
		}
		by[c.quarter][c.key] += c.n
	}
	// ranked is a quarter's categories with cases, most first (then by key).
	ranked := func(q string) []string {
		var ks []string
		for k, n := range by[q] {
			if n > 0 {
				ks = append(ks, k)
			}
		}
		sort.Slice(ks, func(i, j int) bool {
			if by[q][ks[i]] != by[q][ks[j]] {
				return by[q][ks[i]] > by[q][ks[j]]
			}
			return ks[i] < ks[j]
		})
		return ks
	}
	keep := map[string]bool{}
	for _, q := range quarters {
		for i, k := range ranked(q) {
			if i < rootCauseTopPerQuarter {
				keep[k] = true
			}
		}
	}
	for i, q := range quarters {
		if q != quarter || i == 0 {
			continue
		}
		for k, n := range by[q] {
			if n > by[quarters[i-1]][k] {
				keep[k] = true
			}
		}
	}
	for len(keep) < maxRootCauseKeys {
		added := false
		for _, q := range quarters {
			largest, other, next := 0, 0, ""
			for _, k := range ranked(q) {
				switch {
				case keep[k]:
					largest = max(largest, by[q][k])
				case next == "":
					next = k
					other += by[q][k]
				default:
					other += by[q][k]
				}
			}
			if next != "" && other >= largest {
				keep[next], added = true, true
				break
			}
		}
		if !added {
			break
		}
	}
	return keep
}

// rootCauseCounts are cases per root-cause category and quarter.
func rootCauseCounts(r *analytics.Report) []count {
	counts := make([]count, 0, len(r.RootCauses))
	for _, rc := range r.RootCauses {
		counts = append(counts, count{rc.Quarter, rc.Category, rc.Cases})
	}
	return counts
}

// categoryStack is cases per case category and quarter, every category
// with its own series.
func categoryStack(r *analytics.Report) stack {
	counts := make([]count, 0, len(r.Volume.ByCategory))
	for _, c := range r.Volume.ByCategory {
		counts = append(counts, count{c.Quarter, c.Key, c.Cases})
	}
	return rankedStack(r.Quarters, counts, 0, categoryName)
}

// ageStack is cases open at each quarter's end by age bucket, youngest
// first (buckets the model adds later follow, in the order they come).
func ageStack(r *analytics.Report) stack {
	keys := append([]string(nil), analytics.AgeBuckets...)
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	counts := make([]count, 0, len(r.OpenAgeing))
	for _, b := range r.OpenAgeing {
		if !seen[b.Bucket] {
			seen[b.Bucket] = true
			keys = append(keys, b.Bucket)
		}
		counts = append(counts, count{b.Quarter, b.Bucket, b.Cases})
	}
	s := stack{quarters: r.Quarters, keys: keys}
	for _, k := range keys {
		s.names = append(s.names, display.AgeBucketLabel(k))
		s.colors = append(s.colors, AgeBucketColor(k))
	}
	s.fill(counts)
	return s
}

// caseTotals is the number of cases per trailing quarter.
func caseTotals(r *analytics.Report) []int {
	by := map[string]int{}
	for _, c := range r.Volume.Total {
		by[c.Quarter] += c.Cases
	}
	out := make([]int, len(r.Quarters))
	for i, q := range r.Quarters {
		out[i] = by[q]
	}
	return out
}

// trend is one metric's median and p90 per trailing quarter in one unit.
type trend struct {
	unit display.Unit
	// median and p90 are in unit, rounded as shown; nil where the quarter
	// has no counted case or no value.
	median, p90 []*float64
	n           []int
	small       []bool    // the quarter's sample is small (N > 0 and < 5)
	hours       []float64 // every value plotted, in hours (unit and scale)
}

// trendOf prepares a metric's trend over quarters: a quarter without a
// counted case is a gap, not a zero.
func trendOf(s analytics.MetricSeries, quarters []string) trend {
	byQ := map[string]analytics.Stat{}
	for i, st := range s.Stats {
		q := st.Quarter
		if q == "" && i < len(quarters) {
			q = quarters[i]
		}
		byQ[q] = st
	}
	t := trend{median: make([]*float64, len(quarters)), p90: make([]*float64, len(quarters)),
		n: make([]int, len(quarters)), small: make([]bool, len(quarters))}
	for _, q := range quarters {
		if st, ok := byQ[q]; ok && st.N > 0 {
			for _, v := range []*float64{st.Median, st.P90} {
				if v != nil {
					t.hours = append(t.hours, *v)
				}
			}
		}
	}
	// The unit of the last quarter's (the report quarter's) median and p90,
	// as its caption, the key-metrics table and the email give them, so
	// that a chart does not read "0.11 d" beside a caption of "2.7 h"; the
	// whole series' unit when that quarter has no value.
	t.unit = display.UnitFor(t.hours...)
	if len(quarters) > 0 {
		if st, ok := byQ[quarters[len(quarters)-1]]; ok && st.N > 0 && (st.Median != nil || st.P90 != nil) {
			t.unit = display.UnitForPtrs(st.Median, st.P90)
		}
	}
	for i, q := range quarters {
		st, ok := byQ[q]
		if !ok {
			continue
		}
		t.n[i] = st.N
		if st.N == 0 {
			continue
		}
		t.small[i] = st.SmallSample
		if st.Median != nil {
			v := t.unit.Value(*st.Median)
			t.median[i] = &v
		}
		if st.P90 != nil {
			v := t.unit.Value(*st.P90)
			t.p90[i] = &v
		}
	}
	return t
}

// techniqueBars are the report quarter's top techniques, most cases first,
// with their axis labels.
func techniqueBars(r *analytics.Report, top int) (ts []analytics.Technique, labels []string) {
	ts = r.Techniques
	if top > 0 && len(ts) > top {
		ts = ts[:top]
	}
	labels = make([]string, len(ts))
	for i, t := range ts {
		labels[i] = display.TechniqueLabel(t.ID, t.Name, t.Known)
	}
	return ts, labels
}

// actionCounts are action items created, completed and overdue per
// trailing quarter (by the quarter of their case).
type actionCounts struct {
	created, completed, overdue []int
	total                       int // all three summed over the quarters
}

func actionCountsOf(r *analytics.Report) actionCounts {
	by := map[string]analytics.ActionSummary{}
	for _, a := range r.Actions {
		by[a.Quarter] = a
	}
	n := len(r.Quarters)
	ac := actionCounts{created: make([]int, n), completed: make([]int, n), overdue: make([]int, n)}
	for i, q := range r.Quarters {
		a := by[q]
		ac.created[i], ac.completed[i], ac.overdue[i] = a.Created, a.Completed, a.Overdue
		ac.total += a.Created + a.Completed + a.Overdue
	}
	return ac
}

// tactics are distinct cases per tactic and quarter, tactics in the order
// the model lists them, with their display names.
type tactics struct {
	order []string                  // shortnames
	names map[string]string         // shortname → display name
	by    map[string]map[string]int // shortname → quarter → cases
}

func tacticsOf(r *analytics.Report) tactics {
	t := tactics{names: map[string]string{}, by: map[string]map[string]int{}}
	for _, c := range r.Tactics {
		if _, ok := t.names[c.Tactic]; !ok {
			t.order = append(t.order, c.Tactic)
			t.names[c.Tactic] = display.TacticLabel(c.Name, c.Tactic)
			t.by[c.Tactic] = map[string]int{}
		}
		t.by[c.Tactic][c.Quarter] += c.Cases
	}
	return t
}

// stack lays the tactic counts out as a stack over quarters, tactics in
// model order (for the heat map and its table).
func (t tactics) stack(quarters []string) stack {
	s := stack{quarters: quarters, keys: t.order}
	for _, k := range t.order {
		s.names = append(s.names, t.names[k])
	}
	var counts []count
	for _, k := range t.order {
		for q, n := range t.by[k] {
			counts = append(counts, count{q, k, n})
		}
	}
	s.fill(counts)
	return s
}
