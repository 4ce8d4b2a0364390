package tracker

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"

	"github.com/pirhq/pir/analytics"
)

// JiraSummaryMax is the length limit of Jira's Summary field (in UTF-16
// code units, as Jira counts): one longer summary fails the whole import.
const JiraSummaryMax = 255

// JiraHeader is the header row of WriteJiraCSV. Atlassian's "Import data
// from a CSV file" rules: a header row with a Summary column and no
// punctuation in the names; a multi-value field (Labels) takes one column per
// value, all with the field's name; users are matched by email address.
var JiraHeader = []string{"Summary", "Description", "Assignee", "Due date", "Priority", "Labels", "Labels"}

// WriteJiraCSV writes the items as a file for Jira's CSV importer (not for a
// spreadsheet: no formula guard, the text stays as written): Summary (cut to
// 255 characters at a word, the full text then in the description),
// Description, Assignee (the owner's email from owners, else empty), Due date
// (yyyy-MM-dd), Priority (Jira's default scheme) and two Labels columns: the
// case reference, and owner:NAME for an owner without an email.
func WriteJiraCSV(w io.Writer, l *analytics.ActionList, owners Owners) (Result, error) {
	var r Result
	cw := csv.NewWriter(w)
	if err := cw.Write(JiraHeader); err != nil {
		return r, err
	}
	for _, a := range l.Items {
		summary, cut := Cut(title(a), JiraSummaryMax)
		lines := []string{caseLine(a)}
		owner, assignee, ownerLabel := plain(a.Owner), "", ""
		if acc, ok := assign(owners, a.Owner, &r); ok {
			assignee = acc.Email
			lines = append(lines, "Owner: "+owner)
		} else if owner != "" {
			ownerLabel = JiraLabel("owner:" + owner)
			lines = append(lines, "Owner: "+owner+" (no Jira user: add it to [owners] in pir.toml)")
		}
		if p := plain(a.Priority); p != "" {
			lines = append(lines, "Priority in the review: "+p)
		}
		lines = append(lines, statusLine(l, a))
		if cut {
			lines = append(lines, "Full summary: "+multiline(a.Summary))
		}
		lines = append(lines, "Exported by pir.")
		rec := []string{summary, strings.Join(lines, "\n"), assignee, a.Due, JiraPriority(a.Priority), JiraLabel(a.Ref), ownerLabel}
		if err := cw.Write(rec); err != nil {
			return r, err
		}
		r.Items++
	}
	cw.Flush()
	return r, cw.Error()
}

// JiraPriority maps pir's priorities to Jira's default scheme; anything
// else is left empty so Jira applies its default.
func JiraPriority(p string) string {
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

// JiraLabel makes text a valid Jira label: no whitespace (each run becomes
// _), at most 255 characters.
func JiraLabel(s string) string {
	s = strings.Join(strings.FieldsFunc(plain(s), unicode.IsSpace), "_")
	s, _ = Cut(s, 255)
	return s
}
