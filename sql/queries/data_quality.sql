-- data_quality: one row per data-quality finding (kind and detail) with the
-- number of distinct cases, their case_ref list (JSON; the first $4 in
-- order) and kind_cases, the distinct cases
-- with any finding of that kind (a case can have several details of one
-- kind): findings for the cases of quarter $3 (cohort $1), plus
-- future_timestamp and before_1990 for every case in the database (a
-- mistyped year moves a case out of every quarter).
-- $1 cohort; $2 "now" instant (RFC 3339); $3 quarter; $4 how many case IDs
-- to list.
WITH i AS (
    SELECT kind, detail, source, case_id
    FROM data_quality_issues_of($1::VARCHAR, $2::TIMESTAMPTZ)
    WHERE quarter = $3::VARCHAR OR kind IN ('future_timestamp', 'before_1990')
), k AS (
    SELECT kind, count(DISTINCT (source, case_id)) AS kind_cases FROM i GROUP BY kind
)
SELECT i.kind, i.detail, count(DISTINCT (i.source, i.case_id)) AS cases,
       to_json(list(DISTINCT case_ref(i.source, i.case_id) ORDER BY case_ref(i.source, i.case_id))[1:$4::BIGINT])::VARCHAR AS case_ids,
       any_value(k.kind_cases) AS kind_cases
FROM i JOIN k USING (kind)
GROUP BY i.kind, i.detail
ORDER BY list_position(['out_of_order', 'future_timestamp', 'before_1990', 'unknown_technique',
                        'newer_technique', 'revoked_technique', 'deprecated_technique',
                        'missing_root_cause', 'excluded'], i.kind),
         cases DESC, i.detail;
