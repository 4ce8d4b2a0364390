-- ingested_files: one row per input file (its latest ingest), by path:
-- path, sha256, format, records and the time of the ingest. No parameters.
SELECT path, sha256, format, records, ingested_at
FROM ingested_files
ORDER BY path;
