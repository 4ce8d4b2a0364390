package sql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Session is configuration that SQL sees: the settings and tables a config
// file or a flag gives a command, applied to every connection of one open
// database so that a view and the report built over it agree.
//
// Each pooled connection gets TEMP tables that shadow the main tables of the
// same name (DuckDB looks a name up in temp before main, inside persistent
// views and macros too): a copy of main.pir_settings with Settings applied,
// metric_definitions with Metrics merged in, and each table of Tables.
// TEMP tables work on a read-only database and vanish with the connection:
// the database file never changes. Every value is bound as a parameter.
//
// The zero Session changes nothing.
type Session struct {
	// Settings override values of main.pir_settings by key, as the macro
	// setting('key') reads them. A key the database does not have is added.
	Settings map[string]string
	// Metrics redefine or add metric definitions (metric_definitions), as
	// a config's [[metric]] tables do: one with the name of an existing
	// metric replaces its milestones in place, and its label unless Label
	// is empty; any other is appended in order, its label defaulting to
	// its name.
	Metrics []MetricDefinition
	// Tables replace all rows of main tables.
	Tables []TableRows
}

// TableRows are the rows a session gives a main table in place of its own.
// Columns names the columns each row of Rows gives, in order; the others
// are NULL. The shadow has the main table's column types.
type TableRows struct {
	Table   string
	Columns []string
	Rows    [][]any
}

// IsZero reports whether the session overrides nothing.
func (s Session) IsZero() bool {
	return len(s.Settings) == 0 && len(s.Metrics) == 0 && len(s.Tables) == 0
}

// shadows lists the main tables the session shadows, in the order apply
// creates them.
func (s Session) shadows() []string {
	var names []string
	if len(s.Settings) > 0 {
		names = append(names, "pir_settings")
	}
	if len(s.Metrics) > 0 {
		names = append(names, "metric_definitions")
	}
	for _, t := range s.Tables {
		names = append(names, t.Table)
	}
	return names
}

// conn is what a connection's init function gets from the driver.
type conn interface {
	driver.ExecerContext
	driver.QueryerContext
}

// sessionApplier applies a Session to each new connection of one open
// database. It looks the main tables up once and reuses what it found:
// DuckDB's catalog functions take tens of milliseconds, the rest of a
// session a few.
type sessionApplier struct {
	s       Session
	mu      sync.Mutex
	catalog string
	have    map[string]bool // nil: not looked up yet
}

func newSessionApplier(s Session) *sessionApplier { return &sessionApplier{s: s} }

// forget drops what was looked up (Open calls it after migrating, which
// creates tables).
func (a *sessionApplier) forget() {
	a.mu.Lock()
	a.have = nil
	a.mu.Unlock()
}

// tables returns the database's catalog name and which of its main tables
// exist, looked up on c the first time.
func (a *sessionApplier) tables(ctx context.Context, c conn) (string, map[string]bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.have == nil {
		catalog, have, err := mainTables(ctx, c)
		if err != nil {
			return "", nil, err
		}
		a.catalog, a.have = catalog, have
	}
	return a.catalog, a.have, nil
}

