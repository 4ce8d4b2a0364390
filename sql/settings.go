package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed" // the settings queries are embedded files
	"time"
)

//go:embed queries/settings.sql
var settingsSQL string

// Settings runs queries/settings.sql: the session's settings by key, as
// the views read them with setting('key') (a NULL value as "").
func Settings(ctx context.Context, q Querier) (map[string]string, error) {
	type kv struct {
		k string
		v stdsql.NullString
	}
	rows, err := queryRows(ctx, q, "settings", settingsSQL, nil, func(s scanner, r *kv) error { return s.Scan(&r.k, &r.v) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.k] = r.v.String
	}
	return out, nil
}

//go:embed queries/data_freshness.sql
var dataFreshnessSQL string

// FreshnessRow says how fresh the database is: its case count, the newest
// detection and its case, and the most recently ingested file (times nil
// when there is none).
type FreshnessRow struct {
	Cases          int
	NewestDetected *time.Time
	NewestCase     string
	NewestFile     string
	NewestIngested *time.Time
}

// DataFreshness runs queries/data_freshness.sql.
func DataFreshness(ctx context.Context, q Querier) (FreshnessRow, error) {
	rows, err := queryRows(ctx, q, "data_freshness", dataFreshnessSQL, nil, func(s scanner, r *FreshnessRow) error {
		return s.Scan(&r.Cases, &r.NewestDetected, &r.NewestCase, &r.NewestFile, &r.NewestIngested)
	})
	if err != nil || len(rows) == 0 {
		return FreshnessRow{}, err
	}
	return rows[0], nil
}
