package tracker

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// adoItem is one new work item as Azure Boards' CSV import would stage it.
type adoItem struct {
	Type, Title, AssignedTo, State, Priority, Description string
	Tags                                                  []string
	Due                                                   time.Time
}

// parseADOCSV reads a file by the rules of Microsoft's "Import, update, and
// export bulk work items with CSV files" (Azure Boards) and the field
// reference, for new work items of process p:
//   - the Work Item Type and Title columns are required; no ID column (an
//     ID means updating an existing item, and assigning IDs to new ones is
//     an error);
//   - every row has one value per column;
//   - the work item type exists in the process; the State of a new item is
//     its type's first state (the import cannot set another);
//   - Title: required, at most 255 characters;
//   - identity fields (Assigned To) as "Display Name <email>";
//   - Priority 1-4 (1 highest);
//   - Tags separated by semicolons;
//   - Description is an HTML field: pir's is well-formed with <p> and <br>
//     only, so no text from a case becomes markup;
//   - the due-date column named like the process's field, an ISO date.
func parseADOCSV(r io.Reader, p ADOProcess) ([]adoItem, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("not well-formed CSV: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("no header row")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("header: %q twice", h)
		}
		col[h] = i
	}
	for _, req := range []string{"Work Item Type", "Title"} {
		if _, ok := col[req]; !ok {
			return nil, fmt.Errorf("header: no %q column", req)
		}
	}
	if _, ok := col["ID"]; ok {
		return nil, fmt.Errorf("header: an ID column updates existing items")
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok {
			return rec[i]
		}
		return ""
	}
	var out []adoItem
	for n, rec := range recs[1:] {
		row := n + 2
		it := adoItem{Type: get(rec, "Work Item Type"), Title: get(rec, "Title"), AssignedTo: get(rec, "Assigned To"),
			State: get(rec, "State"), Priority: get(rec, "Priority"), Description: get(rec, "Description")}
		first, ok := ADOStates[p.Name][it.Type]
		if !ok {
			return nil, fmt.Errorf("row %d: Work Item Type %q is not a type of the %s process", row, it.Type, p.Name)
		}
		if _, given := col["State"]; given && it.State != first {
			return nil, fmt.Errorf("row %d: State %q: a new %s starts as %q", row, it.State, it.Type, first)
		}
		if it.Title == "" || utf16Len(it.Title) > 255 || strings.ContainsAny(it.Title, "\r\n") {
			return nil, fmt.Errorf("row %d: Title %q: required, one line, at most 255 characters", row, it.Title)
		}
		if it.AssignedTo != "" {
			a, err := mail.ParseAddress(it.AssignedTo)
			if err != nil || a.Name == "" || it.AssignedTo != a.Name+" <"+a.Address+">" {
				return nil, fmt.Errorf("row %d: Assigned To %q is not \"Display Name <email>\"", row, it.AssignedTo)
			}
		}
		switch it.Priority {
		case "", "1", "2", "3", "4":
		default:
			return nil, fmt.Errorf("row %d: Priority %q: want 1 to 4", row, it.Priority)
		}
		if tags := get(rec, "Tags"); tags != "" {
			for _, tag := range strings.Split(tags, ";") {
				tag = strings.TrimSpace(tag)
				if tag == "" || strings.Contains(tag, ",") {
					return nil, fmt.Errorf("row %d: tag %q", row, tag)
				}
				it.Tags = append(it.Tags, tag)
			}
		}
		if err := onlyParagraphs(it.Description); err != nil {
			return nil, fmt.Errorf("row %d: Description: %w", row, err)
		}
		if v := get(rec, p.DueColumn); v != "" {
			d, err := time.Parse("2006-01-02", v)
			if err != nil {
				return nil, fmt.Errorf("row %d: %s %q is not a date", row, p.DueColumn, v)
			}
			it.Due = d
		}
		out = append(out, it)
	}
	return out, nil
}

// onlyParagraphs checks that an HTML description is well-formed and holds
// only <p> and <br> elements, and returns nil or the first offence.
func onlyParagraphs(s string) error {
	d := xml.NewDecoder(strings.NewReader("<div>" + strings.ReplaceAll(s, "<br>", "<br/>") + "</div>"))
	d.Strict = true
	d.Entity = map[string]string{} // only XML's own entities, as html.EscapeString writes
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local != "div" && se.Name.Local != "p" && se.Name.Local != "br" {
			return fmt.Errorf("element <%s>", se.Name.Local)
		}
	}
}

