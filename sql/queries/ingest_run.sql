-- ingest_run: records a committed ingest run (one row of store.ingest_runs).
-- Parameters: $1 run_id, $2 started_at, $3 finished_at, $4 files,
-- $5 inserted, $6 updated, $7 unchanged, $8 rejected.
INSERT INTO store.ingest_runs (run_id, started_at, finished_at, files, inserted, updated, unchanged, rejected)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
