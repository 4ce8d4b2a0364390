package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// Input is one argument of `pir ingest`: a file, a directory (walked for
// case files) or "-" for standard input.
type Input struct {
	Path    string
	Format  string            // "auto" or a format name
	Mapping map[string]string // importer field mapping overrides
	// AllowEmpty accepts a file without any record (and a directory
	// without case files); otherwise that is an error, as an export that
	// came out empty must not pass for "nothing happened".
	AllowEmpty bool
}

// Options control a Load.
type Options struct {
	Formats     Formats
	Location    *time.Location // for naive timestamps; nil = UTC
	SkipInvalid bool           // load valid records, keep rejects; else stop at the first
	Limits      Limits
	Now         func() time.Time
	Stdin       io.Reader
	// Progress, when set, is called as bytes are read (done of total).
	Progress func(done, total int64)
}

// FileSummary is what one file contributed.
type FileSummary struct {
	Path    string
	Format  string
	SHA256  string
	Records int
	Rejects int
	// DetectedBy says what made --format auto choose Format (the keys of
	// a record, or CSV columns); empty with an explicit --format.
	DetectedBy string
}

// Summary is the outcome of one ingest invocation.
type Summary struct {
	Files      []FileSummary
	Records    int // valid records read (before de-duplication)
	Inserted   int
	Updated    int
	Unchanged  int
	Rejected   int
	Duplicates int // records that repeated a (source, id) within this run; the last one wins
	Rejects    []*RecordError
	// Warnings are values accepted but resolved (a naive time in a DST
	// gap), the first 1000 of WarningCount, in file order.
	Warnings     []Warning
	WarningCount int
	Elapsed      time.Duration
	RunID        int64
}

// ErrInvalidRecord wraps the first bad record when SkipInvalid is off.
var ErrInvalidRecord = errors.New("invalid record")

