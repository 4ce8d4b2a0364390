-- review_metrics: one row per metric definition for one case: the case's own
-- duration in hours (end − start when both milestones are present and in
-- order, even for a case excluded from metrics; else NULL), why the case does
-- not count in the metric (NULL when it does), and how it compares with the
-- counted cases of its detection quarter: n, median and p90 hours (the
-- quarter's statistics, this case included when counted, as in
-- quarterly_metrics), how many OTHER counted cases there are, how many took
-- less and more time, slower_than = less / others (the case's percentile
-- rank among the others) and faster_than = more / others (both NULL without
-- others or without a duration).
-- $1 metric definitions (JSON array of {metric, start, end}); $2 source;
-- $3 case id.
WITH me AS (
    SELECT quarter, metric, exclusion,
           CASE WHEN end_at >= start_at
                THEN epoch(end_at) / 3600.0 - epoch(start_at) / 3600.0 END AS case_hours
    FROM metric_observations($1::VARCHAR, 'detection')
    WHERE source = $2::VARCHAR AND case_id = $3::VARCHAR
), others AS (
    SELECT o.metric, o.hours
    FROM metric_observations($1::VARCHAR, 'detection') o
    WHERE o.hours IS NOT NULL
      AND o.quarter = (SELECT any_value(quarter) FROM me)
      AND NOT (o.source = $2::VARCHAR AND o.case_id = $3::VARCHAR)
), s AS (
    SELECT metric, n, median_hours, p90_hours
    FROM metric_summary($1::VARCHAR, 'detection')
    WHERE quarter = (SELECT any_value(quarter) FROM me)
)
SELECT me.metric, me.case_hours, me.exclusion,
       coalesce(any_value(s.n), 0) AS n,
       any_value(s.median_hours) AS median_hours,
       any_value(s.p90_hours) AS p90_hours,
       count(o.hours) AS others,
       count(o.hours) FILTER (WHERE o.hours < me.case_hours) AS shorter,
       count(o.hours) FILTER (WHERE o.hours > me.case_hours) AS longer,
       count(o.hours) FILTER (WHERE o.hours < me.case_hours) / nullif(count(o.hours), 0)
           * CASE WHEN me.case_hours IS NULL THEN NULL ELSE 1 END AS slower_than,
       count(o.hours) FILTER (WHERE o.hours > me.case_hours) / nullif(count(o.hours), 0)
           * CASE WHEN me.case_hours IS NULL THEN NULL ELSE 1 END AS faster_than
FROM me
LEFT JOIN s ON s.metric = me.metric
LEFT JOIN others o ON o.metric = me.metric
GROUP BY me.metric, me.case_hours, me.exclusion
ORDER BY me.metric;
