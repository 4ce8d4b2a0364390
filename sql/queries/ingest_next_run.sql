-- ingest_next_run: one row, the run_id of a new ingest: one more than any
-- run or reject recorded (0 runs: 1). No parameters.
SELECT coalesce(max(run_id), 0) + 1 AS run_id
FROM (SELECT run_id FROM store.ingest_runs UNION ALL SELECT run_id FROM store.rejects)
ORDER BY 1;
