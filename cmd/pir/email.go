package main

import (
	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/mail"
)

// summaryBody puts a report's KPI summary into msg: the subject from the
// template (the config's email.subject or --subject; empty is the default),
// and the plain-text and HTML bodies. msg's attachments are listed in the
// body.
func summaryBody(msg *mail.Message, sum mail.Summary, subject string) error {
	for _, a := range msg.Attachments {
		sum.Attachments = append(sum.Attachments, a.Name)
	}
	var err error
	if msg.Subject, err = mail.Subject(subject, sum); err != nil {
		return err
	}
	msg.Text = sum.Text()
	msg.HTML, err = sum.HTML()
	return err
}

// reportSummary fills the email's KPI summary from the report model with
// the formatters the PDF uses (package display), so the email and page 1 of
// the PDF print the same numbers.
func reportSummary(r *analytics.Report) mail.Summary {
	s := mail.Summary{
		Organisation: r.Organisation, Quarter: r.Quarter, Marking: r.Marking,
		TimeZone: r.TimeZone, Cohort: r.Cohort, Version: r.Version, Cases: r.Cases,
		Overdue: r.OverdueTotal, Sentences: append([]string(nil), r.Summary...),
		Freshness: display.Freshness(r.Freshness.NewestDetected, r.Freshness.NewestCase, r.Freshness.NewestFile, r.Freshness.NewestIngested),
		Decisions: decisionLines(r),
	}
	if q, err := analytics.ParseQuarter(r.Quarter); err == nil {
		s.Previous = q.Prev().String()
	}
	for _, k := range r.KPIs {
		row := mail.KPIRow{
			Label: k.Label, Median: unitOf(k).FormatPtr(k.Current.Median), P90: unitOf(k).FormatPtr(k.Current.P90),
			N: k.Current.N, SmallSample: k.Current.SmallSample,
			PrevMedian: display.NoValue, Change: display.Change(k.QoQ).StringIn(unitOf(k)), Direction: k.QoQ.Direction,
		}
		if row.Label == "" {
			row.Label = k.Metric
		}
		if k.Previous != nil {
			row.PrevMedian = unitOf(k).FormatPtr(k.Previous.Median)
		}
		if row.Direction == "" {
			row.Direction = "n/a"
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// decisionLines are the report's decisions as one line each, as the PDF's
// decisions box words them.
func decisionLines(r *analytics.Report) []string {
	var out []string
	for _, d := range r.Decisions {
		out = append(out, display.DecisionLine(d.Count, d.What, d.Owner, d.Proposal))
	}
	return out
}

// unitOf is the one unit a metric's row is shown in: the PDF's KPI table
// and the email agree (median, p90 and the previous median in hours, or
// all in days).
func unitOf(k analytics.KPI) display.Unit {
	var prev *float64
	if k.Previous != nil {
		prev = k.Previous.Median
	}
	return display.UnitForPtrs(k.Current.Median, k.Current.P90, prev)
}