// Load parses every input and loads the cases in ONE transaction: either all
// of it commits or the database is exactly as before.
func Load(ctx context.Context, db *pirsql.DB, inputs []Input, o Options) (*Summary, error) {
	start := time.Now()
	if o.Formats == nil {
		o.Formats = DefaultFormats()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	o.Limits = o.Limits.WithDefaults()
	files, err := expandInputs(inputs, o.Limits.MaxFiles)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, f := range files {
		total += f.size
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("ingest: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	if _, err := conn.ExecContext(ctx, pirsql.IngestStage); err != nil {
		return nil, fmt.Errorf("ingest: staging tables: %w", err)
	}
	var runID int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(run_id), 0) + 1 FROM (SELECT run_id FROM store.ingest_runs UNION ALL SELECT run_id FROM store.rejects)`).Scan(&runID); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}

	sum := &Summary{RunID: runID}
	now := o.Now()
	var done atomic.Int64
	st := &stager{now: now}
	err = pirsql.WithAppenders(conn, "temp", "main", []string{"stage_cases", "stage_techniques", "stage_actions", "stage_rules", "stage_playbooks", "stage_sources", "stage_veris", "stage_rejects", "stage_files"},
		func(app map[string]func(...driver.Value) error) error {
			st.app = app
			for _, f := range files {
				if err := ctx.Err(); err != nil {
					return err
				}
				fs, err := st.loadFile(ctx, f, o, runID, sum, func(n int64) {
					if o.Progress != nil {
						o.Progress(done.Add(n), total)
					}
				})
				if err != nil {
					return err
				}
				sum.Files = append(sum.Files, *fs)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, pirsql.IngestLatest); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	row := conn.QueryRowContext(ctx, pirsql.IngestClassify)
	if err := row.Scan(&sum.Inserted, &sum.Updated, &sum.Unchanged, &sum.Duplicates); err != nil {
		return nil, fmt.Errorf("ingest: classify: %w", err)
	}
	if _, err := conn.ExecContext(ctx, pirsql.IngestMerge); err != nil {
		return nil, fmt.Errorf("ingest: merge: %w", err)
	}
	if _, err := conn.ExecContext(ctx, pirsql.IngestRun, runID, now, o.Now(), int32(len(files)), int32(sum.Inserted), int32(sum.Updated), int32(sum.Unchanged), int32(sum.Rejected)); err != nil {
		return nil, fmt.Errorf("ingest: record run: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("ingest: commit: %w", err)
	}
	committed = true
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// stager appends parsed records to the staging tables.
type stager struct {
	app map[string]func(...driver.Value) error
	seq int64
	now time.Time

	// For stageCase: the appenders, and what it reuses from row to row.
	cases, techniques, actions, rules, playbooks, sources, veris func(...driver.Value) error
	row                                                          []driver.Value
	lists                                                        []any
	path, format                                                 string
	pathV, formatV                                               driver.Value
}

func (s *stager) loadFile(ctx context.Context, f inputFile, o Options, runID int64, sum *Summary, progress func(int64)) (*FileSummary, error) {
	var rc io.ReadCloser
	if f.path == "-" {
		if o.Stdin == nil {
			return nil, fmt.Errorf("ingest -: no standard input")
		}
		// A pipe may block for ever: a signal (ctx) ends the read.
		rc = newContextReader(ctx, o.Stdin)
	} else {
		fh, err := OpenRegular(f.path)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", f.path, unwrapPathErr(err))
		}
		rc = fh
	}
	defer rc.Close()
	h := newAsyncHash()
	defer h.stop()
	cr := &countingReader{r: io.TeeReader(rc, h), progress: progress}
	var r io.Reader = cr
	br := bufio.NewReaderSize(r, 64<<10)
	if strings.HasSuffix(strings.ToLower(f.path), ".gz") {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: gzip: %w", f.path, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	head, _ := br.Peek(64 << 10)
	if err := ctx.Err(); err != nil { // interrupted while the head was read
		return nil, err
	}
	head, bomErr := stripBOM(br, head)
	if bomErr != nil {
		return nil, &RecordError{File: f.path, Ref: "1", Reason: bomErr.Error()}
	}
	if isXLSXHead(head) && f.format != "" && f.format != "auto" && f.format != "servicenow" {
		return nil, &RecordError{File: f.path, Ref: "1", Reason: "an Excel workbook (.xlsx): only --format servicenow reads Excel list exports; export CSV for --format " + f.format}
	}
	if bytes.IndexByte(head, 0) >= 0 && !isXLSXHead(head) {
		return nil, &RecordError{File: f.path, Ref: "1", Reason: "NUL bytes: not a text file (UTF-16? save it as UTF-8)"}
	}
	br, head = crOnlyLines(br, head)
	format := f.format
	var fmtr Format
	detectedBy := ""
	if format == "" || format == "auto" {
		d, err := o.Formats.Detect(f.path, head)
		if err != nil {
			return nil, err
		}
		fmtr, detectedBy = d.Format, d.By
	} else {
		d, ok := o.Formats[format]
		if !ok {
			return nil, fmt.Errorf("ingest %s: unknown format %q (want auto or one of %v)", f.path, format, o.Formats.Names())
		}
		fmtr = d
	}
	fs := &FileSummary{Path: f.path, Format: fmtr.Name(), DetectedBy: detectedBy}
	pc := &ParseContext{File: f.path, Location: o.Location, Mapping: f.mapping, Limits: o.Limits, Now: o.Now}
	var firstErr error
	emit := func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rec.Err != nil {
			fs.Rejects++
			sum.Rejected++
			if !o.SkipInvalid {
				firstErr = rec.Err
				return rec.Err
			}
			if len(sum.Rejects) < 1000 {
				sum.Rejects = append(sum.Rejects, rec.Err)
			}
			return s.app["stage_rejects"](runID, rec.Err.File, rec.Err.Ref, nullStr(rec.Err.Field), rec.Err.Reason, nullStr(rec.Err.Raw), s.now)
		}
		fs.Records++
		sum.Records++
		for _, w := range rec.Case.warnings {
			sum.WarningCount++
			if len(sum.Warnings) < 1000 {
				sum.Warnings = append(sum.Warnings, w)
			}
		}
		return s.stageCase(rec.Case, fs.Path, fmtr.Name())
	}
	if err := safeParse(fmtr, pc, br, emit); err != nil {
		if firstErr != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidRecord, firstErr)
		}
		var re *RecordError
		if errors.As(err, &re) {
			if !o.SkipInvalid {
				return nil, fmt.Errorf("%w: %w", ErrInvalidRecord, re)
			}
			fs.Rejects++
			sum.Rejected++
			sum.Rejects = append(sum.Rejects, re)
			if err := s.app["stage_rejects"](runID, re.File, re.Ref, nullStr(re.Field), re.Reason, nullStr(re.Raw), s.now); err != nil {
				return nil, err
			}
		} else {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if fs.Records == 0 && fs.Rejects == 0 && !f.allowEmpty {
		return nil, fmt.Errorf("ingest %s: no records (an empty export?); nothing was loaded: pass --allow-empty (allow_empty in a [[source]]) if the file may be empty", f.path)
	}
	// Drain what the parser did not read so the digest covers the file.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return nil, fmt.Errorf("ingest %s: %w", f.path, err)
	}
	fs.SHA256 = hex.EncodeToString(h.sum())
	if err := s.app["stage_files"](runID, fs.Path, fs.SHA256, fs.Format, int32(fs.Records), int32(fs.Rejects), s.now); err != nil {
		return nil, err
	}
	// The file digest is known only now; stage rows carry the path and the
	// merge joins stage_files for it.
	return fs, nil
}

func (s *stager) stageCase(c *Case, path, format string) error {
	// The staging runs on the reading goroutine for every record: one row
	// buffer and one []any for the list columns are reused (the Appender
	// copies the values), and the values repeated on each row are boxed
	// once.
	if s.cases == nil {
		s.cases, s.techniques, s.actions = s.app["stage_cases"], s.app["stage_techniques"], s.app["stage_actions"]
		s.rules, s.sources, s.veris = s.app["stage_rules"], s.app["stage_sources"], s.app["stage_veris"]
		s.playbooks = s.app["stage_playbooks"]
	}
	if s.pathV == nil || s.path != path || s.format != format {
		s.path, s.format, s.pathV, s.formatV = path, format, path, format
	}
	s.seq++
	var seq driver.Value = s.seq
	tl := c.Timeline
	var extra any
	if len(c.Extra) > 0 {
		extra = string(c.Extra)
	}
	s.lists = s.lists[:0]
	row := append(s.row[:0], seq, c.Source, c.ID, nullStr(c.Title), nullStr(c.Severity), nullStr(c.Category), c.Status, c.Excluded,
		s.list(c.Tags), ts(tl.Compromise), ts(tl.Detection), ts(tl.Triage), ts(tl.Containment), ts(tl.Eradication), ts(tl.Recovery), ts(tl.Closure),
		nullStr(c.RootCause.Category), nullStr(c.RootCause.Summary), s.list(c.RootCause.Whys),
		s.list(c.Lessons.WentWell), s.list(c.Lessons.NeedsImprovement), extra, c.contentHash(), s.pathV, s.formatV,
		s.list(c.Assets), s.list(c.Platforms), nullStr(c.Team), nullStr(c.BusinessUnit), nullStr(c.Tenant), nullStr(c.DetectionSource))
	if im := c.Impact; im != nil {
		row = append(row, int64Ptr(im.Records), floatPtr(im.Cost), nullStr(im.Currency), floatPtr(im.DowntimeHours),
			boolPtr(im.RegulatorNotified), boolPtr(im.CustomersNotified))
	} else {
		row = append(row, nil, nil, nil, nil, nil, nil)
	}
	if rv := c.Review; rv != nil {
		row = append(row, rv.Status, ts(rv.HeldAt), ts(rv.PublishedAt), nullStr(rv.Facilitator))
	} else {
		row = append(row, nil, nil, nil, nil)
	}
	row = append(row, s.optList(c.Lessons.WentWellThemes), s.optList(c.Lessons.NeedsImprovementThemes))
	s.row = row
	if err := s.cases(row...); err != nil {
		return fmt.Errorf("stage case %s: %w", c.ID, err)
	}
	for _, t := range c.Techniques {
		row = append(row[:0], seq, t)
		if err := s.techniques(row...); err != nil {
			return err
		}
	}
	for i, a := range c.ActionItems {
		var due any
		if a.Due != nil {
			due = a.Due.Time
		}
		row = append(row[:0], seq, int32(i+1), a.ID, nullStr(a.Summary), nullStr(a.Owner), nullStr(a.Priority), due, a.Status, ts(a.Completed))
		if err := s.actions(row...); err != nil {
			return err
		}
	}
	for _, r := range c.DetectionRules {
		s.lists = s.lists[:0]
		row = append(row[:0], seq, r.ID, nullStr(r.Title), s.list(r.Techniques), nullStr(r.Status), nullStr(r.SigmaID))
		if err := s.rules(row...); err != nil {
			return err
		}
	}
	for i, u := range c.PlaybookUpdates {
		var due any
		if u.Due != nil {
			due = u.Due.Time
		}
		row = append(row[:0], seq, int32(i+1), u.Playbook, nullStr(u.Change), nullStr(u.Owner), due, u.Status, ts(u.Completed))
		if err := s.playbooks(row...); err != nil {
			return err
		}
	}
	var keyBuf [8]string
	keys := keyBuf[:0]
	for k := range c.MilestoneSources {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		row = append(row[:0], seq, k, c.MilestoneSources[k])
		if err := s.sources(row...); err != nil {
			return err
		}
	}
	for _, b := range c.Buckets {
		row = append(row[:0], seq, b.Phase, b.Unit, floatPtr(b.Value), floatPtr(b.Hours))
		if err := s.veris(row...); err != nil {
			return err
		}
	}
	return nil
}

// list is a list column's value: l as []any in s.lists (the driver
// converts any other slice type by reflection), empty for nil.
func (s *stager) list(l []string) any {
	if s.lists == nil {
		s.lists = make([]any, 0, 64)
	}
	n := len(s.lists)
	for _, v := range l {
		s.lists = append(s.lists, v)
	}
	return s.lists[n:len(s.lists):len(s.lists)]
}

// optList is list, or NULL for a nil list (a list column where "none"
// differs from "empty").
func (s *stager) optList(l []string) any {
	if l == nil {
		return nil
	}
	return s.list(l)
}

func int64Ptr(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

func boolPtr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func floatPtr(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func ts(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// asyncHash is the SHA-256 of what is written to it, computed on another
// goroutine: the file digest costs the goroutine that reads (and loads) the
// file a copy of each chunk rather than the hashing.
type asyncHash struct {
	h    hash.Hash
	work chan []byte // chunks to hash; closed by stop
	free chan []byte // hashed chunks' buffers, for reuse
	done chan struct{}

	stopped bool
}

func newAsyncHash() *asyncHash {
	a := &asyncHash{h: sha256.New(), work: make(chan []byte, 8), free: make(chan []byte, 8), done: make(chan struct{})}
	work := a.work
	go func() {
		defer close(a.done)
		for b := range work {
			a.h.Write(b)
			select {
			case a.free <- b:
			default:
			}
		}
	}()
	return a
}

// Write implements io.Writer; it never fails.
func (a *asyncHash) Write(p []byte) (int, error) {
	var b []byte
	select {
	case b = <-a.free:
	default:
	}
	a.work <- append(b[:0], p...)
	return len(p), nil
}

// stop waits for the chunks written so far to be hashed and ends the
// goroutine; it may be called more than once.
func (a *asyncHash) stop() {
	if !a.stopped {
		close(a.work)
		a.stopped = true
	}
	<-a.done
}

// sum is the digest of everything written.
func (a *asyncHash) sum() []byte {
	a.stop()
	return a.h.Sum(nil)
}

type countingReader struct {
	r        io.Reader
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.progress(int64(n))
	}
	return n, err
}

// stripBOM drops a UTF-8 byte-order mark and refuses UTF-16/32.
func stripBOM(br *bufio.Reader, head []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return head[3:], nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, errors.New("UTF-16 encoded file: save it as UTF-8")
	}
	return head, nil
}

type inputFile struct {
	path       string
	format     string
	mapping    map[string]string
	size       int64
	allowEmpty bool
}

// caseFileExt are the files a directory walk picks up.
var caseFileExt = map[string]bool{".json": true, ".jsonl": true, ".ndjson": true, ".csv": true, ".xlsx": true}

// expandInputs resolves files and directories (walked recursively, in name
// order, without following symlinks, hidden entries skipped).
func expandInputs(inputs []Input, maxFiles int) ([]inputFile, error) {
	var out []inputFile
	seen := map[string]bool{}
	add := func(f inputFile) error {
		if f.path != "-" {
			abs, err := filepath.Abs(f.path)
			if err == nil {
				if seen[abs] {
					return nil
				}
				seen[abs] = true
			}
		}
		if len(out) >= maxFiles {
			return fmt.Errorf("ingest: more than %d files (raise --max-files)", maxFiles)
		}
		out = append(out, f)
		return nil
	}
	for _, in := range inputs {
		if in.Path == "-" {
			if err := add(inputFile{path: "-", format: in.Format, mapping: in.Mapping, allowEmpty: in.AllowEmpty}); err != nil {
				return nil, err
			}
			continue
		}
		st, err := os.Stat(in.Path)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", in.Path, unwrapPathErr(err))
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				return nil, fmt.Errorf("ingest %s: %w", in.Path, notRegular(st.Mode()))
			}
			if err := add(inputFile{path: in.Path, format: in.Format, mapping: in.Mapping, size: st.Size(), allowEmpty: in.AllowEmpty}); err != nil {
				return nil, err
			}
			continue
		}
		var found []inputFile
		err = filepath.WalkDir(in.Path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("ingest %s: %w", p, unwrapPathErr(err))
			}
			name := d.Name()
			if p != in.Path && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(name, ".gz")))
			switch {
			case d.Type().IsRegular():
			case d.IsDir(), d.Type()&fs.ModeSymlink != 0, !caseFileExt[ext]:
				return nil // directories are walked; symlinks are not followed
			default:
				// A named pipe, socket or device named like a case file:
				// reading it could block for ever, skipping it would lose
				// what it was meant to hold.
				return fmt.Errorf("ingest %s: %w", p, notRegular(d.Type()))
			}
			if !caseFileExt[ext] {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("ingest %s: %w", p, err)
			}
			found = append(found, inputFile{path: p, format: in.Format, mapping: in.Mapping, size: info.Size(), allowEmpty: in.AllowEmpty})
			if len(found) > maxFiles {
				return fmt.Errorf("ingest %s: more than %d files (raise --max-files)", in.Path, maxFiles)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 && !in.AllowEmpty {
			return nil, fmt.Errorf("ingest %s: no case files (*.json, *.jsonl, *.ndjson, *.csv, *.xlsx, and .gz) in this directory; pass --allow-empty if it may be empty", in.Path)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].path < found[j].path })
		for _, f := range found {
			if err := add(f); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// safeParse runs a parser and turns a panic (a parser bug on hostile input)
// into an error naming the file, so the process never crashes on input.
func safeParse(f Format, pc *ParseContext, r io.Reader, emit func(Record) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("ingest %s: %s parser failed on this input (please report): %v", pc.File, f.Name(), v)
		}
	}()
	return f.Parse(pc, r, emit)
}
