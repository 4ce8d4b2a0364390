package tracker

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"
)

// jiraIssue is one issue as Jira's CSV importer would create it.
type jiraIssue struct {
	Summary, Description, Assignee, Priority string
	Due                                      time.Time
	Labels                                   []string
}

// parseJiraCSV reads a file the way Atlassian's "Import data from a CSV
// file" / "Create issues using the CSV importer" pages document Jira's
// importer, and returns the issues or the first rule broken:
//   - a well-formed, comma-separated file, content with commas, quotes or
//     line breaks enclosed in double quotes (a literal quote doubled);
//   - a header row with a Summary column; header names without punctuation;
//   - commas never omitted: every row has one value per header column;
//   - a multi-value field (Labels) takes one column per value, all named
//     like the field; a single-value field appears once;
//   - users (Assignee) are matched by email address;
//   - dates in the format given to the importer (Java SimpleDateFormat; pir
//     documents yyyy-MM-dd);
//   - Summary is required and at most 255 characters (one line);
//   - Priority names one of the scheme's priorities (Jira's default scheme);
//   - labels contain no spaces.
func parseJiraCSV(r io.Reader) ([]jiraIssue, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every row as long as the header
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("not well-formed CSV: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("no header row")
	}
	header := recs[0]
	punct := regexp.MustCompile(`[^A-Za-z0-9 ]`)
	count := map[string]int{}
	for _, h := range header {
		if punct.MatchString(h) {
			return nil, fmt.Errorf("header %q: punctuation", h)
		}
		count[h]++
	}
	if count["Summary"] != 1 {
		return nil, fmt.Errorf("header: want one Summary column, got %d", count["Summary"])
	}
	for h, n := range count {
		if n > 1 && h != "Labels" {
			return nil, fmt.Errorf("header: %q repeated but not a multi-value field", h)
		}
	}
	priorities := map[string]bool{"Highest": true, "High": true, "Medium": true, "Low": true, "Lowest": true, "": true}
	var out []jiraIssue
	for n, rec := range recs[1:] {
		row := n + 2
		var is jiraIssue
		for i, v := range rec {
			switch header[i] {
			case "Summary":
				is.Summary = v
			case "Description":
				is.Description = v
			case "Assignee":
				if v != "" {
					if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
						return nil, fmt.Errorf("row %d: Assignee %q is not an email address", row, v)
					}
				}
				is.Assignee = v
			case "Due date":
				if v != "" {
					d, err := time.Parse("2006-01-02", v)
					if err != nil {
						return nil, fmt.Errorf("row %d: Due date %q is not yyyy-MM-dd", row, v)
					}
					is.Due = d
				}
			case "Priority":
				if !priorities[v] {
					return nil, fmt.Errorf("row %d: Priority %q is not in the scheme", row, v)
				}
				is.Priority = v
			case "Labels":
				if strings.ContainsAny(v, " \t\r\n") || utf16Len(v) > 255 {
					return nil, fmt.Errorf("row %d: label %q", row, v)
				}
				if v != "" {
					is.Labels = append(is.Labels, v)
				}
			}
		}
		if is.Summary == "" || utf16Len(is.Summary) > 255 || strings.ContainsAny(is.Summary, "\r\n") {
			return nil, fmt.Errorf("row %d: Summary %q: required, one line, at most 255 characters", row, is.Summary)
		}
		out = append(out, is)
	}
	return out, nil
}

