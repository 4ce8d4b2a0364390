-- notable_cases: one row per critical or high case of quarter $3 (cohort
-- $2), excluded cases left out, most severe and earliest first: case fields
-- and a JSON object of hours per metric the case counts in.
-- $1 metric definitions as a JSON array of {metric, start, end};
-- $2 cohort; $3 quarter.
WITH h AS (
    SELECT source, case_id, json_group_object(metric, hours)::VARCHAR AS hours
    FROM metric_observations($1::VARCHAR, $2::VARCHAR)
    WHERE hours IS NOT NULL AND quarter = $3::VARCHAR
    GROUP BY source, case_id
)
SELECT c.case_id, c.source, coalesce(c.title, '') AS title, c.severity,
       coalesce(c.category, '') AS category, c.status, coalesce(c.root_cause_category, '') AS root_cause,
       coalesce(c.detected_at, c.compromise_at) AS detected_at, coalesce(h.hours, '{}') AS hours
FROM cohort_cases($2::VARCHAR) c
LEFT JOIN h ON h.source = c.source AND h.case_id = c.case_id
WHERE c.quarter = $3::VARCHAR AND NOT c.excluded AND c.severity IN ('critical', 'high')
ORDER BY severity_rank(c.severity), detected_at, c.case_id, c.source;
