// Package bench holds pir's performance harness: the baseline that `make
// bench` compares `pir ingest` with (DuckDB's own JSON reader loading the
// same file into the same tables, through the same driver), and Go
// benchmarks. scripts/bench.sh runs the whole-process measurements and
// writes RESULTS.md.
package bench

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	pirsql "github.com/pirhq/pir/sql"
)

//go:embed readjson.sql
var readJSONSQL string

// LoadReadJSON loads the canonical JSONL file at path into db's store tables
// with readjson.sql in one transaction, and returns the number of cases.
// Like `pir ingest` it also digests the file for provenance.
func LoadReadJSON(ctx context.Context, db *pirsql.DB, path string) (int64, error) {
	sum, err := fileSHA256(path)
	if err != nil {
		return 0, fmt.Errorf("baseline %s: %w", path, err)
	}
	q := strings.NewReplacer("{{path}}", quote(path), "{{sha256}}", quote(sum)).Replace(readJSONSQL)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("baseline: begin: %w", err)
	}
	defer tx.Rollback() // after Commit: a no-op
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return 0, fmt.Errorf("baseline %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("baseline: commit: %w", err)
	}
	n, err := pirsql.StoredCases(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("baseline: count: %w", err)
	}
	return n, nil
}

// quote makes a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
