package sql

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Every query under queries/ has a Go function next to it (sqlc's habit):
// typed parameters in, a slice of a named row struct out. The columns are
// read here, by position, in the order of the file's SELECT, so a changed
// column breaks this package's build or its tests, never a report. No other
// package scans query rows (make lint checks it).

// Querier is what the typed queries run on: a *DB, a read transaction
// (*database/sql.Tx) or a connection.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
}

// Logged wraps q so that every typed query run on it logs its name, the
// rows it returned and the time it took at debug level (where the time of
// a slow report goes). A nil log returns q.
func Logged(q Querier, log *slog.Logger) Querier {
	if log == nil {
		return q
	}
	return loggedQuerier{Querier: q, log: log}
}

type loggedQuerier struct {
	Querier
	log *slog.Logger
}

// scanner is one result row.
type scanner interface{ Scan(dest ...any) error }

// queryRows runs an embedded query and scans every row with scan; errors
// name the query file. It returns an empty, non-nil slice for no rows.
func queryRows[R any](ctx context.Context, q Querier, name, query string, args []any, scan func(scanner, *R) error) ([]R, error) {
	out := []R{}
	if lq, ok := q.(loggedQuerier); ok {
		start := time.Now()
		defer func() {
			lq.log.Debug("query", "name", name, "rows", len(out), "elapsed", time.Since(start).Round(time.Millisecond))
		}()
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r R
		if err := scan(rows, &r); err != nil {
			return nil, fmt.Errorf("query %s: %w", name, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", name, err)
	}
	return out, nil
}

// instant formats a time for a $n::TIMESTAMPTZ parameter: the driver binds
// a time.Time without its zone, which the session zone would then shift.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// stringList decodes a JSON array of strings (a to_json(list)::VARCHAR
// column); null gives an empty list.
func stringList(s string, dst *[]string) error {
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return err
	}
	if *dst == nil {
		*dst = []string{}
	}
	return nil
}
