package ingest

// The JSON-array framing: one array of records read element by element in
// bounded memory, with line numbers, and nothing allowed after it.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

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
