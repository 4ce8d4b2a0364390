package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Canonical is the "pir case v1" format: a JSON array of cases, JSON Lines
// (one case per line), or CSV (one row per case, dotted column names).
type Canonical struct{}

// Name implements Format.
func (Canonical) Name() string { return "pir" }

// Parse implements Format.
func (Canonical) Parse(p *ParseContext, r io.Reader, emit func(Record) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) == 0 && len(head) == 64<<10:
		// Not empty: the records start beyond what was sniffed. Refuse
		// rather than read the file as empty.
		return &RecordError{File: p.File, Ref: "1", Reason: "more than 64 KiB of white space before the first record"}
	case len(trimmed) == 0:
		return nil // an empty file holds no cases
	case trimmed[0] == '[':
		return parseJSONArray(p, br, emit, decodeCanonicalRaw)
	case trimmed[0] == '{':
		// One core stays with the goroutine that loads the records (the
		// longer part), the others decode.
		return parseJSONLines(p, br, emit, decodeCanonicalRaw, max(1, runtime.GOMAXPROCS(0)-1))
	default:
		return parseCanonicalCSV(p, br, emit)
	}
}

// recordDecoder turns one generic record into a Case.
type recordDecoder func(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError)

// rawDecoder turns the bytes of one JSON record into a Record.
type rawDecoder func(p *ParseContext, raw []byte, ref string, lim Limits) Record

// genericRaw is the rawDecoder that checks and decodes a record into a
// generic map (parseObject) and hands it to decode.
func genericRaw(decode recordDecoder) rawDecoder {
	return func(p *ParseContext, raw []byte, ref string, lim Limits) Record {
		return decodeRaw(p, raw, ref, lim, decode)
	}
}

// decodeCanonicalRaw decodes one canonical JSON record: in one pass when
// it can (fastCanonical), else through the generic map, which also writes
// every error message.
func decodeCanonicalRaw(p *ParseContext, raw []byte, ref string, lim Limits) Record {
	if c, ok := fastCanonical(p, raw, lim); ok {
		return Record{Case: c}
	}
	return decodeRaw(p, raw, ref, lim, decodeCanonical)
}

// parseJSONArray reads a JSON array of objects one element at a time, so
// memory is bounded by the record limit, not by the file; refs are
// "record N (line L)". An element larger than the limit, or nested deeper
// than encoding/json allows, ends the file: the decoder cannot resume.
func parseJSONArray(p *ParseContext, r io.Reader, emit func(Record) error, decode rawDecoder) error {
	lim := p.Limits.WithDefaults()
	w := &windowReader{r: r, max: lim.MaxRecordBytes + 64<<10, line: 1}
	dec := json.NewDecoder(w)
	dec.UseNumber()
	bad := func(ref string, err error) error {
		if w.err != nil {
			return fmt.Errorf("%s: %w", p.File, w.err)
		}
		reason := "invalid JSON: " + jsonErrText(err)
		switch {
		case errors.Is(err, errRecordTooLong):
			reason = fmt.Sprintf("record longer than %d bytes (the rest of the file was not read)", lim.MaxRecordBytes)
		case strings.Contains(err.Error(), "exceeded max depth"):
			reason = fmt.Sprintf("JSON nested more than 10000 levels deep (limit %d)", lim.MaxDepth)
		}
		return &RecordError{File: p.File, Ref: ref, Reason: reason}
	}
	if _, err := dec.Token(); err != nil { // '['
		return bad("1", err)
	}
	for i := 1; dec.More(); i++ {
		start := dec.InputOffset()
		line := w.lineAt(start + int64(leadingSpace(w.from(start))))
		ref := fmt.Sprintf("record %d (line %d)", i, line)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return bad(ref, err)
		}
		if err := emitRaw(p, raw, ref, lim, emit, decode); err != nil {
			return err
		}
		w.advance(dec.InputOffset())
	}
	if _, err := dec.Token(); err != nil { // ']'
		return bad(fmt.Sprintf("line %d", w.lineAt(dec.InputOffset())), err)
	}
	end := dec.InputOffset()
	return afterArray(p, io.MultiReader(dec.Buffered(), w.r), end, w.lineAt(end))
}

// afterArray reads what follows a JSON array's closing bracket (at byte
// offset end, on line line): white space only. A second array, JSON Lines
// or any other text after it used to be ignored, loading the first array
// alone; it is an error naming its line and byte offset (counted from the
// first byte after a byte-order mark, in the decompressed text).
func afterArray(p *ParseContext, r io.Reader, end int64, line int) error {
	buf := make([]byte, 32<<10)
	off := end
	for {
		n, err := r.Read(buf)
		for i, c := range buf[:n] {
			switch c {
			case ' ', '\t', '\r':
			case '\n':
				line++
			default:
				tail := buf[i:n]
				if len(tail) > 24 {
					tail = tail[:24]
				}
				return &RecordError{File: p.File, Ref: fmt.Sprintf("line %d", line), Reason: fmt.Sprintf(
					"data after the end of the JSON array at byte offset %d: %q (a file holds one JSON array, or JSON Lines; the rest of the file was not read)",
					off+int64(i), strings.ToValidUTF8(string(tail), "?"))}
			}
		}
		off += int64(n)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", p.File, line, err)
		}
	}
}

