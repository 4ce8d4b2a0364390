-- data_freshness: one row: cases in the database, the newest detection
-- (and its case), the most recently ingested file and when (the
-- data_freshness view). No parameters.
SELECT cases, newest_detected_at, coalesce(newest_case, '') AS newest_case,
       coalesce(newest_file, '') AS newest_file, newest_ingested_at
FROM data_freshness
ORDER BY cases;
