package sql

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Analysts' SQL (pir query) runs on a database opened read-only, but
// DuckDB's read-only mode only protects the database's own catalog: COPY …
// TO can overwrite the database file (or its WAL) by name, ATTACH can open a
// hard link of it read-write, and some statements reach DuckDB code that
// aborts the process (file logging to a path that is not a directory). So
// QueryAnalyst runs a statement only when DuckDB's own parser says what it
// is and it is one of the few kinds that cannot write the database:
//
//   - a SELECT (WITH, FROM …, VALUES, DESCRIBE, SHOW, SUMMARIZE):
//     json_serialize_sql gives its parse tree, every table function in it
//     must be a reading one (tableFunctions) and no function may be one
//     that changes DuckDB's state (deniedFunctions);
//   - EXPLAIN [ANALYZE] of such a SELECT;
//   - COPY (SELECT …) TO 'file' or COPY table TO 'file' with a plain quoted
//     file name that is not the database or its WAL by any name (same
//     inode, symbolic links, relative paths), and only options that do not
//     name files of their own.
//
// Everything else (ATTACH, EXPORT, INSTALL, LOAD, SET, RESET, PRAGMA, CALL,
// CREATE, any write, several statements) is refused with the reason. On
// top of that the connection runs with lock_configuration=true, so DuckDB
// itself refuses any change of a setting (enable_external_access,
// allowed_directories, profiling_output, log_query_path, …).

// RefusedError is analyst SQL that QueryAnalyst does not run.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