// errRecordTooLong is returned by the limited readers below.
var errRecordTooLong = errors.New("record too long")

// windowReader keeps the bytes a json.Decoder has read since the start of
// the current record, to number lines without holding the whole file, and
// refuses to let that window grow beyond max.
type windowReader struct {
	r     io.Reader
	max   int
	buf   []byte // bytes from offset base on; buf[start:] is the window
	start int
	base  int64
	line  int   // line number at base+start
	err   error // a read error of r (not a limit)
}

func (w *windowReader) Read(p []byte) (int, error) {
	room := w.max - (len(w.buf) - w.start)
	if room <= 0 {
		return 0, errRecordTooLong
	}
	if len(p) > room {
		p = p[:room]
	}
	if w.start > 0 && w.start >= len(w.buf)/2 {
		w.buf = append(w.buf[:0], w.buf[w.start:]...)
		w.base += int64(w.start)
		w.start = 0
	}
	n, err := w.r.Read(p)
	w.buf = append(w.buf, p[:n]...)
	if err != nil && err != io.EOF {
		w.err = err
	}
	return n, err
}

// index is the position of offset off in buf, clamped to the window.
func (w *windowReader) index(off int64) int {
	return min(max(int(off-w.base), w.start), len(w.buf))
}

// from returns the window from offset off on.
func (w *windowReader) from(off int64) []byte { return w.buf[w.index(off):] }

// lineAt is the line number of offset off (in the window).
func (w *windowReader) lineAt(off int64) int {
	return w.line + bytes.Count(w.buf[w.start:w.index(off)], []byte{'\n'})
}

// advance moves the window's start to offset off.
func (w *windowReader) advance(off int64) {
	i := w.index(off)
	w.line += bytes.Count(w.buf[w.start:i], []byte{'\n'})
	w.start = i
}

// parseJSONLines reads one JSON object per line; refs are line numbers.
// Blank lines are skipped. A file that is a single pretty-printed object is
// read as one record. With workers > 0, batches of lines are decoded on that
// many goroutines while this one reads the next lines and emits (loads)
// earlier batches, in file order; with 0, each line is decoded and emitted
// in turn (decoders of other formats may emit from inside decode).
func parseJSONLines(p *ParseContext, br *bufio.Reader, emit func(Record) error, decode rawDecoder, workers int) error {
	lim := p.Limits.WithDefaults()
	size := lineBatch
	if workers <= 0 {
		size = 1
	}
	batch := make([]pendingLine, 0, size)
	batchBytes := 0
	ahead := workers + 1 // batches queued or decoding while one is emitted
	var inflight []decodingBatch
	var jobs chan decodingBatch
	if workers > 0 {
		jobs = make(chan decodingBatch, ahead+1)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := make([]byte, 0, 4096)
				for b := range jobs {
					decodeLines(p, b.lines, lim, decode, &buf)
					close(b.done)
				}
			}()
		}
		defer func() {
			close(jobs)
			wg.Wait()
		}()
	}
	emitOldest := func() error {
		b := inflight[0]
		inflight = inflight[1:]
		<-b.done
		for i := range b.lines {
			if e := emit(b.lines[i].out); e != nil {
				return e
			}
		}
		return nil
	}
	drain := func() error {
		for len(inflight) > 0 {
			if e := emitOldest(); e != nil {
				return e
			}
		}
		return nil
	}
	flush := func() error {
		if workers <= 0 {
			decodeLines(p, batch, lim, decode, nil)
			for i := range batch {
				if e := emit(batch[i].out); e != nil {
					return e
				}
			}
			batch, batchBytes = batch[:0], 0
			return nil
		}
		b := decodingBatch{lines: batch, done: make(chan struct{})}
		jobs <- b // never blocks: at most ahead+1 batches are in flight
		inflight = append(inflight, b)
		batch, batchBytes = make([]pendingLine, 0, size), 0
		for len(inflight) > ahead {
			if e := emitOldest(); e != nil {
				return e
			}
		}
		return nil
	}
	line := 0
	first := true // no record line read yet
	for {
		b, err := readLine(br, lim.MaxRecordBytes)
		if len(b) > 0 || err == nil || errors.Is(err, errLineTooLong) {
			line++
		}
		if errors.Is(err, errLineTooLong) {
			first = false
			batch = append(batch, pendingLine{out: Record{Err: &RecordError{File: p.File, Ref: strconv.Itoa(line), Reason: fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes)}}})
			continue
		}
		if err != nil && err != io.EOF {
			// The batches read before the error are emitted, as without
			// workers.
			if e := drain(); e != nil {
				return e
			}
			return fmt.Errorf("%s: line %d: %w", p.File, line, err)
		}
		trimmed := bytes.TrimSpace(b)
		if len(trimmed) > 0 {
			if first && !json.Valid(trimmed) {
				// Maybe one pretty-printed object spanning lines (after
				// blank lines too), if it is all the file holds.
				rest, rerr := io.ReadAll(io.LimitReader(br, int64(lim.MaxRecordBytes)+1))
				if rerr != nil {
					return fmt.Errorf("%s: %w", p.File, rerr)
				}
				whole := append(append(append([]byte{}, b...), '\n'), rest...)
				if len(rest) <= lim.MaxRecordBytes && json.Valid(whole) {
					return emitRaw(p, bytes.TrimSpace(whole), strconv.Itoa(line), lim, emit, decode)
				}
				// A bad first line of JSON Lines: put the rest back and go
				// on line by line, so --skip-invalid loses only this line.
				br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(rest), br), 64<<10)
			}
			first = false
			batch = append(batch, pendingLine{raw: trimmed, ref: strconv.Itoa(line)})
			batchBytes += len(trimmed)
		}
		if len(batch) == cap(batch) || batchBytes >= lineBatchBytes || err == io.EOF {
			if e := flush(); e != nil {
				return e
			}
		}
		if err == io.EOF {
			return drain()
		}
	}
}

