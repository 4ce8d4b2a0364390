-- root_causes: one row per quarter and root-cause category: cases, share of
-- the quarter's cases with a root cause, mean 5-Whys depth, recurrences
-- (root_cause_stats in 0003). $1 cohort; $2 first and $3 last quarter.
SELECT quarter, category, cases, share, mean_whys, recurrences
FROM root_cause_stats($1::VARCHAR)
WHERE quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
ORDER BY quarter, cases DESC, category;
