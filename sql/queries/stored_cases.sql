-- stored_cases: one row, the number of cases in the store (every source,
-- excluded cases too). No parameters. (One aggregate row: no ORDER BY.)
SELECT count(*) AS cases
FROM store.cases;
