-- ingest_latest: materialises temp.stage_latest, the last staged version of
-- each (source, case_id) with whether it existed and is unchanged. No
-- parameters.
CREATE OR REPLACE TEMP TABLE stage_latest AS
SELECT l.*, (c.case_id IS NOT NULL) AS existed, (c.content_sha256 = l.content_sha256) AS same
FROM (SELECT * FROM temp.stage_cases
      QUALIFY row_number() OVER (PARTITION BY source, case_id ORDER BY seq DESC) = 1) l
LEFT JOIN store.cases c ON c.source = l.source AND c.case_id = l.case_id;
