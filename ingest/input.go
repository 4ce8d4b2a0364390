package ingest

// How inputs are opened and read before a parser sees them: only regular
// files are opened, standard input is read so that a signal can interrupt
// it, and line ends that only some parsers would understand are made
// uniform.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// crOnlyLines makes a file with CR-only line ends (classic Mac OS, old
// Excel "CSV (Macintosh)") readable: when the head has carriage returns
// but no line feed, every CR is read as LF. encoding/csv and the JSON Lines
// reader only end lines at LF, so such a CSV was one header line with no
// records, and such JSON Lines one long invalid line. A CR inside a JSON
// string is invalid either way; inside a quoted CSV cell it was a line
// break. It returns the reader to parse and its new head.
func crOnlyLines(br *bufio.Reader, head []byte) (*bufio.Reader, []byte) {
	if bytes.IndexByte(head, '\r') < 0 || bytes.IndexByte(head, '\n') >= 0 || isXLSXHead(head) {
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

// OpenRegular opens a file for reading if it is a regular file, and
// refuses anything else (a named pipe, a socket, a device) before reading
// it: opening a FIFO waits for a writer, and reading one can block for
// ever. The file is opened non-blocking, which makes the open itself
// return at once, and checked after opening, so a rename in between cannot
// slip a FIFO in. (For a regular file non-blocking mode changes nothing.)
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(st.Mode())}
	}
	return f, nil
}

// notRegular is the error for a path that is not a regular file.
func notRegular(m fs.FileMode) error {
	kind := "not a regular file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind += " (a named pipe)"
	case m&fs.ModeSocket != 0:
		kind += " (a socket)"
	case m&fs.ModeDevice != 0:
		kind += " (a device)"
	case m.IsDir():
		kind += " (a directory)"
	}
	return errors.New(kind + ": pir reads regular files only; to read a stream, pipe it to standard input (-)")
}

// contextReader makes reads of r return when ctx is done, even while one
// blocks (standard input from a pipe whose writer never writes nor closes:
// `sleep 60 | pir ingest -`): a goroutine reads ahead, and Read waits for
// it or for ctx. A read still blocked when ctx ends is abandoned to the
// goroutine; pir exits soon after.
type contextReader struct {
	ctx    context.Context
	chunks chan chunk
	free   chan []byte
	stop   chan struct{}
	rest   []byte // of the chunk being read
	buf    []byte // the chunk's buffer, returned to free when read
	err    error
	closed bool
}

type chunk struct {
	b   []byte
	err error
}

func newContextReader(ctx context.Context, r io.Reader) *contextReader {
	c := &contextReader{ctx: ctx, chunks: make(chan chunk, 1), free: make(chan []byte, 2), stop: make(chan struct{})}
	c.free <- make([]byte, 64<<10)
	c.free <- make([]byte, 64<<10)
	go func() {
		for {
			var b []byte
			select {
			case b = <-c.free:
			case <-c.stop:
				return
			}
			n, err := r.Read(b)
			select {
			case c.chunks <- chunk{b[:n], err}:
			case <-c.stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *contextReader) Read(p []byte) (int, error) {
	for len(c.rest) == 0 {
		if c.buf != nil {
			c.free <- c.buf
			c.buf = nil
		}
		if c.err != nil {
			return 0, c.err
		}
		select {
		case ch := <-c.chunks:
			c.rest, c.buf, c.err = ch.b, ch.b[:cap(ch.b)], ch.err
		case <-c.ctx.Done():
			c.err = c.ctx.Err()
		}
	}
	n := copy(p, c.rest)
	c.rest = c.rest[n:]
	return n, nil
}

// Close ends the reading goroutine (unless it is blocked in a read).
func (c *contextReader) Close() error {
	if !c.closed {
		c.closed = true
		close(c.stop)
	}
	return nil
}
