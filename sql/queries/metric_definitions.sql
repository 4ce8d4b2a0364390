-- metric_definitions: one row per default metric definition (the
-- metric_definitions table), in display order: metric, label,
-- start_milestone, end_milestone. No parameters.
SELECT metric, label, start_milestone, end_milestone
FROM metric_definitions
ORDER BY position, metric;
