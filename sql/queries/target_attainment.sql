-- target_attainment: one row per quarter and severity target with cases:
-- severity, metric, target hours and the config text (within), counted
-- cases, how many within the target, their share (target_attainment_of).
-- $1 metric definitions (JSON); $2 cohort; $3 first and $4 last quarter.
SELECT a.quarter, a.severity, a.metric, t.within, a.target_hours, a.n, a.within_target, a.share
FROM target_attainment_of($1::VARCHAR, $2::VARCHAR) a
JOIN severity_targets t ON t.severity = a.severity AND t.metric = a.metric
WHERE a.quarter BETWEEN $3::VARCHAR AND $4::VARCHAR
ORDER BY a.quarter, severity_rank(a.severity), a.metric;
