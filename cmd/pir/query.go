package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/display"
	"github.com/pirhq/pir/markdown"
	pirsql "github.com/pirhq/pir/sql"
)

func queryCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "query",
		Usage:     "run analyst SQL against the database (read-only)",
		ArgsUsage: "[SQL | -]",
		Description: `Runs one SQL statement against the database opened READ-ONLY. The statement
is checked with DuckDB's own parser first, and only these run:
  - a query: SELECT, WITH, FROM …, VALUES, DESCRIBE, SHOW, SUMMARIZE;
  - EXPLAIN [ANALYZE] of a query;
  - COPY (query) TO 'file' or COPY table TO 'file', with format options
    (FORMAT, HEADER, DELIMITER, …), to a file that is not the database or
    its WAL under any name (hard links and symbolic links included).
Anything else (INSERT, CREATE, ATTACH, EXPORT, INSTALL, LOAD, SET, PRAGMA,
CALL, logging and profiling functions, several statements) is refused with
the reason and runs nothing.

Query the documented views (cases, case_techniques, action_items,
case_durations, quarterly_metrics, technique_frequency, root_cause_frequency,
action_item_summary, …; see docs/schema.md): they are what the reports use,
so every report number can be reproduced here. Quarters and dates follow
--tz (default UTC).

With --config FILE the views see that config as pir report does: its
[[metric]] definitions in metric_definitions (so quarterly_metrics and
case_durations compute them) and its settings in setting('key')
(docs/schema.md); the database file itself is not changed.

Note: without --safe, DuckDB table functions (read_csv, read_json, …) read
any file you can read, and COPY … TO writes any file you can write except
the database. Use --safe behind a shared service to turn both off.

Case text is untrusted: --format csv prefixes a text cell that starts with
= + - @, a tab or a carriage return with ' (so a spreadsheet shows it rather
than running it as a formula; numbers are written as they are), and
--format markdown escapes Markdown and HTML in cells. --format json is exact.

Examples:
   pir query "SELECT quarter, count(*) AS cases FROM cases GROUP BY ALL ORDER BY 1"
   pir query --format csv --tz America/New_York "SELECT * FROM quarterly_metrics"
   pir query --file top-techniques.sql --format markdown
   pir query --config pir.toml "SELECT DISTINCT metric FROM quarterly_metrics ORDER BY 1"
   pir query "COPY (SELECT * FROM cases) TO 'cases.parquet' (FORMAT parquet)"
   echo "SELECT * FROM action_items WHERE status = 'open'" | pir query -`,
		Flags: []cli.Flag{
			dbFlag(), tzFlag(), safeFlag(), configFlag(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output: table, csv, json or markdown"},
			&cli.StringFlag{Name: "file", Usage: "read the SQL from `FILE`"},
		},
		Action: func(c *cli.Context) (err error) {
			defer recoverAsError(&err, "query")
			format := c.String("format")
			switch format {
			case "table", "csv", "json", "markdown":
			default:
				return usagef("pir query --format csv SQL", "--format %q: want table, csv, json or markdown", format)
			}
			query, err := readQuery(c, e)
			if err != nil {
				return err
			}
			db, err := openDB(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			res, err := runAnalystQuery(c.Context, db, query)
			if err != nil {
				return err
			}
			return writeResult(e.stdout, format, res)
		},
	}
}

func readQuery(c *cli.Context, e *env) (string, error) {
	var q string
	switch {
	case c.String("file") != "":
		if c.NArg() > 0 {
			return "", usagef("pir query --file q.sql", "give the SQL either as an argument or with --file, not both")
		}
		b, err := os.ReadFile(c.String("file"))
		if err != nil {
			return "", fmt.Errorf("query: %w", err)
		}
		q = string(b)
	case c.NArg() == 1 && c.Args().First() == "-":
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return "", fmt.Errorf("query: stdin: %w", err)
		}
		q = string(b)
	case c.NArg() == 1:
		q = c.Args().First()
	case c.NArg() == 0:
		return "", usagef(`pir query "SELECT * FROM quarterly_metrics"`, "query needs SQL (an argument, --file F, or - for stdin)")
	default:
		return "", usagef(`pir query "SELECT count(*) FROM cases"`, "query takes one SQL argument; quote it")
	}
	if strings.TrimSpace(q) == "" {
		return "", usagef(`pir query "SELECT count(*) FROM cases"`, "empty SQL")
	}
	return q, nil
}

