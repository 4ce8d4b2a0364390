package sql

import (
	stdsql "database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// IngestStage creates the temporary staging tables of one ingest.
//
//go:embed queries/ingest_stage.sql
var IngestStage string

// IngestLatest picks the last staged version of each case.
//
//go:embed queries/ingest_latest.sql
var IngestLatest string

// IngestClassify counts inserted / updated / unchanged / duplicate cases.
//
//go:embed queries/ingest_classify.sql
var IngestClassify string

// IngestMerge writes the staged changes into the store.
//
//go:embed queries/ingest_merge.sql
var IngestMerge string

// IngestRun records a committed ingest run; parameters: run_id, started_at,
// finished_at, files, inserted, updated, unchanged, rejected.
const IngestRun = `INSERT INTO store.ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// appenderFlushRows is how many rows an Appender takes before it is
// flushed: duckdb-go keeps every appended chunk in C memory until a flush,
// so without one an ingest holds its whole input outside DuckDB's
// memory_limit (measured: ~3 KB per case, linear in the input).
const appenderFlushRows = 16384

// WithAppenders opens one DuckDB Appender per table (catalog.schema.table)
// on conn, passes their AppendRow functions to fn by table name, and closes
// (flushes) them all afterwards. Rows join conn's open transaction; each
// appender is flushed every appenderFlushRows rows so memory stays bounded.
func WithAppenders(conn *stdsql.Conn, catalog, schema string, tables []string, fn func(map[string]func(...driver.Value) error) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("appender: unexpected driver connection %T", dc)
		}
		apps := map[string]*duckdb.Appender{}
		fns := map[string]func(...driver.Value) error{}
		defer func() {
			for _, a := range apps {
				a.Close()
			}
		}()
		for _, t := range tables {
			a, err := duckdb.NewAppender(c, catalog, schema, t)
			if err != nil {
				return fmt.Errorf("appender %s: %w", t, err)
			}
			apps[t] = a
			rows := 0
			fns[t] = func(vals ...driver.Value) error {
				if err := a.AppendRow(vals...); err != nil {
					return err
				}
				if rows++; rows%appenderFlushRows == 0 {
					return a.Flush()
				}
				return nil
			}
		}
		if err := fn(fns); err != nil {
			return err
		}
		for t, a := range apps {
			err := a.Close()
			delete(apps, t)
			if err != nil {
				return fmt.Errorf("appender %s: %w", t, err)
			}
		}
		return nil
	})
}
