package sql

import (
	"context"
	stdsql "database/sql"
	_ "embed" // the settings query is an embedded file
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
