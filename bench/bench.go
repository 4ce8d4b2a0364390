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

//go:embed bareload.sql
var bareLoadSQL string

// LoadBare loads the canonical JSONL file at path into db the way a user
// would with DuckDB alone (bareload.sql: read_json with an explicit schema,
// then CREATE TABLE … AS SELECT with unnest for the child lists), in one
// transaction, and returns the number of cases. It validates, digests and
// merges nothing: the floor for loading this data with DuckDB.
func LoadBare(ctx context.Context, db *pirsql.DB, path string) (int64, error) {
	q := strings.NewReplacer("{{path}}", quote(path)).Replace(bareLoadSQL)
	if err := inTx(ctx, db, q); err != nil {
		return 0, fmt.Errorf("bare load %s: %w", path, err)
	}
	n, err := pirsql.RowCount(ctx, db, "bare", "cases")
	if err != nil {
		return 0, fmt.Errorf("bare load: count: %w", err)
	}
	return n, nil
}

// LoadReadJSON loads the canonical JSONL file at path into db's store tables
// with readjson.sql in one transaction, and returns the number of cases.
// Like `pir ingest` it also digests the file for provenance.
func LoadReadJSON(ctx context.Context, db *pirsql.DB, path string) (int64, error) {
	sum, err := fileSHA256(path)
	if err != nil {
		return 0, fmt.Errorf("baseline %s: %w", path, err)
	}
	q := strings.NewReplacer("{{path}}", quote(path), "{{sha256}}", quote(sum)).Replace(readJSONSQL)
	if err := inTx(ctx, db, q); err != nil {
		return 0, fmt.Errorf("baseline %s: %w", path, err)
	}
	n, err := pirsql.StoredCases(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("baseline: count: %w", err)
	}
	return n, nil
}

// inTx runs the statements q in one transaction on one connection.
func inTx(ctx context.Context, db *pirsql.DB, q string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
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
