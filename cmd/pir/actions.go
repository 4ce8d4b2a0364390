package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
)

func actionsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "actions",
		Usage: "action items from post-incident reviews across cases: owner, due date, status, days overdue",
		Description: `Lists the action items of every case (or of the cases detected in --quarter)
with their owner, due date, status, days overdue and the case they came
from, most overdue first. --status open (default) lists items not done and
not wont-do; overdue those of them past their due date (an item due today is
not overdue yet; "today" is in --tz); all lists every item.

--format table is for a terminal; csv and json carry every field; jira-csv
writes the columns Jira's CSV importer maps directly (Summary, Description,
Assignee, Due date, Priority, Labels = the case ID) so a team can bulk-create
tickets: map Due date with the date format yyyy-MM-dd. Every CSV cell that
starts with = + - @, a tab or a carriage return is prefixed with ' so a
spreadsheet shows it as text instead of running it as a formula: summaries
and owners are free text from case exports.

Examples:
   pir actions
   pir actions --status overdue --format csv > overdue.csv
   pir actions --status all --quarter 2025-Q4 --format json
   pir actions --status open --format jira-csv > jira-import.csv`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "status", Value: "open", Usage: "which items: open, overdue or all"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table, csv, json or jira-csv"},
			quarterFlag(), configFlag(), dbFlag(), tzFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir actions --status overdue", "actions takes no arguments, got %q", c.Args().First())
			}
			format := c.String("format")
			switch format {
			case "table", "csv", "json", "jira-csv":
			default:
				return usagef("pir actions --format jira-csv", "--format %q: want table, csv, json or jira-csv", format)
			}
			if _, err := reviewConfig(c); err != nil {
				return err
			}
			db, err := openDB(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			l, err := analytics.ListActions(c.Context, db, analytics.ActionOptions{Filter: c.String("status"), Quarter: c.String("quarter"), Now: e.now})
			switch {
			case errors.Is(err, analytics.ErrBadActionFilter):
				return usagef("pir actions --status overdue", "--status %v", err)
			case errors.Is(err, analytics.ErrBadQuarter):
				return usagef("pir actions --quarter 2024-Q1", "--quarter %v", err)
			case err != nil:
				return err
			}
			switch format {
			case "json":
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(l)
			case "csv":
				return writeActionsCSV(e.stdout, l)
			case "jira-csv":
				return writeJiraCSV(e.stdout, l)
			default:
				return writeActionsTable(e.stdout, l)
			}
		},
	}
}

func writeActionsTable(w io.Writer, l *analytics.ActionList) error {
	scope := "all quarters"
	if l.Quarter != "" {
		scope = "cases of " + l.Quarter
	}
	fmt.Fprintf(w, "Action items (%s, %s) on %s (%s): %s, %s overdue\n\n", l.Filter, scope, l.AsOfDate, l.TimeZone, display.Count(len(l.Items)), display.Count(l.Overdue))
	if len(l.Items) == 0 {
		fmt.Fprintln(w, "No action items.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tQUARTER\tITEM\tOWNER\tPRIORITY\tDUE\tSTATUS\tOVERDUE\tSUMMARY")
	for _, a := range l.Items {
		over := ""
		if a.Overdue {
			over = display.DayCount(a.DaysOverdue)
		}
		status := a.Status
		if a.Done && a.Completed != nil {
			status = "done " + a.Completed.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", terminalText(a.Ref, 30), a.Quarter, terminalText(a.ID, 20),
			terminalText(display.OrNoValue(a.Owner), 30), terminalText(display.OrNoValue(a.Priority), 12), display.OrNoValue(a.Due),
			terminalText(status, 20), display.OrNoValue(over), terminalText(a.Summary, 80))
	}
	return tw.Flush()
}

func writeActionsCSV(w io.Writer, l *analytics.ActionList) error {
	rows := [][]string{{"case", "source", "case_id", "quarter", "case_title", "severity", "item_id", "summary", "owner",
		"priority", "due", "status", "completed_at", "done", "overdue", "days_overdue", "as_of_date"}}
	for _, a := range l.Items {
		completed, days := "", ""
		if a.Completed != nil {
			completed = a.Completed.Format(time.RFC3339)
		}
		if a.Overdue {
			days = fmt.Sprint(a.DaysOverdue)
		}
		rows = append(rows, []string{a.Ref, a.Source, a.CaseID, a.Quarter, a.CaseTitle, a.Severity, a.ID, a.Summary, a.Owner,
			a.Priority, a.Due, a.Status, completed, fmt.Sprint(a.Done), fmt.Sprint(a.Overdue), days, l.AsOfDate})
	}
	return writeSafeCSV(w, rows)
}

// jiraPriority maps pir's priorities to Jira's default scheme; anything
// else is left empty so Jira applies its default.
func jiraPriority(p string) string {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "critical", "highest", "p1":
		return "Highest"
	case "high", "p2":
		return "High"
	case "medium", "p3":
		return "Medium"
	case "low", "p4":
		return "Low"
	case "informational", "lowest", "p5":
		return "Lowest"
	}
	return ""
}

// jiraLabel makes a case reference a valid Jira label (no whitespace).
func jiraLabel(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, s)
}

// writeJiraCSV writes the columns Jira's CSV importer maps directly.
func writeJiraCSV(w io.Writer, l *analytics.ActionList) error {
	rows := [][]string{{"Summary", "Description", "Assignee", "Due date", "Priority", "Labels"}}
	for _, a := range l.Items {
		var d strings.Builder
		fmt.Fprintf(&d, "Action item %s from the post-incident review of %s", a.ID, a.Ref)
		if a.CaseTitle != "" {
			fmt.Fprintf(&d, " (%s)", oneLine(a.CaseTitle))
		}
		var facts []string
		if a.Severity != "" {
			facts = append(facts, "severity "+a.Severity)
		}
		if a.Quarter != "" {
			facts = append(facts, "detected in "+a.Quarter)
		}
		if len(facts) > 0 {
			fmt.Fprintf(&d, ", %s", strings.Join(facts, ", "))
		}
		fmt.Fprintf(&d, ". Status on %s: %s", l.AsOfDate, a.Status)
		if a.Overdue {
			fmt.Fprintf(&d, ", %d days overdue", a.DaysOverdue)
		}
		d.WriteString(". Exported by pir.")
		rows = append(rows, []string{oneLine(a.Summary), d.String(), a.Owner, a.Due, jiraPriority(a.Priority), jiraLabel(a.Ref)})
	}
	return writeSafeCSV(w, rows)
}

// writeSafeCSV writes rows as CSV with every cell passed through
// csvSafe (the header too, for uniformity).
func writeSafeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, v := range r {
			safe[i] = csvSafe(v)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe neutralises spreadsheet formula injection (OWASP "CSV
// Injection"): a cell starting with = + - @, a tab or a carriage return
// (or their full-width forms, which some spreadsheets also accept) gets a
// leading ' so it is shown as text. Cells come from free-text fields of
// case exports, which an attacker can write.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch []rune(s)[0] {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

// oneLine collapses whitespace (newlines, tabs) to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// terminalText makes free text safe for a terminal table: control and
// invisible characters (escape sequences, bidi overrides, zero-width
// spaces) shown as their code points (display.Visible), whitespace
// collapsed, cut to max runes with an ellipsis.
func terminalText(s string, max int) string {
	s = oneLine(display.Visible(s))
	if r := []rune(s); max > 0 && len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
