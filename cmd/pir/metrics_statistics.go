package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

// writeStatisticsTable prints, per metric, the completed-only median with
// its 95 % interval beside the Kaplan–Meier median that counts the open
// cases, and the p-values of the changes.
func writeStatisticsTable(w io.Writer, r *analytics.Report) error {
	snap := "no case"
	if r.Statistics.Snapshot != nil {
		snap = r.Statistics.Snapshot.Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(w, "Open cases counted (Kaplan–Meier, open cases censored at %s) and tests of the changes (Mann–Whitney, significant below p = %g)\n",
		snap, r.Statistics.Significance)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METRIC\tMEDIAN (COMPLETED)\t95% INTERVAL\tKM MEDIAN\tKM P90\tOPEN COUNTED\tP VS PREVIOUS\tP VS YEAR AGO")
	for _, k := range r.KPIs {
		s := k.Current
		u := display.UnitForPtrs(s.RowHours()...) // one unit per row
		km, kp, open := display.NoValue, display.NoValue, display.NoValue
		if sv := s.Survival; sv != nil {
			km, kp, open = display.QuantileIn(u, sv.Median, sv.MedianReached), display.QuantileIn(u, sv.P90, sv.P90Reached), display.OpenCounted(sv.Censored)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.Label, u.FormatPtr(s.Median),
			display.IntervalIn(u, s.MedianCILow, s.MedianCIHigh), km, kp, open, display.PValue(k.QoQ.PValue), display.PValue(k.YoY.PValue))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Statistics.Sentence != "" {
		fmt.Fprintln(w, r.Statistics.Sentence)
	}
	if r.Yardstick != nil {
		fmt.Fprintln(w, r.Yardstick.Sentence)
	}
	return nil
}
