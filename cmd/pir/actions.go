package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/analytics"
	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/tracker"
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

--format table is for a terminal; csv and json carry every field. csv is
for spreadsheets: every cell that starts with = + - @, a tab or a carriage
return is prefixed with ' so a spreadsheet shows it as text instead of
running it as a formula (summaries and owners are free text from case
exports).

--format jira-csv and ado-csv are files for an importer, NOT for a
spreadsheet: the text stays exactly as written (no ' guard; do not open and
re-save them in a spreadsheet program).
  jira-csv  Jira's CSV importer (Summary, Description, Assignee, Due date,
            Priority, Labels): set the importer's date format to
            yyyy-MM-dd. Summaries are cut to 255 characters at a word (the
            full text goes into the description).
  ado-csv   Azure Boards' CSV import (Boards > Queries > Import work items):
            Work Item Type, Title, Assigned To, State, Priority 1-4, Tags
            (the case ID), Description and the due-date field of
            --ado-process: agile (default) writes Issues with Due Date;
            scrum Product Backlog Items and basic Issues with Target Date
            (add that field to the type in your inherited process, or pick
            a type that has it with --ado-type Feature|Epic). Titles are cut
            to 255 characters.
Assignees come from the [owners] table of --config, which maps owner names
as the cases write them ("SOC", "IAM Team") to the tracker user's email
("Display Name <email>" also works); an owner that is itself an email is
used as is. Owners with no entry are left unassigned, get an owner:NAME
label (tag) and are listed in a warning on stderr.

--format ics writes an iCalendar file (RFC 5545) with one to-do (VTODO) per
item, for calendars: its due date, summary, case, owner and priority
(critical 1, high 3, medium 5, low 7, informational 9), and a UID that
stays the same on every run, so re-importing updates the to-dos instead of
doubling them.

Examples:
   pir actions
   pir actions --status overdue --format csv > overdue.csv
   pir actions --status overdue --as-of 2025-12-31   # the 2025-Q4 report's count
   pir actions --status all --quarter 2025-Q4 --format json
   pir actions --config pir.toml --format jira-csv > jira-import.csv
   pir actions --config pir.toml --format ado-csv --ado-process scrum > ado-import.csv
   pir actions --format ics > action-items.ics`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "status", Value: "open", Usage: "which items: open, overdue or all"},
			&cli.StringFlag{Name: "as-of", Usage: "measure overdue at the end of `DATE` (YYYY-MM-DD, in --tz) instead of now; a quarter's last day gives its report's count"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table, csv, json, jira-csv, ado-csv or ics"},
			&cli.StringFlag{Name: "ado-process", Value: "agile", Usage: "Azure Boards `PROCESS` of the target project (ado-csv): agile, scrum or basic"},
			&cli.StringFlag{Name: "ado-type", Usage: "work item `TYPE` to create (ado-csv; default: Issue for agile and basic, Product Backlog Item for scrum)"},
			quarterFlag(), configFlag(), dbFlag(), tzFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("pir actions --status overdue", "actions takes no arguments, got %q", c.Args().First())
			}
			format := c.String("format")
			switch format {
			case "table", "csv", "json", "jira-csv", "ado-csv", "ics":
			default:
				return usagef("pir actions --format jira-csv", "--format %q: want table, csv, json, jira-csv, ado-csv or ics", format)
			}
			proc, ok := tracker.ADOProcesses[c.String("ado-process")]
			if !ok {
				return usagef("pir actions --format ado-csv --ado-process scrum", "--ado-process %q: want agile, scrum or basic", c.String("ado-process"))
			}
			if t := c.String("ado-type"); t != "" {
				state, ok := tracker.ADOStates[proc.Name][t]
				if !ok {
					types := make([]string, 0, len(tracker.ADOStates[proc.Name]))
					for k := range tracker.ADOStates[proc.Name] {
						types = append(types, k)
					}
					sort.Strings(types)
					return usagef("pir actions --format ado-csv --ado-process scrum --ado-type Feature", "--ado-type %q is not a work item type of the %s process: want one of %s", t, proc.Name, strings.Join(types, ", "))
				}
				proc.Type, proc.State = t, state
			}
			s, err := resolveSettings(c, true)
			if err != nil {
				return err
			}
			cfg := s.cfg
			db, err := s.openDB(c.Context, true)
			if err != nil {
				return err
			}
			defer db.Close()
			l, err := analytics.ListActions(c.Context, db, analytics.ActionOptions{Filter: c.String("status"), Quarter: c.String("quarter"), Now: e.now, AsOfDate: c.String("as-of")})
			switch {
			case errors.Is(err, analytics.ErrBadAsOf):
				return usagef("pir actions --status overdue --as-of 2025-12-31", "--as-of %v", err)
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
			case "jira-csv", "ado-csv", "ics":
				var res tracker.Result
				switch format {
				case "jira-csv":
					res, err = tracker.WriteJiraCSV(e.stdout, l, cfg.owners)
				case "ado-csv":
					res, err = tracker.WriteADOCSV(e.stdout, l, cfg.owners, proc)
				default:
					res, err = tracker.WriteICS(e.stdout, l, cfg.owners, e.now(), version)
				}
				if err != nil {
					return err
				}
				if n := len(res.Unmapped); n > 0 && format != "ics" {
					fmt.Fprintf(e.stderr, "warning: %d owner(s) have no entry in the [owners] table of --config and are left unassigned (labelled owner:NAME): %s\n",
						n, strings.Join(res.Unmapped, ", "))
				}
				return nil
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
	switch l.Filter {
	case "overdue":
		fmt.Fprintf(w, "Action items overdue on %s (%s, %s): %s\n\n", l.AsOfDate, l.TimeZone, scope, display.Count(l.Overdue))
	case "open":
		fmt.Fprintf(w, "Open action items on %s (%s, %s): %s, of which %s overdue\n\n", l.AsOfDate, l.TimeZone, scope, display.Count(len(l.Items)), display.Count(l.Overdue))
	default:
		fmt.Fprintf(w, "All action items on %s (%s, %s): %s, of which %s overdue\n\n", l.AsOfDate, l.TimeZone, scope, display.Count(len(l.Items)), display.Count(l.Overdue))
	}
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
