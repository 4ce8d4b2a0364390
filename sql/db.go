// Package sql owns pir's DuckDB database: opening it (the only place the DuckDB
// driver is imported), the ordered schema migrations, and the embedded queries
// that the ingest and analytics packages run.
package sql

import (
	"context"
	stdsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrInUse is returned by Open when another process holds the database file.
var ErrInUse = errors.New("database is in use by another pir process")

// ErrNotInitialized is returned by Open in read-only mode when the file has no
// pir schema (for example a path with a typo).
var ErrNotInitialized = errors.New("database has no pir schema (run `pir ingest` first)")

// ErrPathSyntax is returned by Open for a path that the DuckDB driver would
// not take verbatim: it reads its one DSN string as "<path>?<options>#…",
// so a '?' or '#' in the path could set DuckDB options or cut off pir's
// (access_mode=read_only, enable_external_access=false), and a '%' or a
// control character can make the DSN unparsable.
var ErrPathSyntax = errors.New("the DuckDB driver would read part of this path as connection options")

// Options say how to open the database.
type Options struct {
	// ReadOnly opens the file with access_mode=read_only: any write fails.
	ReadOnly bool
	// TimeZone is the IANA zone set as the session TimeZone on every
	// connection, so quarters and date parts never follow the machine's zone.
	// Empty means UTC.
	TimeZone string
	// Safe turns off DuckDB's access to external files and URLs
	// (enable_external_access=false), for use behind a shared service.
	Safe bool
	// MemoryLimit caps DuckDB's memory (e.g. "2GB"); empty keeps the default.
	MemoryLimit string
	// Threads caps DuckDB's worker threads; 0 keeps the default.
	Threads int
	// Session is the configuration views see on every connection
	// (session.go); the zero value changes nothing.
	Session Session
}

// DB is an open pir database. It embeds *database/sql.DB so callers can run
// queries directly; every pooled connection carries the session settings.
type DB struct {
	*stdsql.DB
	Path     string
	TimeZone string
	ReadOnly bool
}

// Open opens (or creates) the DuckDB file at path and, unless read-only,
// applies pending migrations. path ":memory:" or "" opens an in-memory
// database (used by tests).
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	tz := opts.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return nil, fmt.Errorf("time zone %q: %w", tz, err)
	}
	params := url.Values{}
	if opts.ReadOnly && path != "" && path != ":memory:" {
		params.Set("access_mode", "read_only")
	}
	if opts.Safe {
		params.Set("enable_external_access", "false")
	}
	if opts.MemoryLimit != "" {
		params.Set("memory_limit", opts.MemoryLimit)
	}
	if opts.Threads > 0 {
		params.Set("threads", fmt.Sprint(opts.Threads))
	}
	dsn, err := buildDSN(path, params)
	if err != nil {
		return nil, err
	}
	session := newSessionApplier(opts.Session)
	init := func(ex driver.ExecerContext) error {
		stmts := []string{
			"SET TimeZone = '" + strings.ReplaceAll(tz, "'", "''") + "'",
			"SET autoinstall_known_extensions = false",
			"SET autoload_known_extensions = false",
		}
		for _, s := range stmts {
			if _, err := ex.ExecContext(ctx, s, nil); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		if err := session.apply(ctx, ex); err != nil {
			return err
		}
		return literalPatterns(ctx, ex)
	}
	conn, err := duckdb.NewConnector(dsn, init)
	if err != nil {
		return nil, classifyOpenError(path, opts.ReadOnly, err)
	}
	sdb := stdsql.OpenDB(conn)
	db := &DB{DB: sdb, Path: path, TimeZone: tz, ReadOnly: opts.ReadOnly}
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, classifyOpenError(path, opts.ReadOnly, err)
	}
	if err := db.checkSettings(ctx, params); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opts.ReadOnly {
		v, err := db.SchemaVersion(ctx)
		if err != nil || v == 0 {
			sdb.Close()
			return nil, fmt.Errorf("open %s: %w", path, ErrNotInitialized)
		}
		return db, nil
	}
	if err := db.Migrate(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// The connection that migrated the file met no tables to shadow and no
	// pattern macros to make literal (session.go): drop the idle
	// connections so that every one in use has the session.
	session.forget()
	sdb.SetMaxIdleConns(-1)
	sdb.SetMaxIdleConns(2) // database/sql's default
	return db, nil
}

