package ingest

import (
	"io"
	"sort"
	"time"
)

// Format parses one kind of case export. Each format lives in its own file
// (canonical.go, thehive.go, servicenow.go, sentinel.go, iris.go, veris.go,
// elastic.go, splunk.go);
// --format auto recognises them by the rows of detectTable (detect.go).
type Format interface {
	// Name is the --format value, e.g. "pir", "thehive".
	Name() string
	// Parse reads the whole file and calls emit once per record, in file
	// order: with a valid Case, or with a *RecordError for a bad record.
	// Parse returns an error only when the file as a whole cannot be read;
	// a non-nil error from emit must be returned as-is.
	Parse(p *ParseContext, r io.Reader, emit func(Record) error) error
}

// ParseContext is what a parser needs besides the bytes.
type ParseContext struct {
	// File is the path as given by the user, used in error messages.
	File string
	// Location reads naive timestamps ("2024-03-01 10:00").
	Location *time.Location
	// Mapping overrides a format's default field mapping (from a mapping
	// file); keys are documented per format in the README.
	Mapping map[string]string
	// Limits bound what one record may cost.
	Limits Limits
	// Now is the clock, for plausibility checks.
	Now func() time.Time
}

// Limits bound untrusted input. Zero values mean the defaults.
type Limits struct {
	MaxRecordBytes int // one JSON/CSV record; default 16 MiB
	MaxDepth       int // JSON nesting; default 64
	MaxFiles       int // files per invocation; default 100000
}

// WithDefaults fills zero limits.
func (l Limits) WithDefaults() Limits {
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = 16 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 64
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = 100000
	}
	return l
}

// Record is one parsed record: exactly one of Case and Err is set.
type Record struct {
	Case *Case
	Err  *RecordError
}

// RecordError says which record of which file is bad, in which field, why:
// "cases.jsonl:57: timeline.detection: cannot parse "yesterday" as a timestamp".
type RecordError struct {
	File string
	// Ref locates the record: a line number for JSONL and CSV ("57"), an
	// index for a JSON array ("record 3"), or an ID.
	Ref    string
	Field  string // dotted path, empty when the record as a whole is bad
	Reason string
	// Raw is the record's text (truncated) for the rejects table.
	Raw string
}

func (e *RecordError) Error() string {
	s := e.File + ":" + e.Ref + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Reason
}

// Warning is a value a parser accepted but had to resolve, which the user
// should know about: "cases.jsonl:57: timeline.detection: "2024-03-31
// 02:30" does not exist in Europe/Berlin (the clocks went forward): read as
// …". The loader counts them in Summary; the CLI logs each.
type Warning struct {
	File, Ref, Field, Message string
}

func (w Warning) String() string {
	return w.File + ":" + w.Ref + ": " + w.Field + ": " + w.Message
}

// Formats is the registry of importers, by name.
type Formats map[string]Format

// DefaultFormats returns every built-in importer.
func DefaultFormats() Formats {
	fs := Formats{}
	for _, f := range builtinFormats() {
		fs[f.Name()] = f
	}
	return fs
}

// Names lists the format names, sorted.
func (fs Formats) Names() []string {
	var ns []string
	for n := range fs {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}
