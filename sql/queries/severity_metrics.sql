-- severity_metrics: one row per severity and metric of one quarter with a
-- counted case: n, median and p90 hours, and the severity's target for the
-- metric (NULL without one) with how many cases met it.
-- $1 metric definitions (JSON); $2 cohort; $3 quarter.
SELECT s.severity, s.metric, s.n, s.median_hours, s.p90_hours,
       t.within, t.target_hours, a.within_target, a.share
FROM severity_metric_stats_of($1::VARCHAR, $2::VARCHAR) s
LEFT JOIN severity_targets t ON t.severity = s.severity AND t.metric = s.metric
LEFT JOIN target_attainment_of($1::VARCHAR, $2::VARCHAR) a
       ON a.quarter = s.quarter AND a.severity = s.severity AND a.metric = s.metric
WHERE s.quarter = $3::VARCHAR
ORDER BY severity_rank(s.severity), s.severity, s.metric;
