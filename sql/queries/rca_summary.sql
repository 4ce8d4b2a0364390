-- rca_summary: one row per quarter $2..$3 with a case counted in metrics
-- (cohort $1) and per rca_findings finding (shallow, ends-at-person,
-- blame-language): the distinct cases with that finding (0 when none), the
-- quarter's cases with a root cause (category or summary), and the case
-- references of the finding (the first $4 in order), and min_whys, the
-- depth below which a chain is shallow (setting('rca_min_whys')).
-- $1 cohort; $2 first quarter; $3 last quarter; $4 how many case IDs.
WITH c AS (
    SELECT quarter, source, case_id,
           root_cause_category IS NOT NULL OR root_cause_summary IS NOT NULL AS has_root_cause
    FROM cohort_cases($1::VARCHAR)
    WHERE NOT excluded AND quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
), q AS (
    SELECT quarter, count(*) FILTER (WHERE has_root_cause) AS root_causes FROM c GROUP BY quarter
), k AS (
    SELECT * FROM (VALUES (1, 'shallow'), (2, 'ends-at-person'), (3, 'blame-language')) t(position, finding)
), f AS (
    SELECT c.quarter, f.finding, count(DISTINCT (c.source, c.case_id)) AS cases,
           to_json(list(DISTINCT case_ref(c.source, c.case_id) ORDER BY case_ref(c.source, c.case_id))[1:$4::BIGINT])::VARCHAR AS case_ids
    FROM c JOIN rca_findings f USING (source, case_id)
    GROUP BY c.quarter, f.finding
)
SELECT q.quarter, k.finding, coalesce(f.cases, 0) AS cases, q.root_causes, coalesce(f.case_ids, '[]') AS case_ids,
       coalesce(TRY_CAST(setting('rca_min_whys') AS INTEGER), 3) AS min_whys
FROM q CROSS JOIN k LEFT JOIN f ON f.quarter = q.quarter AND f.finding = k.finding
ORDER BY q.quarter, k.position;