// buildDSN is the driver's connection string for path with the options in
// params. duckdb-go takes options only inside that string (NewConnector
// parses it with net/url and opens the text before the first '?'), so the
// path must come through that parse verbatim and add nothing of its own: a
// path for which it would not is refused with ErrPathSyntax, never escaped
// into something the driver might read otherwise.
func buildDSN(path string, params url.Values) (string, error) {
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	query := params.Encode()
	if query != "" {
		dsn += "?" + query
	}
	u, err := url.Parse(dsn)
	if err != nil || strings.ContainsAny(path, "?#") || u.RawQuery != query || u.Fragment != "" {
		var bad []string
		for _, r := range path {
			switch {
			case r == '?' || r == '#' || r == '%':
				bad = append(bad, fmt.Sprintf("%q", r))
			case r < 0x20 || r == 0x7f:
				bad = append(bad, "a control character")
			}
		}
		what := "characters"
		if len(bad) > 0 {
			what = strings.Join(slices.Compact(bad), ", ")
		}
		return "", fmt.Errorf("open %q: it holds %s: %w; rename the file or its directory", path, what, ErrPathSyntax)
	}
	return dsn, nil
}

// checkSettings reads back the options pir asked DuckDB for: a read-only
// open that is not read-only, or --safe with external access on, is an
// error however it came about.
func (db *DB) checkSettings(ctx context.Context, params url.Values) error {
	for _, name := range []string{"access_mode", "enable_external_access"} {
		want := params.Get(name)
		if want == "" {
			continue
		}
		var got string
		if err := db.QueryRowContext(ctx, "SELECT current_setting($1)::VARCHAR", name).Scan(&got); err != nil {
			return fmt.Errorf("read setting %s: %w", name, err)
		}
		if !strings.EqualFold(got, want) {
			return fmt.Errorf("DuckDB runs with %s=%s, not %s as asked", name, got, want)
		}
	}
	return nil
}

// classifyOpenError turns DuckDB's lock conflict into ErrInUse so the CLI can
// print one clear sentence and a distinct exit code. DuckDB lets one process
// write, or any number read, never both: a read-only open fails too while
// another process writes.
func classifyOpenError(path string, readOnly bool, err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "Could not set lock on file") && !strings.Contains(msg, "Conflicting lock") {
		return fmt.Errorf("open %s: %w", path, err)
	}
	holder := ""
	if m := lockHolderRE.FindStringSubmatch(msg); m != nil {
		holder = fmt.Sprintf(" (pid %s, %s)", m[2], filepath.Base(m[1]))
	}
	var why string
	switch {
	case readOnly:
		why = "it is writing (pir ingest or run), and no process can read while another writes"
	case strings.Contains(msg, "read-only mode"):
		why = "it is reading (pir query or report), and writing needs the database to itself"
	default:
		why = "it is writing (pir ingest or run), and only one process can write at a time"
	}
	return fmt.Errorf("open %s: %w%s: %s; try again when it has finished", path, ErrInUse, holder, why)
}

// lockHolderRE finds the holder in DuckDB's lock error: "Conflicting lock
// is held in /usr/local/bin/pir (PID 4242)".
var lockHolderRE = regexp.MustCompile(`held in (.+?) \(PID (\d+)\)`)

// Location is the session time zone as a *time.Location.
func (db *DB) Location() *time.Location {
	loc, err := time.LoadLocation(db.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
