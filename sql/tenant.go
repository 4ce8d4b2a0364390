package sql

import (
	"context"
	_ "embed" // the tenant query is an embedded file
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// CopyTenant writes a new database file dst that holds one tenant's cases
// and nothing of any other tenant, for a report that a client receives
// (pir run's [[report]] tenant = "…"). It returns the number of cases
// copied.
//
// Isolation is by construction, not by filtering every query: a report
// built on dst cannot show another tenant's case ids, titles, owners,
// techniques or counts because its file does not hold them. dst gets the
// full schema (the same migrations as db) and:
//   - store.cases: the rows whose tenant is tenant;
//   - every other store table with source and case_id columns: the rows of
//     those cases (today: techniques, action items, detection rules,
//     milestone sources, playbook updates, VERIS timelines);
//   - the input provenance rewritten from the copied cases alone: one
//     ingest_files row per source file they came from, counting only their
//     records (a shared export's total would tell how many cases the other
//     tenants have), under one ingest run;
//   - the settings and metric definitions stored in db (no case data).
//
// Every other store table stays empty: rejected records (which name no
// tenant reliably), the mail log, and any table a later migration adds
// until it is listed here, so a new table never leaks by default.
func (db *DB) CopyTenant(ctx context.Context, dst, tenant string) (int, error) {
	if tenant == "" {
		return 0, errors.New("copy tenant: empty tenant")
	}
	if _, err := os.Stat(dst); err == nil {
		return 0, fmt.Errorf("copy tenant %s: %s exists", tenant, dst)
	}
	t, err := Open(ctx, dst, Options{TimeZone: db.TimeZone})
	if err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	if err := t.Close(); err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	defer c.Close()
	var src string
	if err := c.QueryRowContext(ctx, `SELECT current_database()`).Scan(&src); err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	const to = "pir_tenant_copy"
	if _, err := c.ExecContext(ctx, "ATTACH '"+strings.ReplaceAll(dst, "'", "''")+"' AS "+to); err != nil {
		return 0, fmt.Errorf("copy tenant %s: attach %s: %w", tenant, dst, err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "DETACH "+to)

	// The stored tables of this file, by schema.table, with their columns.
	rows, err := c.QueryContext(ctx, `SELECT table_schema || '.' || table_name, list(column_name ORDER BY ordinal_position)::VARCHAR[]
		FROM information_schema.columns WHERE table_catalog = ? AND table_schema IN ('main', 'store')
		GROUP BY ALL ORDER BY 1`, src)
	if err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	tables := map[string][]string{}
	var names []string
	for rows.Next() {
		var name string
		var cols []any
		if err := rows.Scan(&name, &cols); err != nil {
			rows.Close()
			return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
		}
		for _, col := range cols {
			tables[name] = append(tables[name], fmt.Sprint(col))
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}

	from := func(table string) string { return ident(src) + "." + table }
	into := func(table string) string { return to + "." + table }
	keys := `(SELECT source, case_id FROM ` + from("store.cases") + ` WHERE tenant = $1)`
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO ` + into("store.cases") + ` BY NAME SELECT * FROM ` + from("store.cases") + ` WHERE tenant = $1`, []any{tenant}},
		{`INSERT INTO ` + into("store.ingest_runs") + ` BY NAME
			SELECT 1 AS run_id, min(ingested_at) AS started_at, max(ingested_at) AS finished_at,
			       count(DISTINCT source_file) AS files, count(*) AS inserted, 0 AS updated, 0 AS unchanged, 0 AS rejected
			FROM ` + from("store.cases") + ` WHERE tenant = $1 HAVING count(*) > 0`, []any{tenant}},
		{`INSERT INTO ` + into("store.ingest_files") + ` BY NAME
			SELECT 1 AS run_id, source_file AS path, any_value(source_sha256) AS sha256, any_value(source_format) AS format,
			       count(*) AS records, 0 AS rejects
			FROM ` + from("store.cases") + ` WHERE tenant = $1 GROUP BY source_file`, []any{tenant}},
		{`DELETE FROM ` + into("main.pir_settings"), nil},
		{`INSERT INTO ` + into("main.pir_settings") + ` BY NAME SELECT * FROM ` + from("main.pir_settings"), nil},
		{`DELETE FROM ` + into("main.metric_definitions"), nil},
		{`INSERT INTO ` + into("main.metric_definitions") + ` BY NAME SELECT * FROM ` + from("main.metric_definitions"), nil},
	}
	for _, name := range names {
		schema, table, _ := strings.Cut(name, ".")
		cols := tables[name]
		if schema != "store" || table == "cases" || !slices.Contains(cols, "source") || !slices.Contains(cols, "case_id") {
			continue
		}
		stmts = append(stmts, struct {
			sql  string
			args []any
		}{`INSERT INTO ` + into("store."+ident(table)) + ` BY NAME SELECT x.* FROM ` + from("store."+ident(table)) + ` x
			WHERE (x.source, x.case_id) IN ` + keys, []any{tenant}})
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	for _, st := range stmts {
		if _, err := c.ExecContext(ctx, st.sql, st.args...); err != nil {
			c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
		}
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM `+into("store.cases")).Scan(&n); err != nil {
		return 0, fmt.Errorf("copy tenant %s: %w", tenant, err)
	}
	return n, nil
}

//go:embed queries/tenant_cases.sql
var tenantCasesSQL string

// TenantCasesRow counts one tenant's cases in a quarter; Tenant is nil for
// the cases without a tenant.
type TenantCasesRow struct {
	Tenant *string
	Cases  int
}

// TenantCases runs queries/tenant_cases.sql: the quarter's cases per
// tenant, those without one first.
func TenantCases(ctx context.Context, q Querier, cohort, quarter string) ([]TenantCasesRow, error) {
	return queryRows(ctx, q, "tenant_cases", tenantCasesSQL, []any{cohort, quarter}, func(s scanner, r *TenantCasesRow) error {
		return s.Scan(&r.Tenant, &r.Cases)
	})
}
