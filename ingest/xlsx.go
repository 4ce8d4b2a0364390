package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// An Excel workbook (.xlsx, Office Open XML SpreadsheetML, ECMA-376 Part 1)
// is a ZIP file: xl/workbook.xml lists the sheets, xl/_rels/workbook.xml.rels
// says which part holds each, xl/sharedStrings.xml holds the text of cells
// of type "s", and xl/styles.xml says (through a cell's style index and its
// number format) whether a number is a date. ServiceNow's list "Export >
// Excel" writes one sheet whose first row is the column labels, like its
// CSV export. pir reads that first sheet with the standard library only,
// streaming its rows, and bounds what a hostile workbook can make it hold.

// xlsxMagic is the ZIP local-file-header signature every .xlsx starts with.
var xlsxMagic = []byte("PK\x03\x04")

// isXLSXHead reports whether a file head is a ZIP archive (an .xlsx).
func isXLSXHead(head []byte) bool { return bytes.HasPrefix(head, xlsxMagic) }

// xlsxLimits bound what a workbook can make pir hold: a workbook is read
// into memory (a ZIP needs random access), and each part is decompressed
// through a limit, so a ZIP bomb ends in an error instead of filling memory.
type xlsxLimits struct {
	file   int64 // the .xlsx file itself
	part   int64 // one decompressed part (the sheet XML)
	shared int64 // the decompressed shared strings, styles and workbook parts
}

var defaultXLSXLimits = xlsxLimits{file: 512 << 20, part: 2 << 30, shared: 512 << 20}

// Excel's own bounds.
const (
	maxXLSXCols = 16384   // the last column, XFD
	maxXLSXRows = 1 << 20 // the last row, 1,048,576
)

// xlsxSheet is the first worksheet of a workbook, ready to stream.
type xlsxSheet struct {
	zr       *zip.Reader
	lim      xlsxLimits
	part     string
	shared   []string
	dateXF   []bool // per cell style index: its number format is a date/time
	date1904 bool
}

