-- ingest_stored_cases: one row, the number of cases in the store (0: a
-- first load, every case of which is new). No parameters.
SELECT count(*) AS cases FROM store.cases ORDER BY 1;
