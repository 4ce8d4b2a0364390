-- benchmark_team: one row per counted duration of the metrics named dwell
-- and contain, with the calendar year of its cohort quarter: the team's
-- side of pir benchmark.
-- $1 metric definitions as a JSON array of {metric, start, end}; $2 cohort.
SELECT CAST(left(quarter, 4) AS INTEGER) AS year, metric, hours
FROM metric_observations($1::VARCHAR, $2::VARCHAR)
WHERE hours IS NOT NULL AND metric IN ('dwell', 'contain')
ORDER BY year, metric, hours;
