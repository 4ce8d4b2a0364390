package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed queries/export_relations.sql
var exportRelationsSQL string

// ExportRelationRow is one column of a table or view `pir export` writes.
type ExportRelationRow struct {
	Schema, Name string
	Type         string // "VIEW" or "BASE TABLE"
	Column       string
	DataType     string
	Position     int
}

// ExportRelations runs queries/export_relations.sql: the tables and views
// `pir export` writes, with their columns in declared order.
func ExportRelations(ctx context.Context, q Querier) ([]ExportRelationRow, error) {
	return queryRows(ctx, q, "export_relations", exportRelationsSQL, nil, func(s scanner, r *ExportRelationRow) error {
		return s.Scan(&r.Schema, &r.Name, &r.Type, &r.Column, &r.DataType, &r.Position)
	})
}

// ExportColumn is one column of an exported table.
type ExportColumn struct {
	Name string `json:"name"`
	Type string `json:"type"` // DuckDB type, e.g. TIMESTAMP WITH TIME ZONE, VARCHAR[]
}

// ExportTable is one table or view written as Parquet.
type ExportTable struct {
	// Name is the directory under the export root: the view or table name
	// for schema main ("cases"), "store_" + name for the base tables.
	Name string `json:"name"`
	// Relation is what was read, e.g. "main.cases", "store.cases".
	Relation string `json:"relation"`
	Kind     string `json:"kind"` // "view" or "table"
	// PartitionedBy is "quarter" when the rows are split into
	// quarter=YYYY-Qn/ directories, empty for one file.
	PartitionedBy string `json:"partitioned_by,omitempty"`
	// QuarterFrom says where the partition quarter comes from: "column"
	// (the relation's own quarter column) or "case" (the quarter of the
	// row's case in the cases view).
	QuarterFrom string         `json:"quarter_from,omitempty"`
	Rows        int64          `json:"rows"`
	Partitions  []string       `json:"partitions,omitempty"`
	Columns     []ExportColumn `json:"columns"`
}

// UnknownQuarter is the partition of rows whose case has no quarter (no
// detection and no compromise time).
const UnknownQuarter = "unknown"

// ExportParquet writes every table and view of ExportRelations into dir,
// which must be empty or missing: dir/<name>/quarter=2024-Q1/data_0.parquet
// for relations with a quarter (their own column, or their case's), and
// dir/<name>/data.parquet for the others. It reads one consistent snapshot
// (one transaction); quarters follow the session time zone.
func (db *DB) ExportParquet(ctx context.Context, dir string) ([]ExportTable, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("export %s: directory is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", dir, err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("export: begin: %w", err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")

	cols, err := ExportRelations(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("export: list tables: %w", err)
	}
	byRel := map[string]*ExportTable{}
	var tables []*ExportTable
	for _, c := range cols {
		schema, name, typ := c.Schema, c.Name, c.Type
		rel := schema + "." + name
		t := byRel[rel]
		if t == nil {
			t = &ExportTable{Name: name, Relation: rel, Kind: "table"}
			if schema != "main" {
				t.Name = schema + "_" + name
			}
			if typ == "VIEW" {
				t.Kind = "view"
			}
			byRel[rel] = t
			tables = append(tables, t)
		}
		t.Columns = append(t.Columns, ExportColumn{Name: c.Column, Type: c.DataType})
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Name < tables[j].Name })

	out := make([]ExportTable, 0, len(tables))
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		has := map[string]bool{}
		for _, c := range t.Columns {
			has[c.Name] = true
		}
		schema, name, _ := strings.Cut(t.Relation, ".")
		from := exportIdent(schema) + "." + exportIdent(name)
		target := filepath.Join(abs, t.Name)
		var q string
		switch {
		case has["quarter"]:
			t.PartitionedBy, t.QuarterFrom = "quarter", "column"
			q = fmt.Sprintf(`COPY (SELECT * REPLACE (coalesce(CAST(quarter AS VARCHAR), %s) AS quarter) FROM %s)
				TO %s (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (quarter))`,
				exportLiteral(UnknownQuarter), from, exportLiteral(target))
		case has["case_id"] && has["source"]:
			t.PartitionedBy, t.QuarterFrom = "quarter", "case"
			q = fmt.Sprintf(`COPY (SELECT r.*, coalesce(c.quarter, %s) AS quarter
				FROM %s r LEFT JOIN main.cases c ON c.source = r.source AND c.case_id = r.case_id)
				TO %s (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (quarter))`,
				exportLiteral(UnknownQuarter), from, exportLiteral(target))
		default:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return nil, fmt.Errorf("export %s: %w", t.Name, err)
			}
			q = fmt.Sprintf(`COPY (SELECT * FROM %s) TO %s (FORMAT parquet, COMPRESSION zstd)`,
				from, exportLiteral(filepath.Join(target, "data.parquet")))
		}
		res, err := conn.ExecContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", t.Relation, err)
		}
		if t.Rows, err = res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("export %s: %w", t.Relation, err)
		}
		if t.PartitionedBy != "" {
			if t.Rows == 0 {
				// An empty relation writes no partition, and Spark cannot
				// infer a schema from no file: write one zero-row file with
				// the full schema where rows without a quarter would go.
				if err := writeEmptyPartition(ctx, conn, from, target, t.QuarterFrom == "column"); err != nil {
					return nil, fmt.Errorf("export %s: %w", t.Relation, err)
				}
			}
			ents, err := os.ReadDir(target)
			if err != nil {
				return nil, fmt.Errorf("export %s: %w", t.Name, err)
			}
			for _, e := range ents {
				if v, ok := strings.CutPrefix(e.Name(), "quarter="); ok && e.IsDir() && t.Rows > 0 {
					t.Partitions = append(t.Partitions, v)
				}
			}
			sort.Strings(t.Partitions)
		}
		out = append(out, *t)
	}
	return out, nil
}

// writeEmptyPartition writes target/quarter=unknown/data_0.parquet with no
// rows and the columns a partitioned COPY writes: the relation's, without
// quarter when it is the partition column (Hive keeps it in the path).
func writeEmptyPartition(ctx context.Context, conn *stdsql.Conn, from, target string, ownQuarter bool) error {
	dir := filepath.Join(target, "quarter="+UnknownQuarter)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cols := "*"
	if ownQuarter {
		cols = "* EXCLUDE (quarter)"
	}
	q := fmt.Sprintf(`COPY (SELECT %s FROM %s WHERE false) TO %s (FORMAT parquet, COMPRESSION zstd)`,
		cols, from, exportLiteral(filepath.Join(dir, "data_0.parquet")))
	_, err := conn.ExecContext(ctx, q)
	return err
}

// exportIdent quotes an SQL identifier.
func exportIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// exportLiteral quotes an SQL string literal.
func exportLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