// decodingBatch is a batch being decoded; done is closed when it is.
type decodingBatch struct {
	lines []pendingLine
	done  chan struct{}
}

// lineBatch is how many JSON lines are decoded together; they are emitted
// in file order after the batch is decoded.
const lineBatch = 512

// lineBatchBytes also ends a batch, so a batch of long lines (each may be up
// to the record limit) holds a few MiB, not 512 records' worth.
const lineBatchBytes = 4 << 20

// pendingLine is one JSON line waiting to be decoded (raw set) or an
// already known result (out set).
type pendingLine struct {
	raw []byte
	ref string
	out Record
}

// decodeLines decodes a batch in order. With hashBuf (a decoding worker's
// buffer) it also computes each case's content digest, which with parsing
// and validation is the CPU-heavy part of an ingest; the canonical decoder
// is free of shared state.
func decodeLines(p *ParseContext, batch []pendingLine, lim Limits, decode rawDecoder, hashBuf *[]byte) {
	for i := range batch {
		l := &batch[i]
		if l.raw == nil {
			continue
		}
		l.out = decode(p, l.raw, l.ref, lim)
		if l.out.Case != nil && hashBuf != nil {
			l.out.Case.hash, *hashBuf = l.out.Case.contentHashBuf(*hashBuf)
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline, reading at most max
// bytes of it; a longer line is consumed and reported as errLineTooLong.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			// Drain the rest of the line.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// emitRaw validates and decodes one JSON record and emits it.
func emitRaw(p *ParseContext, raw []byte, ref string, lim Limits, emit func(Record) error, decode rawDecoder) error {
	return emit(decode(p, raw, ref, lim))
}

// decodeRaw validates and decodes one JSON record.
func decodeRaw(p *ParseContext, raw []byte, ref string, lim Limits, decode recordDecoder) Record {
	rec, rerr := parseObject(p, raw, ref, lim)
	if rerr != nil {
		rerr.Raw = truncate(string(raw), 4096)
		return Record{Err: rerr}
	}
	c, rerr := decode(p, rec, ref)
	if rerr != nil {
		rerr.Raw = truncate(string(raw), 4096)
		return Record{Err: rerr}
	}
	return Record{Case: c}
}

// parseObject checks one JSON record (size, UTF-8, depth, syntax) and
// decodes it with json.Number for numbers.
func parseObject(p *ParseContext, raw []byte, ref string, lim Limits) (map[string]any, *RecordError) {
	bad := func(reason string) *RecordError { return &RecordError{File: p.File, Ref: ref, Reason: reason} }
	if len(raw) > lim.MaxRecordBytes {
		return nil, bad(fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes))
	}
	if !utf8.Valid(raw) {
		return nil, bad("invalid UTF-8 (the file must be UTF-8 encoded)")
	}
	if d := maxDepth(raw); d > lim.MaxDepth {
		return nil, bad(fmt.Sprintf("JSON nested %d levels deep (limit %d)", d, lim.MaxDepth))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, bad("invalid JSON: " + jsonErrText(err))
	}
	if dec.More() {
		return nil, bad("invalid JSON: more than one value on the line")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bad("want a JSON object, got " + jsonType(v))
	}
	return m, nil
}

func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input (truncated?)"
	}
	return err.Error()
}

