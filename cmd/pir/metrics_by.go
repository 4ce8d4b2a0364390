package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	pirsql "github.com/pirhq/pir/sql"
)

// checkByDimension validates --by.
func checkByDimension(by string) error {
	if by == "" || slices.Contains(pirsql.SliceDimensions(), by) {
		return nil
	}
	return usagef("pir metrics --by team", "--by %q: want one of %s", by, strings.Join(pirsql.SliceDimensions(), ", "))
}

// writeMetricsBy prints one dimension of the report's slices: for a
// terminal the report quarter per value and metric (median first) with the
// change from the previous quarter; json the dimension of the model; csv
// one row per value, metric and trailing quarter (the rows of
// quarterly_metrics_by).
func writeMetricsBy(w io.Writer, r *analytics.Report, by, format string) error {
	d := r.Slices.Dimension(by)
	if d == nil {
		d = &analytics.SliceDimension{Dimension: by, Values: []analytics.SliceValue{}}
	}
	minCases := 0
	if r.Slices != nil {
		minCases = r.Slices.MinCases
	}
	labels := map[string]string{}
	for _, def := range r.Definitions {
		labels[def.Name] = def.Label
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Quarter  string `json:"quarter"`
			Cohort   string `json:"cohort"`
			MinCases int    `json:"min_cases"`
			*analytics.SliceDimension
		}{r.Quarter, r.Cohort, minCases, d})
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"dimension", "value", "quarter", "metric", "n", "mean_hours", "median_hours", "p90_hours"})
		num := func(p *float64) string {
			if p == nil {
				return ""
			}
			return strconv.FormatFloat(*p, 'f', -1, 64)
		}
		for _, v := range d.Values {
			for _, m := range v.Metrics {
				for _, s := range m.Stats {
					cw.Write([]string{by, v.Value, s.Quarter, m.Metric, strconv.Itoa(s.N), num(s.Mean), num(s.Median), num(s.P90)})
				}
			}
		}
		cw.Flush()
		return cw.Error()
	}
	d = display.VisibleCopy(d)
	label := display.DimensionLabel(by)
	fmt.Fprintf(w, "pir metrics %s by %s: %s cohort, time zone %s\n", r.Quarter, strings.ToLower(label), r.Cohort, r.TimeZone)
	if len(d.Values) == 0 {
		fmt.Fprintf(w, "No case gives a %s: nothing to split by.\n", strings.ToLower(label))
		return nil
	}
	prevQ := "previous"
	if q, err := analytics.ParseQuarter(r.Quarter); err == nil {
		prevQ = q.Prev().String()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tMETRIC\tN\tMEDIAN\tP90\tMEAN\tVS %s\n", strings.ToUpper(label), prevQ)
	for _, v := range d.Values {
		for _, m := range v.Metrics {
			s := m.Current()
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", display.SliceValueLabel(by, v.Value, minCases), labels[m.Metric],
				display.Count(s.N), display.DurationPtr(s.Median), display.DurationPtr(s.P90), display.DurationPtr(s.Mean), changeText(m.QoQ))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if minCases > 1 {
		fmt.Fprintf(w, "Values with fewer than %d counted cases of a metric in a quarter (or beyond the largest few) are pooled as Other (config slice_min_cases, slice_max_values).\n", minCases)
	}
	fmt.Fprintln(w, "The same numbers: pir query \"SELECT * FROM quarterly_metrics_by WHERE dimension = '"+by+"'\"")
	return nil
}
