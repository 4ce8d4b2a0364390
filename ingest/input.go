package ingest

// What happens to an input's bytes before a parser sees them: line ends
// that only some parsers would understand are made uniform.

import (
	"bufio"
	"bytes"
	"io"
)

// crOnlyLines makes a file with CR-only line ends (classic Mac OS, old
// Excel "CSV (Macintosh)") readable: when the head has carriage returns
// but no line feed, every CR is read as LF. encoding/csv and the JSON Lines
// reader only end lines at LF, so such a CSV was one header line with no
// records, and such JSON Lines one long invalid line. A CR inside a JSON
// string is invalid either way; inside a quoted CSV cell it was a line
// break. It returns the reader to parse and its new head.
func crOnlyLines(br *bufio.Reader, head []byte) (*bufio.Reader, []byte) {
	if bytes.IndexByte(head, '\r') < 0 || bytes.IndexByte(head, '\n') >= 0 {
		return br, head
	}
	nb := bufio.NewReaderSize(crToLF{br}, 64<<10)
	h, _ := nb.Peek(len(head))
	return nb, h
}

// crToLF reads r with every CR turned into LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}