// maxDepth is the deepest nesting of objects and arrays, strings skipped.
func maxDepth(b []byte) int {
	depth, max := 0, 0
	inStr, esc := false, false
	for _, c := range b {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > max {
				max = depth
			}
		case '}', ']':
			depth--
		}
	}
	return max
}

func leadingSpace(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t' || b[n] == '\r' || b[n] == '\n' || b[n] == ',') {
		n++
	}
	return n
}

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

// csvListFields are the canonical CSV columns that hold ;-separated lists.
var csvListFields = map[string]bool{"tags": true, "techniques": true, "root_cause.whys": true, "assets": true, "platforms": true}

// jsonOnlyFields cannot be expressed in canonical CSV.
var jsonOnlyFields = map[string]bool{"action_items": true, "lessons": true, "detection_rules": true, "playbook_updates": true}

// parseCanonicalCSV reads one case per row; nested fields are dotted column
// names, lists are ;-separated, empty cells are absent values.
func parseCanonicalCSV(p *ParseContext, r io.Reader, emit func(Record) error) error {
	lim := p.Limits.WithDefaults()
	cr := newLimitedCSV(r, lim.MaxRecordBytes)
	header, err := readCSVHeader(p, cr)
	if header == nil {
		return err
	}
	for i := range header {
		top, _, _ := strings.Cut(header[i], ".")
		if jsonOnlyFields[top] {
			return &RecordError{File: p.File, Ref: "1", Field: header[i], Reason: "action items, lessons, detection rules and playbook updates are JSON-only; use JSON or JSON Lines"}
		}
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		ref := strconv.Itoa(cr.Line())
		var pe *csv.ParseError
		switch {
		case err == nil:
		case errors.As(err, &pe) && pe.Err == csv.ErrFieldCount:
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err), Raw: truncate(strings.Join(row, ","), 4096)}}); e != nil {
				return e
			}
			continue
		case cr.readErr != nil:
			return fmt.Errorf("%s: line %s: %w", p.File, ref, cr.readErr)
		default:
			// A quoting error or a record over the limit: the rest of the
			// file cannot be trusted (or read in bounded memory).
			return emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: "CSV: " + csvErrText(err) + " (the rest of the file was not read)", Raw: truncate(strings.Join(row, ","), 4096)}})
		}
		if size := cr.size(row); size > lim.MaxRecordBytes {
			if e := emit(Record{Err: &RecordError{File: p.File, Ref: ref, Reason: fmt.Sprintf("record longer than %d bytes", lim.MaxRecordBytes)}}); e != nil {
				return e
			}
			continue
		}
		rec := map[string]any{}
		var rerr *RecordError
		for i, cell := range row {
			if !utf8.ValidString(cell) {
				rerr = &RecordError{File: p.File, Ref: ref, Field: header[i], Reason: "invalid UTF-8"}
				break
			}
			if strings.TrimSpace(cell) == "" {
				continue
			}
			var v any = cell
			if csvListFields[header[i]] {
				var items []any
				for _, part := range strings.Split(cell, ";") {
					if s := strings.TrimSpace(part); s != "" {
						items = append(items, s)
					}
				}
				v = items
			}
			setDotted(rec, header[i], v)
		}
		if rerr == nil {
			var c *Case
			c, rerr = decodeCanonicalCSV(p, rec, ref)
			if rerr == nil {
				if e := emit(Record{Case: c}); e != nil {
					return e
				}
				continue
			}
		}
		rerr.Raw = truncate(strings.Join(row, ","), 4096)
		if e := emit(Record{Err: rerr}); e != nil {
			return e
		}
	}
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

// setDotted stores v at a dotted path, creating objects on the way.
func setDotted(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, k := range parts[:len(parts)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

func decodeCanonical(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
	d := &caseDecoder{p: p, ref: ref}
	return d.decode(rec)
}

func decodeCanonicalCSV(p *ParseContext, rec map[string]any, ref string) (*Case, *RecordError) {
	d := &caseDecoder{p: p, ref: ref, lenient: true}
	return d.decode(rec)
}

// caseDecoder validates a generic record field by field. lenient accepts
// strings for booleans (CSV has no types).
type caseDecoder struct {
	p       *ParseContext
	ref     string
	lenient bool
}

func (d *caseDecoder) fail(field, format string, args ...any) *RecordError {
	return &RecordError{File: d.p.File, Ref: d.ref, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// warn notes on c a value that was accepted but resolved ("" for none).
func (d *caseDecoder) warn(c *Case, field, note string) {
	if note != "" {
		c.warnings = append(c.warnings, Warning{File: d.p.File, Ref: d.ref, Field: field, Message: note})
	}
}

func (d *caseDecoder) str(field string, v any) (string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return CleanText(x), nil
	}
	return "", d.fail(field, "want a string, got %s", jsonType(v))
}

func (d *caseDecoder) strList(field string, v any) ([]string, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, d.fail(fmt.Sprintf("%s[%d]", field, i), "want a string, got %s", jsonType(e))
			}
			if s = CleanText(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	return nil, d.fail(field, "want a list of strings, got %s", jsonType(v))
}

func (d *caseDecoder) boolean(field string, v any) (bool, *RecordError) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case string:
		if d.lenient {
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "1", "y":
				return true, nil
			case "false", "no", "0", "n", "":
				return false, nil
			}
		}
	}
	return false, d.fail(field, "want true or false, got %s", jsonType(v))
}

