-- data_quality: one row per data-quality finding (kind and detail) with the
-- number of distinct cases and their case_ref list (JSON): findings for the
-- cases of quarter $3 (cohort $1), plus future_timestamp and before_1990
-- for every case in the database (a mistyped year moves a case out of every
-- quarter). $1 cohort; $2 "now" instant (RFC 3339); $3 quarter.
SELECT kind, detail, count(DISTINCT (source, case_id)) AS cases,
       to_json(list(DISTINCT case_ref(source, case_id) ORDER BY case_ref(source, case_id)))::VARCHAR AS case_ids
FROM data_quality_issues_of($1::VARCHAR, $2::TIMESTAMPTZ)
WHERE quarter = $3::VARCHAR OR kind IN ('future_timestamp', 'before_1990')
GROUP BY kind, detail
ORDER BY list_position(['out_of_order', 'future_timestamp', 'before_1990', 'unknown_technique',
                        'newer_technique', 'revoked_technique', 'deprecated_technique',
                        'missing_root_cause', 'excluded'], kind),
         cases DESC, detail;
