-- parent_techniques: one row per parent technique with its sub-techniques
-- rolled up (a case with T1566.001 and T1566.002 counts once for T1566), for
-- the cases of quarters $2..$3 (cohort $1), excluded cases left out: name,
-- tactics (JSON), status of the parent (active, deprecated, newer, unknown),
-- distinct cases and their case_ref list (JSON; the first $4 in
-- order). $1 cohort; $2 first and $3 last quarter,
-- inclusive; $4 how many case IDs to list.
SELECT coalesce(o.parent_id, o.technique_id) AS technique_id,
       any_value(p.name) AS name,
       to_json(coalesce(any_value(p.tactics), []::VARCHAR[]))::VARCHAR AS tactics,
       CASE WHEN any_value(p.technique_id) IS NULL THEN 'unknown'
            WHEN any_value(p.deprecated) THEN 'deprecated'
            WHEN any_value(p.release) <> (SELECT max(version) FROM attack_release) THEN 'newer'
            ELSE 'active' END AS status,
       count(DISTINCT (o.source, o.case_id)) AS cases,
       to_json(list(DISTINCT case_ref(o.source, o.case_id) ORDER BY case_ref(o.source, o.case_id))[1:$4::BIGINT])::VARCHAR AS case_ids
FROM technique_observations_of($1::VARCHAR) o
LEFT JOIN attack_techniques p ON p.technique_id = coalesce(o.parent_id, o.technique_id)
WHERE NOT o.excluded AND o.quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
GROUP BY coalesce(o.parent_id, o.technique_id)
ORDER BY cases DESC, technique_id;
