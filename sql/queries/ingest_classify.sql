-- ingest_classify: one row counting the staged keys (temp.stage_latest,
-- ingest_latest.sql): new to the store (inserted), stored before with
-- another digest (updated) or the same (unchanged), written straight to the
-- store earlier in the run (fresh), all keys, and keys staged as unchanged
-- that are not (unverified: must be 0). No parameters.
SELECT count(*) FILTER (WHERE NOT prior AND NOT fresh) AS inserted,
       count(*) FILTER (WHERE prior AND NOT same) AS updated,
       count(*) FILTER (WHERE prior AND same) AS unchanged,
       count(*) FILTER (WHERE fresh) AS fresh,
       count(*) AS keys,
       count(*) FILTER (WHERE NOT "full" AND NOT (prior AND same)) AS unverified
FROM temp.stage_latest
ORDER BY 1;