// openXLSX reads a workbook's structure: the first sheet's part, the
// shared strings and which cell styles are dates.
func openXLSX(data []byte, lim xlsxLimits) (*xlsxSheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a readable .xlsx (ZIP) file: %v", err)
	}
	s := &xlsxSheet{zr: zr, lim: lim}
	wb, ok := xlsxFile(zr, "xl/workbook.xml")
	if !ok {
		return nil, errors.New("not an Excel workbook: xl/workbook.xml is missing (only .xlsx is read, not .xls or .ods)")
	}
	var book struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodeXLSXPart(wb, lim.shared, &book); err != nil {
		return nil, fmt.Errorf("xl/workbook.xml: %v", err)
	}
	if len(book.Sheets) == 0 {
		return nil, errors.New("the workbook has no sheet")
	}
	s.date1904 = book.Pr.Date1904 == "1" || book.Pr.Date1904 == "true"
	s.part = "xl/worksheets/sheet1.xml"
	if rels, ok := xlsxFile(zr, "xl/_rels/workbook.xml.rels"); ok {
		var r struct {
			Rel []struct {
				ID     string `xml:"Id,attr"`
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if err := decodeXLSXPart(rels, lim.shared, &r); err != nil {
			return nil, fmt.Errorf("xl/_rels/workbook.xml.rels: %v", err)
		}
		for _, rel := range r.Rel {
			if rel.ID == book.Sheets[0].RID {
				if strings.HasPrefix(rel.Target, "/") {
					s.part = strings.TrimPrefix(rel.Target, "/")
				} else {
					s.part = path.Join("xl", rel.Target)
				}
			}
		}
	}
	if ss, ok := xlsxFile(zr, "xl/sharedStrings.xml"); ok {
		if s.shared, err = readSharedStrings(ss, lim.shared); err != nil {
			return nil, fmt.Errorf("xl/sharedStrings.xml: %v", err)
		}
	}
	if st, ok := xlsxFile(zr, "xl/styles.xml"); ok {
		if s.dateXF, err = readDateStyles(st, lim.shared); err != nil {
			return nil, fmt.Errorf("xl/styles.xml: %v", err)
		}
	}
	if _, ok := xlsxFile(zr, s.part); !ok {
		return nil, fmt.Errorf("the first sheet's part %s is missing", s.part)
	}
	return s, nil
}

func xlsxFile(zr *zip.Reader, name string) (*zip.File, bool) {
	for _, f := range zr.File {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// limitReader fails (instead of ending quietly) past n bytes.
type limitReader struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("%s decompresses to more than its limit (a ZIP bomb?)", l.name)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func openXLSXPart(f *zip.File, limit int64) (io.ReadCloser, io.Reader, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, err
	}
	return rc, &limitReader{r: rc, n: limit, name: f.Name}, nil
}

func decodeXLSXPart(f *zip.File, limit int64, v any) error {
	rc, r, err := openXLSXPart(f, limit)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(r).Decode(v)
}

// readSharedStrings reads the shared-string table: each <si> is one string,
// a plain <t> or rich-text runs <r><t>; phonetic runs (<rPh>) are not text.
func readSharedStrings(f *zip.File, limit int64) ([]string, error) {
	rc, r, err := openXLSXPart(f, limit)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(r)
	var out []string
	var b strings.Builder
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				b.Reset()
			case "rPh":
				phonetic++
			case "t":
				inT = inSI && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				out = append(out, b.String())
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// readDateStyles says, per cell style (cellXfs index), whether its number
// format shows a date or time: the built-in formats 14–22 and 45–47
// (ECMA-376 Part 1, 18.8.30) or a custom format code with a date or time
// token outside quotes and brackets.
func readDateStyles(f *zip.File, limit int64) ([]bool, error) {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		XFs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := decodeXLSXPart(f, limit, &st); err != nil {
		return nil, err
	}
	custom := make(map[int]bool, len(st.NumFmts))
	for _, nf := range st.NumFmts {
		custom[nf.ID] = isDateFormatCode(nf.Code)
	}
	out := make([]bool, len(st.XFs))
	for i, xf := range st.XFs {
		id := xf.NumFmtID
		if d, ok := custom[id]; ok {
			out[i] = d
			continue
		}
		out[i] = (id >= 14 && id <= 22) || (id >= 45 && id <= 47)
	}
	return out, nil
}

// isDateFormatCode reports whether a number format code formats a date or
// time: a y, m, d, h or s outside quoted text, [colour]/[condition]
// brackets and escaped characters (elapsed-time brackets such as [h] count).
func isDateFormatCode(code string) bool {
	quoted := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return false
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner != "" && strings.Trim(inner, "hms") == "" {
				return true
			}
			i += j
		default:
			switch c | 0x20 {
			case 'y', 'm', 'd', 'h', 's':
				return true
			}
		}
	}
	return false
}

// xlsxTimeLayout is how a date cell is handed to the importer: the
// ServiceNow display-value layout, read in --tz like the CSV export's.
const xlsxTimeLayout = "2006-01-02 15:04:05"

// serialTime turns an Excel serial date (days since 1899-12-30 in the 1900
// date system, whose phantom 29 February 1900 only shifts serials before
// 61; since 1904-01-01 in the 1904 system) into wall-clock text, rounded
// to the second.
func serialTime(v float64, date1904 bool) (string, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 2958466 { // 9999-12-31
		return "", false
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if v < 61 {
		epoch = epoch.AddDate(0, 0, 1)
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	t := epoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	return t.Format(xlsxTimeLayout), true
}

// xlsxRowFunc receives one row: its 1-based row number and its cells by
// column (0-based), trailing empty cells dropped.
type xlsxRowFunc func(row int, cells []string) error

// rows streams the sheet's rows in order. A cell's value is its text: a
// shared or inline string, a formula's cached string, TRUE/FALSE, an
// error code (#N/A), a number as written, or a date-formatted number as
// "YYYY-MM-DD hh:mm:ss". maxRow bounds one row's text.
func (s *xlsxSheet) rows(maxRow int, fn xlsxRowFunc) error {
	f, _ := xlsxFile(s.zr, s.part)
	rc, r, err := openXLSXPart(f, s.lim.part)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(r)
	var (
		cells      []string
		rowNum     int
		lastRow    int
		rowBytes   int
		col        int
		typ, style string
		val        strings.Builder
		inV, inIS  bool
		inCell     bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", s.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowNum = lastRow + 1
				if v := xmlAttr(t, "r"); v != "" {
					n, err := strconv.Atoi(v)
					if err != nil || n <= lastRow || n > maxXLSXRows {
						return fmt.Errorf("row %q: not a row number after %d", v, lastRow)
					}
					rowNum = n
				}
				cells, rowBytes, col = cells[:0], 0, 0
			case "c":
				inCell = true
				typ, style = xmlAttr(t, "t"), xmlAttr(t, "s")
				if ref := xmlAttr(t, "r"); ref != "" {
					c, ok := columnIndex(ref)
					if !ok || c < col {
						return fmt.Errorf("row %d: cell reference %q out of order", rowNum, ref)
					}
					col = c
				}
				if col >= maxXLSXCols {
					return fmt.Errorf("row %d: more than %d columns", rowNum, maxXLSXCols)
				}
				val.Reset()
			case "v":
				inV = inCell
			case "is":
				inIS = inCell
			case "rPh":
				inIS = false
			}
		case xml.CharData:
			if inV || (inIS && inCell) {
				rowBytes += len(t)
				if rowBytes > maxRow {
					return fmt.Errorf("row %d: longer than %d bytes", rowNum, maxRow)
				}
				val.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "is":
				inIS = false
			case "c":
				inCell = false
				text, err := s.cellText(typ, style, val.String())
				if err != nil {
					return fmt.Errorf("row %d, column %s: %v", rowNum, columnName(col), err)
				}
				for len(cells) < col {
					cells = append(cells, "")
				}
				cells = append(cells, text)
				rowBytes += len(text)
				if rowBytes > maxRow {
					return fmt.Errorf("row %d: longer than %d bytes", rowNum, maxRow)
				}
				col++
			case "row":
				for len(cells) > 0 && cells[len(cells)-1] == "" {
					cells = cells[:len(cells)-1]
				}
				lastRow = rowNum
				if err := fn(rowNum, cells); err != nil {
					return err
				}
			}
		}
	}
}

func (s *xlsxSheet) cellText(typ, style, v string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.shared) {
			return "", fmt.Errorf("shared string %q does not exist", v)
		}
		return s.shared[i], nil
	case "inlineStr", "str", "e":
		return v, nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	if style != "" && strings.TrimSpace(v) != "" {
		i, err := strconv.Atoi(style)
		if err == nil && i >= 0 && i < len(s.dateXF) && s.dateXF[i] {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return "", fmt.Errorf("date cell %q is not a number", v)
			}
			t, ok := serialTime(f, s.date1904)
			if !ok {
				return "", fmt.Errorf("date cell %q is out of range", v)
			}
			return t, nil
		}
	}
	return v, nil
}