func refused(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// AnalystRows are the rows of one analyst statement; Close releases them
// and the connection they run on.
type AnalystRows struct {
	*stdsql.Rows
	conn *stdsql.Conn
}

// Close closes the rows and returns the connection.
func (r *AnalystRows) Close() error {
	err := r.Rows.Close()
	return errors.Join(err, r.conn.Close())
}

// QueryAnalyst runs one statement of analysts' SQL (pir query) after the
// checks described above. A refused statement returns a *RefusedError and
// runs nothing. It locks the instance's configuration (see
// lockConfiguration).
func (db *DB) QueryAnalyst(ctx context.Context, query string) (*AnalystRows, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if err := lockConfiguration(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	stmt, err := db.analystStatement(ctx, conn, query)
	if err != nil {
		conn.Close()
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, stmt)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &AnalystRows{Rows: rows, conn: conn}, nil
}

// lockConfiguration sets lock_configuration (once: it cannot be set again,
// not even to true). The lock holds for the whole database instance, so a
// connection opened afterwards cannot run Open's session settings: use
// QueryAnalyst on a DB opened for analysts' SQL, as pir query does.
func lockConfiguration(ctx context.Context, conn *stdsql.Conn) error {
	var locked bool
	if err := conn.QueryRowContext(ctx, "SELECT current_setting('lock_configuration')::BOOLEAN").Scan(&locked); err != nil {
		return fmt.Errorf("lock the configuration: %w", err)
	}
	if locked {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "SET lock_configuration = true"); err != nil {
		return fmt.Errorf("lock the configuration: %w", err)
	}
	return nil
}

// analystStatement returns the SQL to run for query: query itself (a
// SELECT), or a COPY or EXPLAIN rebuilt from checked pieces.
func (db *DB) analystStatement(ctx context.Context, conn *stdsql.Conn, query string) (string, error) {
	if strings.ContainsRune(query, 0) {
		// The driver hands DuckDB a C string: the text would end there.
		return "", refused("the SQL holds a NUL byte")
	}
	stmts, err := serializeSQL(ctx, conn, query)
	switch {
	case err == nil && len(stmts) == 1:
		return query, db.checkSelect(ctx, conn, stmts[0])
	case err == nil && len(stmts) == 0:
		return "", refused("no SQL statement (only comments or white space)")
	case err == nil:
		return "", refused("%d statements: pir query runs one at a time", len(stmts))
	case !errors.Is(err, errNotSelect):
		return "", err
	}
	toks, lerr := lexSQL(query)
	if lerr != nil || len(toks) == 0 {
		return "", refused("cannot read this SQL: %v", lerr)
	}
	switch first := strings.ToUpper(toks[0].text); {
	case toks[0].kind != tokWord:
		return "", refused("pir query runs one SELECT, EXPLAIN or COPY … TO statement")
	case first == "COPY":
		return db.copyStatement(ctx, conn, query, toks)
	case first == "EXPLAIN":
		return db.explainStatement(ctx, conn, query, toks)
	default:
		return "", refused("%s", refusedKeyword(first))
	}
}

// refusedKeyword says why a statement that starts with kw is not run.
func refusedKeyword(kw string) string {
	why := map[string]string{
		"ATTACH":   "it opens other database files, read-write if asked (the database itself too, through another name)",
		"DETACH":   "it changes the attached databases",
		"USE":      "it changes the attached databases",
		"EXPORT":   "EXPORT DATABASE writes files (use pir export)",
		"IMPORT":   "IMPORT DATABASE runs the SQL files of an export",
		"INSTALL":  "it adds code to DuckDB",
		"LOAD":     "it adds code to DuckDB",
		"FORCE":    "it adds code to DuckDB",
		"SET":      "the settings are pir's (--tz, --memory-limit, --safe) and cannot be changed from SQL",
		"RESET":    "the settings are pir's (--tz, --memory-limit, --safe) and cannot be changed from SQL",
		"PRAGMA":   "it runs DuckDB's maintenance functions (logging, profiling, checkpoints); for the catalog use SHOW TABLES, DESCRIBE cases or SELECT * FROM pragma_table_info('cases')",
		"CALL":     "it runs DuckDB's maintenance functions (logging, profiling, checkpoints); for a table function write SELECT * FROM f(…)",
		"PIVOT":    "pir query cannot check a PIVOT statement; write it with GROUP BY and FILTER (WHERE …)",
		"UNPIVOT":  "pir query cannot check an UNPIVOT statement; write it with UNNEST",
		"SELECT":   "pir query runs one statement at a time",
		"WITH":     "pir query runs one statement at a time",
		"FROM":     "pir query runs one statement at a time",
		"VALUES":   "pir query runs one statement at a time",
		"DESCRIBE": "pir query runs one statement at a time",
		"SHOW":     "pir query runs one statement at a time",
	}
	if w, ok := why[kw]; ok {
		return kw + " is not allowed: " + w
	}
	return kw + " is not allowed: the database is opened read-only, and pir query runs one SELECT, EXPLAIN or COPY … TO 'file' statement"
}

// errNotSelect is json_serialize_sql's answer for a statement that parses
// but is not a SELECT.
var errNotSelect = errors.New("not a SELECT statement")

// serializeSQL parses query with DuckDB's parser (json_serialize_sql, a
// pure function: nothing is bound or run) and returns the parse tree of
// each statement. It returns errNotSelect when a statement is not a
// SELECT, and DuckDB's parser error for SQL that does not parse.
func serializeSQL(ctx context.Context, conn *stdsql.Conn, query string) ([]any, error) {
	var js string
	if err := conn.QueryRowContext(ctx, "SELECT json_serialize_sql($1::VARCHAR)::VARCHAR", query).Scan(&js); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var res struct {
		Error      bool   `json:"error"`
		ErrorType  string `json:"error_type"`
		Message    string `json:"error_message"`
		Statements []any  `json:"statements"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	switch {
	case !res.Error:
		return res.Statements, nil
	case res.ErrorType == "not implemented":
		return nil, errNotSelect
	case res.ErrorType == "parser":
		return nil, fmt.Errorf("Parser Error: %s", res.Message)
	default:
		return nil, fmt.Errorf("%s Error: %s", res.ErrorType, res.Message)
	}
}

// checkSelect walks a SELECT's parse tree: every table function must read
// (tableFunctions, or a table macro of the database), and no function may
// change DuckDB's state.
func (db *DB) checkSelect(ctx context.Context, conn *stdsql.Conn, tree any) error {
	var macros map[string]bool
	var walk func(v any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		case map[string]any:
			if x["type"] == "TABLE_FUNCTION" {
				fn, _ := x["function"].(map[string]any)
				name, _ := fn["function_name"].(string)
				name = strings.ToLower(name)
				if !tableFunctions[name] {
					if macros == nil {
						var err error
						if macros, err = tableMacros(ctx, conn); err != nil {
							return err
						}
					}
					if !macros[name] {
						return refused("table function %s is not allowed in pir query (it is not one that only reads)", name)
					}
				}
			}
			if name, ok := x["function_name"].(string); ok && deniedFunctions[strings.ToLower(name)] {
				return refused("function %s is not allowed in pir query (it changes DuckDB's state)", strings.ToLower(name))
			}
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(tree)
}

// tableMacros are the table macros pir's migrations define (analysts may
// call them; their bodies are pir's own SQL).
func tableMacros(ctx context.Context, conn *stdsql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, "SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal")
	if err != nil {
		return nil, fmt.Errorf("list table macros: %w", err)
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		m[name] = true
	}
	return m, rows.Err()
}

// tableFunctions are DuckDB's table functions (and internal table macros)
// that only read: files, the catalog, metadata, series. Any other table
// function is refused; TestAnalystTableFunctionsClassified fails when a
// DuckDB upgrade brings one that is in neither list.
var tableFunctions = setOf(
	"read_csv", "read_csv_auto", "sniff_csv", "read_json", "read_json_auto", "read_json_objects",
	"read_json_objects_auto", "read_ndjson", "read_ndjson_auto", "read_ndjson_objects",
	"read_parquet", "parquet_scan", "parquet_metadata", "parquet_file_metadata", "parquet_kv_metadata",
	"parquet_schema", "parquet_full_metadata", "parquet_bloom_probe", "read_text", "read_blob",
	"read_duckdb", "glob", "json_each", "json_tree",
	"range", "generate_series", "unnest", "repeat", "repeat_row", "summary",
	"icu_calendar_names", "pg_timezone_names", "test_all_types", "test_vector_types",
	"duckdb_approx_database_count", "duckdb_columns", "duckdb_connection_count", "duckdb_constraints",
	"duckdb_coordinate_systems", "duckdb_databases", "duckdb_dependencies", "duckdb_extensions",
	"duckdb_external_file_cache", "duckdb_functions", "duckdb_indexes", "duckdb_keywords",
	"duckdb_log_contexts", "duckdb_logs", "duckdb_memory", "duckdb_optimizers",
	"duckdb_prepared_statements", "duckdb_schemas", "duckdb_secret_types", "duckdb_secrets",
	"duckdb_sequences", "duckdb_settings", "duckdb_table_sample", "duckdb_tables",
	"duckdb_temporary_files", "duckdb_types", "duckdb_variables", "duckdb_views", "which_secret",
	"pragma_collations", "pragma_database_size", "pragma_metadata_info", "pragma_platform",
	"pragma_show", "pragma_storage_info", "pragma_table_info", "pragma_user_agent", "pragma_version",
	"sql_auto_complete", "check_peg_parser",
	// internal table macros
	"histogram", "histogram_values", "duckdb_logs_parsed", "duckdb_profiling_settings",
)

// deniedFunctions change DuckDB's state, write files or run SQL from a
// string (which this check could not see): refused as table functions and
// as scalar functions alike.
var deniedFunctions = setOf(
	"enable_logging", "disable_logging", "truncate_duckdb_logs", "write_log",
	"enable_profiling", "disable_profiling", "enable_peg_parser", "disable_peg_parser",
	"checkpoint", "force_checkpoint", "query", "query_table", "json_execute_serialized_sql",
	"arrow_scan", "arrow_scan_dumb", "seq_scan",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// explainStatement rebuilds EXPLAIN [ANALYZE] <select> around a SELECT
// that DuckDB parsed and checkSelect accepted.
func (db *DB) explainStatement(ctx context.Context, conn *stdsql.Conn, query string, toks []token) (string, error) {
	prefix := "EXPLAIN "
	i := 1
	if i < len(toks) && (toks[i].is("ANALYZE") || toks[i].is("ANALYSE")) {
		prefix += "ANALYZE "
		i++
	}
	if i >= len(toks) {
		return "", refused("EXPLAIN: give it a SELECT")
	}
	inner := query[toks[i].start:]
	if err := db.checkInner(ctx, conn, "EXPLAIN", inner); err != nil {
		return "", err
	}
	return prefix + inner + "\n", nil
}

// checkInner requires inner to be exactly one SELECT that checkSelect
// accepts.
func (db *DB) checkInner(ctx context.Context, conn *stdsql.Conn, what, inner string) error {
	// The newline ends a trailing -- comment, so nothing pir appends after
	// inner can be commented out.
	stmts, err := serializeSQL(ctx, conn, inner+"\n")
	switch {
	case errors.Is(err, errNotSelect):
		return refused("%s: the query must be a SELECT", what)
	case err != nil:
		return err
	case len(stmts) != 1:
		return refused("%s: the query must be one SELECT", what)
	}
	return db.checkSelect(ctx, conn, stmts[0])
}

// copyOptions are the COPY … TO options pir query passes on: format and
// encoding of the one file named. Options that make DuckDB name files of
// its own (PARTITION_BY, PER_THREAD_OUTPUT, FILENAME_PATTERN,
// FILE_EXTENSION, FILE_SIZE_BYTES, USE_TMP_FILE, …) are refused.
var copyOptions = setOf(
	"format", "header", "delimiter", "delim", "sep", "quote", "escape", "nullstr", "null",
	"dateformat", "timestampformat", "compression", "codec", "row_group_size", "array",
	"force_quote", "newline", "prefix", "suffix",
)

// copyStatement rebuilds COPY (<select>) TO '<checked absolute path>'
// (<options>) from a COPY … TO statement.
func (db *DB) copyStatement(ctx context.Context, conn *stdsql.Conn, query string, toks []token) (string, error) {
	i := 1
	var inner string
	switch {
	case i < len(toks) && toks[i].is("("):
		depth, j := 0, i
		for ; j < len(toks); j++ {
			if toks[j].is("(") {
				depth++
			} else if toks[j].is(")") {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j == len(toks) {
			return "", refused("COPY: unbalanced parentheses")
		}
		inner = query[toks[i].end:toks[j].start]
		i = j + 1
	case i < len(toks) && (toks[i].kind == tokWord || toks[i].kind == tokIdent) && !toks[i].is("FROM"):
		// COPY table [(columns)] TO …: the same as COPY (SELECT columns FROM table).
		var name []string
		for i < len(toks) && (toks[i].kind == tokWord || toks[i].kind == tokIdent) {
			name = append(name, quoteIdent(identValue(toks[i])))
			i++
			if i < len(toks) && toks[i].is(".") {
				i++
				continue
			}
			break
		}
		cols := "*"
		if i < len(toks) && toks[i].is("(") {
			var cs []string
			for i++; i < len(toks) && !toks[i].is(")"); i++ {
				switch {
				case toks[i].kind == tokWord || toks[i].kind == tokIdent:
					cs = append(cs, quoteIdent(identValue(toks[i])))
				case toks[i].is(","):
				default:
					return "", refused("COPY: a column list holds column names only")
				}
			}
			i++
			if len(cs) > 0 {
				cols = strings.Join(cs, ", ")
			}
		}
		inner = "SELECT " + cols + " FROM " + strings.Join(name, ".")
	default:
		return "", refused("COPY: give a query in parentheses or a table name, then TO 'file'")
	}
	if i >= len(toks) || !toks[i].is("TO") {
		return "", refused("COPY: only COPY … TO 'file' is allowed (COPY … FROM loads a table, and the database is read-only)")
	}
	i++
	if i >= len(toks) || toks[i].kind != tokString {
		return "", refused("COPY … TO: give the file name as a plain 'quoted string' (not an expression, an identifier or another kind of string)")
	}
	target, err := db.copyTarget(toks[i].value)
	if err != nil {
		return "", err
	}
	i++
	if i < len(toks) && toks[i].is("WITH") {
		i++
	}
	var opts []string
	if i < len(toks) && toks[i].is("(") {
		var err error
		if opts, i, err = copyOptionList(toks, i); err != nil {
			return "", err
		}
	}
	if i < len(toks) && toks[i].is(";") {
		i++
	}
	if i < len(toks) {
		return "", refused("COPY: unexpected %q after the options (pir query runs one statement)", toks[i].text)
	}
	if err := db.checkInner(ctx, conn, "COPY", inner); err != nil {
		return "", err
	}
	stmt := "COPY (" + inner + "\n) TO " + quoteString(target)
	if len(opts) > 0 {
		stmt += " (" + strings.Join(opts, ", ") + ")"
	}
	return stmt, nil
}

// copyOptionList reads "(name [value], …)" at toks[i] and returns each
// option rebuilt from its checked tokens and the index after ")".
func copyOptionList(toks []token, i int) ([]string, int, error) {
	var opts []string
	for i++; i < len(toks); {
		if toks[i].is(")") {
			return opts, i + 1, nil
		}
		if toks[i].kind != tokWord {
			return nil, 0, refused("COPY options: %q is not an option name", toks[i].text)
		}
		name := strings.ToLower(toks[i].text)
		if !copyOptions[name] {
			return nil, 0, refused("COPY option %s is not allowed in pir query (only options of the one file named: %s)", strings.ToUpper(name), "FORMAT, HEADER, DELIMITER, QUOTE, ESCAPE, NULLSTR, DATEFORMAT, TIMESTAMPFORMAT, COMPRESSION, CODEC, ROW_GROUP_SIZE, ARRAY, …")
		}
		opt := strings.ToUpper(name)
		i++
		if i < len(toks) && !toks[i].is(",") && !toks[i].is(")") {
			switch v := toks[i]; {
			case v.kind == tokString:
				opt += " " + quoteString(v.value)
			case v.kind == tokNumber || (v.kind == tokWord && isPlainWord(v.text)):
				opt += " " + v.text
			case v.is("*") && name == "force_quote":
				opt += " *"
			default:
				return nil, 0, refused("COPY option %s: the value must be a quoted string, a number or a word", strings.ToUpper(name))
			}
			i++
		}
		opts = append(opts, opt)
		if i < len(toks) && toks[i].is(",") {
			i++
		}
	}
	return nil, 0, refused("COPY options: missing )")
}

func isPlainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) || s[i] >= 0x80 {
			return false
		}
	}
	return s != ""
}

func identValue(t token) string {
	if t.kind == tokIdent {
		return t.value
	}
	return t.text
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// copyTarget makes a COPY … TO file name absolute (~ expanded, . and ..
// removed) and resolves its symbolic links (the directory's, then the
// file's own, however many), refuses the database file and its WAL under
// any name (same inode and device for files that exist; the same resolved
// path, ignoring case, for a WAL that does not exist yet), and returns the
// resolved path: pir passes DuckDB that path, which (when its directory
// exists) holds no symbolic link and no "..", so the file DuckDB writes is
// the file checked here.
func (db *DB) copyTarget(name string) (string, error) {
	if name == "" {
		return "", refused("COPY … TO: empty file name")
	}
	if name == "~" || strings.HasPrefix(name, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", refused("COPY … TO %q: %v", name, err)
		}
		name = filepath.Join(home, name[1:])
	}
	target, err := resolvePath(name)
	if err != nil {
		return "", refused("COPY … TO %q: %v", name, err)
	}
	if db.Path == "" || db.Path == ":memory:" {
		return target, nil
	}
	protected, err := resolvePath(db.Path)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", db.Path, err)
	}
	given, _ := filepath.Abs(db.Path)
	paths := []string{protected, protected + ".wal", given, given + ".wal"}
	ti, terr := os.Stat(target)
	for _, p := range paths {
		rp, err := resolvePath(p)
		if err != nil {
			rp = p
		}
		same := strings.EqualFold(rp, target)
		if pi, err := os.Stat(rp); err == nil && terr == nil && os.SameFile(pi, ti) {
			same = true
		}
		if same {
			return "", refused("COPY … TO %q: that is the database file %s (or its WAL) under another name; pir query never writes it", name, db.Path)
		}
	}
	return target, nil
}

// resolvePath makes p absolute and resolves its symbolic links: those of
// the directory (filepath.EvalSymlinks), then the last element's own, even
// when it points to a file that does not exist yet.
func resolvePath(p string) (string, error) {
	p, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	for range 64 {
		dir, base := filepath.Split(p)
		if rd, err := filepath.EvalSymlinks(dir); err == nil {
			dir = rd
		}
		p = filepath.Join(dir, base)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		p = filepath.Clean(link)
	}
	return "", errors.New("too many levels of symbolic links")
}
