-- ingest_latest: materialises temp.stage_latest, one row per (source,
-- case_id) staged by the run: the key's last staged record (seq, digest,
-- full) and how it stands to the store: prior (stored before the run),
-- fresh (written straight to the store by this run: source_sha256 is still
-- ''), same (the stored digest equals the staged one). No parameters.
CREATE OR REPLACE TEMP TABLE stage_latest AS
SELECT l.seq, l.source, l.case_id, l.content_sha256, l."full",
       coalesce(c.source_sha256 <> '', false) AS prior,
       coalesce(c.source_sha256 = '', false) AS fresh,
       coalesce(c.content_sha256 = l.content_sha256, false) AS same
FROM (SELECT * FROM temp.stage_keys
      QUALIFY row_number() OVER (PARTITION BY source, case_id ORDER BY seq DESC) = 1) l
LEFT JOIN store.cases c ON c.source = l.source AND c.case_id = l.case_id;
