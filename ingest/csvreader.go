package ingest

// Reading CSV, shared by the canonical format and the importers: a
// csv.Reader bounded per record that knows each record's line, the header,
// and readCSVRows, the importers' entry point.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// readCSVHeader reads a CSV header row with the BOM and spaces trimmed from
// each name; it returns nil and no error for an empty file.
func readCSVHeader(p *ParseContext, cr *limitedCSV) ([]string, error) {
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		if cr.readErr != nil {
			return nil, fmt.Errorf("%s: %w", p.File, cr.readErr)
		}
		return nil, &RecordError{File: p.File, Ref: "1", Reason: "CSV header: " + csvErrText(err)}
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	return header, nil
}

func csvErrText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// limitedCSV is a csv.Reader that refuses a record larger than max bytes
// before reading it whole (encoding/csv buffers a record, and a quoted
// field may span lines), and knows the line each record starts on.
type limitedCSV struct {
	*csv.Reader
	lr      *recordLimiter
	max     int
	line    int   // start line of the record last returned
	next    int   // line after the record last returned
	readErr error // an error of the underlying reader
}

// recordLimiter fails reads beyond limit (an absolute offset).
type recordLimiter struct {
	r        io.Reader
	n, limit int64
	err      *error
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	room := l.limit - l.n
	if room <= 0 {
		return 0, errRecordTooLong
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if err != nil && err != io.EOF {
		*l.err = err
	}
	return n, err
}

// csvSlack is how far encoding/csv may read ahead of the record it returns.
const csvSlack = 64 << 10

func newLimitedCSV(r io.Reader, max int) *limitedCSV {
	c := &limitedCSV{max: max, next: 1}
	c.lr = &recordLimiter{r: r, limit: int64(max) + csvSlack, err: &c.readErr}
	c.Reader = csv.NewReader(c.lr)
	return c
}

// Read returns the next record; errRecordTooLong (wrapped in a
// *csv.ParseError) when it is over the limit. After a record, the limit
// moves on to the next one.
func (c *limitedCSV) Read() ([]string, error) {
	rec, err := c.Reader.Read()
	var pe *csv.ParseError
	if len(rec) > 0 && (err == nil || (errors.As(err, &pe) && pe.Err == csv.ErrFieldCount)) {
		c.line, _ = c.FieldPos(0)
		last, _ := c.FieldPos(len(rec) - 1)
		c.next = last + strings.Count(rec[len(rec)-1], "\n") + 1
		c.lr.limit = c.InputOffset() + int64(c.max) + csvSlack
		return rec, err
	}
	c.line = c.next
	if errors.As(err, &pe) {
		c.line = pe.StartLine
	}
	if errors.Is(err, errRecordTooLong) {
		err = &csv.ParseError{StartLine: c.line, Line: c.line, Err: fmt.Errorf("record longer than %d bytes", c.max)}
	}
	return rec, err
}

// Line is the line the record last returned (or refused) starts on.
func (c *limitedCSV) Line() int { return c.line }

// size is the length of a record's cells, separators included.
func (c *limitedCSV) size(rec []string) int {
	n := 0
	for _, f := range rec {
		n += len(f) + 1
	}
	return n
}

// csvRow is one data row of a CSV export, cells by column name as written
// in the header (importers look them up with foldRecord).
type csvRow struct {
	cells map[string]string
	ref   string // line number
	raw   string
}

// record is the row as a generic record.
func (r csvRow) record() map[string]any {
	rec := make(map[string]any, len(r.cells))
	for k, v := range r.cells {
		rec[k] = v
	}
	return rec
}

// readCSVRows reads a CSV export with a header row and calls fn per row,
// with the canonical parser's bounded reader (limitedCSV). A row with the
// wrong number of cells is emitted as a *RecordError and skipped; a quoting
// error or an oversized record ends the file (the rest cannot be trusted).
func readCSVRows(p *ParseContext, r io.Reader, emit func(Record) error, fn func(row csvRow) error) error {
	lim := p.Limits.WithDefaults()
	cr := newLimitedCSV(r, lim.MaxRecordBytes)
	header, err := readCSVHeader(p, cr)
	if header == nil {
		return err
	}
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if j, dup := seen[h]; dup {
			return &RecordError{File: p.File, Ref: "1", Field: h, Reason: fmt.Sprintf("CSV header: columns %d and %d are both named %q: rename or remove one", j+1, i+1, truncate(h, 40))}
		}
		seen[h] = i
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		ref := strconv.Itoa(cr.Line())
		raw := truncate(strings.ToValidUTF8(strings.Join(row, ","), "?"), 4096)
		var pe *csv.ParseError
		switch {
		case err == nil:
		case errors.As(err, &pe) && pe.Err == csv.ErrFieldCount:
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err), Raw: raw}}); e != nil {
				return e
			}
			continue
		case cr.readErr != nil:
			return fmt.Errorf("%s: line %s: %w", p.File, ref, cr.readErr)
		default:
			return emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err) + " (the rest of the file was not read)", Raw: raw}})
		}
		if size := cr.size(row); size > lim.MaxRecordBytes {
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes)}}); e != nil {
				return e
			}
			continue
		}
		cells := make(map[string]string, len(row))
		bad := ""
		for i, cell := range row {
			if !utf8.ValidString(cell) {
				bad = header[i]
				break
			}
			cells[header[i]] = cell
		}
		if bad != "" {
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Field: bad, Reason: "invalid UTF-8", Raw: raw}}); e != nil {
				return e
			}
			continue
		}
		if e := fn(csvRow{cells: cells, ref: ref, raw: raw}); e != nil {
			return e
		}
	}
}

// isJSONHead reports whether a file head starts like JSON.
func isJSONHead(head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n")
	return len(h) > 0 && (h[0] == '[' || h[0] == '{')
}
