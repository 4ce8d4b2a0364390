package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// workbook builds an .xlsx the way spreadsheet writers do (ECMA-376 Part 1
// SpreadsheetML): workbook, relationships, a shared-string table, styles
// whose cellXfs[1] is the built-in date-time format 22 ("m/d/yyyy h:mm")
// and cellXfs[2] a custom "yyyy-mm-dd hh:mm:ss", and one sheet. Every
// third text cell is an inline string and the others are shared, dates are
// serial numbers with a date style, and cells carry references, with empty
// cells left out, as Excel writes them.
type workbook struct {
	rows     [][]string
	date1904 bool
	extra    map[string]string // more parts, or replacements, by name
	sheetXML string            // replaces the generated sheet
}

func (w workbook) bytes(t testing.TB) []byte {
	t.Helper()
	var shared []string
	sharedIdx := map[string]int{}
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	n := 0
	for r, row := range w.rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, r+1)
		for c, v := range row {
			if v == "" {
				continue
			}
			ref := columnName(c) + strconv.Itoa(r+1)
			if tm, err := time.Parse(xlsxTimeLayout, v); err == nil && r > 0 {
				epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
				if w.date1904 {
					epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
				}
				serial := tm.Sub(epoch).Hours() / 24
				fmt.Fprintf(&sheet, `<c r="%s" s="%d"><v>%s</v></c>`, ref, 1+c%2, strconv.FormatFloat(serial, 'f', -1, 64))
				continue
			}
			n++
			var esc bytes.Buffer
			xmlEscape(&esc, v)
			if n%3 == 0 {
				fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, esc.String())
				continue
			}
			i, ok := sharedIdx[v]
			if !ok {
				i = len(shared)
				sharedIdx[v] = i
				shared = append(shared, esc.String())
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	var sst strings.Builder
	sst.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for i, s := range shared {
		if i%2 == 1 { // rich text runs, as Excel writes formatted text
			half := len(s) / 2
			for half > 0 && (s[half]&0xC0 == 0x80 || strings.LastIndexByte(s[:half], '&') > strings.LastIndexByte(s[:half], ';')) {
				half--
			}
			fmt.Fprintf(&sst, `<si><r><t>%s</t></r><r><rPr><b/></rPr><t>%s</t></r><rPh><t>ふりがな</t></rPh></si>`, s[:half], s[half:])
			continue
		}
		fmt.Fprintf(&sst, `<si><t>%s</t></si>`, s)
	}
	sst.WriteString(`</sst>`)
	date1904 := ""
	if w.date1904 {
		date1904 = ` date1904="1"`
	}
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml": `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr` + date1904 + `/>` +
			`<sheets><sheet name="Page 1" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/other.xml"/>` +
			`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/incidents.xml"/></Relationships>`,
		"xl/styles.xml": `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts>` +
			`<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`,
		"xl/sharedStrings.xml":        sst.String(),
		"xl/worksheets/incidents.xml": sheet.String(),
		"xl/worksheets/other.xml": `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row></sheetData></worksheet>`,
	}
	if w.sheetXML != "" {
		parts["xl/worksheets/incidents.xml"] = w.sheetXML
	}
	for k, v := range w.extra {
		if v == "" {
			delete(parts, k)
		} else {
			parts[k] = v
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedStringKeys(parts) {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(parts[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xmlEscape(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// parseTZ is parseWith for a file read in a time zone ("" = UTC).
func parseTZ(t *testing.T, f Format, path, tz string, mapping map[string]string) parsed {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	loc := time.UTC
	if tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			t.Fatal(err)
		}
	}
	var out parsed
	p := &ParseContext{File: path, Location: loc, Mapping: mapping, Now: fixedNow}
	out.err = f.Parse(p, bytes.NewReader(data), func(r Record) error {
		if r.Err != nil {
			out.errs = append(out.errs, r.Err)
		} else {
			out.cases = append(out.cases, r.Case)
		}
		return nil
	})
	return out
}

// TestServiceNowExcelEqualsCSV: the list's Excel export, holding the same
// cells as its CSV export (text as shared, rich-text and inline strings,
// date-times as date-formatted serial numbers), gives the same cases, in
// UTC and in --tz Europe/Berlin, in both of Excel's date systems.
func TestServiceNowExcelEqualsCSV(t *testing.T) {
	rows := readCSVFile(t, snd("sn_si_incident.csv"))
	for _, tz := range []string{"", "Europe/Berlin"} {
		for _, d1904 := range []bool{false, true} {
			t.Run(fmt.Sprintf("tz=%s,1904=%v", tz, d1904), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "sn_si_incident.xlsx")
				if err := os.WriteFile(path, workbook{rows: rows, date1904: d1904}.bytes(t), 0o600); err != nil {
					t.Fatal(err)
				}
				audit, err := filepath.Abs(snd("sys_audit.csv"))
				if err != nil {
					t.Fatal(err)
				}
				hist := map[string]string{"servicenow.history": audit}
				want := parseTZ(t, ServiceNow{}, snd("sn_si_incident.csv"), tz, hist)
				got := parseTZ(t, ServiceNow{}, path, tz, hist)
				if got.err != nil || len(got.errs) != 0 || len(got.cases) != 4 {
					t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
				}
				for i := range want.cases {
					if !reflect.DeepEqual(got.cases[i], want.cases[i]) {
						t.Errorf("case %d differs:\nxlsx %+v\ncsv  %+v", i, got.cases[i], want.cases[i])
					}
				}
				if tz == "Europe/Berlin" && !got.cases[0].Timeline.Detection.Equal(time.Date(2024, 1, 8, 8, 15, 0, 0, time.UTC)) {
					t.Errorf("detection %v: 09:15 in Berlin is 08:15 UTC", got.cases[0].Timeline.Detection)
				}
			})
		}
	}
}

// TestServiceNowExcelLoad: through the loader, --format auto picks the
// ServiceNow importer for a workbook and says why; another format is
// refused by name.
func TestServiceNowExcelLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.xlsx")
	if err := os.WriteFile(path, workbook{rows: readCSVFile(t, snd("sn_si_incident.csv"))}.bytes(t), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := DefaultFormats()
	d, err := fs.Detect(path, workbook{rows: [][]string{{"number"}}}.bytes(t))
	if err != nil || d.Format.Name() != "servicenow" || !strings.Contains(d.By, "Excel workbook") {
		t.Fatalf("detect: %v %v", d, err)
	}
	delete(fs, "servicenow")
	if _, err := fs.Detect(path, []byte("PK\x03\x04")); err == nil || !strings.Contains(err.Error(), "export CSV") {
		t.Errorf("detect without servicenow: %v", err)
	}
	ctx := context.Background()
	sum, err := Load(ctx, openTestDB(t), []Input{{Path: path, Format: "auto"}}, Options{Now: fixedNow, Location: time.UTC})
	if err != nil || sum.Inserted != 4 || sum.Files[0].Format != "servicenow" {
		t.Fatalf("auto: %+v %v", sum, err)
	}
	if _, err := Load(ctx, openTestDB(t), []Input{{Path: path, Format: "pir"}}, Options{Now: fixedNow, Location: time.UTC}); err == nil ||
		!strings.Contains(err.Error(), "only --format servicenow reads Excel") {
		t.Errorf("--format pir on a workbook: %v", err)
	}
}

// TestXLSXRows checks the sheet reader's rules one by one.
func TestXLSXRows(t *testing.T) {
	sheet := func(rows string) string {
		return `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`
	}
	read := func(t *testing.T, w workbook, lim xlsxLimits) ([][]string, []int, error) {
		t.Helper()
		s, err := openXLSX(w.bytes(t), lim)
		if err != nil {
			return nil, nil, err
		}
		var rows [][]string
		var nums []int
		err = s.rows(1<<20, func(n int, cells []string) error {
			rows = append(rows, append([]string(nil), cells...))
			nums = append(nums, n)
			return nil
		})
		return rows, nums, err
	}
	t.Run("gaps, types and row numbers", func(t *testing.T) {
		rows, nums, err := read(t, workbook{sheetXML: sheet(
			`<row r="2"><c r="B2" t="inlineStr"><is><t>b</t></is></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c></row>` +
				`<row><c t="str"><f>A1&amp;"x"</f><v>formula &lt;text&gt;</v></c><c><v>2.50</v></c><c s="2"><v>45000.5</v></c><c r="F3"/></row>` +
				`<row r="7"><c r="A7" s="1"><v>59</v></c><c r="B7" s="1"><v>61</v></c><c r="C7" s="2"><v>0.5</v></c></row>`)}, defaultXLSXLimits)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"", "b", "", "TRUE", "#N/A"}, {"formula <text>", "2.50", "2023-03-15 12:00:00"},
			{"1900-02-28 00:00:00", "1900-03-01 00:00:00", "1899-12-31 12:00:00"}}
		if !reflect.DeepEqual(rows, want) || !reflect.DeepEqual(nums, []int{2, 3, 7}) {
			t.Errorf("rows %q %v, want %q [2 3 7]", rows, nums, want)
		}
	})
	for _, c := range []struct {
		name string
		w    workbook
		lim  xlsxLimits
		want string
	}{
		{"not a workbook", workbook{extra: map[string]string{"xl/workbook.xml": ""}}, defaultXLSXLimits, "xl/workbook.xml is missing"},
		{"missing sheet part", workbook{extra: map[string]string{"xl/worksheets/incidents.xml": ""}}, defaultXLSXLimits, "first sheet's part xl/worksheets/incidents.xml is missing"},
		{"no shared string", workbook{sheetXML: sheet(`<row r="1"><c r="A1" t="s"><v>99</v></c></row>`)}, defaultXLSXLimits, "row 1, column A: shared string \"99\" does not exist"},
		{"cells out of order", workbook{sheetXML: sheet(`<row r="1"><c r="C1"><v>1</v></c><c r="A1"><v>2</v></c></row>`)}, defaultXLSXLimits, "out of order"},
		{"rows out of order", workbook{sheetXML: sheet(`<row r="3"/><row r="2"/>`)}, defaultXLSXLimits, "not a row number after 3"},
		{"date not a number", workbook{sheetXML: sheet(`<row r="1"><c r="A1" s="1"><v>soon</v></c></row>`)}, defaultXLSXLimits, "date cell \"soon\" is not a number"},
		{"bad XML", workbook{sheetXML: sheet(`<row r="1"><c r="A1"><v>1</c></row>`)}, defaultXLSXLimits, "incidents.xml"},
		{"column past XFD", workbook{sheetXML: sheet(`<row r="1"><c r="XFE1"><v>1</v></c></row>`)}, defaultXLSXLimits, "out of order"},
		{"sheet bomb", workbook{sheetXML: sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("a", 5000) + `</t></is></c></row>`)},
			xlsxLimits{file: 1 << 20, part: 1000, shared: 1 << 20}, "decompresses to more than its limit"},
		{"zip bomb", workbook{rows: [][]string{{strings.Repeat("a", 5000)}}}, xlsxLimits{file: 1 << 20, part: 1 << 20, shared: 1000}, "decompresses to more than its limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := read(t, c.w, c.lim)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error with %q", err, c.want)
			}
		})
	}
}

