-- ingest_stored_digests: one row per stored case: its key and the first 64
-- bits of its content digest, which the loader compares with the cases it
-- reads to write only what is new or changed. No parameters. No ORDER BY:
-- the rows fill a map, and sorting a million of them would cost more than
-- reading them.
SELECT source, case_id, ('0x' || content_sha256[1:16])::UBIGINT AS digest64
FROM store.cases;