func (d *caseDecoder) obj(field string, v any) (map[string]any, *RecordError) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	}
	return nil, d.fail(field, "want an object, got %s", jsonType(v))
}

func (d *caseDecoder) decode(rec map[string]any) (*Case, *RecordError) {
	c := &Case{MilestoneSources: map[string]string{}}
	var err *RecordError
	extra := map[string]any{}
	for _, k := range sortedKeys(rec) {
		v := rec[k]
		switch k {
		case "id":
			switch x := v.(type) {
			case string:
				c.ID = CleanText(x)
			case nil:
			default:
				return nil, d.fail("id", "want a string, got %s", jsonType(v))
			}
		case "source":
			if c.Source, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "title":
			if c.Title, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "severity":
			var s string
			switch x := v.(type) {
			case json.Number:
				s = x.String()
			default:
				if s, err = d.str(k, v); err != nil {
					return nil, err
				}
			}
			sv, e := NormalizeSeverity(s)
			if e != nil {
				return nil, d.fail(k, "%v", e)
			}
			c.Severity = sv
		case "category":
			s, err := d.str(k, v)
			if err != nil {
				return nil, err
			}
			c.Category = NormalizeCategory(s)
		case "status":
			s, err := d.str(k, v)
			if err != nil {
				return nil, err
			}
			switch st := strings.ToLower(s); st {
			case "open", "closed", "":
				c.Status = st
			default:
				return nil, d.fail(k, "unknown status %q (want open or closed)", truncate(s, 40))
			}
		case "tags":
			if c.Tags, err = d.strList(k, v); err != nil {
				return nil, err
			}
		case "exclude_from_metrics":
			if c.Excluded, err = d.boolean(k, v); err != nil {
				return nil, err
			}
		case "timeline":
			if err = d.timeline(c, v); err != nil {
				return nil, err
			}
		case "techniques":
			ids, err := d.strList(k, v)
			if err != nil {
				return nil, err
			}
			for i, s := range ids {
				id, e := NormalizeTechnique(s)
				if e != nil {
					return nil, d.fail(fmt.Sprintf("techniques[%d]", i), "%v", e)
				}
				ids[i] = id
			}
			c.Techniques = appendUnique(c.Techniques, ids...)
		case "root_cause":
			if err = d.rootCause(c, v); err != nil {
				return nil, err
			}
		case "action_items":
			if err = d.actionItems(c, v); err != nil {
				return nil, err
			}
		case "lessons":
			m, err := d.obj(k, v)
			if err != nil {
				return nil, err
			}
			for _, lk := range sortedKeys(m) {
				lv := m[lk]
				switch lk {
				case "went_well":
					c.Lessons.WentWell, c.Lessons.WentWellThemes, err = d.lessonList("lessons.went_well", lv)
				case "needs_improvement":
					c.Lessons.NeedsImprovement, c.Lessons.NeedsImprovementThemes, err = d.lessonList("lessons.needs_improvement", lv)
				default:
					err = d.fail("lessons."+lk, "unknown field (want went_well or needs_improvement)")
				}
				if err != nil {
					return nil, err
				}
			}
		case "detection_rules":
			if err = d.detectionRules(c, v); err != nil {
				return nil, err
			}
		case "assets":
			names, err := d.strList(k, v)
			if err != nil {
				return nil, err
			}
			c.Assets = AddAssets(nil, names)
		case "platforms":
			names, err := d.strList(k, v)
			if err != nil {
				return nil, err
			}
			for i, s := range names {
				p, e := NormalizePlatform(s)
				if e != nil {
					return nil, d.fail(fmt.Sprintf("platforms[%d]", i), "%v", e)
				}
				c.Platforms = AddTechnique(c.Platforms, p) // at most len(Platforms) entries
			}
		case "team":
			if c.Team, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "business_unit":
			if c.BusinessUnit, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "tenant":
			if c.Tenant, err = d.str(k, v); err != nil {
				return nil, err
			}
		case "detection_source":
			s, err := d.str(k, v)
			if err != nil {
				return nil, err
			}
			if c.DetectionSource, err = normalized(d, k, s, NormalizeDetectionSource); err != nil {
				return nil, err
			}
		case "impact":
			if err = d.impact(c, v); err != nil {
				return nil, err
			}
		case "review":
			if err = d.review(c, v); err != nil {
				return nil, err
			}
		case "playbook_updates":
			if err = d.playbookUpdates(c, v); err != nil {
				return nil, err
			}
		default:
			extra[k] = v
		}
	}
	if c.ID == "" {
		return nil, d.fail("id", "required")
	}
	if e := visibleID(c.ID); e != nil {
		return nil, d.fail("id", "%v", e)
	}
	if c.Source == "" {
		c.Source = "pir"
	}
	if c.Timeline.Detection == nil {
		return nil, d.fail("timeline.detection", "required")
	}
	if c.Status == "" {
		c.Status = "open"
		if c.Timeline.Closure != nil {
			c.Status = "closed"
		}
	}
	if len(extra) > 0 {
		b, e := json.Marshal(extra)
		if e != nil {
			return nil, d.fail("", "unknown fields: %v", e)
		}
		c.Extra = b
	}
	return c, nil
}

