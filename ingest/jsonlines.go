package ingest

// The JSON Lines framing: one record per line, decoded in batches on
// worker goroutines and emitted in file order.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

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