func TestWriteJiraCSV(t *testing.T) {
	l := hostile()
	var buf bytes.Buffer
	res, err := WriteJiraCSV(&buf, l, testOwners(t))
	if err != nil {
		t.Fatal(err)
	}
	file := buf.String()
	issues, err := parseJiraCSV(&buf)
	if err != nil {
		t.Fatalf("Jira's importer would refuse it: %v\n%s", err, file)
	}
	if len(issues) != 5 || res.Items != 5 {
		t.Fatalf("got %d issues, %d items", len(issues), res.Items)
	}
	// The text stays as written: no spreadsheet guard in Jira's data.
	if s := issues[0].Summary; s != `=HYPERLINK("http://evil.example","click")` {
		t.Errorf("summary 1: got %q", s)
	}
	if s := issues[1].Summary; s != `-Disable legacy auth; then, \ "quote" second line end` {
		t.Errorf("summary 2: got %q", s)
	}
	// Mapped owners are assigned by email; others are unassigned, labelled
	// and reported.
	if issues[1].Assignee != "soc-lead@example.org" || issues[2].Assignee != "zoe@example.org" || issues[4].Assignee != "ops@example.org" {
		t.Errorf("assignees: got %q, %q, %q", issues[1].Assignee, issues[2].Assignee, issues[4].Assignee)
	}
	if issues[0].Assignee != "" || strings.Join(issues[0].Labels, " ") != "EVIL-1 owner:@SUM(1+1)" ||
		!strings.Contains(issues[0].Description, "Owner: @SUM(1+1) (no Jira user: add it to [owners] in pir.toml)") {
		t.Errorf("unmapped owner: got %+v", issues[0])
	}
	if strings.Join(res.Unmapped, "|") != "@SUM(1+1)" {
		t.Errorf("unmapped: got %q", res.Unmapped)
	}
	// The long summary is cut at a word, the full text in the description.
	long, full := issues[2], l.Items[2].Summary
	prefix := strings.TrimSuffix(long.Summary, "…")
	if utf16Len(long.Summary) > 255 || utf16Len(long.Summary) < 240 || !strings.HasPrefix(full, prefix) || full[len(prefix)] != ' ' ||
		!strings.Contains(long.Description, "Full summary: "+full) {
		t.Errorf("long summary: got %q\n%s", long.Summary, long.Description)
	}
	if strings.Join(long.Labels, " ") != "thehive:~42" || long.Priority != "Low" || long.Due.Format("2006-01-02") != "2026-03-01" {
		t.Errorf("labels/priority/due: got %+v", long)
	}
	// No summary: a title is made; labels never hold spaces.
	if issues[3].Summary != "Action item A-4 of C 9" || strings.Join(issues[3].Labels, " ") != "C_9" || issues[3].Priority != "Lowest" {
		t.Errorf("empty summary: got %+v", issues[3])
	}
	// Control characters and the bidi override show as their code points.
	if strings.ContainsAny(file, "\x07\x1b\u202E") || !strings.Contains(file, "‹U+0007›bell‹U+001B›[31m") || !strings.Contains(file, "VPN ‹U+202E›evil") {
		t.Error("control characters or the bidi override kept raw, or not shown")
	}
	if !strings.Contains(issues[0].Description, "</script><script>alert(1)</script> # heading") ||
		!strings.Contains(issues[0].Description, "Status on 2026-01-15: open, 45 days overdue.") {
		t.Errorf("description: %q", issues[0].Description)
	}
}

// TestParseJiraCSVRules: the parser refuses what the importer refuses.
func TestParseJiraCSVRules(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"NoSummary", "Description\nx\n", "Summary"},
		{"Punctuation", "Summary,Due date (UTC)\nx,\n", "punctuation"},
		{"OmittedComma", "Summary,Assignee,Priority\nx,a@example.org\n", "well-formed"},
		{"AssigneeName", "Summary,Assignee\nx,SOC\n", "not an email"},
		{"DateFormat", "Summary,Due date\nx,01/12/2025\n", "yyyy-MM-dd"},
		{"Priority", "Summary,Priority\nx,Urgent\n", "scheme"},
		{"LabelSpace", "Summary,Labels\nx,IR 1\n", "label"},
		{"LongSummary", "Summary\n" + strings.Repeat("x", 256) + "\n", "255"},
		{"RepeatedSingle", "Summary,Assignee,Assignee\nx,,\n", "repeated"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := parseJiraCSV(strings.NewReader(c.file)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