func (d *caseDecoder) timeline(c *Case, v any) *RecordError {
	m, err := d.obj("timeline", v)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		tv := m[k]
		p := c.Timeline.Ptr(k)
		if p == nil {
			return d.fail("timeline."+k, "unknown milestone (want one of %s)", strings.Join(Milestones, ", "))
		}
		if tv == nil {
			continue
		}
		if s, ok := tv.(string); ok && strings.TrimSpace(s) == "" {
			continue
		}
		t, note, e := parseInstant(tv, d.p.Location)
		if e != nil {
			return d.fail("timeline."+k, "%v", e)
		}
		d.warn(c, "timeline."+k, note)
		*p = &t
		c.MilestoneSources[k] = "timeline." + k
	}
	return nil
}

func (d *caseDecoder) rootCause(c *Case, v any) *RecordError {
	m, err := d.obj("root_cause", v)
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		rv := m[k]
		switch k {
		case "category":
			s, err := d.str("root_cause.category", rv)
			if err != nil {
				return err
			}
			c.RootCause.Category = NormalizeCategory(s)
		case "summary":
			if c.RootCause.Summary, err = d.str("root_cause.summary", rv); err != nil {
				return err
			}
		case "whys":
			if c.RootCause.Whys, err = d.strList("root_cause.whys", rv); err != nil {
				return err
			}
		default:
			return d.fail("root_cause."+k, "unknown field (want category, summary or whys)")
		}
	}
	return nil
}

func (d *caseDecoder) actionItems(c *Case, v any) *RecordError {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		return d.fail("action_items", "want a list of objects, got %s", jsonType(v))
	}
	seen := map[string]bool{}
	for i, e := range list {
		field := fmt.Sprintf("action_items[%d]", i)
		m, err := d.obj(field, e)
		if err != nil {
			return err
		}
		if m == nil {
			return d.fail(field, "want an object, got null")
		}
		ai := ActionItem{}
		for _, k := range sortedKeys(m) {
			av := m[k]
			f := field + "." + k
			switch k {
			case "id":
				switch x := av.(type) {
				case string:
					ai.ID = CleanText(x)
				case json.Number:
					id, e := canonicalNumber(x.String())
					if e != nil {
						return d.fail(f, "%v", e)
					}
					ai.ID = id
				case nil:
				default:
					return d.fail(f, "want a string, got %s", jsonType(av))
				}
			case "summary":
				ai.Summary, err = d.str(f, av)
			case "owner":
				ai.Owner, err = d.str(f, av)
			case "priority":
				var s string
				if s, err = d.str(f, av); err == nil {
					ai.Priority = NormalizeCategory(s)
				}
			case "status":
				var s string
				if s, err = d.str(f, av); err == nil {
					st, e := NormalizeActionStatus(s)
					if e != nil {
						return d.fail(f, "%v", e)
					}
					ai.Status = st
				}
			case "due":
				if av == nil {
					continue
				}
				t, e := ParseDate(av, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				ai.Due = &Date{t}
			case "completed":
				if av == nil {
					continue
				}
				t, note, e := parseInstant(av, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				d.warn(c, f, note)
				ai.Completed = &t
			default:
				return d.fail(f, "unknown field (want id, summary, owner, priority, due, status, completed)")
			}
			if err != nil {
				return err
			}
		}
		if ai.ID == "" {
			ai.ID = fmt.Sprintf("%d", i+1)
		}
		if e := visibleID(ai.ID); e != nil {
			return d.fail(field+".id", "%v", e)
		}
		if seen[ai.ID] {
			return d.fail(field+".id", "duplicate action-item id %q in this case", truncate(ai.ID, 40))
		}
		seen[ai.ID] = true
		if ai.Status == "" {
			ai.Status = "open"
			if ai.Completed != nil {
				ai.Status = "done"
			}
		}
		c.ActionItems = append(c.ActionItems, ai)
	}
	return nil
}

func (d *caseDecoder) detectionRules(c *Case, v any) *RecordError {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		return d.fail("detection_rules", "want a list of objects, got %s", jsonType(v))
	}
	for i, e := range list {
		field := fmt.Sprintf("detection_rules[%d]", i)
		m, err := d.obj(field, e)
		if err != nil {
			return err
		}
		if m == nil {
			return d.fail(field, "want an object, got null")
		}
		r := DetectionRule{}
		for _, k := range sortedKeys(m) {
			rv := m[k]
			f := field + "." + k
			switch k {
			case "id":
				r.ID, err = d.str(f, rv)
			case "title":
				r.Title, err = d.str(f, rv)
			case "techniques":
				var ids []string
				if ids, err = d.strList(f, rv); err == nil {
					for j, s := range ids {
						id, e := NormalizeTechnique(s)
						if e != nil {
							return d.fail(fmt.Sprintf("%s[%d]", f, j), "%v", e)
						}
						ids[j] = id
					}
					r.Techniques = appendUnique(r.Techniques, ids...)
				}
			case "status":
				var s string
				if s, err = d.str(f, rv); err == nil {
					r.Status, err = normalized(d, f, s, NormalizeRuleStatus)
				}
			case "sigma_id":
				var s string
				if s, err = d.str(f, rv); err == nil {
					r.SigmaID, err = normalized(d, f, s, NormalizeSigmaID)
				}
			default:
				return d.fail(f, "unknown field (want id, title, techniques, status, sigma_id)")
			}
			if err != nil {
				return err
			}
		}
		if r.ID == "" {
			return d.fail(field+".id", "required")
		}
		c.DetectionRules = append(c.DetectionRules, r)
	}
	return nil
}

