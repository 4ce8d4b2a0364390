package tracker

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/pirhq/pir/analytics"
)

// ADOTitleMax is the length limit of an Azure Boards work item Title.
const ADOTitleMax = 255

// ADOProcess is what Azure Boards' CSV import needs to know of a project's
// process for pir's action items: the work item type to create, its first
// workflow state (the import sets new items to it) and the column of the
// process's due-date field.
type ADOProcess struct {
	Name  string // agile, scrum, basic
	Type  string // Work Item Type
	State string // the first state of Type's workflow
	// DueColumn is the field's name as the CSV header (DueField its
	// reference name, for the docs).
	DueColumn, DueField string
}

// ADOProcesses are the three default processes. Agile's Issue carries Due
// Date (Microsoft.VSTS.Scheduling.DueDate); Scrum and Basic have no due
// date on a backlog item, only Target Date
// (Microsoft.VSTS.Scheduling.TargetDate), which their default forms show on
// Epic and Feature: add it to the work item type of your inherited process,
// or import as --ado-type Feature (Scrum) or Epic (Basic).
var ADOProcesses = map[string]ADOProcess{
	"agile": {Name: "agile", Type: "Issue", State: "Active", DueColumn: "Due Date", DueField: "Microsoft.VSTS.Scheduling.DueDate"},
	"scrum": {Name: "scrum", Type: "Product Backlog Item", State: "New", DueColumn: "Target Date", DueField: "Microsoft.VSTS.Scheduling.TargetDate"},
	"basic": {Name: "basic", Type: "Issue", State: "To Do", DueColumn: "Target Date", DueField: "Microsoft.VSTS.Scheduling.TargetDate"},
}

// ADOStates are the first workflow states of the work item types pir
// creates, by type (for --ado-type).
var ADOStates = map[string]map[string]string{
	"agile": {"Issue": "Active", "Task": "New", "User Story": "New", "Feature": "New", "Epic": "New", "Bug": "New"},
	"scrum": {"Product Backlog Item": "New", "Task": "To Do", "Impediment": "Open", "Feature": "New", "Epic": "New", "Bug": "New"},
	"basic": {"Issue": "To Do", "Task": "To Do", "Epic": "To Do"},
}

// ADOHeader is the header row of WriteADOCSV for process p.
func ADOHeader(p ADOProcess) []string {
	return []string{"Work Item Type", "Title", "Assigned To", "State", "Priority", "Tags", "Description", p.DueColumn}
}

// WriteADOCSV writes the items as new work items for Azure Boards' CSV
// import (Boards > Queries > Import work items; Microsoft's "Import, update,
// and export bulk work items with CSV files"): Work Item Type and Title
// (required; no ID column, which would mean "update"), Assigned To
// ("Display Name <email>" from owners, else empty), State (the type's first
// state: the import cannot set another), Priority 1-4, Tags (the case
// reference, and owner:NAME for an owner without an account), Description
// (HTML, every text escaped) and the process's due date (yyyy-MM-dd). Titles
// are cut to 255 characters at a word, the full text then in the
// description. Like the Jira file it is for the importer, not a spreadsheet:
// no formula guard.
func WriteADOCSV(w io.Writer, l *analytics.ActionList, owners Owners, p ADOProcess) (Result, error) {
	var r Result
	cw := csv.NewWriter(w)
	if err := cw.Write(ADOHeader(p)); err != nil {
		return r, err
	}
	for _, a := range l.Items {
		t, cut := Cut(title(a), ADOTitleMax)
		paras := []string{caseLine(a)}
		owner, assigned := plain(a.Owner), ""
		var tags []string
		if ref := ADOTag(a.Ref); ref != "" {
			tags = append(tags, ref)
		}
		if acc, ok := assign(owners, a.Owner, &r); ok {
			name := acc.Name
			if name == "" {
				name = owner
			}
			if local, _, ok := strings.Cut(name, "@"); ok { // an email owner: its local part
				name = local
			}
			assigned = fmt.Sprintf("%s <%s>", strings.NewReplacer("<", "", ">", "", `"`, "").Replace(plain(name)), acc.Email)
			paras = append(paras, "Owner: "+owner)
		} else if owner != "" {
			tags = append(tags, ADOTag("owner:"+owner))
			paras = append(paras, "Owner: "+owner+" (no Azure DevOps account: add it to [owners] in pir.toml)")
		}
		if s := plain(a.Status); s == "done" || s == "wont-do" {
			tags = append(tags, "pir:"+s) // the import cannot close it
		}
		if pr := plain(a.Priority); pr != "" {
			paras = append(paras, "Priority in the review: "+pr)
		}
		paras = append(paras, statusLine(l, a))
		if cut {
			paras = append(paras, "Full title: "+multiline(a.Summary))
		}
		paras = append(paras, "Exported by pir.")
		rec := []string{p.Type, t, assigned, p.State, ADOPriority(a.Priority), strings.Join(tags, "; "), htmlParagraphs(paras), a.Due}
		if err := cw.Write(rec); err != nil {
			return r, err
		}
		r.Items++
	}
	cw.Flush()
	return r, cw.Error()
}

// ADOPriority maps pir's priorities to Azure Boards' Priority field: 1
// (must fix now) to 4 (not required); anything else empty (the process's
// default, 2).
func ADOPriority(p string) string {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "critical", "highest", "p1":
		return "1"
	case "high", "p2":
		return "2"
	case "medium", "p3":
		return "3"
	case "low", "lowest", "informational", "p4", "p5":
		return "4"
	}
	return ""
}

// ADOTag makes text one Azure Boards tag: tags are separated by ";" in the
// Tags column, so ";" and "," become "_"; at most 100 characters.
func ADOTag(s string) string {
	s = strings.NewReplacer(";", "_", ",", "_").Replace(plain(s))
	s, _ = Cut(s, 100)
	return s
}

// htmlParagraphs is the Description: Azure Boards stores it as HTML, so
// every text is escaped and each paragraph is a <p> (line breaks in CSV
// cells are not kept).
func htmlParagraphs(paras []string) string {
	var b strings.Builder
	for _, p := range paras {
		b.WriteString("<p>")
		for i, line := range strings.Split(p, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			b.WriteString(html.EscapeString(line))
		}
		b.WriteString("</p>")
	}
	return b.String()
}
