-- coverage_techniques: one row per quarter and ATT&CK technique seen in the
-- incidents of quarters $2..$3 (cohort $1), excluded cases left out; revoked
-- IDs counted as their replacement (technique_observations_of): name ('' when
-- unknown), tactic shortnames (JSON), parent technique ('' unless a
-- sub-technique), status (active, deprecated, newer, unknown), distinct cases
-- and their case_ref list (JSON), and per case its platforms (JSON object
-- case_ref -> list, an empty list when the case records none).
-- $1 cohort; $2 first and $3 last quarter, inclusive.
SELECT o.quarter, o.technique_id,
       coalesce(any_value(o.name), '') AS name,
       to_json(any_value(o.tactics))::VARCHAR AS tactics,
       coalesce(any_value(o.parent_id), '') AS parent_id,
       CASE WHEN any_value(a.technique_id) IS NULL THEN 'unknown'
            WHEN any_value(a.deprecated) THEN 'deprecated'
            WHEN any_value(a.release) <> (SELECT max(version) FROM attack_release) THEN 'newer'
            ELSE 'active' END AS status,
       count(DISTINCT (o.source, o.case_id)) AS cases,
       to_json(list(DISTINCT case_ref(o.source, o.case_id) ORDER BY case_ref(o.source, o.case_id)))::VARCHAR AS case_ids,
       to_json(map_from_entries(list(DISTINCT {'k': case_ref(o.source, o.case_id), 'v': coalesce(c.platforms, [])})))::VARCHAR AS case_platforms
FROM technique_observations_of($1::VARCHAR) o
LEFT JOIN attack_techniques a ON a.technique_id = o.technique_id
LEFT JOIN cases c ON c.source = o.source AND c.case_id = o.case_id
WHERE NOT o.excluded AND o.quarter BETWEEN $2::VARCHAR AND $3::VARCHAR
GROUP BY o.quarter, o.technique_id
ORDER BY o.quarter, cases DESC, o.technique_id;