// normalized applies a vocabulary's normaliser to s, naming field in the
// error.
func normalized(d *caseDecoder, field, s string, norm func(string) (string, error)) (string, *RecordError) {
	v, err := norm(s)
	if err != nil {
		return "", d.fail(field, "%v", err)
	}
	return v, nil
}

// lessonList reads a list of lessons, each a string or {text, theme}:
// the texts, and the themes ("" where none; nil when no lesson has one).
// Empty strings are dropped as in strList.
func (d *caseDecoder) lessonList(field string, v any) (texts, themes []string, rerr *RecordError) {
	list, ok := v.([]any)
	if v == nil {
		return nil, nil, nil
	}
	if !ok {
		return nil, nil, d.fail(field, "want a list of strings or {text, theme} objects, got %s", jsonType(v))
	}
	texts = make([]string, 0, len(list))
	var themed bool
	for i, e := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		var text, theme string
		switch x := e.(type) {
		case string:
			text = CleanText(x)
		case map[string]any:
			for _, k := range sortedKeys(x) {
				var err *RecordError
				switch k {
				case "text":
					text, err = d.str(f+".text", x[k])
				case "theme":
					theme, err = d.str(f+".theme", x[k])
				default:
					err = d.fail(f+"."+k, "unknown field (want text or theme)")
				}
				if err != nil {
					return nil, nil, err
				}
			}
			if text == "" {
				return nil, nil, d.fail(f+".text", "required")
			}
		default:
			return nil, nil, d.fail(f, "want a string or a {text, theme} object, got %s", jsonType(e))
		}
		if text == "" {
			continue
		}
		texts = append(texts, text)
		themes = append(themes, theme)
		themed = themed || theme != ""
	}
	if !themed {
		themes = nil
	}
	return texts, themes, nil
}

// number reads a JSON number, or (lenient, from CSV) a string, as text.
func (d *caseDecoder) number(field string, v any) (string, *RecordError) {
	switch x := v.(type) {
	case json.Number:
		return x.String(), nil
	case string:
		if d.lenient {
			return x, nil
		}
	}
	return "", d.fail(field, "want a number, got %s", jsonType(v))
}