// apply creates the session's TEMP tables on one connection (again, if they
// exist: it is idempotent). A main table the database does not have is
// skipped: a new file before its migrations (Open applies the session to
// fresh connections after migrating), or an older schema opened read-only,
// whose views cannot read it either.
func (a *sessionApplier) apply(ctx context.Context, ex driver.ExecerContext) error {
	s := a.s
	if s.IsZero() {
		return nil
	}
	c, ok := ex.(conn)
	if !ok {
		return fmt.Errorf("session: the driver connection cannot run queries")
	}
	catalog, have, err := a.tables(ctx, c)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	// main.x would find the TEMP table once it exists (temp has a schema
	// main too): name the database's own catalog.
	stored := func(table string) string { return ident(catalog) + ".main." + ident(table) }
	shadow := func(table string, withRows bool) error {
		q := "CREATE OR REPLACE TEMP TABLE " + ident(table) + " AS SELECT * FROM " + stored(table)
		if !withRows {
			q += " LIMIT 0"
		}
		return exec(ctx, c, q)
	}
	if len(s.Settings) > 0 && have["pir_settings"] {
		if err := shadow("pir_settings", true); err != nil {
			return fmt.Errorf("session: settings: %w", err)
		}
		keys := make([]string, 0, len(s.Settings))
		for k := range s.Settings {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			n, err := execN(ctx, c, "UPDATE temp.pir_settings SET value = ? WHERE key = ?", s.Settings[k], k)
			if err == nil && n == 0 {
				err = exec(ctx, c, "INSERT INTO temp.pir_settings (key, value) VALUES (?, ?)", k, s.Settings[k])
			}
			if err != nil {
				return fmt.Errorf("session: setting %q: %w", k, err)
			}
		}
	}
	if len(s.Metrics) > 0 && have["metric_definitions"] {
		if err := shadow("metric_definitions", true); err != nil {
			return fmt.Errorf("session: metric definitions: %w", err)
		}
		for _, m := range s.Metrics {
			label := nullable(m.Label)
			n, err := execN(ctx, c, `UPDATE temp.metric_definitions
				SET label = coalesce(?, label), start_milestone = ?, end_milestone = ? WHERE metric = ?`,
				label, m.Start, m.End, m.Name)
			if err == nil && n == 0 {
				err = exec(ctx, c, `INSERT INTO temp.metric_definitions (position, metric, label, start_milestone, end_milestone)
					SELECT coalesce(max(position), 0) + 1, ?, coalesce(?, ?), ?, ? FROM temp.metric_definitions`,
					m.Name, label, m.Name, m.Start, m.End)
			}
			if err != nil {
				return fmt.Errorf("session: metric %q: %w", m.Name, err)
			}
		}
	}
	for _, t := range s.Tables {
		if !have[t.Table] {
			continue
		}
		if err := shadow(t.Table, false); err != nil {
			return fmt.Errorf("session: table %s: %w", t.Table, err)
		}
		cols := make([]string, len(t.Columns))
		for i, col := range t.Columns {
			cols[i] = ident(col)
		}
		insert := "INSERT INTO temp." + ident(t.Table) + " (" + strings.Join(cols, ", ") + ") VALUES (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		for i, row := range t.Rows {
			if len(row) != len(cols) {
				return fmt.Errorf("session: table %s: row %d has %d values for %d columns", t.Table, i+1, len(row), len(cols))
			}
			if err := exec(ctx, c, insert, row...); err != nil {
				return fmt.Errorf("session: table %s: row %d: %w", t.Table, i+1, err)
			}
		}
	}
	return nil
}

// mainTables returns the database's catalog name and which of its main
// tables exist.
func mainTables(ctx context.Context, c conn) (string, map[string]bool, error) {
	rows, err := c.QueryContext(ctx, `SELECT current_database(), (SELECT list(table_name) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main')`, nil)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	vals := make([]driver.Value, 2)
	if err := rows.Next(vals); err != nil {
		return "", nil, err
	}
	catalog, _ := vals[0].(string)
	names, _ := vals[1].([]any)
	have := make(map[string]bool, len(names))
	for _, n := range names {
		if name, ok := n.(string); ok {
			have[name] = true
		}
	}
	return catalog, have, nil
}

func exec(ctx context.Context, c conn, query string, args ...any) error {
	_, err := execN(ctx, c, query, args...)
	return err
}

// execN runs a statement with its arguments bound as parameters and returns
// the rows it changed.
func execN(ctx context.Context, c conn, query string, args ...any) (int64, error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	res, err := c.ExecContext(ctx, query, named)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// nullable is nil for "" (SQL NULL), else s.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ident quotes an SQL identifier.
func ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// patternMacros are the macros (migration 0015) whose value is a regular
// expression built from word tables a session may shadow.
var patternMacros = []string{"rca_person_re", "rca_thing_re", "rca_blame_re", "rca_blame_after_person_re"}

// literalPatterns shadows each pattern macro on one connection with a TEMP
// macro whose body is its current value as a string literal. A pattern
// computed by a subquery is not a constant to DuckDB, so a regexp_* call
// compiled it again for every row (59 s instead of 0.3 s for rca_findings
// over 10,000 cases); a literal is compiled once per query. It runs after
// the session's TEMP tables exist, so the literal is built from the word
// lists the session gives. A database without the macros (a new file
// before its migrations, an older schema opened read-only) is left alone:
// its views do not use them.
func literalPatterns(ctx context.Context, ex driver.ExecerContext) error {
	c, ok := ex.(conn)
	if !ok {
		return nil
	}
	calls := make([]string, len(patternMacros))
	for i, m := range patternMacros {
		calls[i] = m + "()"
	}
	rows, err := c.QueryContext(ctx, "SELECT "+strings.Join(calls, ", "), nil)
	if err != nil {
		return nil // no such macros in this database
	}
	values := make([]driver.Value, len(patternMacros))
	err = rows.Next(values)
	rows.Close()
	if err != nil {
		return fmt.Errorf("session: patterns: %w", err)
	}
	for i, m := range patternMacros {
		p, ok := values[i].(string)
		if !ok {
			return fmt.Errorf("session: pattern %s is %T, not text", m, values[i])
		}
		q := "CREATE OR REPLACE TEMP MACRO " + ident(m) + "() AS '" + strings.ReplaceAll(p, "'", "''") + "'"
		if err := exec(ctx, c, q); err != nil {
			return fmt.Errorf("session: pattern %s: %w", m, err)
		}
	}
	return nil
}
