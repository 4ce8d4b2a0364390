-- ingest_probe: one row per key of probe batch $1 (temp.stage_probe) that
-- the store holds: the key and the first 64 bits of its content digest, as
-- ingest_stored_digests gives them for every stored case. A key of the
-- batch without a row is not stored. Runs inside the ingest transaction.
-- $1 batch. No ORDER BY: the rows fill a map.
SELECT c.source, c.case_id, ('0x' || c.content_sha256[1:16])::UBIGINT AS digest64
FROM temp.stage_probe p
JOIN store.cases c ON c.source = p.source AND c.case_id = p.case_id
WHERE p.batch = $1::INTEGER;