// TestServiceNowExcelErrors: a bad workbook is one error naming the file
// and what is wrong; a bad header is refused; a bad row is rejected with
// its row number and the others load.
func TestServiceNowExcelErrors(t *testing.T) {
	write := func(t *testing.T, b []byte) string {
		path := filepath.Join(t.TempDir(), "x.xlsx")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	got := parseTZ(t, ServiceNow{}, write(t, []byte("PK\x03\x04 truncated")), "", nil)
	if got.err == nil || !strings.Contains(got.err.Error(), "not a readable .xlsx") {
		t.Errorf("truncated: %v", got.err)
	}
	got = parseTZ(t, ServiceNow{}, write(t, workbook{rows: [][]string{{"number", "state", "number"}, {"SIR1", "New", "x"}}}.bytes(t)), "", nil)
	if got.err == nil || !strings.Contains(got.err.Error(), `columns A and C are both named "number"`) {
		t.Errorf("duplicate header: %v", got.err)
	}
	rows := [][]string{{"number", "short_description", "priority", "state", "opened_at"},
		{"SIR1", "one", "2 - High", "New", "2024-01-08 09:15:00"},
		{"SIR2", "two", "9 - Bogus", "New", "2024-01-08 09:15:00"},
		{},
		{"SIR3", "three", "3 - Moderate", "New", "2024-01-09 10:00:00", "stray"}}
	got = parseTZ(t, ServiceNow{}, write(t, workbook{rows: rows}.bytes(t)), "", nil)
	if got.err != nil || len(got.cases) != 1 || len(got.errs) != 2 {
		t.Fatalf("got %d cases, errors %v, %v", len(got.cases), got.errs, got.err)
	}
	if got.errs[0].Ref != "3" || got.errs[0].Field != "priority" || got.errs[1].Ref != "5" || !strings.Contains(got.errs[1].Reason, "column F") {
		t.Errorf("errors %+v", got.errs)
	}
}

func TestIsDateFormatCode(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd": true, "m/d/yy h:mm": true, "[h]:mm:ss": true, "hh:mm AM/PM": true, `dd"."mm`: true,
		"0.00": false, "#,##0": false, "General": false, `"day "0`: false, "[Red]0.00": false, `0\d`: false, "@": false, "_(* #,##0_)": false,
	} {
		if got := isDateFormatCode(code); got != want {
			t.Errorf("isDateFormatCode(%q) = %v, want %v", code, got, want)
		}
	}
}

// FuzzXLSX: the ServiceNow importer never panics on a workbook, and every
// record it emits is either a case or an error naming the file.
func FuzzXLSX(f *testing.F) {
	f.Add(workbook{rows: [][]string{{"number", "short_description", "state", "opened_at"}, {"SIR1", "x", "New", "2024-01-08 09:15:00"}}}.bytes(f))
	f.Add(workbook{rows: [][]string{{"number"}, {"SIR1"}}, date1904: true}.bytes(f))
	f.Add(workbook{sheetXML: `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`}.bytes(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &ParseContext{File: "f.xlsx", Location: time.UTC, Now: fixedNow}
		_ = ServiceNow{}.Parse(p, bytes.NewReader(data), func(r Record) error {
			if (r.Case == nil) == (r.Err == nil) {
				t.Fatalf("record with case %v and error %v", r.Case, r.Err)
			}
			if r.Err != nil && r.Err.File != "f.xlsx" {
				t.Fatalf("error without the file: %+v", r.Err)
			}
			return nil
		})
	})
}
