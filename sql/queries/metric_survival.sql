-- metric_survival: one row per quarter and metric with at least one case
-- that has the start milestone and either the end milestone (an event) or
-- is still open (censored at the snapshot): n, events, censored, the
-- Kaplan–Meier median and 90th percentile in hours, whether each was
-- reached (else the value is the longest follow-up, a lower bound), and the
-- snapshot instant (setting as_of, else the newest ingest time).
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort; $3 first and $4 last quarter, inclusive.
SELECT quarter, metric, n, events, censored, km_median_hours, km_p90_hours,
       median_reached, p90_reached, survival_snapshot() AS snapshot
FROM metric_survival($1::VARCHAR, $2::VARCHAR, survival_snapshot())
WHERE quarter BETWEEN $3::VARCHAR AND $4::VARCHAR
ORDER BY quarter, metric;
