package sql

import (
	"context"
	_ "embed" // the provenance query is an embedded file
	"time"
)

//go:embed queries/ingested_files.sql
var ingestedFilesSQL string

// IngestedFileRow is an input file at its latest ingest, for provenance.
type IngestedFileRow struct {
	Path, SHA256, Format string
	Records              int
	IngestedAt           time.Time
}

// IngestedFiles runs queries/ingested_files.sql.
func IngestedFiles(ctx context.Context, q Querier) ([]IngestedFileRow, error) {
	return queryRows(ctx, q, "ingested_files", ingestedFilesSQL, nil, func(s scanner, r *IngestedFileRow) error {
		return s.Scan(&r.Path, &r.SHA256, &r.Format, &r.Records, &r.IngestedAt)
	})
}