// optBool reads true or false (lenient: yes/no … from CSV).
func (d *caseDecoder) optBool(field string, v any) (*bool, *RecordError) {
	b, err := d.boolean(field, v)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func (d *caseDecoder) impact(c *Case, v any) *RecordError {
	m, err := d.obj("impact", v)
	if err != nil || m == nil {
		return err
	}
	im := Impact{}
	for _, k := range sortedKeys(m) {
		iv := m[k]
		f := "impact." + k
		if iv == nil {
			if impactKey(k) {
				continue // null: unknown
			}
		}
		switch k {
		case "records":
			s, err := d.number(f, iv)
			if err != nil {
				return err
			}
			n, e := parseCount(s)
			if e != nil {
				return d.fail(f, "%v", e)
			}
			im.Records = &n
		case "cost", "downtime_hours":
			s, err := d.number(f, iv)
			if err != nil {
				return err
			}
			x, e := parseAmount(s)
			if e != nil {
				return d.fail(f, "%v", e)
			}
			if k == "cost" {
				im.Cost = &x
			} else {
				im.DowntimeHours = &x
			}
		case "currency":
			s, err := d.str(f, iv)
			if err != nil {
				return err
			}
			if im.Currency, err = normalized(d, f, s, NormalizeCurrency); err != nil {
				return err
			}
		case "regulator_notified":
			if im.RegulatorNotified, err = d.optBool(f, iv); err != nil {
				return err
			}
		case "customers_notified":
			if im.CustomersNotified, err = d.optBool(f, iv); err != nil {
				return err
			}
		default:
			return d.fail(f, "unknown field (want records, cost, currency, downtime_hours, regulator_notified, customers_notified)")
		}
	}
	if im.Cost != nil && im.Currency == "" {
		return d.fail("impact.currency", "required with impact.cost (ISO 4217, e.g. EUR)")
	}
	if im != (Impact{}) {
		c.Impact = &im
	}
	return nil
}

// impactKey reports whether k is a field of impact.
func impactKey(k string) bool {
	switch k {
	case "records", "cost", "currency", "downtime_hours", "regulator_notified", "customers_notified":
		return true
	}
	return false
}

func (d *caseDecoder) review(c *Case, v any) *RecordError {
	m, err := d.obj("review", v)
	if err != nil || m == nil {
		return err
	}
	rv := Review{}
	for _, k := range sortedKeys(m) {
		x := m[k]
		f := "review." + k
		switch k {
		case "status":
			s, err := d.str(f, x)
			if err != nil {
				return err
			}
			if rv.Status, err = normalized(d, f, s, NormalizeReviewStatus); err != nil {
				return err
			}
		case "held_at", "published_at":
			if x == nil {
				continue
			}
			if s, ok := x.(string); ok && strings.TrimSpace(s) == "" {
				continue
			}
			t, e := ParseTimestamp(x, d.p.Location)
			if e != nil {
				return d.fail(f, "%v", e)
			}
			if k == "held_at" {
				rv.HeldAt = &t
			} else {
				rv.PublishedAt = &t
			}
		case "facilitator":
			if rv.Facilitator, err = d.str(f, x); err != nil {
				return err
			}
		default:
			return d.fail(f, "unknown field (want status, held_at, published_at, facilitator)")
		}
	}
	if rv == (Review{}) {
		return nil
	}
	if rv.Status == "" {
		rv.Status = defaultReviewStatus(rv.HeldAt, rv.PublishedAt)
	}
	c.Review = &rv
	return nil
}

// defaultReviewStatus is a review's status when the input gives none:
// published when it was published, held when it was held, else scheduled.
func defaultReviewStatus(held, published *time.Time) string {
	switch {
	case published != nil:
		return "published"
	case held != nil:
		return "held"
	}
	return "scheduled"
}

func (d *caseDecoder) playbookUpdates(c *Case, v any) *RecordError {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		return d.fail("playbook_updates", "want a list of objects, got %s", jsonType(v))
	}
	for i, e := range list {
		field := fmt.Sprintf("playbook_updates[%d]", i)
		m, err := d.obj(field, e)
		if err != nil {
			return err
		}
		if m == nil {
			return d.fail(field, "want an object, got null")
		}
		u := PlaybookUpdate{}
		for _, k := range sortedKeys(m) {
			x := m[k]
			f := field + "." + k
			switch k {
			case "playbook":
				u.Playbook, err = d.str(f, x)
			case "change":
				u.Change, err = d.str(f, x)
			case "owner":
				u.Owner, err = d.str(f, x)
			case "status":
				var s string
				if s, err = d.str(f, x); err == nil {
					st, e := NormalizeActionStatus(s)
					if e != nil {
						return d.fail(f, "%v", e)
					}
					u.Status = st
				}
			case "due":
				if x == nil {
					continue
				}
				t, e := ParseDate(x, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				u.Due = &Date{t}
			case "completed":
				if x == nil {
					continue
				}
				t, e := ParseTimestamp(x, d.p.Location)
				if e != nil {
					return d.fail(f, "%v", e)
				}
				u.Completed = &t
			default:
				return d.fail(f, "unknown field (want playbook, change, owner, due, status, completed)")
			}
			if err != nil {
				return err
			}
		}
		if u.Playbook == "" {
			return d.fail(field+".playbook", "required")
		}
		if u.Status == "" {
			u.Status = "open"
			if u.Completed != nil {
				u.Status = "done"
			}
		}
		c.PlaybookUpdates = append(c.PlaybookUpdates, u)
	}
	return nil
}

// sortedKeys makes error reporting deterministic when a record has several
// problems.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
