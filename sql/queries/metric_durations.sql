-- metric_durations: one row per counted duration (case, metric) in the
-- given quarters: what the quarter-on-quarter tests compare.
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort; $3 quarters as a JSON array of strings ('["2024-Q1"]').
SELECT quarter, metric, hours
FROM metric_observations($1::VARCHAR, $2::VARCHAR)
WHERE hours IS NOT NULL
  AND list_contains(from_json($3::VARCHAR, '["VARCHAR"]'), quarter)
ORDER BY quarter, metric, hours;
