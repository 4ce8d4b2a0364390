-- case_volume: one row per quarter, dimension ('all', 'category', 'severity',
-- 'excluded') and key, with the number of cases (excluded cases included).
-- $1 cohort; $2 first and $3 last quarter, inclusive.
SELECT quarter, dimension, key, cases
FROM case_volume_of($1::VARCHAR)
WHERE quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
ORDER BY quarter, dimension,
         CASE WHEN dimension = 'severity' THEN severity_rank(key) ELSE 0 END,
         cases DESC, key;
