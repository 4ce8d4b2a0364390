-- notable_cases: one row per critical or high case of quarter $3 (cohort $2),
-- excluded cases left out, most severe and earliest first: case fields, a
-- JSON object of hours per metric the case counts in, and total, how many
-- such cases the quarter has. At most $4 rows.
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort; $3 quarter; $4 row limit.
WITH n AS (
    SELECT c.case_id, c.source, coalesce(c.title, '') AS title, c.severity,
           coalesce(c.category, '') AS category, c.status, coalesce(c.root_cause_category, '') AS root_cause,
           coalesce(c.detected_at, c.compromise_at) AS detected_at,
           count(*) OVER () AS total
    FROM cohort_cases($2::VARCHAR) c
    WHERE c.quarter = $3::VARCHAR AND NOT c.excluded AND c.severity IN ('critical', 'high')
    ORDER BY severity_rank(c.severity), detected_at, c.case_id, c.source
    LIMIT $4::BIGINT
), h AS (
    SELECT o.source, o.case_id, json_group_object(o.metric, o.hours)::VARCHAR AS hours
    FROM metric_observations($1::VARCHAR, $2::VARCHAR) o
    SEMI JOIN n ON n.source = o.source AND n.case_id = o.case_id
    WHERE o.hours IS NOT NULL AND o.quarter = $3::VARCHAR
    GROUP BY o.source, o.case_id
)
SELECT n.case_id, n.source, n.title, n.severity, n.category, n.status, n.root_cause, n.detected_at,
       coalesce(h.hours, '{}') AS hours, n.total
FROM n LEFT JOIN h ON h.source = n.source AND h.case_id = n.case_id
ORDER BY severity_rank(n.severity), n.detected_at, n.case_id, n.source;
