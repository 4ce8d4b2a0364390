-- metric_median_ci: one row per quarter and metric with at least one
-- counted duration: the distribution-free 95 % confidence interval of the
-- median in hours (NULL below 6 counted cases).
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort; $3 first and $4 last quarter, inclusive.
SELECT quarter, metric, median_ci_low_hours, median_ci_high_hours
FROM metric_median_ci($1::VARCHAR, $2::VARCHAR)
WHERE quarter BETWEEN $3::VARCHAR AND $4::VARCHAR
ORDER BY quarter, metric;