// text is a description's text, as Azure Boards would show it.
func text(s string) string {
	d := xml.NewDecoder(strings.NewReader("<div>" + strings.ReplaceAll(s, "<br>", "<br/>") + "</div>"))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return b.String()
		}
		switch x := tok.(type) {
		case xml.CharData:
			b.Write(x)
		case xml.StartElement:
			if x.Name.Local == "p" || x.Name.Local == "br" {
				b.WriteString("\n")
			}
		}
	}
}

func TestWriteADOCSV(t *testing.T) {
	l := hostile()
	for _, name := range []string{"agile", "scrum", "basic"} {
		t.Run(name, func(t *testing.T) {
			p := ADOProcesses[name]
			var buf bytes.Buffer
			res, err := WriteADOCSV(&buf, l, testOwners(t), p)
			if err != nil {
				t.Fatal(err)
			}
			file := buf.String()
			items, err := parseADOCSV(&buf, p)
			if err != nil {
				t.Fatalf("Azure Boards would refuse it: %v\n%s", err, file)
			}
			if len(items) != 5 || res.Items != 5 || strings.Join(res.Unmapped, "|") != "@SUM(1+1)" {
				t.Fatalf("got %d items, result %+v", len(items), res)
			}
			head := strings.SplitN(file, "\n", 2)[0]
			if head != "Work Item Type,Title,Assigned To,State,Priority,Tags,Description,"+p.DueColumn {
				t.Errorf("header: %s", head)
			}
			if it := items[0]; it.Title != `=HYPERLINK("http://evil.example","click")` || it.Priority != "1" || it.AssignedTo != "" ||
				strings.Join(it.Tags, "|") != "EVIL-1|owner:@SUM(1+1)" || it.Due.Format("2006-01-02") != "2025-12-01" {
				t.Errorf("item 1: got %+v", it)
			}
			// The case title's markup is text in the description.
			if d := text(items[0].Description); !strings.Contains(d, "</script><script>alert(1)</script> # heading") ||
				!strings.Contains(d, "Status on 2026-01-15: open, 45 days overdue.") {
				t.Errorf("description text: %q", d)
			}
			if it := items[1]; it.AssignedTo != "SOC Lead <soc-lead@example.org>" || it.Priority != "2" || it.Title != `-Disable legacy auth; then, \ "quote" second line end` {
				t.Errorf("item 2: got %+v", it)
			}
			if it := items[2]; it.AssignedTo != "Zoë Łukasz <zoe@example.org>" || utf16Len(it.Title) > 255 ||
				!strings.Contains(text(it.Description), "Full title: "+l.Items[2].Summary) || it.Tags[0] != "thehive:~42" {
				t.Errorf("item 3: got %+v", it)
			}
			if it := items[3]; it.Title != "Action item A-4 of C 9" || strings.Join(it.Tags, "|") != "C 9|pir:done" || it.Priority != "4" {
				t.Errorf("item 4: got %+v", it)
			}
			if it := items[4]; it.AssignedTo != "ops <ops@example.org>" || strings.Join(it.Tags, "|") != "C 9|pir:wont-do" {
				t.Errorf("item 5: got %+v", it)
			}
		})
	}
}

// TestParseADOCSVRules: the parser refuses what the import refuses.
func TestParseADOCSVRules(t *testing.T) {
	p := ADOProcesses["agile"]
	for _, c := range []struct{ name, file, want string }{
		{"NoType", "Title\nx\n", "Work Item Type"},
		{"ID", "ID,Work Item Type,Title\n1,Issue,x\n", "ID column"},
		{"Type", "Work Item Type,Title\nImpediment,x\n", "not a type"},
		{"State", "Work Item Type,Title,State\nIssue,x,Closed\n", "starts as"},
		{"Title", "Work Item Type,Title\nIssue," + strings.Repeat("x", 256) + "\n", "255"},
		{"Identity", "Work Item Type,Title,Assigned To\nIssue,x,soc@example.org\n", "Display Name"},
		{"Priority", "Work Item Type,Title,Priority\nIssue,x,0\n", "1 to 4"},
		{"Tags", "Work Item Type,Title,Tags\nIssue,x,\"a, b\"\n", "tag"},
		{"Markup", "Work Item Type,Title,Description\nIssue,x,<p><script>alert(1)</script></p>\n", "element <script>"},
		{"Unescaped", "Work Item Type,Title,Description\nIssue,x,<p>a < b</p>\n", "XML syntax"},
		{"Due", "Work Item Type,Title,Due Date\nIssue,x,12/01/2025\n", "not a date"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := parseADOCSV(strings.NewReader(c.file), p); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
