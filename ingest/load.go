package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
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
	return loadRouted(ctx, db, inputs, o, routing{choose: chooseLookup, batch: probeBatch})
}

// routing is how a load learns which keys the store holds: the lookup for
// its inputs, and with lookupProbe how many cases it reads before it asks.
type routing struct {
	choose func([]inputFile, int64) lookup
	batch  int
}

// loadRouted is Load with the choice of how the loader learns which keys
// the store holds (tests force each lookup with it; the result must not
// depend on it).
func loadRouted(ctx context.Context, db *pirsql.DB, inputs []Input, o Options, rt routing) (*Summary, error) {
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

	tx, err := pirsql.BeginIngest(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer tx.Close()
	runID, err := tx.NextRunID(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	stored, err := tx.StoredCases(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if err := tx.Stage(ctx); err != nil {
		return nil, fmt.Errorf("ingest: staging tables: %w", err)
	}
	sum := &Summary{RunID: runID}
	now := o.Now()
	ld := &loader{now: now, runID: runID, keys: newKeyRouter(stored == 0), batch: max(rt.batch, 1)}
	if stored > 0 {
		ld.lookup = rt.choose(files, stored)
	}
	if ld.lookup == lookupAll {
		if err := tx.StoredDigests(ctx, ld.keys.stored); err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
	}
	var done atomic.Int64
	err = tx.Write(ctx, func(w *pirsql.IngestWriter) error {
		ld.w = w
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			fs, err := ld.loadFile(ctx, f, o, sum, func(n int64) {
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
	counts, err := tx.Classify(ctx, pirsql.IngestTally{Records: int64(sum.Records), Direct: ld.direct, Staged: ld.staged})
	if err != nil {
		return nil, fmt.Errorf("ingest: classify: %w", err)
	}
	sum.Inserted, sum.Updated, sum.Unchanged, sum.Duplicates = int(counts.Inserted), int(counts.Updated), int(counts.Unchanged), int(counts.Duplicates)
	if ld.staged > 0 {
		if err := tx.Merge(ctx); err != nil {
			return nil, fmt.Errorf("ingest: merge: %w", err)
		}
	}
	if err := tx.Finish(ctx, pirsql.IngestRun{RunID: runID, Started: now, Finished: o.Now(), Files: len(files),
		Inserted: counts.Inserted, Updated: counts.Updated, Unchanged: counts.Unchanged, Rejects: int64(sum.Rejected)}); err != nil {
		return nil, fmt.Errorf("ingest: record run: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// loader writes parsed records through the ingest transaction's writer:
// each case straight to the store when it is new (the key router says so),
// else to the staging tables for Classify and Merge.
type loader struct {
	w      *pirsql.IngestWriter
	now    time.Time
	runID  int64
	keys   *keyRouter
	lookup lookup
	seq    int64
	rows   pirsql.CaseRows // reused from case to case

	// With lookupProbe, the cases read since the store was last asked
	// about their keys (fewer than batch), in file order, and the number
	// of batches asked.
	pending []pendingCase
	batch   int
	batches int32

	direct, staged int64 // cases written to the store, rows to stage_keys
}

// pendingCase is a case read, waiting for the store's answer about its key.
type pendingCase struct {
	c                  *Case
	seq                int64
	hash, path, format string
	sources            bool
}

// probeBatch is how many cases the loader reads before it asks the store
// about their keys: one query per batch scans the store's keys once, and
// the batch is held in memory (only inputs small next to the store are
// probed: chooseLookup).
const probeBatch = 4096

func (s *loader) loadFile(ctx context.Context, f inputFile, o Options, sum *Summary, progress func(int64)) (*FileSummary, error) {
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
			return s.reject(rec.Err)
		}
		fs.Records++
		sum.Records++
		for _, w := range rec.Case.warnings {
			sum.WarningCount++
			if len(sum.Warnings) < 1000 {
				sum.Warnings = append(sum.Warnings, w)
			}
		}
		return s.writeCase(ctx, rec.Case, fs.Path, fmtr.Name())
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
			if err := s.reject(re); err != nil {
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
	if err := s.flushPending(ctx); err != nil {
		return nil, err
	}
	// Drain what the parser did not read so the digest covers the file.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return nil, fmt.Errorf("ingest %s: %w", f.path, err)
	}
	fs.SHA256 = hex.EncodeToString(h.sum())
	// The file digest is known only now: the cases carry the path, and the
	// end of the transaction gives them the digest of the file staged here.
	if err := s.w.File(pirsql.FileRow{RunID: s.runID, Path: fs.Path, SHA256: fs.SHA256, Format: fs.Format,
		Records: int32(fs.Records), Rejects: int32(fs.Rejects), IngestedAt: s.now}); err != nil {
		return nil, err
	}
	return fs, nil
}

// reject stages a refused record.
func (s *loader) reject(e *RecordError) error {
	return s.w.Reject(pirsql.RejectRow{RunID: s.runID, Path: e.File, Record: e.Ref, Field: e.Field, Reason: e.Reason, Raw: e.Raw, RejectedAt: s.now})
}

// writeCase writes one case where the key router sends it: straight to
// the store when new, as a key only when unchanged, else to the staging.
// With lookupProbe a case whose key the router does not know waits, with
// the cases read after it, until the store is asked about a batch of keys.
func (s *loader) writeCase(ctx context.Context, c *Case, path, format string) error {
	s.seq++
	h := c.contentHash()
	// A canonical case's milestone sources are a function of its
	// milestones, which the view milestone_sources derives: they are not
	// stored.
	sources := format != Canonical{}.Name()
	if !sources && !canonicalSources(c) {
		return fmt.Errorf("ingest %s: case %s: milestone sources %v are not the canonical format's (please report)", path, c.ID, c.MilestoneSources)
	}
	if s.lookup == lookupProbe && (len(s.pending) > 0 || s.keys.needsProbe(c.Source, c.ID)) {
		s.pending = append(s.pending, pendingCase{c: c, seq: s.seq, hash: h, path: path, format: format, sources: sources})
		if len(s.pending) < s.batch {
			return nil
		}
		return s.flushPending(ctx)
	}
	return s.routeCase(c, s.seq, h, path, format, sources)
}

// flushPending asks the store about the keys of the pending cases the
// router does not know (each once) and writes the cases in order.
func (s *loader) flushPending(ctx context.Context) error {
	if len(s.pending) == 0 {
		return nil
	}
	var keys []pirsql.Key
	for _, p := range s.pending {
		if s.keys.needsProbe(p.c.Source, p.c.ID) {
			s.keys.probed(p.c.Source, p.c.ID, false, 0)
			keys = append(keys, pirsql.Key{Source: p.c.Source, CaseID: p.c.ID})
		}
	}
	if len(keys) > 0 {
		s.batches++
		err := s.w.Probe(ctx, s.batches, keys, func(source, caseID string, digest uint64) {
			s.keys.probed(source, caseID, true, digest)
		})
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
	}
	for i, p := range s.pending {
		if err := s.routeCase(p.c, p.seq, p.hash, p.path, p.format, p.sources); err != nil {
			return err
		}
		s.pending[i] = pendingCase{}
	}
	s.pending = s.pending[:0]
	return nil
}

// routeCase writes case number seq (in read order) where the router sends
// it.
func (s *loader) routeCase(c *Case, seq int64, h, path, format string, sources bool) error {
	switch s.keys.route(c.Source, c.ID, h) {
	case routeNew:
		s.direct++
		return s.w.Case(pirsql.ToStore, s.caseRows(c, seq, h, path, format, sources))
	case routeUnchanged:
		s.staged++
		return s.w.Unchanged(seq, c.Source, c.ID, h)
	}
	s.staged++
	return s.w.Case(pirsql.ToStage, s.caseRows(c, seq, h, path, format, sources))
}

// canonicalSources reports whether c's milestone sources are exactly the
// canonical format's: "timeline.<name>" for each milestone present.
func canonicalSources(c *Case) bool {
	n := 0
	for i, m := range Milestones {
		if c.Timeline.Get(m) != nil {
			if c.MilestoneSources[m] != milestoneSource[i] {
				return false
			}
			n++
		}
	}
	return n == len(c.MilestoneSources)
}

// caseRows is c as the rows of the store, in s.rows (reused).
func (s *loader) caseRows(c *Case, seq int64, hash, path, format string, withSources bool) *pirsql.CaseRows {
	r := &s.rows
	r.Reset()
	tl := c.Timeline
	r.Case = pirsql.CaseRow{Seq: seq, Source: c.Source, CaseID: c.ID, Title: c.Title, Severity: c.Severity, Category: c.Category,
		Status: c.Status, Excluded: c.Excluded, Tags: c.Tags,
		Compromise: tl.Compromise, Detection: tl.Detection, Triage: tl.Triage, Containment: tl.Containment,
		Eradication: tl.Eradication, Recovery: tl.Recovery, Closure: tl.Closure,
		RootCauseCategory: c.RootCause.Category, RootCauseSummary: c.RootCause.Summary, RootCauseWhys: c.RootCause.Whys,
		WentWell: c.Lessons.WentWell, NeedsImprovement: c.Lessons.NeedsImprovement,
		Extra: string(c.Extra), ContentSHA256: hash, SourceFile: path, SourceFormat: format, IngestedAt: s.now,
		Assets: c.Assets, Platforms: c.Platforms, Team: c.Team, BusinessUnit: c.BusinessUnit, Tenant: c.Tenant,
		DetectionSource: c.DetectionSource,
		WentWellThemes:  c.Lessons.WentWellThemes, NeedsImprovementThemes: c.Lessons.NeedsImprovementThemes}
	if im := c.Impact; im != nil {
		r.Case.ImpactRecords, r.Case.ImpactCost, r.Case.ImpactCurrency, r.Case.ImpactDowntimeHours = im.Records, im.Cost, im.Currency, im.DowntimeHours
		r.Case.ImpactRegulatorNotified, r.Case.ImpactCustomersNotified = im.RegulatorNotified, im.CustomersNotified
	}
	if rv := c.Review; rv != nil {
		r.Case.ReviewStatus, r.Case.ReviewHeldAt, r.Case.ReviewPublishedAt, r.Case.ReviewFacilitator = rv.Status, rv.HeldAt, rv.PublishedAt, rv.Facilitator
	}
	r.Techniques = append(r.Techniques, c.Techniques...)
	for i, a := range c.ActionItems {
		r.ActionItems = append(r.ActionItems, pirsql.ActionItemRow{Position: int32(i + 1), ItemID: a.ID, Summary: a.Summary,
			Owner: a.Owner, Priority: a.Priority, Due: dateTime(a.Due), Status: a.Status, Completed: a.Completed})
	}
	for _, d := range c.DetectionRules {
		r.Rules = append(r.Rules, pirsql.DetectionRuleRow{RuleID: d.ID, Title: d.Title, Techniques: d.Techniques, Status: d.Status, SigmaID: d.SigmaID})
	}
	for i, u := range c.PlaybookUpdates {
		r.Playbooks = append(r.Playbooks, pirsql.PlaybookUpdateRow{Position: int32(i + 1), Playbook: u.Playbook, Change: u.Change,
			Owner: u.Owner, Due: dateTime(u.Due), Status: u.Status, Completed: u.Completed})
	}
	if withSources {
		var keyBuf [8]string
		keys := keyBuf[:0]
		for k := range c.MilestoneSources {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			r.Sources = append(r.Sources, pirsql.MilestoneSourceRow{Milestone: k, SourceField: c.MilestoneSources[k]})
		}
	}
	for _, b := range c.Buckets {
		r.Veris = append(r.Veris, pirsql.VerisRow{Phase: b.Phase, Unit: b.Unit, Value: b.Value, Hours: b.Hours})
	}
	return r
}

// dateTime is a date as the time the driver binds to a DATE column.
func dateTime(d *Date) *time.Time {
	if d == nil {
		return nil
	}
	return &d.Time
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