func xmlAttr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// columnIndex turns a cell reference ("C12") into its 0-based column.
func columnIndex(ref string) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > maxXLSXCols {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

// columnName is columnIndex's inverse ("A", "AB").
func columnName(c int) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

// readXLSXRows reads a workbook's first sheet as an export with a header
// row, like readCSVRows: one csvRow per data row (ref = the sheet's row
// number), blank rows skipped, a duplicate column name refused.
func readXLSXRows(p *ParseContext, r io.Reader, emit func(Record) error, fn func(row csvRow) error) error {
	lim := p.Limits.WithDefaults()
	xl := defaultXLSXLimits
	data, err := io.ReadAll(io.LimitReader(r, xl.file+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > xl.file {
		return &RecordError{File: p.File, Ref: "1", Reason: fmt.Sprintf("workbook larger than %d MiB: export CSV instead", xl.file>>20)}
	}
	sheet, err := openXLSX(data, xl)
	if err != nil {
		return &RecordError{File: p.File, Ref: "1", Reason: err.Error()}
	}
	var header []string
	err = sheet.rows(lim.MaxRecordBytes, func(n int, cells []string) error {
		ref := strconv.Itoa(n)
		if header == nil {
			if len(cells) == 0 {
				return nil // blank rows before the header
			}
			seen := make(map[string]int, len(cells))
			for i, h := range cells {
				h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
				if h == "" {
					return &RecordError{File: p.File, Ref: ref, Field: columnName(i), Reason: "header row: column " + columnName(i) + " has no name"}
				}
				if j, dup := seen[h]; dup {
					return &RecordError{File: p.File, Ref: ref, Field: h, Reason: fmt.Sprintf("header row: columns %s and %s are both named %q: rename or remove one", columnName(j), columnName(i), truncate(h, 40))}
				}
				seen[h] = i
				cells[i] = h
			}
			header = append([]string(nil), cells...)
			return nil
		}
		if len(cells) == 0 {
			return nil
		}
		raw := truncate(strings.ToValidUTF8(strings.Join(cells, ","), "?"), 4096)
		if len(cells) > len(header) {
			return emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: fmt.Sprintf("row has a value in column %s, right of the last named column %s", columnName(len(cells)-1), columnName(len(header)-1)), Raw: raw}})
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			if !utf8.ValidString(v) {
				return emit(Record{Err: &RecordError{File: p.File, Ref: ref, Field: h, Reason: "invalid UTF-8", Raw: raw}})
			}
			row[h] = v
		}
		return fn(csvRow{cells: row, ref: ref, raw: raw})
	})
	var re *RecordError
	if errors.As(err, &re) || err == nil {
		return err
	}
	return &RecordError{File: p.File, Ref: "1", Reason: "Excel workbook: " + err.Error()}
}
