-- metric_stats: one row per quarter and metric that has at least one case in
-- the quarter: n, mean/median/p90/min/max hours of the counted durations and
-- the exclusion counts by reason (metric_summary in 0001).
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort ('detection' or 'closure'); $3 first and $4 last quarter
-- ('2024-Q1'), inclusive.
SELECT quarter, metric, n, mean_hours, median_hours, p90_hours, min_hours, max_hours,
       missing_start, missing_end, out_of_order, excluded_case
FROM metric_summary($1::VARCHAR, $2::VARCHAR)
WHERE quarter BETWEEN $3::VARCHAR AND $4::VARCHAR
ORDER BY quarter, metric;