// runAnalystQuery runs one statement of analyst SQL through the checks of
// pirsql.QueryAnalyst and collects its rows. A panic while doing so (in
// the driver, converting a value) becomes an error, so pir exits 1 with one
// line instead of a goroutine dump and exit code 2.
func runAnalystQuery(ctx context.Context, db *pirsql.DB, query string) (res *result, err error) {
	defer recoverAsError(&err, "query")
	rows, err := db.QueryAnalyst(ctx, query)
	if err != nil {
		var re *pirsql.RefusedError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("query: refused: %s", re.Reason)
		}
		return nil, fmt.Errorf("query: %v", cleanDuckDBError(err))
	}
	defer rows.Close()
	res, err = collectRows(rows.Rows, db.Location())
	if err != nil {
		return nil, fmt.Errorf("query: %v", cleanDuckDBError(err))
	}
	return res, nil
}

// recoverAsError, deferred, turns a panic into *err.
func recoverAsError(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: internal error: %v (please report it, with the SQL)", what, r)
	}
}

// cleanDuckDBError drops driver noise, keeping DuckDB's own message. An
// INTERNAL or FATAL DuckDB error keeps its first line only (the rest is a
// stack trace and a bug-report notice).
func cleanDuckDBError(err error) string {
	msg := strings.TrimSpace(err.Error())
	if strings.Contains(msg, "INTERNAL Error") || strings.Contains(msg, "FATAL Error") {
		if first, _, ok := strings.Cut(msg, "\n"); ok {
			msg = strings.TrimSpace(first) + " (an internal DuckDB error: please report it, with the SQL)"
		}
	}
	// DuckDB's messages span lines ("Candidate bindings: …", "LINE 1: …"
	// and a caret under the column). The Error: line is one line, so the
	// lines are joined with "; " and the caret line, which only points
	// into the line above, is dropped.
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" && strings.Trim(l, "^ ") != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

type result struct {
	cols  []string
	types []string // DuckDB type names, e.g. DATE, TIMESTAMPTZ
	rows  [][]any
	loc   *time.Location
}

func collectRows(rows *sql.Rows, loc *time.Location) (*result, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	res := &result{cols: cols, loc: loc}
	if cts, err := rows.ColumnTypes(); err == nil {
		for _, ct := range cts {
			res.types = append(res.types, ct.DatabaseTypeName())
		}
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			vals[i] = res.value(i, v)
		}
		res.rows = append(res.rows, vals)
	}
	return res, rows.Err()
}

// value normalises column i of a row: DATE as YYYY-MM-DD, instants in the
// session time zone.
func (r *result) value(i int, v any) any {
	t, ok := v.(time.Time)
	if !ok {
		return v
	}
	if i < len(r.types) && r.types[i] == "DATE" {
		return t.Format("2006-01-02")
	}
	return t.In(r.loc)
}

// cellText renders a value for table, CSV and Markdown output.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.Format(time.RFC3339)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
		return fmt.Sprintf("%.6g", x)
	case []byte:
		return string(x)
	case []any, map[string]any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

func writeResult(w io.Writer, format string, res *result) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(res.cols)
		for _, r := range res.rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cellText(v)
				if _, text := v.(string); text {
					rec[i] = csvSafe(rec[i]) // case text may hold spreadsheet formulas
				}
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, 0, len(res.rows))
		for _, r := range res.rows {
			m := make(map[string]any, len(r))
			for i, v := range r {
				m[res.cols[i]] = jsonValue(v)
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(orderedRows{cols: res.cols, rows: out})
	case "markdown":
		fmt.Fprintf(w, "| %s |\n", strings.Join(mapStrings(res.cols, mdEscape), " | "))
		seps := make([]string, len(res.cols))
		for i := range seps {
			seps[i] = "---"
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(seps, " | "))
		for _, r := range res.rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = markdown.EscapeInline(cellText(v)) // case text may hold Markdown or HTML
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		return nil
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(res.cols, "\t"))
		under := make([]string, len(res.cols))
		for i, c := range res.cols {
			under[i] = strings.Repeat("-", max(3, utf8.RuneCountInString(c)))
		}
		fmt.Fprintln(tw, strings.Join(under, "\t"))
		for _, r := range res.rows {
			cells := make([]string, len(r))
			for i, v := range r {
				// escape sequences and invisible characters show as code points
				cells[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(display.Visible(cellText(v)))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "(%d rows)\n", len(res.rows))
		return nil
	}
}

// orderedRows encodes rows as JSON objects with keys in column order.
type orderedRows struct {
	cols []string
	rows []map[string]any
}

func (o orderedRows) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range o.rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, c := range o.cols {
			if j > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(r[c])
			if err != nil {
				return nil, err
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case []byte:
		return string(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return v
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
