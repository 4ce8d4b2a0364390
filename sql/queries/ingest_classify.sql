-- ingest_classify: one row with the counts of the staged cases that are new
-- (inserted), differ from the stored version (updated), equal it
-- (unchanged), and records that repeated a key within the run (duplicates).
-- Needs temp.stage_latest (ingest_latest.sql). No parameters.
SELECT count(*) FILTER (WHERE NOT existed) AS inserted,
       count(*) FILTER (WHERE existed AND NOT same) AS updated,
       count(*) FILTER (WHERE existed AND same) AS unchanged,
       (SELECT count(*) FROM temp.stage_cases) - count(*) AS duplicates
FROM temp.stage_latest
ORDER BY 1;
