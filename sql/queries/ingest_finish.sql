-- ingest_finish: gives the cases the run wrote straight to the store (their
-- source_sha256 is still '') the digest of their file, records the run's
-- files and rejects, and drops the staging tables. Runs inside the ingest
-- transaction, after ingest_merge. No parameters.
UPDATE store.cases SET source_sha256 = f.sha256
FROM temp.stage_files f
WHERE store.cases.source_sha256 = '' AND store.cases.source_file = f.path;

INSERT INTO store.ingest_files (run_id, path, sha256, format, records, rejects)
SELECT run_id, path, sha256, format, records, rejects FROM temp.stage_files;

INSERT INTO store.rejects (run_id, path, record, field, reason, raw, rejected_at)
SELECT run_id, path, record, field, reason, raw, rejected_at FROM temp.stage_rejects;

DROP TABLE temp.stage_keys;
DROP TABLE temp.stage_cases;
DROP TABLE temp.stage_techniques;
DROP TABLE temp.stage_actions;
DROP TABLE temp.stage_rules;
DROP TABLE temp.stage_playbooks;
DROP TABLE temp.stage_sources;
DROP TABLE temp.stage_veris;
DROP TABLE temp.stage_rejects;
DROP TABLE temp.stage_files;
DROP TABLE temp.stage_probe;
